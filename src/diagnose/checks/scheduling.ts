// Why the scheduler cannot place a pod: its own words (the PodScheduled condition, which
// is never truncated and never expires, then FailedScheduling events) lined up with our
// node-by-node recomputation, which sees past the first failing filter of each node and
// names the taints, labels and headroom the message leaves out.
import type {ClusterSnapshot} from '../../model/snapshot.js'
import type {Pod, Event} from '../../model/k8s.js'
import type {Cause, CauseCategory, Evidence} from '../../model/reports/finding.js'
import {cleanMessage, reporter, type EventIndex} from '../../model/events.js'
import {parseSchedulerMessage, type ParsedSchedulerMessage, type HistogramEntry} from '../scheduler-message/parse.js'
import {evaluateNodes, summarizeVerdicts, type ClusterIndex, type FitSummaryLine, type NodeVerdict} from '../../scheduling/index.js'
import {eventEvidence} from './evidence.js'

export interface SchedulingContext {
  snap: ClusterSnapshot
  events: EventIndex
  now: Date
  cluster: ClusterIndex | undefined
  /** Indexes nodes and bound pods once, on first use. */
  index(): ClusterIndex
  /** Pods of one template share one evaluation. */
  cache: Map<string, {lines: RankedLine[]; fitting: string[]}>
}

/** Reporters of FailedScheduling that are not kube-scheduler profiles; other checks read them. */
const NOT_KUBE_SCHEDULER = /karpenter|fargate/i
const VOLUME_CATEGORIES = new Set<CauseCategory>(['pvc-unbound', 'volume-binding', 'volume-node-affinity'])
const RESOURCE_CATEGORIES = new Set<CauseCategory>(['insufficient-resources', 'too-many-pods'])

interface RankedLine extends FitSummaryLine {
  /** Nodes on which this cause is the only obstacle: fixing it alone opens them. */
  opens: number
}

/**
 * The scheduling causes of an unscheduled pod, most decisive first, with the pod's volume
 * causes (from checkVolumes) merged in: a PreFilter rejection (an unbound claim, say) blocks
 * every node before any node filter runs, so it leads.
 */
export function explainScheduling(pod: Pod, ctx: SchedulingContext, volumeCauses: Cause[] = []): Cause[] {
  const {causes, prefilter} = schedulingCauses(pod, ctx, volumeCauses)
  return prefilter || causes.length === 0 ? [...volumeCauses, ...causes] : [...causes, ...volumeCauses]
}

