import type {Condition, Event, Node, Taint} from '../../model/k8s.js'
import type {Cause, CauseCategory, Evidence} from '../../model/reports/finding.js'
import {EventIndex} from '../../model/events.js'
import {conditionEvidence, eventEvidence} from './evidence.js'
import {STATE_TAINTS} from '../../model/taints.js'

// One explanation per node. Condition texts: pkg/kubelet/nodestatus/setters.go, pkg/kubelet/kubelet.go
// (runtime state), pkg/controller/nodelifecycle/node_lifecycle_controller.go (NodeStatusUnknown).

/** Conditions that are healthy when False. Anything else but Ready has unknown polarity and is not judged. */
const PRESSURE: Record<string, {what: string; fix: string; events: string[]}> = {
  MemoryPressure: {what: 'memory pressure', fix: 'lower memory use on node %s or give it more memory; meanwhile the kubelet evicts pods and the scheduler avoids it', events: ['EvictionThresholdMet', 'SystemOOM']},
  DiskPressure: {what: 'disk pressure', fix: 'free disk space on node %s (unused images, container logs, emptyDir data) or enlarge its disk', events: ['EvictionThresholdMet', 'FreeDiskSpaceFailed', 'ImageGCFailed']},
  PIDPressure: {what: 'PID pressure', fix: 'find the pods creating too many processes on node %s, or set a kubelet podPidsLimit', events: ['EvictionThresholdMet']},
}
/** node-problem-detector's conditions (config/*.json there), healthy when False. */
const PROBLEMS: Record<string, string> = {
  KernelDeadlock: 'drain node %s and reboot or replace it',
  ReadonlyFilesystem: 'drain node %s and repair or replace its filesystem',
  CorruptDockerOverlay2: 'drain node %s and clean or replace its container storage',
  FrequentKubeletRestart: 'read the kubelet logs on node %s for why it keeps restarting',
  FrequentDockerRestart: 'read the docker logs on node %s for why it keeps restarting',
  FrequentContainerdRestart: 'read the containerd logs on node %s for why it keeps restarting',
  FrequentUnregisterNetDevice: 'drain node %s and reboot it; the kernel is stuck unregistering a network device',
  KubeletUnhealthy: 'check the kubelet on node %s (systemctl status kubelet)',
  ContainerRuntimeUnhealthy: 'check the container runtime on node %s (systemctl status containerd)',
}

export interface NodeExplanation {
  ready: 'True' | 'False' | 'Unknown'
  causes: Cause[]
}

