// Which schedulers run, and pods that ask for one that does not: no scheduler then ever
// writes a condition or an event about the pod, so silence itself is the evidence.
import type {Pod} from '../../model/k8s.js'
import type {Cause, Evidence} from '../../model/reports/finding.js'
import type {ClusterSnapshot} from '../../model/snapshot.js'
import {lastSeen, reporter, type EventIndex} from '../../model/events.js'

const RECENT_MS = 60 * 60_000 // the API server's default event TTL
const LEASE_SKEW_MS = 10_000 // listing leases and stamping the snapshot are not simultaneous
const YOUNG_MS = 15_000 // a new pod has neither a condition nor events yet; a running scheduler tries it within seconds

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

/**
 * A pod no scheduler has touched (no PodScheduled condition, no events) whose schedulerName is not
 * among the running ones. An empty set means nothing is known (a dump without leases or events), so
 * default-scheduler then gets the benefit of the doubt. Pass now to spare pods created seconds ago.
 */
export function checkSchedulerName(pod: Pod, schedulers: ReadonlySet<string>, events: EventIndex, now?: Date): Cause[] {
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
