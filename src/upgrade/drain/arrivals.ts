// Pods that reached the node after the drain listed it. kubectl lists a node's pods once
// (GetPodsForDeletion) and calls the node drained when those are gone; a pod the scheduler
// placed just before the cordon took effect, or one bound by spec.nodeName (which no cordon
// stops), is then left behind. The drain lists again after its evictions and sorts what is new
// with the same filters; this says which pods are new and what to do with them.
import type {Pod} from '../../model/k8s.js'
import {classifyPods, isRefusal, type ClassifiedPod, type FilterOptions} from './filters.js'

export interface Arrivals {
  /** New pods to evict or (finished) to delete. */
  act: ClassifiedPod[]
  /** New pods the filters leave (DaemonSet, mirror, long-terminating). */
  left: ClassifiedPod[]
  /** New pods the filters refuse (no controller, emptyDir data) without the override flag. */
  refused: ClassifiedPod[]
}

/** The pods of `listed` whose UID is not in `seen`, sorted by the drain's filters; `seen` learns them. */
export function sortArrivals(listed: Pod[], seen: Set<string>, o: FilterOptions, now: Date): Arrivals {
  const fresh = listed.filter(p => !seen.has(p.metadata.uid ?? ''))
  for (const p of fresh) seen.add(p.metadata.uid ?? '')
  const classified = classifyPods(fresh, o, now)
  return {
    act: classified.filter(c => c.decision === 'evict' || c.decision === 'delete-finished'),
    left: classified.filter(c => c.decision.startsWith('skip-')),
    refused: classified.filter(isRefusal),
  }
}
