// The pods bound to one node, listed and then watched (spec.nodeName field selector), for the
// drain: which of the pods it evicted are still there, told by UID as events arrive.
import type {Kube} from './client.js'
import type {Pod} from '../model/k8s.js'
import {ClusterError} from '../model/errors.js'
import {systemClock, type Clock} from '../model/clock.js'
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
 * after the API server could not be reached (a restart): it waits (500 ms doubling to 5 s, on
 * `o.sleep`), lists again (a new SYNC: what changed meanwhile is in it) and watches on. A
 * connection that drops while the server still answers is reopened by the watch from the last
 * resourceVersion it saw (src/kube/watch.ts). Ends when the signal aborts; other failures are thrown.
 */
export async function* watchNodePods(kube: Kube, node: string, signal: AbortSignal, o: {sleep?: Clock['sleep']} = {}): AsyncGenerator<ListWatchEvent<Pod>, void, undefined> {
  const sleep = o.sleep ?? systemClock.sleep
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
    try { await sleep(backoff, signal) } catch { return }
    backoff = Math.min(backoff * 2, RELIST_MAX_MS)
  }
}

/** Pods of a namespace matching a label selector (a PDB's, a workload's). */
export function listPodsMatching(kube: Kube, namespace: string, labelSelector: string, signal?: AbortSignal): Promise<Pod[]> {
  return listAll<Pod>(kube, `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, {labelSelector, signal, skipManagedFields: true})
}
