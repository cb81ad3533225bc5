import type {Event, Node, Pod} from '../../model/k8s.js'
import type {Cause, Evidence} from '../../model/reports/why-pending.js'
import type {ClusterSnapshot} from '../../model/snapshot.js'
import {cleanMessage, lastSeen, reporter, type EventIndex} from '../../model/events.js'

// What keeps a pod from the scheduler, or the kubelet from a bound pod, before any
// filter runs: scheduling gates, an unserved schedulerName, preemption in progress,
// a nodeName naming no node, and kubelet admission (pkg/kubelet/lifecycle/predicate.go).

const KUEUE_GATE = 'kueue.x-k8s.io/admission'
const RECENT_MS = 60 * 60_000 // the API server's default event TTL
const LEASE_SKEW_MS = 10_000 // listing leases and stamping the snapshot are not simultaneous
const YOUNG_MS = 15_000 // a new pod has neither a condition nor events yet; a running scheduler tries it within seconds
const TERMINATING_VICTIM = 'not eligible due to a terminating pod on the nominated node'

export interface GateVerdict {
  causes: Cause[]
  /** True when preemption is under way: victims are terminating for this pod. */
  waiting: boolean
}

/**
 * Schedulers seen running: holders of a renewed kube-system leader-election Lease named after
 * a scheduler ("kube-scheduler" serves "default-scheduler"), and reporters of recent Scheduled /
 * FailedScheduling events (the scheduler's recorder is named after its profile's schedulerName).
 */
export function runningSchedulers(snapshot: ClusterSnapshot, now = new Date(snapshot.collectedAt)): Set<string> {
  const at = now.getTime()
  const names = new Set<string>()
  for (const lease of snapshot.leases) {
    const {holderIdentity, renewTime, leaseDurationSeconds = 15} = lease.spec ?? {}
    const name = lease.metadata.name
    if (!name || !holderIdentity || !renewTime) continue
    if (Date.parse(renewTime) + leaseDurationSeconds * 1000 + LEASE_SKEW_MS < at) continue
    names.add(name === 'kube-scheduler' ? 'default-scheduler' : name)
  }
  for (const e of snapshot.events) {
    if (e.reason !== 'Scheduled' && e.reason !== 'FailedScheduling') continue
    if (at - Date.parse(lastSeen(e) ?? '') <= RECENT_MS) names.add(reporter(e))
  }
  return names
}

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

/**
 * A pod no scheduler has touched (no PodScheduled condition, no events) whose schedulerName is not
 * among the running ones. An empty set means nothing is known (a dump without leases or events), so
 * default-scheduler then gets the benefit of the doubt. Pass now to spare pods created seconds ago.
 */
export function checkSchedulerName(pod: Pod, schedulers: Set<string>, events: EventIndex, now?: Date): Cause[] {
  const name = pod.spec.schedulerName || 'default-scheduler'
  if (pod.spec.nodeName || (pod.status?.phase ?? 'Pending') !== 'Pending' || (pod.spec.schedulingGates ?? []).length > 0) return []
  if (schedulers.has(name) || pod.status?.conditions?.some(c => c.type === 'PodScheduled') || events.for(pod, 'Pod').length > 0) return []
  if (now && now.getTime() - Date.parse(pod.metadata.creationTimestamp ?? '') < YOUNG_MS) return []
  if (name === 'default-scheduler' && schedulers.size === 0) return []
  const evidence: Evidence[] = [{kind: 'PodSpec', reason: 'schedulerName', message: name, source: 'pod.spec'}]
  if (name === 'default-scheduler') {
    return [{category: 'scheduler-missing', summary: `no scheduler has touched the pod and kube-scheduler does not appear to run: lease kube-system/kube-scheduler is not renewed and no default-scheduler events are recent`, fix: `check the kube-scheduler control-plane component (its static pod, or the managed control plane's health)`, evidence}]
  }
  return [{
    category: 'scheduler-missing',
    summary: `the pod asks for scheduler ${name} (spec.schedulerName) and no running scheduler of that name was found; running: ${[...schedulers].sort().join(', ')}`,
    fix: `deploy scheduler ${name}, or remove spec.schedulerName so default-scheduler places the pod`,
    evidence,
  }]
}

/** Preemption in progress: the pod is nominated to a node whose victims are still terminating. */
export function checkPreemption(pod: Pod, events?: EventIndex): GateVerdict {
  if (pod.spec.nodeName) return {causes: [], waiting: false}
  const nominated = pod.status?.nominatedNodeName
  const condition = pod.status?.conditions?.find(c => c.type === 'PodScheduled' && c.message?.includes(TERMINATING_VICTIM))
  const event = events?.for(pod, 'Pod').find(e => e.reason === 'FailedScheduling')
  const victimEvent: Event | undefined = event && cleanMessage(event).includes(TERMINATING_VICTIM) ? event : undefined
  if (!nominated && !condition && !victimEvent) return {causes: [], waiting: false}
  const evidence: Evidence[] = [
    ...(nominated ? [{kind: 'PodStatus', reason: 'nominatedNodeName', message: nominated, source: 'pod.status'}] : []),
    ...(condition ? [{kind: 'Condition', reason: `PodScheduled=${condition.status} ${condition.reason ?? ''}`.trim(), message: condition.message, source: 'pod.status'}] : []),
    ...(victimEvent ? [{kind: 'Event', reason: victimEvent.reason, message: cleanMessage(victimEvent), source: reporter(victimEvent)}] : []),
  ]
  return {
    waiting: true,
    causes: [{
      category: 'preemption',
      summary: `the scheduler preempted lower-priority pods${nominated ? ` on node ${nominated}` : ' on the nominated node'} for this pod and waits for them to terminate`,
      fix: `wait for the victims' graceful termination; lower their terminationGracePeriodSeconds if this wait is too long`,
      evidence,
    }],
  }
}

/** spec.nodeName naming a node that does not exist: nothing ever runs the pod, and no event says so. */
export function checkNodeName(pod: Pod, nodesByName: Map<string, Node>): Cause[] {
  const node = pod.spec.nodeName
  if (!node || pod.status?.phase === 'Running' || nodesByName.size === 0 || nodesByName.has(node)) return []
  return [{
    category: 'node-name',
    summary: `the pod is bound to node ${node} (spec.nodeName), which does not exist, so no kubelet will ever run it`,
    fix: `recreate the pod without spec.nodeName (use a nodeSelector on kubernetes.io/hostname instead), or let its controller replace it`,
    evidence: [{kind: 'PodSpec', reason: 'nodeName', message: node, source: 'pod.spec'}],
  }]
}

/** A bound pod the kubelet refused: phase Failed with an admission reason such as OutOfcpu. */
export function checkKubeletRejection(pod: Pod): Cause[] {
  const {phase, reason = '', message = ''} = pod.status ?? {}
  if (phase !== 'Failed') return []
  const rejected = reason.startsWith('OutOf') || ['NodeAffinity', 'UnexpectedAdmissionError', 'NodeShutdown'].includes(reason) || message.startsWith('Pod was rejected')
  if (!rejected) return []
  const category = reason === 'OutOfpods' ? 'too-many-pods' : reason.startsWith('OutOf') ? 'insufficient-resources' : 'other'
  return [{
    category,
    summary: `the kubelet on node ${pod.spec.nodeName} rejected the pod (${reason}): ${message.replace(/^Pod was rejected:\s*/, '')}`,
    fix: `delete the pod so its controller recreates it through the scheduler; this happens when a pod bypasses it with spec.nodeName or races other pods for the node`,
    evidence: [{kind: 'PodStatus', reason, message, source: 'pod.status'}],
  }]
}