/** The node's readiness and every problem its status, taints and events show. Events: the index, or the node's own events. */
export function explainNode(node: Node, events: EventIndex | Event[], now: Date): NodeExplanation {
  const name = node.metadata.name ?? ''
  const conditions = node.status?.conditions ?? []
  const readyCondition = conditions.find(c => c.type === 'Ready')
  const ready = readyCondition?.status === 'True' ? 'True' : readyCondition?.status === 'False' ? 'False' : 'Unknown'
  const nodeEvents = eventsOf(node, events)
  const byState = new Map<string, Cause>()
  const causes: Cause[] = []
  const add = (state: string, cause: Cause) => {
    if (!byState.has(state)) byState.set(state, cause)
    causes.push(cause)
  }
  const since = (c: Condition) => c.lastTransitionTime ? ` since ${c.lastTransitionTime}` : ''

  if (readyCondition && ready !== 'True') {
    for (const cause of notReadyCauses(name, node, readyCondition, conditions, since(readyCondition))) add('Ready', cause)
    byState.get('Ready')?.evidence.push(...newest(nodeEvents, ['NodeNotReady', 'Rebooted']))
  } else if (!readyCondition) {
    add('Ready', {category: 'node-not-ready', summary: `node ${name} has no Ready condition: its kubelet has not reported status`, fix: `read the kubelet logs on node ${name} (journalctl -u kubelet)`, evidence: []})
  }
  for (const c of conditions) {
    if (c.status !== 'True') continue // Unknown pressure comes with NodeStatusUnknown, reported once above
    const pressure = PRESSURE[c.type]
    if (pressure) {
      add(c.type, {category: 'node-pressure', summary: `node ${name} is under ${pressure.what}${since(c)}: ${c.message ?? c.reason ?? ''}`, fix: pressure.fix.replace('%s', name), evidence: [conditionEvidence(c, 'node.status'), ...newest(nodeEvents, pressure.events)]})
    } else if (c.type === 'NetworkUnavailable') {
      add(c.type, {category: 'sandbox-network', summary: `the network of node ${name} is not configured${since(c)}: ${c.reason ?? ''} ${c.message ?? ''}`.trim(), fix: `check the CNI pod on node ${name}, or the cloud route controller if the cluster uses cloud routes`, evidence: [conditionEvidence(c, 'node.status')]})
    } else if (PROBLEMS[c.type]) {
      add(c.type, {category: 'other', summary: `node-problem-detector reports ${c.type} on node ${name}${since(c)}: ${c.reason ?? ''} ${c.message ?? ''}`.trim(), fix: PROBLEMS[c.type]!.replace('%s', name), evidence: [conditionEvidence(c, 'node.status')]})
    }
  }
  if (node.spec?.unschedulable) {
    add('cordon', {category: 'node-unschedulable', summary: `node ${name} is cordoned (spec.unschedulable)`, fix: `run kubectl uncordon ${name} once its maintenance is done`, evidence: [{kind: 'NodeSpec', reason: 'unschedulable', message: 'true', source: 'node.spec'}]})
  }
  for (const taint of node.spec?.taints ?? []) {
    const known = STATE_TAINTS[taint.key]
    if (!known) continue
    const explained = byState.get(known.state)
    if (explained) explained.evidence.push(taintEvidence(taint))
    else add(known.state, taintCause(name, taint, known.category))
  }
  return {ready, causes}
}

function notReadyCauses(name: string, node: Node, ready: Condition, conditions: Condition[], since: string): Cause[] {
  const evidence = [conditionEvidence(ready, 'node.status')]
  if (ready.reason === 'NodeStatusUnknown' || (ready.status === 'Unknown' && ready.reason !== 'NodeStatusNeverUpdated')) {
    // The node lifecycle controller sets every kubelet-owned condition to Unknown at once: one cause, all as evidence.
    evidence.push(...conditions.filter(c => c !== ready && c.reason === 'NodeStatusUnknown').map(c => conditionEvidence(c, 'node.status')))
    const heartbeat = ready.lastHeartbeatTime ? `; last heartbeat ${ready.lastHeartbeatTime}` : ''
    return [{category: 'node-not-ready', summary: `the kubelet on node ${name} stopped posting node status${since}${heartbeat}`, fix: `check that node ${name} is powered on, that its kubelet runs and that it can reach the API server`, evidence}]
  }
  if (ready.reason === 'NodeStatusNeverUpdated') {
    return [{category: 'node-not-ready', summary: `the kubelet on node ${name} never posted node status since the node registered at ${node.metadata.creationTimestamp ?? 'an unknown time'}`, fix: `read the kubelet logs on node ${name} (journalctl -u kubelet); it registered but never reported`, evidence}]
  }
  if (ready.reason === 'KubeletNotReady') {
    return splitKubeletMessage(ready.message ?? '').map(part => ({category: 'node-not-ready', ...explainPart(name, part, since), evidence}))
  }
  return [{category: 'node-not-ready', summary: `node ${name} is not ready${since}: ${ready.reason ?? ''} ${ready.message ?? ''}`.trim(), fix: `read the kubelet logs on node ${name} (journalctl -u kubelet)`, evidence}]
}

const PART_START = /^(container runtime|runtime network|network plugin|docker:|PLEG|missing node capacity|node |csinode|Kubelet|\[)/i

/**
 * Splits the kubelet's aggregated not-ready message: old kubelets join errors with "," (no space),
 * newer ones write an aggregate "[a, b]". Pieces that do not start a known message belong to the
 * previous one ("missing node capacity for resources: a, b").
 */
export function splitKubeletMessage(message: string): string[] {
  let text = message.trim()
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1)
  const parts: string[] = []
  for (const piece of text.split(/,\s*/)) {
    if (parts.length > 0 && !PART_START.test(piece)) parts[parts.length - 1] += `, ${piece}`
    else parts.push(piece)
  }
  return parts.filter(p => p.length > 0)
}

