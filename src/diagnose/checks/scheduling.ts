// Why the scheduler cannot place a pod: its own words (the PodScheduled condition, which is
// never truncated and never expires, then FailedScheduling events) lined up with the scheduler
// model, which sees past the first failing filter of each node and decides which failures
// actually block this pod (scheduling/explain.ts). The scheduler's message is split across the
// causes it supports; what it reports that the model does not compute (volumes, DRA, plugins
// of other schedulers) is kept as the scheduler said it.
import type {ClusterSnapshot} from '../../model/snapshot.js'
import type {Pod, Event} from '../../model/k8s.js'
import type {Cause, CauseCategory, Evidence} from '../../model/reports/finding.js'
import {cleanMessage, reporter, type EventIndex} from '../../model/events.js'
import {parseSchedulerMessage, type ParsedSchedulerMessage, type HistogramEntry} from '../scheduler-message/parse.js'
import {FIT_PLUGINS, evaluateNodes, type ClusterIndex} from '../../scheduling/index.js'
import {explainFit, type FitExplanation, type RankedLine} from '../../scheduling/explain.js'
import {eventEvidence} from './evidence.js'

export interface SchedulingContext {
  snap: ClusterSnapshot
  events: EventIndex
  now: Date
  cluster: ClusterIndex | undefined
  /** Indexes nodes and bound pods once, on first use. */
  index(): ClusterIndex
  /** Pods of one template share one evaluation. */
  cache: Map<string, FitExplanation>
}

export interface SchedulingAnswer {
  causes: Cause[]
  /** Context that blocks nothing by itself (nodes reserved for other work, problems of nodes the pod could not use anyway). */
  notes: string[]
}

/** Reporters of FailedScheduling that are not kube-scheduler profiles; other checks read them. */
const NOT_KUBE_SCHEDULER = /karpenter|fargate/i
const VOLUME_CATEGORIES = new Set<CauseCategory>(['pvc-unbound', 'volume-binding', 'volume-node-affinity'])
const RESOURCE_CATEGORIES = new Set<CauseCategory>(['insufficient-resources', 'too-many-pods'])
const MODELLED_PLUGINS = new Set<string>(FIT_PLUGINS)
const MAX_NODE_EVIDENCE = 3

interface SchedulerSaid {
  text: string
  parsed: ParsedSchedulerMessage
  /** The condition and the newest FailedScheduling of each reporter, identical texts once. */
  evidence: Evidence[]
}

/**
 * The scheduling causes of an unscheduled pod, most direct first. `volumeCauses` come from
 * checkVolumes: a claim that is missing or unbound (not WaitForFirstConsumer) is rejected by the
 * scheduler's PreFilter before any node is looked at, so it is then the whole answer.
 */
