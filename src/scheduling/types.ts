import type {CauseCategory} from '../model/reports/finding.js'
import type {Node, Pod} from '../model/k8s.js'
import type {ClusterIndex, NodeInfo} from './cluster.js'

/** Filter plugins in the scheduler's default order (pkg/scheduler/apis/config/v1/default_plugins.go). */
export const FIT_PLUGINS = [
  'NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit',
  'PodTopologySpread', 'InterPodAffinity',
] as const

export type FitPluginName = (typeof FIT_PLUGINS)[number]

export interface FitFailure {
  plugin: FitPluginName
  category: CauseCategory
  /** One line for people: "taint dedicated=gpu:NoSchedule", "needs memory 4Gi, 1.2Gi free of 8Gi". */
  detail: string
  /** The scheduler's reason string for this failure (1.31 wording), to line up with the FailedScheduling histogram. */
  reason: string
  /** UnschedulableAndUnresolvable upstream: preemption on this node cannot help. */
  unresolvable: boolean
  taint?: {key: string; value?: string; effect: string}
  /** Base units, cpu in cores. free may be negative on an overcommitted node. */
  resource?: {name: string; requested: number; free: number; allocatable: number}
  /** wanted: what the pod asks for, as text ("ssd", "one of ssd, nvme", "absent"); actual: the node's value, null when absent. */
  label?: {key: string; wanted: string; actual: string | null; operator?: string; values?: string[]; field?: boolean; term?: number; terms?: number}
  /** Conflicting pods, namespace/name (shared between the nodes of one topology domain: do not mutate). */
  pods?: string[]
  /** Matching pods per topology domain (shared between nodes: do not mutate). */
  domains?: Record<string, number>
  port?: {port: number; protocol: string; hostIP: string}
  /** Pod (anti-)affinity and topology spread: which rule of the pod, and the node's domain. */
  topology?: {
    key: string
    value?: string
    rule: 'affinity' | 'anti-affinity' | 'existing-anti-affinity' | 'spread'
    /** Index of the term or constraint in the pod spec (required terms / DoNotSchedule constraints as written). */
    index?: number
    selector?: string
    maxSkew?: number
    skew?: number
    minMatch?: number
    missingLabel?: boolean
  }
}

export interface NodeVerdict {
  node: string
  fits: boolean
  failures: FitFailure[]
}

export interface FitInput {
  pod: Pod
  nodes: Node[]
  boundPods: Pod[]
}

/** The same, over a cluster indexed once by prepareCluster. */
export interface PreparedFitInput {
  pod: Pod
  cluster: ClusterIndex
}

/** One filter, prepared for one pod (its PreFilter), then run on each node, appending to `failures`. null: nothing to check. */
export type NodeCheck = (node: NodeInfo, failures: FitFailure[]) => void
export type FitFilter = (pod: Pod, cluster: ClusterIndex) => NodeCheck | null

export interface FitSummaryLine {
  category: CauseCategory
  plugin: string
  nodes: string[]
  summary: string
  fix: string
  details: FitFailure[]
}