function explainPart(name: string, part: string, since: string): {summary: string; fix: string} {
  if (/network not ready|NetworkPluginNotReady|cni config uninitialized|cni plugin not initialized|network plugin is not ready/i.test(part)) {
    return {summary: `the container network (CNI) is not initialised on node ${name}${since}: ${part}`, fix: `check the CNI DaemonSet pod on node ${name} (aws-node, calico-node, cilium...) and its config in /etc/cni/net.d`}
  }
  const pleg = /PLEG is not healthy: pleg was last seen active (\S+) ago; threshold is (\S+)/.exec(part)
  if (pleg) {
    const seen = pleg[1]!.replace(/\.\d+s$/, 's')
    return {summary: `the kubelet's pod lifecycle event generator (PLEG) on node ${name} last ran ${seen} ago (threshold ${pleg[2]})${since}: the container runtime is too slow to list containers`, fix: `reduce the load on the container runtime of node ${name} (too many containers, slow disk I/O), then restart the runtime and the kubelet`}
  }
  if (/pleg has yet to be successful/i.test(part)) {
    return {summary: `the kubelet on node ${name} has not completed its first container listing (PLEG) yet${since}`, fix: `wait a minute; if it persists, check the container runtime of node ${name}`}
  }
  if (/^container runtime|runtime not ready/i.test(part)) {
    return {summary: `the container runtime on node ${name} is down or not answering${since}: ${part}`, fix: `check containerd or CRI-O on node ${name} (systemctl status containerd) and restart it`}
  }
  const capacity = /missing node capacity for resources: (.*)$/.exec(part)
  if (capacity) {
    return {summary: `the kubelet on node ${name} has not reported capacity for ${capacity[1]}${since}`, fix: `check the device plugin that provides ${capacity[1]} on node ${name}`}
  }
  return {summary: `node ${name} is not ready${since}: ${part}`, fix: `read the kubelet logs on node ${name} (journalctl -u kubelet)`}
}

function taintCause(name: string, taint: Taint, category: CauseCategory): Cause {
  const evidence = [taintEvidence(taint)]
  if (taint.key === 'ToBeDeletedByClusterAutoscaler') {
    const at = Number(taint.value)
    const when = Number.isFinite(at) && at > 0 ? ` since ${new Date(at * 1000).toISOString()}` : ''
    return {category, summary: `cluster-autoscaler is removing node ${name}${when}`, fix: `let the scale-down finish; to keep nodes like it, annotate them cluster-autoscaler.kubernetes.io/scale-down-disabled=true`, evidence}
  }
  if (taint.key === 'node.cloudprovider.kubernetes.io/uninitialized') {
    return {category, summary: `the cloud-controller-manager has not initialised node ${name} yet`, fix: `check that the cloud-controller-manager runs and can reach the cloud API; it removes the taint once it initialises the node`, evidence}
  }
  return {category, summary: `node ${name} still has taint ${taint.key}:${taint.effect} although its status no longer shows that state`, fix: `wait for the node lifecycle controller to remove the taint; if it stays, check kube-controller-manager`, evidence}
}

/**
 * The kubelet records node events with the node's name as uid (pkg/kubelet/kubelet.go nodeRef), the
 * node controller with the real uid: look up by name and keep both, dropping a same-named older node's.
 */
function eventsOf(node: Node, events: EventIndex | Event[]): Event[] {
  const uids = new Set([undefined, '', node.metadata.uid, node.metadata.name])
  const named = events instanceof EventIndex ? events.for({metadata: {name: node.metadata.name}}, 'Node') : events
  return named.filter(e => uids.has(e.involvedObject.uid))
}

function newest(nodeEvents: Event[], reasons: string[]): Evidence[] {
  return reasons.flatMap(r => {
    const e = nodeEvents.find(x => x.reason === r)
    return e ? [eventEvidence(e)] : []
  })
}


function taintEvidence(t: Taint): Evidence {
  return {kind: 'Taint', reason: t.key, message: `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`, source: 'node.spec'}
}
