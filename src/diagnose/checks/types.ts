// The one shape of a why-pending check: a pure function of one pod, the snapshot (through the
// context) and the causes found so far, returning causes and whether they are an expected wait.
import type {Node, Pod} from '../../model/k8s.js'
import type {Cause} from '../../model/reports/finding.js'
import type {NodeItem} from '../../model/reports/why-pending.js'
import type {ClusterSnapshot} from '../../model/snapshot.js'
import type {EventIndex} from '../../model/events.js'
import type {SchedulingContext} from './scheduling.js'

export interface CheckResult {
  causes: Cause[]
  /** True when the causes are an expected wait: a scale-up under way, WaitForFirstConsumer, preemption. */
  waiting: boolean
  /** Context that blocks nothing by itself; shown beside the causes, never counted as one. */
  notes?: string[]
}

export interface CheckContext {
  snap: ClusterSnapshot
  events: EventIndex
  now: Date
  nodesByName: ReadonlyMap<string, Node>
  /** Schedulers seen running (leases, recent events). */
  schedulers: ReadonlySet<string>
  /** The scheduler model over this snapshot, indexed once and shared by all pods. */
  scheduling: SchedulingContext
  /** A node's own explanation, computed once per node. */
  explainNode(node: Node): NodeItem
}

/** Which pods a check reads: those the scheduler has not placed, or those bound to a node. */
export type CheckStage = 'unscheduled' | 'bound'

export interface PodCheck {
  name: string
  stage: CheckStage
  /** Only for pods that run but are not Ready (readiness), when set. */
  notReadyOnly?: boolean
  /** When this check finds causes, they are the whole answer: later checks do not run (a gated pod is never looked at by the scheduler). */
  decisive?: boolean
  run(pod: Pod, ctx: CheckContext, found: readonly Cause[]): CheckResult
}

export const NO_CAUSES: CheckResult = Object.freeze({causes: [], waiting: false}) as CheckResult

/** A check whose answer is never a wait. */
export function causesOnly(causes: Cause[]): CheckResult {
  return {causes, waiting: false}
}
