// The drain's calls, made patient: a call that fails because the API server cannot be reached
// (restarting, overloaded, a cut connection) is tried again with backoff until it answers or the
// drain runs out of time, instead of failing the drain. Refusals and other errors pass through
// at once. The watch of the node's pods re-establishes itself (src/kube/pods-watch.ts).
import {isTransientFailure} from '../../kube/pods-watch.js'
import type {DrainOps} from './ops.js'

const FIRST_MS = 500
const MAX_MS = 5000

export interface Patience {
  /** Sleeps up to ms; false when the drain should stop waiting (out of time, aborted). */
  pause(ms: number): Promise<boolean>
  /** The API server stopped answering (once per outage), with the first failure. */
  lost(message: string): void
  /** It answers again. */
  regained(): void
}

/** The same operations, each retried while its failure is transient and the drain has time. */
export function patientDrainOps(ops: DrainOps, p: Patience): DrainOps {
  let down = false
  const patiently = async <R>(call: () => Promise<R>): Promise<R> => {
    let wait = FIRST_MS
    for (;;) {
      try {
        const r = await call()
        if (down) { down = false; p.regained() }
        return r
      } catch (err) {
        if (!isTransientFailure(err)) throw err
        if (!down) { down = true; p.lost((err as Error).message) }
        if (!await p.pause(wait)) throw err
        wait = Math.min(wait * 2, MAX_MS)
      }
    }
  }
  return {
    getNode: name => patiently(() => ops.getNode(name)),
    setUnschedulable: (node, value) => patiently(() => ops.setUnschedulable(node, value)),
    listNodePods: (node, labelSelector) => patiently(() => ops.listNodePods(node, labelSelector)),
    watchNodePods: (node, signal) => ops.watchNodePods(node, signal),
    listBudgets: namespaces => patiently(() => ops.listBudgets(namespaces)),
    getBudget: (namespace, name) => patiently(() => ops.getBudget(namespace, name)),
    listPods: (namespace, selector) => patiently(() => ops.listPods(namespace, selector)),
    evict: (pod, o) => patiently(() => ops.evict(pod, o)),
    delete: (pod, o) => patiently(() => ops.delete(pod, o)),
    getWorkload: (kind, namespace, name) => patiently(() => ops.getWorkload(kind, namespace, name)),
  }
}
