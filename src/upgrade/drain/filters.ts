// Which of a node's pods a drain evicts, kubectl's way (kubernetes/kubectl pkg/drain/filters.go,
// makeFilters: skipDeleted, daemonSet, mirrorPod, localStorage, unreplicated, in that order; the
// first filter that says "do not delete" wins). Every pod is kept with what was decided about it,
// as kubectl's PodDeleteList does. Any refusal stops the drain of the node before a single pod
// is evicted. The pod predicates are upgrade-plan's (../drain-pods.ts).
import type {Pod} from '../../model/k8s.js'
import {controllerRef, emptyDirVolumes, isDaemonSetPod, isFinishedPod, isMirrorPod} from '../drain-pods.js'
import type {PodKey} from './types.js'

export type PodDecision =
  /** Evicted through the Eviction API. */
  | 'evict'
  /** Succeeded or Failed: deleted (nothing is lost, no PDB is asked). */
  | 'delete-finished'
  | 'skip-daemonset' | 'skip-mirror' | 'skip-deleted'
  | 'refuse-unmanaged' | 'refuse-local-storage'

export interface ClassifiedPod {
  pod: Pod
  decision: PodDecision
  /** One line: why (the override flag named for refusals, as kubectl's messages do). */
  reason: string
}

export interface FilterOptions {
  force: boolean
  deleteEmptyDirData: boolean
  /** Pods whose deletionTimestamp is older than this are left alone (kubectl's --skip-wait-for-delete-timeout); 0 or undefined: never. */
  skipWaitForDeleteTimeoutMs?: number
}

export function drainPodKey(pod: Pod): PodKey {
  return {namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name ?? '', ...(pod.metadata.uid ? {uid: pod.metadata.uid} : {})}
}

export function podLabel(pod: Pod | PodKey): string {
  return 'metadata' in pod ? `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''}` : `${pod.namespace}/${pod.name}`
}

/** One pod through kubectl's filter chain. */
export function classifyPod(pod: Pod, o: FilterOptions, now: Date): ClassifiedPod {
  const deleting = pod.metadata.deletionTimestamp
  if (deleting && o.skipWaitForDeleteTimeoutMs && now.getTime() - Date.parse(deleting) > o.skipWaitForDeleteTimeoutMs) {
    return {pod, decision: 'skip-deleted', reason: `being deleted since ${deleting}, longer than --skip-wait-for-delete-timeout`}
  }
  const finished = isFinishedPod(pod)
  if (isDaemonSetPod(pod) && !finished) return {pod, decision: 'skip-daemonset', reason: 'managed by a DaemonSet (it runs on every node)'}
  if (isMirrorPod(pod)) return {pod, decision: 'skip-mirror', reason: 'a static pod\'s mirror (the kubelet runs it from a file)'}
  if (finished) return {pod, decision: 'delete-finished', reason: `${pod.status?.phase}: deleted, nothing is lost`}
  const local = emptyDirVolumes(pod)
  if (local.length && !o.deleteEmptyDirData) {
    return {pod, decision: 'refuse-local-storage', reason: `has emptyDir data (${local.join(', ')}) that eviction deletes (use --delete-emptydir-data to override)`}
  }
  if (!controllerRef(pod) && !o.force) {
    return {pod, decision: 'refuse-unmanaged', reason: 'declares no controller, so nothing recreates it (use --force to override)'}
  }
  return {pod, decision: 'evict', reason: !controllerRef(pod) ? 'declares no controller: it is gone for good (--force)' : local.length ? `its emptyDir data (${local.join(', ')}) is lost (--delete-emptydir-data)` : ''}
}

export function classifyPods(pods: Pod[], o: FilterOptions, now: Date): ClassifiedPod[] {
  return pods.map(p => classifyPod(p, o, now))
}

export const isRefusal = (c: ClassifiedPod) => c.decision === 'refuse-unmanaged' || c.decision === 'refuse-local-storage'
