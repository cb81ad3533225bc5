// Scheduling gates hold a pod away from the scheduler until a controller removes them
// (KEP-3521; PodScheduled reason SchedulingGated). Kueue's admission gate is named.
import type {Pod} from '../../model/k8s.js'
import type {Cause} from '../../model/reports/finding.js'

const KUEUE_GATE = 'kueue.x-k8s.io/admission'

/** Scheduling gates hold a pod away from the scheduler until a controller removes them. */
export function checkGates(pod: Pod): Cause[] {
  const gates = (pod.spec.schedulingGates ?? []).map(g => g.name)
  if (gates.length === 0) return []
  const ns = pod.metadata.namespace ?? 'default'
  const others = gates.filter(g => g !== KUEUE_GATE)
  const kueue = gates.includes(KUEUE_GATE)
  const gated = pod.status?.conditions?.find(c => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')
  return [{
    category: 'scheduling-gate',
    summary: kueue
      ? `Kueue holds the pod (gate ${KUEUE_GATE}) until its Workload is admitted to a ClusterQueue${others.length > 0 ? `; other gates: ${others.join(', ')}` : ''}`
      : `the scheduler ignores the pod until scheduling gates ${gates.join(', ')} are removed`,
    fix: kueue
      ? `check the Workload of the pod (kubectl get workloads -n ${ns}) and the quota of its ClusterQueue; Kueue removes the gate on admission`
      : `find the controller that owns gate ${gates[0]} and why it has not removed it, or remove the gate if nothing owns it`,
    evidence: [
      {kind: 'PodSpec', reason: 'schedulingGates', message: gates.join(', '), source: 'pod.spec'},
      ...(gated ? [{kind: 'Condition', reason: `PodScheduled=${gated.status} SchedulingGated`, message: gated.message, source: 'pod.status'}] : []),
    ],
  }]
}
