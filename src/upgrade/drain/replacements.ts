// When has a drained node's work come back elsewhere? kubectl drain only waits for deletion
// (research: it never checks that replacements came up, kubernetes/kubernetes#31487). Here a
// workload counts as restored when its controller has observed its spec and reports
// spec.replicas available, and as many Ready, non-terminating pods of its selector run on other
// nodes (the pod count guards against a status the controller has not updated yet); a PDB when
// its status is current and it has the healthy pods it needs.
import type {Pod, Workload} from '../../model/k8s.js'
import type {PodDisruptionBudget} from '../../model/upgrade.js'
import {compileLabelSelector} from '../../model/labels.js'

export type OwnerKind = 'Deployment' | 'StatefulSet' | 'ReplicaSet'

export interface OwnerKey {kind: OwnerKind; namespace: string; name: string}

export function isReadyPod(pod: Pod): boolean {
  return pod.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True') ?? false
}

/** Whether the workload has its replicas back, away from `node`, and a line saying where it stands. */
export function workloadRestored(w: Workload, pods: Pod[], node: string): {restored: boolean; line: string} {
  const replicas = typeof w.spec?.replicas === 'number' ? w.spec.replicas : 1
  const status = (w.status ?? {}) as {availableReplicas?: number; observedGeneration?: number}
  const available = status.availableReplicas ?? 0
  const observed = (status.observedGeneration ?? 0) >= ((w.metadata as {generation?: number}).generation ?? 0)
  const matches = compileLabelSelector(w.spec?.selector)
  const ready = pods.filter(p => matches(p.metadata.labels) && !p.metadata.deletionTimestamp && p.spec.nodeName && p.spec.nodeName !== node && isReadyPod(p)).length
  const restored = observed && available >= replicas && ready >= replicas
  return {restored, line: `${w.kind} ${w.metadata.namespace ?? 'default'}/${w.metadata.name}: ${Math.min(available, ready)}/${replicas} available elsewhere`}
}

/** Whether the PDB is computed for its current spec and has the healthy pods it needs. */
export function budgetHealthy(pdb: PodDisruptionBudget): {healthy: boolean; line: string} {
  const s = pdb.status ?? {}
  const observed = ((s as {observedGeneration?: number}).observedGeneration ?? 0) >= ((pdb.metadata as {generation?: number}).generation ?? 0)
  const healthy = observed && (s.disruptionsAllowed ?? 0) >= 0 && (s.currentHealthy ?? 0) >= (s.desiredHealthy ?? 0)
  return {healthy, line: `PDB ${pdb.metadata.namespace ?? 'default'}/${pdb.metadata.name}: ${s.currentHealthy ?? '?'} healthy of ${s.desiredHealthy ?? '?'} needed`}
}
