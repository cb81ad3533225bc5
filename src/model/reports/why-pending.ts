// The why-pending report: a contract (kind WhyPendingReport, apiVersion kubectl-prod/v1).
// Fields are added, never renamed or removed.

export const CAUSE_CATEGORIES = [
  'insufficient-resources', 'too-many-pods', 'taint', 'node-affinity-selector', 'pod-affinity-anti-affinity',
  'topology-spread', 'node-unschedulable', 'node-not-ready', 'node-pressure', 'host-port', 'node-name',
  'volume-binding', 'volume-node-affinity', 'pvc-unbound', 'scheduling-gate', 'scheduler-missing',
  'quota-limitrange', 'admission-denied', 'image-pull', 'container-config', 'volume-mount', 'sandbox-network',
  'init-container', 'crashloop', 'readiness-probe', 'autoscaler-no-scale-up', 'autoscaler-scaling-up',
  'preemption', 'other',
] as const

export type CauseCategory = (typeof CAUSE_CATEGORIES)[number]

export interface Evidence {
  kind: string
  reason?: string
  message?: string
  /** Who wrote it: the event's reporting component, or "pod.status", "node.status", "computed". */
  source?: string
}

export interface Cause {
  category: CauseCategory
  summary: string
  nodes?: {count: number; names: string[]}
  fix?: string
  evidence: Evidence[]
}

export interface ObjectRef {
  kind: string
  namespace?: string
  name: string
}

export type ItemStatus = 'Pending' | 'NotReady' | 'NotCreated'

export interface ReportItem {
  object: ObjectRef
  owner: {kind: string; name: string} | null
  status: ItemStatus
  waiting: boolean
  since?: string
  causes: Cause[]
}

export interface NodeItem {
  name: string
  ready: 'True' | 'False' | 'Unknown'
  causes: Cause[]
}

export interface WhyPendingReport {
  apiVersion: 'kubectl-prod/v1'
  kind: 'WhyPendingReport'
  items: ReportItem[]
  nodes: NodeItem[]
  summary: {
    byStatus: Record<string, number>
    byCategory: Record<string, number>
  }
}
