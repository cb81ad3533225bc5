// Preemption in progress: the scheduler nominated a node for the pod and waits for the
// victims there to terminate (pkg/scheduler/framework/preemption).
import type {Event, Pod} from '../../model/k8s.js'
import type {Evidence} from '../../model/reports/finding.js'
import {cleanMessage, type EventIndex} from '../../model/events.js'
import type {CheckResult} from './types.js'
import {eventEvidence} from './evidence.js'

const TERMINATING_VICTIM = 'not eligible due to a terminating pod on the nominated node'

/** Preemption in progress: the pod is nominated to a node whose victims are still terminating. */
export function checkPreemption(pod: Pod, events?: EventIndex): CheckResult {
  if (pod.spec.nodeName) return {causes: [], waiting: false}
  const nominated = pod.status?.nominatedNodeName
  const condition = pod.status?.conditions?.find(c => c.type === 'PodScheduled' && c.message?.includes(TERMINATING_VICTIM))
  const event = events?.for(pod, 'Pod').find(e => e.reason === 'FailedScheduling')
  const victimEvent: Event | undefined = event && cleanMessage(event).includes(TERMINATING_VICTIM) ? event : undefined
  if (!nominated && !condition && !victimEvent) return {causes: [], waiting: false}
  const evidence: Evidence[] = [
    ...(nominated ? [{kind: 'PodStatus', reason: 'nominatedNodeName', message: nominated, source: 'pod.status'}] : []),
    ...(condition ? [{kind: 'Condition', reason: `PodScheduled=${condition.status} ${condition.reason ?? ''}`.trim(), message: condition.message, source: 'pod.status'}] : []),
    ...(victimEvent ? [eventEvidence(victimEvent)] : []),
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
