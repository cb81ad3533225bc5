// The pods bound to one node, listed and then watched (spec.nodeName field selector), for the
// drain: which of the pods it evicted are still there, told by UID as events arrive.
import type {Kube} from './client.js'
import type {Pod} from '../model/k8s.js'
import {listAll} from './list.js'
import {listAndWatch, type ListWatchEvent} from './watch.js'

const nodeSelector = (node: string) => `spec.nodeName=${node}`

/** Every pod bound to the node (all namespaces), optionally narrowed by a label selector. */
export function listNodePods(kube: Kube, node: string, o: {labelSelector?: string; signal?: AbortSignal} = {}): Promise<Pod[]> {
  return listAll<Pod>(kube, '/api/v1/pods', {fieldSelector: nodeSelector(node), labelSelector: o.labelSelector, signal: o.signal, skipManagedFields: true})
}

/** The node's pods as a SYNC, then their changes; relists after an expired resourceVersion. Ends when the signal aborts. */
export function watchNodePods(kube: Kube, node: string, signal: AbortSignal): AsyncGenerator<ListWatchEvent<Pod>, void, undefined> {
  return listAndWatch<Pod>(kube, '/api/v1/pods', {fieldSelector: nodeSelector(node), signal, timeoutSeconds: 120})
}

/** Pods of a namespace matching a label selector (a PDB's, a workload's). */
export function listPodsMatching(kube: Kube, namespace: string, labelSelector: string, signal?: AbortSignal): Promise<Pod[]> {
  return listAll<Pod>(kube, `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, {labelSelector, signal, skipManagedFields: true})
}
