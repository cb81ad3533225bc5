import type {Container, ContainerStatus, Event, Pod} from '../../model/k8s.js'
import type {Cause} from '../../model/reports/finding.js'
import {cleanMessage, lastSeen, occurrences, type EventIndex} from '../../model/events.js'
import {eventEvidence, conditionEvidence} from './evidence.js'
import {short} from '../../model/text.js'

// Running but not Ready. The kubelet writes probe failures as Unhealthy events
// "%s probe failed: %s" / "%s probe errored: %v" (pkg/kubelet/prober/prober.go) and the
// Ready condition's reasons ContainersNotReady / ReadinessGatesNotReady (pkg/kubelet/status/generate.go).

const PROBE = /^(Readiness|Startup|Liveness) probe (failed|errored|warning): ([\s\S]*)$/

/** Why a Running pod is not Ready: probe failures, unmet readiness gates, silent containers. */
export function checkReadiness(pod: Pod, events: EventIndex, now: Date): Cause[] {
  const ready = pod.status?.conditions?.find(c => c.type === 'Ready')
  if (pod.status?.phase !== 'Running' || ready?.status === 'True') return []
  const podEvents = events.for(pod, 'Pod')
  const causes: Cause[] = []
  for (const status of pod.status?.containerStatuses ?? []) {
    if (status.ready || !status.state?.running) continue // waiting containers are containers.ts's
    const spec = pod.spec.containers.find(c => c.name === status.name)
    causes.push(containerCause(pod, spec, status, podEvents, now))
  }
  causes.push(...gateCauses(pod))
  const allReady = (pod.status?.containerStatuses ?? []).every(s => s.ready)
  if (causes.length === 0 && allReady && ready?.status === 'False' && ready.reason !== 'ReadinessGatesNotReady') {
    // The node lifecycle controller marks pods of an unreachable node NotReady without touching container statuses.
    causes.push({
      category: 'node-not-ready',
      summary: `every container reports ready but the pod is marked NotReady; its node ${pod.spec.nodeName} is probably not ready`,
      fix: `look at node ${pod.spec.nodeName} (kubectl describe node ${pod.spec.nodeName}); its pods are evicted after their not-ready toleration expires`,
      evidence: [conditionEvidence(ready, 'pod.status')],
    })
  }
  return causes
}

function containerCause(pod: Pod, spec: Container | undefined, status: ContainerStatus, podEvents: Event[], now: Date): Cause {
  const startedAt = status.state?.running?.startedAt
  // Failures from before the container's last start belong to an earlier run.
  const probeEvents = podEvents.filter(e => e.reason === 'Unhealthy'
    // Pod-level events (no fieldPath) are about whichever container is failing.
    && (!e.involvedObject.fieldPath || e.involvedObject.fieldPath === `spec.containers{${status.name}}`)
    && (!startedAt || Date.parse(lastSeen(e) ?? '') >= Date.parse(startedAt)))
  const starting = status.started === false && spec?.startupProbe !== undefined
  const kind = starting ? 'Startup' : 'Readiness'
  const failure = probeEvents.find(e => PROBE.exec(cleanMessage(e))?.[1] === kind)
  const who = `container ${status.name}`
  if (!failure) {
    return {
      category: 'readiness-probe',
      summary: starting
        ? `the startup probe of ${who} has not succeeded yet, and no probe failure events were found`
        : `${who} is running but not ready, and no probe failure events were found (events expire after an hour)`,
      fix: `watch the ${kind.toLowerCase()} probe of ${who} with kubectl describe pod -n ${pod.metadata.namespace} ${pod.metadata.name}, and check what its endpoint depends on`,
      evidence: [{kind: 'ContainerStatus', reason: 'Running', message: `container ${status.name} ready=false started=${status.started ?? 'unknown'}`, source: 'pod.status'}],
    }
  }
  const output = PROBE.exec(cleanMessage(failure))?.[3]?.trim() ?? ''
  const probe = starting ? spec?.startupProbe : spec?.readinessProbe
  const seen = lastSeen(failure)
  const ago = seen ? `, last at ${seen}` : ''
  return {
    category: 'readiness-probe',
    summary: `the ${kind.toLowerCase()} probe of ${who} failed ${occurrences(failure) === 1 ? 'once' : `${occurrences(failure)} times`}${ago}: ${short(output)}`,
    fix: probeFix(kind, who, output, probe?.httpGet),
    evidence: [eventEvidence(failure)],
  }
}

function probeFix(kind: string, who: string, output: string, http?: {path?: string; port: number | string}): string {
  const target = http ? `GET ${http.path ?? '/'} on port ${http.port}` : `the ${kind.toLowerCase()} check`
  const status = /statuscode: (\d+)/.exec(output)?.[1]
  if (status) return `make ${target} of ${who} answer 200-399 (it answers ${status}), or point the probe at an endpoint that does`
  if (/connection refused/.test(output)) return `make ${who} listen on the port its ${kind.toLowerCase()} probe uses, or correct the probe's port`
  if (/deadline exceeded|timeout|timed out/i.test(output)) return `make ${target} of ${who} answer within the probe's timeoutSeconds, or raise timeoutSeconds`
  if (kind === 'Startup') return `fix what the startup probe of ${who} checks, or raise its failureThreshold if the app only starts slowly`
  return `fix what the readiness probe of ${who} checks, or correct the probe`
}

function gateCauses(pod: Pod): Cause[] {
  const conditions = pod.status?.conditions ?? []
  const ready = conditions.find(c => c.type === 'Ready')
  const causes: Cause[] = []
  for (const {conditionType} of pod.spec.readinessGates ?? []) {
    const condition = conditions.find(c => c.type === conditionType)
    if (condition?.status === 'True') continue
    causes.push({
      category: 'readiness-probe',
      summary: condition
        ? `readiness gate ${conditionType} is ${condition.status}${condition.message ? `: ${short(condition.message)}` : ''}`
        : `readiness gate ${conditionType} has no condition on the pod yet`,
      fix: /^target-health\.(alb\.ingress|elbv2)\.k8s\.aws\//.test(conditionType)
        ? `check the AWS Load Balancer Controller and the target group health of this pod; it sets ${conditionType} when the target is healthy`
        : `check the controller that sets condition ${conditionType} on the pod; the pod is Ready only when it is True`,
      evidence: [...(condition ? [conditionEvidence(condition, 'pod.status')] : []), ...(ready?.reason === 'ReadinessGatesNotReady' ? [conditionEvidence(ready, 'pod.status')] : [])],
    })
  }
  return causes
}




