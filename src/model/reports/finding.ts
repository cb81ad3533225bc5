// What every report is made of: the objects it names, the causes it finds and the raw texts
// each cause rests on. Contract types (apiVersion kubectl-prod/v1): fields are added, never
// renamed or removed.

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
  /** Set where the version matters (upgrade-plan findings). */
  apiVersion?: string
  kind: string
  namespace?: string
  name: string
}
