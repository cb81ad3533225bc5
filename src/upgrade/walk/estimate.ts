// How long a node will take, to decide before starting it whether it can finish inside the
// window. Before any node is done, the drain is its pods' longest grace period (they are evicted
// in parallel) plus a margin for PDB waits and rescheduling; once nodes are done, what they took
// in this walk (drains with their PDB waits, hand-overs, readiness) counts when it was longer.
import type {MaintenanceWindow} from '../window.js'

/** kubelet's default terminationGracePeriodSeconds. */
export const DEFAULT_GRACE_SECONDS = 30
/** Evictions, PDB waits and rescheduling beyond the grace period, before anything was seen. */
export const DRAIN_MARGIN_MS = 30_000
/** A hand-over (hook or replacement) and the node coming back Ready, before one was seen. */
export const DEFAULT_HAND_OVER_MS = 120_000
export const DEFAULT_READY_MS = 30_000

/** Durations seen so far in this walk, ms. */
export interface WalkHistory {
  drainMs: number[]
  handOverMs: number[]
  readyMs: number[]
}

export const emptyHistory = (): WalkHistory => ({drainMs: [], handOverMs: [], readyMs: []})

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

export interface NodeEstimate {
  drainMs: number
  handOverMs: number
  readyMs: number
  soakMs: number
  totalMs: number
}

export function estimateNode(podGraceSeconds: number[], history: WalkHistory, soakMs: number): NodeEstimate {
  const grace = podGraceSeconds.length ? Math.max(...podGraceSeconds.map(g => g ?? DEFAULT_GRACE_SECONDS)) * 1000 : 0
  const fromPods = grace + (podGraceSeconds.length ? DRAIN_MARGIN_MS : 0)
  const drainMs = history.drainMs.length ? Math.max(fromPods, mean(history.drainMs)) : fromPods
  const handOverMs = history.handOverMs.length ? mean(history.handOverMs) : DEFAULT_HAND_OVER_MS
  const readyMs = history.readyMs.length ? mean(history.readyMs) : DEFAULT_READY_MS
  return {drainMs, handOverMs, readyMs, soakMs, totalMs: drainMs + handOverMs + readyMs + soakMs}
}

export type WindowVerdict =
  | {start: true; closesAt?: Date}
  | {start: false; reason: string; nextOpening?: Date}

/** May a node that takes `estimateMs` start at `now`? Only when the window is open and stays open until it would finish. */
export function windowVerdict(window: MaintenanceWindow | undefined, now: Date, estimateMs: number): WindowVerdict {
  if (!window) return {start: true}
  const closes = window.closesAt(now)
  const nextOpening = window.nextOpening(now)
  if (!closes) return {start: false, reason: `the window ${window.text} is closed`, ...(nextOpening ? {nextOpening} : {})}
  const finish = now.getTime() + estimateMs
  if (finish > closes.getTime()) {
    return {start: false, reason: `the window ${window.text} closes at ${closes.toISOString()}, before the next node could finish (about ${Math.ceil(estimateMs / 60_000)} min)`, ...(nextOpening ? {nextOpening} : {})}
  }
  return {start: true, closesAt: closes}
}
