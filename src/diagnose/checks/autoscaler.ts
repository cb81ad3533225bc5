import type {Event, Pod} from '../../model/k8s.js'
import type {Cause} from '../../model/reports/finding.js'
import {cleanMessage, lastSeen, reporter, type EventIndex} from '../../model/events.js'
import {eventEvidence} from './evidence.js'
import {short} from '../../model/text.js'
import type {CheckResult} from './types.js'

// Pod events from node autoscalers. cluster-autoscaler: processors/status/eventing_scale_up_processor.go
// (TriggeredScaleUp "pod triggered scale-up: %v", NotTriggerScaleUp "pod didn't trigger scale-up: %s").
// Karpenter: pkg/controllers/provisioning/scheduling/events.go (Nominated, FailedScheduling).

/** cluster-autoscaler's default --max-node-provision-time: a scale-up older than this has likely failed. */
const PROVISION_TIMEOUT_MS = 15 * 60_000

/** What cluster-autoscaler, Karpenter and EKS Fargate said about a Pending pod; newest event of each pair wins. */
export function checkAutoscaler(pod: Pod, events: EventIndex, now: Date): CheckResult {
  const causes: Cause[] = []
  if (pod.spec.nodeName) return {causes, waiting: false}
  const podEvents = events.for(pod, 'Pod') // newest first
  let waiting = false
  // cluster-autoscaler: a later NotTriggerScaleUp supersedes an earlier TriggeredScaleUp, and the reverse.
  const ca = podEvents.find(e => e.reason === 'TriggeredScaleUp' || e.reason === 'NotTriggerScaleUp')
  if (ca?.reason === 'TriggeredScaleUp') {
    const cause = scaleUpCause(ca, 'cluster-autoscaler', describeScaleUp(cleanMessage(ca)), now)
    waiting ||= cause.waiting
    causes.push(cause.cause)
  } else if (ca) {
    causes.push(noScaleUpCause(ca))
  }
  const karpenter = podEvents.find(e => isKarpenter(e) && (e.reason === 'Nominated' || e.reason === 'FailedScheduling'))
  if (karpenter?.reason === 'Nominated') {
    const target = cleanMessage(karpenter).replace(/^Pod should schedule on:?\s*/, '')
    const cause = scaleUpCause(karpenter, 'Karpenter', `the pod is nominated to ${target}`, now)
    waiting ||= cause.waiting
    causes.push(cause.cause)
  } else if (karpenter) {
    const text = cleanMessage(karpenter).replace(/^Failed to schedule pod,\s*/, '')
    const pools = [...text.matchAll(/nodepool "([^"]+)"/g)].map(m => m[1])
    causes.push({
      category: 'autoscaler-no-scale-up',
      summary: `Karpenter cannot launch a node for the pod: ${short(text, 300)}`,
      fix: pools.length > 0 ? `change NodePool ${[...new Set(pools)].join(', ')} (requirements, limits, instance types) or the pod's requirements so one instance type fits` : `add or change a Karpenter NodePool whose requirements and limits fit the pod`,
      evidence: [eventEvidence(karpenter)],
    })
  }
  const fargate = podEvents.find(e => e.reason === 'FailedScheduling' && reporter(e).includes('fargate'))
  if (fargate) {
    causes.push({category: 'other', summary: `EKS Fargate will not run the pod: ${short(cleanMessage(fargate), 300)}`, fix: `change the pod to fit Fargate's limits or its Fargate profile as the message says, then recreate it (fargate-scheduler does not retry)`, evidence: [eventEvidence(fargate)]})
  }
  return {causes, waiting}
}

function scaleUpCause(event: Event, who: string, what: string, now: Date): {cause: Cause; waiting: boolean} {
  const seen = Date.parse(lastSeen(event) ?? '')
  const age = Number.isNaN(seen) ? undefined : now.getTime() - seen
  const stale = age !== undefined && age > PROVISION_TIMEOUT_MS
  const when = age === undefined ? '' : ` at ${lastSeen(event)}`
  return {
    waiting: !stale,
    cause: {
      category: 'autoscaler-scaling-up',
      summary: stale
        ? `${who} started a scale-up${when} (${what}) but the pod is still Pending; new nodes normally register within 15m`
        : `${who} is adding capacity for the pod: ${what}, started${when}`,
      fix: stale
        ? (who === 'Karpenter' ? `check the NodeClaim's Launched/Registered/Initialized conditions and Karpenter's logs` : `check events on ConfigMap kube-system/cluster-autoscaler-status (FailedToScaleUpGroup, ScaleUpTimedOut) for why the node did not join`)
        : `wait for the new node to join; nothing to change yet`,
      evidence: [eventEvidence(event)],
    },
  }
}

/** "pod triggered scale-up: [{ng-1 3->4 (max: 10)}]" -> "group ng-1 3->4 (max 10)"; also the older "group: x, sizes (current/new): 3/4". */
function describeScaleUp(message: string): string {
  const groups = [...message.matchAll(/\{(\S+) (\d+)->(\d+) \(max: (\d+)\)\}/g)].map(m => `group ${m[1]} ${m[2]}->${m[3]} (max ${m[4]})`)
  if (groups.length > 0) return groups.join(', ')
  const old = /group: ([^,]+), sizes \(current\/new\): (\d+)\/(\d+)/.exec(message)
  return old ? `group ${old[1]} ${old[2]}->${old[3]}` : message
}

/** Per-node-group reasons of NotTriggerScaleUp: "<count> <reason>" joined by ", " in Go map order. */
export function parseNoScaleUp(message: string): {count: number; reason: string}[] {
  const body = /^pod didn't trigger scale-up(?: \(it wouldn't fit if a new node is added\))?:?\s*([\s\S]*)$/.exec(message)?.[1] ?? ''
  return body.split(/, (?=\d+ )/).map(part => /^(\d+) ([\s\S]+)$/.exec(part.trim())).filter(m => m !== null).map(m => ({count: Number(m[1]), reason: m[2]!.trim()}))
}

function noScaleUpCause(event: Event): Cause {
  const reasons = parseNoScaleUp(cleanMessage(event))
  const listed = reasons.map(r => `${r.reason} (${r.count} group${r.count === 1 ? '' : 's'})`).join(', ')
  const has = (re: RegExp) => reasons.some(r => re.test(r.reason))
  const fix = has(/max node group size reached|max limit reached/) ? `raise the maximum size of the node groups that fit the pod; they are at their limit`
    : has(/max total nodes in cluster reached|cluster node count limit/) ? `raise cluster-autoscaler's --max-nodes-total, or remove unused nodes`
      : has(/backoff|not ready for scale-up/) ? `read events on ConfigMap kube-system/cluster-autoscaler-status for why the last scale-up of those groups failed (often cloud quota or capacity)`
        : reasons.length > 0 ? `add a node group whose nodes fit the pod (labels, taints, size), or relax the pod's requirements`
          : `read cluster-autoscaler's logs for this pod; the event gave no reasons`
  return {
    category: 'autoscaler-no-scale-up',
    summary: reasons.length > 0 ? `cluster-autoscaler will not add a node for the pod: ${listed}` : `cluster-autoscaler will not add a node for the pod and gave no reason`,
    fix,
    evidence: [eventEvidence(event)],
  }
}

function isKarpenter(e: Event): boolean {
  return reporter(e).toLowerCase().includes('karpenter')
}


