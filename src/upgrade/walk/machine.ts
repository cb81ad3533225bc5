// One node's walk as a pure state machine. The step recorded on the node says what was done;
// nextWalkAction says what comes next, so a walk resumed after a crash at any point takes up
// exactly where the record stands: a node recorded drained is never drained again, and a node
// the record says the walk did not cordon is never uncordoned.
//
//   (none) --cordon--> cordoned --drain--> draining --(drained)--> drained --hand over--> handed-over
//          --Ready at the target (and soaked)--> ready --uncordon, only if the walk cordoned it--> done
import type {NodeWalkRecord, WalkStep} from '../../kube/journal.js'

export type WalkAction = 'cordon' | 'drain' | 'hand-over' | 'wait-ready' | 'uncordon' | 'none'

const NEXT: Record<WalkStep, WalkAction> = {
  cordoned: 'drain',
  // A drain cut short is drained again: it evicts what is left.
  draining: 'drain',
  drained: 'hand-over',
  'handed-over': 'wait-ready',
  ready: 'uncordon',
  done: 'none',
}

/** What to do next to a node, given its record; a record of another walk counts as none. */
export function nextWalkAction(record: NodeWalkRecord | undefined, walkId: string): WalkAction {
  if (!record || record.walk !== walkId) return 'cordon'
  return NEXT[record.step]
}

/** True when a node's record says the walk has begun on it and not finished it. */
export function isInProgress(record: NodeWalkRecord | undefined, walkId: string): boolean {
  return !!record && record.walk === walkId && record.step !== 'done'
}

/** The first record of a node: cordoned, and whether the walk did it (false when it already was). */
export function cordonedRecord(walkId: string, target: string, alreadyCordoned: boolean, now: Date): NodeWalkRecord {
  const time = now.toISOString()
  return {walk: walkId, step: 'cordoned', cordonedByWalk: !alreadyCordoned, target, startedAt: time, updatedAt: time}
}

/** The record moved to a step (clearing any error); the walk and who cordoned stay as they were. */
export function advanceRecord(record: NodeWalkRecord, step: WalkStep, now: Date): NodeWalkRecord {
  const {error: _error, ...rest} = record
  return {...rest, step, updatedAt: now.toISOString()}
}

/** The record kept at its step, saying why the walk stopped there. */
export function failedRecord(record: NodeWalkRecord, error: string, now: Date): NodeWalkRecord {
  return {...record, error, updatedAt: now.toISOString()}
}

/** Whether uncordoning belongs to this walk: only a node it cordoned itself. */
export function shouldUncordon(record: NodeWalkRecord): boolean {
  return record.cordonedByWalk
}

/**
 * A kubelet at the target: "1.37" means any 1.37.x (or newer); "1.37.2" means that patch (or newer).
 * Versions as kubelets write them: v1.37.2, v1.37.2-eks-1234, v1.37.2+k3s1.
 */
export function isAtTarget(kubeletVersion: string | undefined, target: string): boolean {
  const have = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(kubeletVersion?.trim() ?? '')
  const want = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(target.trim())
  if (!have || !want) return false
  for (let i = 1; i <= 3; i++) {
    if (want[i] === undefined) return true
    const h = Number(have[i] ?? 0), w = Number(want[i])
    if (h !== w) return h > w
  }
  return true
}
