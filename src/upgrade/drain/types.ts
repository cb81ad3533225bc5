// The drain engine's contract: what it is asked, what it emits while it works, what it returns.
// The engine never writes to stdout; views (plain lines, JSON lines, a listr2 tree) render its
// events. The node-pool walk calls drainNode for each node.
import type {Clock} from '../../model/clock.js'

export interface PodKey {namespace: string; name: string; uid?: string}

/** What a PodDisruptionBudget refusal says (a 429 with a DisruptionBudget cause, read with the PDB's status). */
export interface BlockingBudget {
  namespace: string
  name: string
  /** From the PDB's status: healthy pods it needs, has, and expects. */
  desiredHealthy?: number
  currentHealthy?: number
  expectedPods?: number
  disruptionsAllowed?: number
  /** Pods the PDB covers that are not Ready (why it has no room). */
  unreadyPods: string[]
  /** The API server's own words. */
  message: string
}

/** What to do about a pod whose eviction a PDB keeps refusing. */
export type BlockedDecision = 'wait' | 'skip' | 'delete' | 'abort'

export interface DrainOptions {
  /** Evict unmanaged pods (no controller) too. */
  force: boolean
  deleteEmptyDirData: boolean
  /** Only pods matching this label selector. */
  podSelector?: string
  /** Overrides each pod's terminationGracePeriodSeconds. */
  gracePeriodSeconds?: number
  /** The whole drain's limit, in ms (0: none). */
  timeoutMs: number
  /** Stop waiting for a pod to disappear after this long (kubectl's --skip-wait-for-delete-timeout), ms. */
  skipWaitForDeleteTimeoutMs?: number
  /** Pods evicted at once. */
  concurrency: number
  /** Wait until the evicted pods' owners have their replicas available and the PDBs involved are healthy. */
  waitForReplacements: boolean
  /**
   * Asked when a PDB has refused a pod's eviction for a while. A fixed policy (--on-blocked) or a
   * prompt. 'delete' bypasses the PDB for that one pod (only after the operator typed its name).
   */
  onBlocked: (pod: PodKey, budget: BlockingBudget, waitedMs: number) => Promise<BlockedDecision>
  /** Simulate: no writes. */
  dryRun: boolean
  clock: Clock
  signal?: AbortSignal
  /** How long a PDB may keep refusing a pod before onBlocked is asked (default 30 s; 0: at the first refusal). */
  blockedPatienceMs?: number
  /** How often a refused eviction is asked again (default 5 s, kubectl's retry delay). */
  recheckBlockedMs?: number
}

export type DrainEventType =
  | 'cordoned' | 'already-cordoned' | 'pods-listed' | 'pod-skipped' | 'evicting' | 'evicted' | 'blocked' | 'throttled'
  | 'misconfigured' | 'deleted' | 'gone' | 'waiting-replacements' | 'replacements-ready' | 'drained' | 'failed'
  // Added: the filters refused pods (nothing evicted); a dry run's findings; the answer to onBlocked.
  | 'refused' | 'would-evict' | 'would-block' | 'decided'
  // The API server stopped answering during the drain, and answers again.
  | 'reconnecting' | 'reconnected'
  // Pods that reached the node after the drain listed it (bound before the cordon took effect, or by spec.nodeName): evicted too.
  | 'pods-arrived'

/** One line of progress; `-o json` prints each as one JSON object per line (DESIGN 3.5). */
export interface DrainEvent {
  time: string
  type: DrainEventType
  node: string
  pod?: string
  message: string
  budget?: BlockingBudget
  /** Pods the event is about when there are several (refused, misconfigured: namespace/name). */
  pods?: string[]
  /** throttled: how long until the next try. */
  retryAfterMs?: number
  /** decided: what onBlocked answered. */
  decision?: BlockedDecision
}

export interface DrainResult {
  node: string
  /** drained: every pod to evict is gone (and replaced, when asked); the rest: why it stopped. */
  status: 'drained' | 'blocked' | 'timeout' | 'aborted' | 'refused'
  /** Pods still on the node that the drain should have moved. */
  remaining: PodKey[]
  /** One line for the operator. */
  message: string
  /** Whether this drain cordoned the node (false when it already was). */
  cordonedByUs: boolean
  /** Why it stopped, when not drained: a PDB kept refusing, a PDB misconfiguration (500), another API answer, the filters. */
  reason?: 'pdb' | 'misconfigured' | 'error' | 'refused' | 'timeout' | 'aborted'
  /** Pods evicted (or deleted) by this drain. */
  evicted?: PodKey[]
  /** Pods left on the node because onBlocked said skip. */
  skipped?: PodKey[]
  /** A dry run: nothing was written; `remaining` are the pods that would block. */
  dryRun?: boolean
}
