// why-pending: from one ClusterSnapshot, explain every Pending or NotReady pod, every
// workload whose pods were never created, and every node that is NotReady or under
// pressure. Pure: a function of the snapshot, the target and the time.
import type {ClusterSnapshot} from '../model/snapshot.js'
import type {Node, Pod} from '../model/k8s.js'
import type {Cause} from '../model/reports/finding.js'
import type {NodeItem, ReportItem, WhyPendingReport} from '../model/reports/why-pending.js'
import {EventIndex} from '../model/events.js'
import {podProblem} from '../model/pods.js'
import {indexOwners, topOwner, type OwnerIndex} from '../model/owners.js'
import {prepareCluster} from '../scheduling/index.js'
import type {ClusterBuilder} from '../scheduling/cluster.js'
import type {Target} from './target.js'
import {runPodChecks, type CheckContext} from './checks/index.js'
import type {SchedulingContext} from './checks/scheduling.js'
import {eventEvidence} from './checks/evidence.js'
import {notCreatedWorkloads} from './checks/owners.js'
import {runningSchedulers} from './checks/scheduler-name.js'
import {explainNode} from './checks/nodes.js'

export interface DiagnoseOptions {
  target: Target
  now: Date
  /** The index of snap.nodes and snap.boundPods, begun while they were listed; made here otherwise. */
  indexing?: ClusterBuilder
}

export function diagnose(snap: ClusterSnapshot, opts: DiagnoseOptions): WhyPendingReport {
  const {target, now} = opts
  const events = new EventIndex(snap.events)
  const nodeVerdicts = new Map<string, NodeItem>()
  const scheduling: SchedulingContext = {
    snap, events, now,
    cluster: undefined,
    index: () => (scheduling.cluster ??= opts.indexing ? opts.indexing.finish(snap.nodes, snap.boundPods) : prepareCluster(snap.nodes, snap.boundPods)),
    cache: new Map(),
  }
  const ctx: CheckContext = {
    snap, events, now, scheduling,
    nodesByName: new Map(snap.nodes.map(n => [n.metadata.name ?? '', n])),
    schedulers: runningSchedulers(snap, now),
    explainNode: (node: Node): NodeItem => {
      const name = node.metadata.name ?? ''
      let item = nodeVerdicts.get(name)
      if (!item) {
        const r = explainNode(node, events, now)
        item = {name, ready: r.ready, causes: r.causes}
        nodeVerdicts.set(name, item)
      }
      return item
    },
  }

  const owners = indexOwners(snap.workloads)
  const items: ReportItem[] = []
  for (const pod of snap.pods) {
    if (!inScope(pod, snap, target, owners)) continue
    const status = podProblem(pod)
    if (!status) continue
    const {causes, waiting, notes} = runPodChecks(pod, status, ctx)
    if (causes.length === 0) causes.push(unexplained(pod, events, status))
    items.push({
      object: {kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name ?? ''},
      owner: topOwner(pod, owners),
      status,
      ...(pod.spec.nodeName ? {node: pod.spec.nodeName} : {}),
      waiting: waiting && causes.every(c => isWaitCategory(c) || c.category === 'insufficient-resources' || c.category === 'too-many-pods' || c.category === 'volume-binding'),
      since: problemSince(pod, status),
      causes: dedupe(causes),
      notes,
    })
  }

  // Workloads whose pods were never created (quota, LimitRange, PodSecurity, webhooks).
  if (target.kind === 'all' || target.kind === 'workload') {
    for (const item of notCreatedWorkloads(snap, events, owners)) {
      if (target.kind === 'workload' && !(item.object.kind === target.workloadKind && item.object.name === target.name)
        && !(item.owner?.kind === target.workloadKind && item.owner.name === target.name)) continue
      items.push(item)
    }
  }

  // Nodes are cluster-scoped: listed on their own for a whole-cluster question or when asked
  // about; a namespaced question sees them only as causes of its pods.
  const nodes: NodeItem[] = []
  const listNodes = target.kind === 'node' || (target.kind === 'all' && !snap.namespace)
  for (const node of listNodes ? snap.nodes : []) {
    if (target.kind === 'node' && node.metadata.name !== target.name) continue
    const item = ctx.explainNode(node)
    if (target.kind === 'node' || item.causes.length > 0) nodes.push(item)
  }

  items.sort((a, b) => (a.owner?.name ?? a.object.name).localeCompare(b.owner?.name ?? b.object.name) || a.object.name.localeCompare(b.object.name))
  nodes.sort((a, b) => a.name.localeCompare(b.name))
  return {
    apiVersion: 'kubectl-prod/v1', kind: 'WhyPendingReport', items, nodes, summary: summarize(items, nodes),
    ...(snap.gaps.length ? {gaps: [...snap.gaps]} : {}),
  }
}


