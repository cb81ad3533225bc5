// The walk's vocabulary: what it is asked, what it sees of a node, and the operations it drives.
// The operations are injected (src/upgrade/walk/ops.ts has the real ones), so the whole walk
// runs in tests against fakes and a fake clock.
import type {Clock} from '../../model/clock.js'
import type {WalkEvent} from '../../model/reports/nodepool.js'
import type {NodeWalkRecord} from '../../kube/journal.js'
import type {DrainEvent, DrainResult} from '../drain/types.js'
import type {MaintenanceWindow} from '../window.js'

export type WalkOrder = 'name' | 'zone' | 'fewest-pods'
export const WALK_ORDERS: readonly WalkOrder[] = ['name', 'zone', 'fewest-pods']

/** A node of the pool as the walk plans it. */
export interface WalkNode {
  name: string
  zone?: string
  /** Pods a drain would evict, with their grace periods in seconds. */
  podGraceSeconds: number[]
}

/** What the walk reads of a node before each step. */
export interface NodeView {
  name: string
  exists: boolean
  unschedulable: boolean
  ready: boolean
  kubeletVersion?: string
  record?: NodeWalkRecord
}

/**
 * How a hand-over ended. `node` is the node to wait for: the node itself, or the node that took
 * its place (which ends the old node's walk). `decision`: the operator skipped this node (the
 * walk goes on without it) or stopped the walk.
 */
export type HandOverResult = {ok: true; node: string; message: string} | {ok: false; message: string; decision?: 'skip' | 'abort'}

export interface WalkOps {
  read(node: string): Promise<NodeView>
  /** Records the node's step; with `unschedulable`, cordons or uncordons it in the same write. */
  write(node: string, record: NodeWalkRecord, unschedulable?: boolean): Promise<void>
  drain(node: string, emit: (e: DrainEvent) => void): Promise<DrainResult>
  /** Hook or replacement; `node` is the node to wait for (itself, or its replacement). */
  handOver(node: string, emit: (message: string) => void): Promise<HandOverResult>
  /** Until the node is Ready at the target version, or the timeout; false with why. */
  waitReady(node: string, timeoutMs: number): Promise<{ok: boolean; message: string}>
  /**
   * With replace, for a node handed over before the walk stopped and gone since (surge.ts, the
   * ledger): until a new node Ready at the target joins that no other node took, or the hand-over
   * timeout. Like handOver, `node` is the successor.
   */
  awaitSuccessor(old: string, emit: (message: string) => void): Promise<HandOverResult>
  /**
   * The soak: watches the node for `ms`, failing as soon as it is not Ready at the target (or
   * gone); at the end, every pod on it must be Ready. Not ok, with why.
   */
  soak(node: string, ms: number): Promise<{ok: boolean; message: string}>
  /** Until `count` new nodes Ready at the target stand in the pool beyond the successors of the nodes gone (surge.ts), or the hand-over timeout. */
  waitSurge(count: number, emit: (message: string) => void): Promise<{ok: boolean; message: string}>
}

export interface WalkOptions {
  pool: string
  walkId: string
  target: string
  nodes: WalkNode[]
  order: WalkOrder
  maxUnavailable: number
  window?: MaintenanceWindow
  /** Watch the node stay Ready this long before uncordoning it, ms. */
  soakMs: number
  readyTimeoutMs: number
  /** The replacement mode: the node itself goes away (its state with it). */
  replace: boolean
  /** With replace: new nodes that must have joined before a cordoned node is drained (0: none). */
  surge?: number
  /** With replace: nodes handed over before the walk stopped, gone, their successors not yet joined (surge.ts, owedSuccessors): waited for first. */
  owed?: string[]
  /** No hook, no replacement: the operator at the terminal upgrades or replaces each drained node. */
  operator?: boolean
  dryRun: boolean
  clock: Clock
  signal?: AbortSignal
  emit: (e: WalkEvent) => void
}

export interface WalkOutcome {
  status: 'done' | 'stopped' | 'failed' | 'dry-run'
  message: string
  done: string[]
  /** Not done: not started, stopped at, or skipped by the operator. */
  remaining: string[]
  nextWindow?: Date
}
