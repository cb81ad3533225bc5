// A walk's progress, kept on the nodes themselves (DESIGN 3.5): annotations under
// kubectl-prod.io/ say which walk a node belongs to, its step, whether the walk cordoned it, and
// when. Each step is one merge patch, and cordoning is the same patch as recording it, so a walk
// killed at any moment leaves a node whose annotations say what was done to it: a resumed walk
// never drains a node marked drained and never uncordons a node it did not cordon.
import type {Kube} from './client.js'
import type {Node} from '../model/k8s.js'
import {patchMerge} from './patch.js'

export const WALK_ANNOTATIONS = {
  walk: 'kubectl-prod.io/walk',
  step: 'kubectl-prod.io/walk-step',
  cordonedByWalk: 'kubectl-prod.io/walk-cordoned',
  target: 'kubectl-prod.io/walk-target',
  startedAt: 'kubectl-prod.io/walk-started-at',
  updatedAt: 'kubectl-prod.io/walk-updated-at',
  error: 'kubectl-prod.io/walk-error',
} as const

export const WALK_STEPS = ['cordoned', 'draining', 'drained', 'handed-over', 'ready', 'done'] as const
export type WalkStep = (typeof WALK_STEPS)[number]

/** One node's place in a walk. */
export interface NodeWalkRecord {
  walk: string
  step: WalkStep
  /** The walk cordoned the node (false: it was cordoned before, and stays so). */
  cordonedByWalk: boolean
  target: string
  /** RFC 3339: when the walk started on this node, and the last step. */
  startedAt: string
  updatedAt: string
  /** Why the walk stopped at this node (a hook that failed), until the next step clears it. */
  error?: string
}

/** The record a node's annotations hold; undefined when they hold none (or a broken one). */
export function decodeWalkRecord(annotations: Record<string, string> | undefined): NodeWalkRecord | undefined {
  const a = annotations ?? {}
  const walk = a[WALK_ANNOTATIONS.walk]
  const step = a[WALK_ANNOTATIONS.step] as WalkStep | undefined
  if (!walk || !step || !WALK_STEPS.includes(step)) return undefined
  return {
    walk, step,
    cordonedByWalk: a[WALK_ANNOTATIONS.cordonedByWalk] === 'true',
    target: a[WALK_ANNOTATIONS.target] ?? '',
    startedAt: a[WALK_ANNOTATIONS.startedAt] ?? '',
    updatedAt: a[WALK_ANNOTATIONS.updatedAt] ?? '',
    ...(a[WALK_ANNOTATIONS.error] ? {error: a[WALK_ANNOTATIONS.error]} : {}),
  }
}

/** The annotations of a record, as a merge patch (an absent error is removed). */
export function encodeWalkRecord(r: NodeWalkRecord): Record<string, string | null> {
  return {
    [WALK_ANNOTATIONS.walk]: r.walk,
    [WALK_ANNOTATIONS.step]: r.step,
    [WALK_ANNOTATIONS.cordonedByWalk]: String(r.cordonedByWalk),
    [WALK_ANNOTATIONS.target]: r.target,
    [WALK_ANNOTATIONS.startedAt]: r.startedAt,
    [WALK_ANNOTATIONS.updatedAt]: r.updatedAt,
    [WALK_ANNOTATIONS.error]: r.error ?? null,
  }
}

/** Writes the record, and with `unschedulable` cordons (true) or uncordons (false) the node in the same patch. */
export function writeWalkRecord(kube: Kube, node: string, record: NodeWalkRecord, o: {unschedulable?: boolean} = {}): Promise<Node> {
  return patchMerge<Node>(kube, `/api/v1/nodes/${encodeURIComponent(node)}`, {
    metadata: {annotations: encodeWalkRecord(record)},
    ...(o.unschedulable === undefined ? {} : {spec: {unschedulable: o.unschedulable ? true : null}}),
  } as never, {fieldManager: 'kubectl-prod'})
}