function schedulingCauses(pod: Pod, ctx: SchedulingContext, volumeCauses: Cause[]): {causes: Cause[]; prefilter: boolean} {
  const condition = pod.status?.conditions?.find(c => c.type === 'PodScheduled' && c.status !== 'True')
  const failed = latestByReporter(ctx.events.for(pod, 'Pod').filter(e => e.reason === 'FailedScheduling' && !NOT_KUBE_SCHEDULER.test(reporter(e))))
  const evidence: Evidence[] = []
  if (condition?.message) evidence.push({kind: 'Pod', reason: condition.reason, message: condition.message, source: 'pod.status'})
  for (const e of failed) evidence.push(eventEvidence(e))
  if (evidence.length === 0) return {causes: [], prefilter: false} // the scheduler has not looked at it yet

  // The condition is complete; events are truncated at 1024 characters.
  const text = condition?.message || cleanMessage(failed[0]!)
  const parsed = parseSchedulerMessage(text, condition?.reason)
  if (parsed.kind === 'scheduler-error') {
    return {prefilter: false, causes: [{category: parsed.schedulerError?.plugin === 'VolumeBinding' ? 'volume-binding' : 'other', summary: `the scheduler failed ${parsed.schedulerError?.plugin ? `in plugin ${parsed.schedulerError.plugin}` : ''}: ${parsed.schedulerError?.message ?? text}`.replace('  ', ' '), fix: 'see the evidence; the scheduler retries on its own', evidence}]}
  }
  if (parsed.kind === 'no-nodes') {
    return {prefilter: false, causes: [{category: 'other', summary: 'the scheduler sees no nodes at all', fix: 'add nodes, or check that nodes registered with the cluster', evidence}]}
  }
  if (parsed.kind === 'unknown' || parsed.kind === 'aggregated-no-detail') {
    // A custom scheduler's wording: shown as written, never guessed at.
    const causes = fromRecomputation(pod, ctx, evidence, false)
    return {prefilter: false, causes: causes.length ? causes : [{category: 'other', summary: text, fix: 'see the scheduler\'s message', evidence}]}
  }

  // A PreFilter rejection (or a claim problem) stops the pod before any node is looked at:
  // nodes that would fit otherwise are no mystery then.
  const prefilter = parsed.prefilter !== null || volumeCauses.length > 0
  const causes = fromRecomputation(pod, ctx, evidence, !prefilter)
  const covered = new Set(causes.map(c => c.category))
  const volumeCovered = new Set(volumeCauses.map(c => c.category))
  // What the scheduler reports that our node-by-node view does not model (volumes, DRA, unknown plugins).
  const entries = [...(parsed.prefilter ? [parsed.prefilter] : []), ...parsed.entries]
  for (const entry of entries) {
    if (covered.has(entry.category) && entry.known) continue
    if (VOLUME_CATEGORIES.has(entry.category) && volumeCovered.size > 0) continue
    if (entry.reason.includes('filtered out by the prefilter result') || /didn't satisfy plugin/.test(entry.reason) && covered.size > 0) continue
    causes.push(fromEntry(entry, parsed, evidence))
    covered.add(entry.category)
  }
  if (causes.length === 0 && volumeCauses.length === 0) causes.push({category: 'other', summary: text, fix: 'see the scheduler\'s message', evidence})
  return {causes, prefilter: parsed.prefilter !== null}
}

function fromRecomputation(pod: Pod, ctx: SchedulingContext, evidence: Evidence[], noteFitting: boolean): Cause[] {
  if (ctx.snap.nodes.length === 0) return []
  const key = templateKey(pod)
  let result = key ? ctx.cache.get(key) : undefined
  if (!result) {
    const verdicts = evaluateNodes({pod, cluster: ctx.index()})
    result = {lines: rankLines(summarizeVerdicts(pod, verdicts), verdicts), fitting: verdicts.filter(v => v.fits).map(v => v.node)}
    if (key) ctx.cache.set(key, result)
  }
  const causes: Cause[] = result.lines.map(line => ({
    category: line.category,
    // Resource lines already say which nodes fail only on resources.
    summary: line.opens > 0 && !RESOURCE_CATEGORIES.has(line.category) ? `${line.summary} (the only obstacle on ${line.opens} node${line.opens === 1 ? '' : 's'})` : line.summary,
    nodes: {count: line.nodes.length, names: line.nodes.slice(0, 20)},
    fix: line.fix,
    evidence,
  }))
  if (noteFitting && result.fitting.length > 0 && causes.length > 0) {
    // The cluster changed since the scheduler's last try, or something outside our model blocks these nodes.
    causes.push({
      category: 'other',
      summary: `${result.fitting.length} node${result.fitting.length === 1 ? '' : 's'} would fit the pod now (${result.fitting.slice(0, 3).join(', ')}${result.fitting.length > 3 ? ', ...' : ''}); the scheduler's last attempt saw otherwise`,
      nodes: {count: result.fitting.length, names: result.fitting.slice(0, 20)},
      fix: 'the scheduler retries on its own; if it keeps failing, see its message in the evidence',
      evidence,
    })
  }
  return causes
}

function fromEntry(entry: HistogramEntry, parsed: ParsedSchedulerMessage, evidence: Evidence[]): Cause {
  const count = entry.count ?? parsed.totalNodes
  const nodes = count !== null && count !== undefined ? {count, names: []} : undefined
  const fixes: Partial<Record<CauseCategory, string>> = {
    'pvc-unbound': 'bind the claim: check its StorageClass and provisioner',
    'volume-binding': 'check the PersistentVolumes and StorageClass of the pod\'s claims',
    'volume-node-affinity': 'the volume is tied to nodes or a zone the pod cannot use: schedule where the volume is, or move the volume',
    'scheduling-gate': 'the controller that added the gate removes it when ready',
  }
  return {
    category: entry.category,
    summary: `${count !== null ? `${count} node${count === 1 ? '' : 's'}: ` : ''}${entry.reason}`,
    ...(nodes ? {nodes} : {}),
    fix: fixes[entry.category] ?? 'see the scheduler\'s message',
    evidence,
  }
}

/**
 * Most decisive first: the cause that alone stands between the pod and the most nodes (fixing
 * it opens them), then the one that excludes the most nodes. A GPU pod aimed at a tainted GPU
 * pool is blocked by the taint, not by the GPU shortage of the nodes it does not select.
 */
function rankLines(lines: FitSummaryLine[], verdicts: NodeVerdict[]): RankedLine[] {
  const byNode = new Map(verdicts.map(v => [v.node, v]))
  const ranked = lines.map(line => ({
    ...line,
    opens: line.nodes.filter(n => byNode.get(n)?.failures.every(f => f.category === line.category) ?? false).length,
  }))
  return ranked.sort((a, b) => b.opens - a.opens || b.nodes.length - a.nodes.length)
}

/** Pods stamped from one template (same owner, same template hash) get the same answer. */
function templateKey(pod: Pod): string | undefined {
  const owner = pod.metadata.ownerReferences?.find(o => o.controller)
  const hash = pod.metadata.labels?.['pod-template-hash'] ?? pod.metadata.labels?.['controller-revision-hash']
  if (!owner || !hash) return undefined
  // StatefulSet pods differ by claims and identity; their anti-affinity to each other is per pod.
  if (owner.kind === 'StatefulSet') return undefined
  return `${owner.uid}/${hash}`
}

function latestByReporter(events: Event[]): Event[] {
  const seen = new Set<string>()
  return events.filter(e => {
    const r = reporter(e)
    if (seen.has(r)) return false
    seen.add(r)
    return true
  })
}