function inScope(pod: Pod, snap: ClusterSnapshot, target: Target, owners: OwnerIndex): boolean {
  if (snap.namespace && pod.metadata.namespace !== snap.namespace) return false
  switch (target.kind) {
    case 'all': return true
    case 'pod': return pod.metadata.name === target.name
    case 'node': return pod.spec.nodeName === target.name
    case 'workload': {
      if (target.workloadKind === 'ReplicaSet') return pod.metadata.ownerReferences?.some(o => o.kind === 'ReplicaSet' && o.name === target.name) ?? false
      const owner = topOwner(pod, owners)
      return owner?.kind === target.workloadKind && owner.name === target.name
    }
  }
}

const WAIT_CATEGORIES = new Set(['autoscaler-scaling-up', 'preemption'])
function isWaitCategory(c: Cause): boolean {
  return WAIT_CATEGORIES.has(c.category)
}

function problemSince(pod: Pod, status: 'Pending' | 'NotReady'): string | undefined {
  const conds = pod.status?.conditions ?? []
  if (status === 'NotReady') return conds.find(c => c.type === 'Ready')?.lastTransitionTime ?? pod.metadata.creationTimestamp
  return conds.find(c => c.type === 'PodScheduled' && c.status !== 'True')?.lastTransitionTime ?? pod.metadata.creationTimestamp
}

/** Nothing matched: say what is known rather than nothing. */
function unexplained(pod: Pod, events: EventIndex, status: 'Pending' | 'NotReady'): Cause {
  const recent = events.for(pod, 'Pod').filter(e => e.type === 'Warning').slice(0, 3)
  const scheduled = pod.status?.conditions?.find(c => c.type === 'PodScheduled')
  const summary = status === 'Pending' && !pod.spec.nodeName
    ? scheduled ? `not scheduled yet: ${scheduled.reason ?? ''} ${scheduled.message ?? ''}`.trim() : 'no scheduling attempt is recorded yet'
    : `${status === 'Pending' ? 'containers have not started' : 'not ready'}, and no event or status says why`
  return {
    category: 'other', summary,
    fix: recent.length ? 'read the events listed as evidence' : `run kubectl describe pod ${pod.metadata.name} -n ${pod.metadata.namespace}`,
    evidence: recent.map(eventEvidence),
  }
}

function dedupe(causes: Cause[]): Cause[] {
  const seen = new Set<string>()
  return causes.filter(c => {
    const key = `${c.category}\u0000${c.summary}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

function summarize(items: ReportItem[], nodes: NodeItem[]): WhyPendingReport['summary'] {
  const byStatus: Record<string, number> = {}
  const byCategory: Record<string, number> = {}
  for (const item of items) {
    byStatus[item.status] = (byStatus[item.status] ?? 0) + 1
    for (const category of new Set(item.causes.map(c => c.category))) byCategory[category] = (byCategory[category] ?? 0) + 1
  }
  const notReadyNodes = nodes.filter(n => n.ready !== 'True').length
  if (notReadyNodes) byStatus.NodeNotReady = notReadyNodes
  return {byStatus, byCategory}
}

/** Exit 1 when anything is stuck: a pod or workload that is not an expected wait, or a node with a problem. */
export function isStuck(report: WhyPendingReport): boolean {
  return report.items.some(i => !i.waiting) || report.nodes.some(n => n.causes.length > 0)
}