export function explainScheduling(pod: Pod, ctx: SchedulingContext, volumeCauses: Cause[] = []): SchedulingAnswer {
  const said = schedulerSaid(pod, ctx)
  if (!said) return {causes: volumeCauses, notes: []} // the scheduler has not looked at it yet
  const {text, parsed, evidence} = said
  if (parsed.kind === 'scheduler-error') {
    const plugin = parsed.schedulerError?.plugin
    return answer([{category: plugin === 'VolumeBinding' ? 'volume-binding' : 'other', summary: `the scheduler failed ${plugin ? `in plugin ${plugin}` : ''}: ${parsed.schedulerError?.message ?? text}`.replace('  ', ' '), fix: 'see the evidence; the scheduler retries on its own', evidence}])
  }
  if (parsed.kind === 'no-nodes') return answer([{category: 'other', summary: 'the scheduler sees no nodes at all', fix: 'add nodes, or check that nodes registered with the cluster', evidence}])

  // Failed before looking at nodes: the claims (or the PreFilter the scheduler names) are the answer.
  const claims = volumeCauses.filter(c => c.category === 'pvc-unbound')
  if (parsed.kind === 'rejected' && claims.length === 0) {
    // Up to 1.19 the scheduler reported a predicate error instead of a node histogram: it stopped there.
    const entries = parsed.prefilter ? [parsed.prefilter, ...parsed.entries] : parsed.entries
    return answer(entries.map(e => fromEntry(e, parsed, evidence)))
  }
  if (claims.length > 0 || parsed.prefilter) {
    const causes = claims.length > 0 ? claims.map((c, i) => i === 0 ? {...c, evidence: [...c.evidence, ...evidence]} : c) : [fromEntry(parsed.prefilter!, parsed, evidence)]
    return answer(causes)
  }

  const fit = ctx.snap.nodes.length > 0 ? explainPod(pod, ctx) : undefined
  const causes: Cause[] = (fit?.causes ?? []).map(line => fromLine(line, parsed, evidence[0]))
  if (fit?.kind === 'fits' && parsed.kind !== 'unknown') {
    // The cluster changed since the scheduler's last try, or something outside the model blocks these nodes.
    const n = fit.fitting.length
    causes.push({
      category: 'other',
      summary: `${n} node${n === 1 ? '' : 's'} would fit the pod now (${fit.fitting.slice(0, 3).join(', ')}${n > 3 ? ', ...' : ''}); the scheduler's last attempt saw otherwise`,
      nodes: {count: n, names: fit.fitting.slice(0, 20)},
      fix: 'the scheduler retries on its own; if it keeps failing, see its message in the evidence',
      evidence,
    })
  }
  // What the scheduler reports that the model does not compute: volumes, DRA, other plugins.
  const covered = new Set(causes.map(c => c.category))
  for (const entry of parsed.entries) {
    if (entry.plugin && MODELLED_PLUGINS.has(entry.plugin)) continue
    if (covered.has(entry.category) || (VOLUME_CATEGORIES.has(entry.category) && volumeCauses.length > 0)) continue
    if (entry.reason.includes('filtered out by the prefilter result') || /didn't satisfy plugin/.test(entry.reason) && causes.length > 0) continue
    causes.push(fromEntry(entry, parsed, evidence))
    covered.add(entry.category)
  }
  causes.push(...volumeCauses)
  // A custom scheduler's wording the parser does not know: shown as written, never guessed at.
  if (causes.length === 0) causes.push({category: 'other', summary: text, fix: 'see the scheduler\'s message', evidence})
  return {causes, notes: fit?.notes ?? []}
}

function answer(causes: Cause[]): SchedulingAnswer {
  return {causes, notes: []}
}

function schedulerSaid(pod: Pod, ctx: SchedulingContext): SchedulerSaid | undefined {
  const condition = pod.status?.conditions?.find(c => c.type === 'PodScheduled' && c.status !== 'True')
  const failed = latestByReporter(ctx.events.for(pod, 'Pod').filter(e => e.reason === 'FailedScheduling' && !NOT_KUBE_SCHEDULER.test(reporter(e))))
  const evidence: Evidence[] = []
  if (condition?.message) evidence.push({kind: 'Pod', reason: condition.reason, message: condition.message, source: 'pod.status'})
  for (const e of failed) {
    const ev = eventEvidence(e)
    // The condition and the event usually say the same; the condition is complete (events are truncated).
    if (!evidence.some(x => x.message === ev.message)) evidence.push(ev)
  }
  if (evidence.length === 0) return undefined
  const text = condition?.message || cleanMessage(failed[0]!)
  return {text, parsed: parseSchedulerMessage(text, condition?.reason), evidence}
}

function explainPod(pod: Pod, ctx: SchedulingContext): FitExplanation {
  const key = templateKey(pod)
  let result = key ? ctx.cache.get(key) : undefined
  if (!result) {
    const cluster = ctx.index()
    result = explainFit(pod, evaluateNodes({pod, cluster}), cluster)
    if (key) ctx.cache.set(key, result)
  }
  return result
}

/** A cause from the model, with the part of the scheduler's message that supports it and the nodes' own failures. */
function fromLine(line: RankedLine, parsed: ParsedSchedulerMessage, said: Evidence | undefined): Cause {
  const entries = parsed.entries.filter(e => e.category === line.category || (e.plugin !== null && e.plugin === line.plugin))
  const evidence: Evidence[] = entries.length && said
    ? [{...said, message: entries.map(e => `${e.count !== null ? `${e.count} ` : ''}${e.reason}`).join(', ')}]
    : []
  line.details.slice(0, MAX_NODE_EVIDENCE).forEach((f, i) => evidence.push({kind: 'Node', reason: f.plugin, message: `${line.nodes[i]}: ${f.detail}`, source: 'computed'}))
  return {
    category: line.category,
    // Resource lines already say which nodes fail only on resources.
    summary: line.opens > 0 && !RESOURCE_CATEGORIES.has(line.category) && line.opens < line.nodes.length ? `${line.summary} (the only obstacle on ${line.opens} of them)` : line.summary,
    nodes: {count: line.nodes.length, names: line.nodes.slice(0, 20)},
    fix: line.fix,
    evidence,
  }
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
    summary: `${entry.count !== null ? `${entry.count} node${entry.count === 1 ? '' : 's'}: ` : ''}${entry.reason}`,
    ...(nodes ? {nodes} : {}),
    fix: fixes[entry.category] ?? 'see the scheduler\'s message',
    evidence,
  }
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
