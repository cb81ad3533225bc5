// The pods bound to one node, listed and then watched (spec.nodeName field selector), for the
// drain: which of the pods it evicted are still there, told by UID as events arrive.
import type {Kube} from './client.js'
import type {Pod} from '../model/k8s.js'
import {ClusterError} from '../model/errors.js'
import {listAll} from './list.js'
import {listAndWatch, type ListWatchEvent} from './watch.js'

const nodeSelector = (node: string) => `spec.nodeName=${node}`

// How long to wait before listing again after the API server could not be reached: doubling up to the cap.
const RELIST_FIRST_MS = 500
const RELIST_MAX_MS = 5000

/**
 * Whether a failure may go away by itself (the API server restarting, overloaded, or a connection
 * cut): worth trying again after a pause. Refusals (403, 404, 409, 422) and certificate
 * problems are not.
 */
export function isTransientFailure(err: unknown): boolean {
  if (!(err instanceof ClusterError)) return false
  switch (err.kind) {
    case 'unreachable': return !/certificate/i.test(err.message)
    case 'timeout': case 'too-many-requests': return true
    case 'server': return err.status === undefined || (err.status >= 500 && err.status !== 501)
    default: return false
  }
}

/** Every pod bound to the node (all namespaces), optionally narrowed by a label selector. */
export function listNodePods(kube: Kube, node: string, o: {labelSelector?: string; signal?: AbortSignal} = {}): Promise<Pod[]> {
  return listAll<Pod>(kube, '/api/v1/pods', {fieldSelector: nodeSelector(node), labelSelector: o.labelSelector, signal: o.signal, skipManagedFields: true})
}

/**
 * The node's pods as a SYNC, then their changes; relists after an expired resourceVersion, and
 * after the API server could not be reached (a restart): it waits, lists again (a new SYNC) and
 * watches on. Ends when the signal aborts; other failures are thrown.
 */
export async function* watchNodePods(kube: Kube, node: string, signal: AbortSignal): AsyncGenerator<ListWatchEvent<Pod>, void, undefined> {
  let backoff = RELIST_FIRST_MS
  while (!signal.aborted) {
    try {
      for await (const event of listAndWatch<Pod>(kube, '/api/v1/pods', {fieldSelector: nodeSelector(node), signal, timeoutSeconds: 120})) {
        backoff = RELIST_FIRST_MS
        yield event
      }
      return
    } catch (err) {
      if (signal.aborted) return
      if (!isTransientFailure(err)) throw err
    }
    await new Promise<void>(resolve => {
      const timer = setTimeout(done, backoff)
      function done() { clearTimeout(timer); signal.removeEventListener('abort', done); resolve() }
      signal.addEventListener('abort', done, {once: true})
    })
    backoff = Math.min(backoff * 2, RELIST_MAX_MS)
  }
}

/** Pods of a namespace matching a label selector (a PDB's, a workload's). */
export function listPodsMatching(kube: Kube, namespace: string, labelSelector: string, signal?: AbortSignal): Promise<Pod[]> {
  return listAll<Pod>(kube, `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, {labelSelector, signal, skipManagedFields: true})
}
