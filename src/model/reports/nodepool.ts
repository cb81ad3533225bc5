// Node pools and their walk: contracts (apiVersion kubectl-prod/v1; DESIGN 3.2 and 3.5).
// Fields are added, never renamed or removed.

/** One pool as `nodepool list` shows it. */
export interface NodePoolItem {
  name: string
  /** The label that names the pool; null for "(no pool)". */
  label: string | null
  nodes: number
  ready: number
  cordoned: number
  /** Kubelet minors, oldest first ("unknown" last), with the nodes at each. */
  kubelets: {version: string; nodes: string[]}[]
  zones: string[]
}

export interface NodePoolList {
  apiVersion: 'kubectl-prod/v1'
  kind: 'NodePoolList'
  items: NodePoolItem[]
}

export type WalkEventType =
  | 'walk-started' | 'preflight' | 'lease-acquired' | 'lease-released' | 'node-skipped' | 'node-started'
  | 'cordoned' | 'already-cordoned' | 'draining' | 'drain' | 'drained' | 'hand-over' | 'handed-over'
  | 'waiting-ready' | 'ready' | 'soaking' | 'uncordoned' | 'left-cordoned' | 'node-done'
  | 'window-closing' | 'walk-stopped' | 'walk-failed' | 'walk-done'

/**
 * One line of a walk's progress (DESIGN 3.5): `-o json` prints each as one JSON object per line.
 * Events of the drain engine are carried with type "drain" and their own type in `drain`.
 */
export interface WalkEvent {
  /** RFC 3339. */
  time: string
  type: WalkEventType
  pool: string
  node?: string
  pod?: string
  /** For type "drain": the drain engine's event type (evicting, blocked, evicted, ...). */
  drain?: string
  message: string
}

/** How a walk ended: the document `-o yaml` prints, and the last JSON line's fields. */
export interface WalkSummary {
  apiVersion: 'kubectl-prod/v1'
  kind: 'NodePoolWalk'
  pool: string
  walkId: string
  target: string
  status: 'done' | 'stopped' | 'failed' | 'dry-run'
  message: string
  done: string[]
  remaining: string[]
  /** When the next maintenance window opens (RFC 3339), when the walk stopped for the window. */
  nextWindow?: string
}
