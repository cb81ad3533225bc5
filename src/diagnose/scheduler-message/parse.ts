import type {HistogramEntry} from './reasons.js'
import {AGGREGATION_PREFIX} from '../../model/events.js'
import {countUnaccounted, parseHistogram, parseLegacyEntries, sentenceEnd, toEntry} from './histogram.js'
import {classifyTruncated, PLUGIN_CATEGORIES} from './reasons.js'

export {classifyReason} from './reasons.js'
export type {HistogramEntry, ReasonInfo} from './reasons.js'

export interface Preemption {
  eligible: boolean
  notEligibleReason?: string
  totalNodes: number | null
  entries: HistogramEntry[]
  /** The tail after `preemption: `, as written. */
  raw: string
}

export interface ParsedSchedulerMessage {
  /**
   * `rejected`: ≤1.19 the scheduling cycle stopped without a FitError and the message is the error
   * itself — a predicate error aggregated over nodes (`<err> (repeated N times)`, `[e1, e2]`), a
   * claim pre-check (`persistentvolumeclaim "x" not found`), or a PreFilter rejection (1.16–1.18
   * `rejected by "<plugin>" at prefilter: <msg>`, in `prefilter`). Only texts with a known reason.
   */
  kind: 'fit-error' | 'legacy' | 'no-nodes' | 'scheduler-error' | 'rejected' | 'aggregated-no-detail' | 'unknown'
  totalNodes: number | null
  /** The once-printed PreFilter rejection (1.26+; 1.16–1.18 `rejected by "<plugin>" at prefilter: `), count null. */
  prefilter: HistogramEntry | null
  /** The histogram, in message order (which is lexicographic, never by importance). */
  entries: HistogramEntry[]
  /** DRA / custom PostFilter texts other than preemption. */
  postFilter: string[]
  preemption: Preemption | null
  truncated: boolean
  /** The client-side correlator's `(combined from similar events): ` prefix was stripped. */
  aggregated: boolean
  /** Nodes the histogram does not account for (1.24–1.31 absent nodes): totalNodes minus the nodes counted, when computable; null if unknown. */
  unaccountedNodes: number | null
  schedulerError?: {plugin: string | null; extensionPoint: string | null; message: string}
  raw: string
}

const AGGREGATED_NO_DETAIL = '(events with common reason combined)'
// truncateMessage cuts FailedScheduling events at 1024 characters and appends this: pkg/scheduler/scheduler.go
// since kubernetes/kubernetes#98715 (1.21), schedule_one.go from 1.24 on (read in 1.24.0-alpha.4 … 1.36.2).
// Before, nothing was cut: 1.16–1.20 (events.k8s.io recorder) the API server rejected a note over 1024
// characters and the event was lost (kubernetes/kubernetes#98175); ≤1.15 core/v1 events had no limit.
// The PodScheduled condition is never cut.
const TRUNCATION_SUFFIX = ' ...'
// ErrNoNodesAvailable, pkg/scheduler/scheduler.go.
const NO_NODES = 'no nodes available to schedule pods'
// NoNodeAvailableMsg, pkg/scheduler/framework/types.go.
const FIT_ERROR = /^0\/(\d+) nodes are available:/
// Volcano's FitErrors: same histogram, different words and reasons.
const VOLCANO = /^(?:0\/(\d+)|all) nodes are unavailable:/
const LEGACY = /^No nodes are available that match all of the (?:following )?predicates:+/
const LEGACY_SUMMARY = /fit failure summary on nodes\s*:/
const LEGACY_PER_NODE = /^fit failure on node \(([^)]*)\):\s*(.*)$/gm
// Framework errors (SchedulerError): `running PreBind plugin "VolumeBinding": ...`; older
// releases wrote `error while running "VolumeBinding" prebind plugin for pod "x": ...`.
const PLUGIN_ERROR = /running (?:(\w+) plugin "([^"]+)"|"([^"]+)" (\w+) plugin(?: for pod "[^"]*")?):\s*/
// Older wrappers of framework errors: 1.19 "prefilter plugin %q failed for pod %q: %v" (framework/runtime/framework.go).
const PLUGIN_FAILED = /(?:^|: )(\w+) plugin "([^"]+)" failed for pod "[^"]*":\s*/
// 1.16–1.18 PreFilter rejections (framework/v1alpha1/framework.go RunPreFilterPlugins): Unschedulable, not an error.
const PREFILTER_REJECTED = /^rejected by "([^"]+)" at prefilter: /
// Pre-framework failures after a node was chosen (scheduler.go ≤1.17; "binding rejected" lower-case in schedule_one.go 1.24+).
const CYCLE_ERROR = /^(AssumePodVolumes failed|AssumePod failed|[Bb]inding rejected): /
// scheduler.go 1.14: "reserve plugin %v failed".
const RESERVE_FAILED = /^reserve plugin (\S+) failed$/
// ≤1.17 generic_scheduler.go aggregates predicate errors with utilerrors.CreateAggregateFromMessageCountMap.
const REPEATED = / \(repeated (\d+) times\)$/
const PREEMPTION_MARKER = ' preemption: '
const NOT_ELIGIBLE = 'not eligible due to '
// default_preemption.go (read in 1.36.2): PostFilter stops before any dry run for a pod group it cannot find.
const NOT_EVALUATED = new Set(['pod group for pod not found'])
// DRA's PostFilter texts (dynamicresources.go); seen before `preemption:` since 1.34.
const DRA_POST_FILTER = new Set(['no new claims to deallocate', 'still not schedulable', 'deallocation of ResourceClaim completed', 'plugin disabled'])

/**
 * Parses a kube-scheduler FailedScheduling event message or PodScheduled condition message
 * (1.22–1.36, older formats tolerated). Never throws: what it does not recognise stays raw.
 * Pass the condition's reason to classify a non-plugin `SchedulerError` text.
 */
export function parseSchedulerMessage(message: string, conditionReason?: string): ParsedSchedulerMessage {
  const result: ParsedSchedulerMessage = {
    kind: 'unknown', totalNodes: null, prefilter: null, entries: [], postFilter: [], preemption: null,
    truncated: false, aggregated: false, unaccountedNodes: null, raw: message,
  }
  let text = (message ?? '').trim()
  if (AGGREGATION_PREFIX.test(text)) {
    text = text.replace(AGGREGATION_PREFIX, '')
    result.aggregated = true
  }
  if (text === AGGREGATED_NO_DETAIL) return {...result, kind: 'aggregated-no-detail'}
  if (text.endsWith(TRUNCATION_SUFFIX)) {
    text = text.slice(0, -TRUNCATION_SUFFIX.length)
    result.truncated = true
  }

  if (text.startsWith(NO_NODES)) return {...result, kind: 'no-nodes', totalNodes: 0, unaccountedNodes: 0}
  const fit = FIT_ERROR.exec(text)
  if (fit) return parseFitError(result, Number(fit[1]), text.slice(fit[0].length))
  const volcano = VOLCANO.exec(text)
  if (volcano) {
    // Not kube-scheduler's grammar: keep kind 'unknown' but expose the histogram.
    const histogram = parseHistogram(text.slice(volcano[0].length).trimStart())
    return {...result, totalNodes: volcano[1] ? Number(volcano[1]) : null, entries: histogram.entries}
  }
  const legacy = parseLegacy(text)
  if (legacy) {
    const last = legacy.at(-1)
    if (result.truncated && last) markPartial(last)
    return {...result, kind: 'legacy', entries: legacy}
  }

  const rejectedBy = PREFILTER_REJECTED.exec(text)
  if (rejectedBy) {
    const prefilter = pluginEntry(null, rejectedBy[1] ?? '', text.slice(rejectedBy[0].length))
    if (result.truncated) prefilter.partial = true // the plugin named in front decides, not the cut text
    return {...result, kind: 'rejected', prefilter}
  }
  const pluginError = PLUGIN_ERROR.exec(text)
  if (pluginError) {
    const plugin = pluginError[2] ?? pluginError[3] ?? null
    const extensionPoint = pluginError[1] ?? pluginError[4] ?? null
    const detail = text.slice(pluginError.index + pluginError[0].length)
    return {...result, kind: 'scheduler-error', schedulerError: {plugin, extensionPoint, message: detail}}
  }
  const pluginFailed = PLUGIN_FAILED.exec(text)
  if (pluginFailed) {
    const detail = text.slice(pluginFailed.index + pluginFailed[0].length)
    return {...result, kind: 'scheduler-error', schedulerError: {plugin: pluginFailed[2] ?? null, extensionPoint: pluginFailed[1] ?? null, message: detail}}
  }
  const cycleError = CYCLE_ERROR.exec(text)
  if (cycleError) {
    const plugin = cycleError[1] === 'AssumePodVolumes failed' ? 'VolumeBinding' : null
    return {...result, kind: 'scheduler-error', schedulerError: {plugin, extensionPoint: null, message: text.slice(cycleError[0].length)}}
  }
  const reserveFailed = RESERVE_FAILED.exec(text)
  if (reserveFailed) {
    return {...result, kind: 'scheduler-error', schedulerError: {plugin: reserveFailed[1] ?? null, extensionPoint: 'reserve', message: text}}
  }
  // ≤1.17: binding the pod's volumes failed after a node was chosen; the message is the bare error.
  if (conditionReason === 'VolumeBindingFailed' && text) {
    return {...result, kind: 'scheduler-error', schedulerError: {plugin: 'VolumeBinding', extensionPoint: null, message: text}}
  }
  if (conditionReason === 'SchedulerError' && text) {
    return {...result, kind: 'scheduler-error', schedulerError: {plugin: null, extensionPoint: null, message: text}}
  }
  const rejected = parseRejected(text, result.truncated)
  if (rejected) return {...result, kind: 'rejected', entries: rejected}
  return result
}

/** Marks the entry a truncation cut into and, if its text is now unknown, takes what every reason it may have been means. */
function markPartial(entry: HistogramEntry): void {
  entry.partial = true
  if (entry.known) return
  const guess = classifyTruncated(entry.reason)
  if (guess) Object.assign(entry, guess)
}

/** A reason named together with the plugin that wrote it: the plugin decides the category when the text is unknown. */
function pluginEntry(count: number | null, plugin: string, reason: string): HistogramEntry {
  const entry = toEntry(count, reason)
  if (entry.known) return entry
  const category = PLUGIN_CATEGORIES[plugin]
  return {...entry, plugin, ...(category ? {category, known: true} : {})}
}

/**
 * ≤1.17 predicate errors, aggregated over the nodes that returned them (apimachinery util/errors):
 * one error prints as itself, several as `[e1, e2]`, each with ` (repeated N times)` when N > 1 nodes
 * returned it. A pre-check error (one, never bracketed) has no node count. Null unless a reason is known.
 */
function parseRejected(text: string, truncated: boolean): HistogramEntry[] | null {
  if (!text) return null
  const bracketed = text.startsWith('[') && (text.endsWith(']') || truncated)
  const body = bracketed ? text.slice(1).replace(/\]$/, '') : text
  const parts = bracketed ? body.split(', ') : [body]
  const entries = parts.map((part, index) => {
    const repeated = REPEATED.exec(part)
    // A cut inside the last part may leave the start of " (repeated N times)".
    const cutCount = truncated && index === parts.length - 1 && !repeated ? / \((?:r[a-z]*(?: \d*(?: [a-z]*)?)?)?$/.exec(part) : null
    const reason = repeated ? part.slice(0, repeated.index) : cutCount ? part.slice(0, cutCount.index) : part
    return toEntry(repeated ? Number(repeated[1]) : bracketed && !cutCount ? 1 : null, reason)
  })
  const last = entries.at(-1)
  if (truncated && last) markPartial(last)
  if (!entries.some((entry) => entry.known)) return null
  return entries
}

// Grammar (pkg/scheduler/framework/types.go FitError.Error, a.5 of the research):
//   "0/" N " nodes are available:" [" " PREFILTER "."] [" " HIST "."] [" " POST]
//   POST := { DRA_MSG ", " } "preemption: " ( "not eligible due to …" | FitError ) { ", " ADD_ON }
// 1.26–1.28 format POST with " %v." too, hence the trailing "..".
function parseFitError(result: ParsedSchedulerMessage, totalNodes: number, body: string): ParsedSchedulerMessage {
  const markerAt = body.indexOf(PREEMPTION_MARKER)
  const head = markerAt < 0 ? body : body.slice(0, markerAt)
  const main = parseSections(head)
  const postFilter = splitPostFilter(main.rest)
  const preemption = markerAt < 0 ? null : parsePreemption(body.slice(markerAt + PREEMPTION_MARKER.length))
  if (preemption) postFilter.push(...preemption.addOns)

  const parsed: ParsedSchedulerMessage = {
    ...result, kind: 'fit-error', totalNodes, prefilter: main.prefilter, entries: main.entries, postFilter,
    preemption: preemption && {
      eligible: preemption.eligible, ...(preemption.notEligibleReason === undefined ? {} : {notEligibleReason: preemption.notEligibleReason}),
      totalNodes: preemption.totalNodes, entries: preemption.entries, raw: preemption.raw,
    },
  }
  const cutInMain = result.truncated && !preemption && !main.ended
  if (result.truncated) {
    // Where the 1024-character cut fell: inside the histogram, inside the dry run's histogram,
    // or in free text after them (where it may leave the start of the marker, "preempt").
    const last = postFilter.at(-1)
    if (!preemption && last !== undefined && 'preemption:'.startsWith(last)) postFilter.pop()
    const cutEntry = cutInMain ? (main.entries.at(-1) ?? main.prefilter) : preemption && !preemption.ended ? preemption.entries.at(-1) : undefined
    if (cutEntry) markPartial(cutEntry)
  }
  parsed.unaccountedNodes = countUnaccounted(totalNodes, main.prefilter, main.entries, !cutInMain)
  return parsed
}

interface Sections {
  prefilter: HistogramEntry | null
  entries: HistogramEntry[]
  /** What follows the final period. */
  rest: string
  /** The sections were closed by their period (false when a truncation cut them). */
  ended: boolean
}

function parseSections(text: string): Sections {
  let rest = text.trim()
  let ended = rest.startsWith('.')
  let prefilter: HistogramEntry | null = null
  if (rest && !/^\d+ /.test(rest) && !ended) {
    const end = sentenceEnd(rest)
    const candidate = rest.slice(0, end)
    // Without PreFilter message and histogram the first text may already be DRA's PostFilter.
    if (DRA_POST_FILTER.has(candidate.replace(/,$/, ''))) {
      ended = true
    } else {
      prefilter = toEntry(null, candidate)
      ended = end < rest.length
      rest = rest.slice(end + 1).trimStart()
    }
  }
  let entries: HistogramEntry[] = []
  // One early 1.26 variant printed the per-node histogram after the PreFilter message too.
  if (/^\d+ /.test(rest)) ({entries, rest, ended} = parseHistogram(rest))
  return {prefilter, entries, rest: rest.replace(/^\.+/, '').trim(), ended}
}

interface ParsedPreemption {
  eligible: boolean
  notEligibleReason?: string
  totalNodes: number | null
  entries: HistogramEntry[]
  raw: string
  addOns: string[]
  ended: boolean
}

// default_preemption.go: "preemption: " + the dry run's FitError, or the reason the pod may
// not preempt (preemptionPolicy=Never, victims of an earlier preemption still terminating).
function parsePreemption(tail: string): ParsedPreemption {
  const raw = tail.trim()
  const notEvaluated = raw.replace(/\.+$/, '')
  if (NOT_EVALUATED.has(notEvaluated)) return {eligible: false, notEligibleReason: notEvaluated, totalNodes: null, entries: [], raw, addOns: [], ended: true}
  if (raw.startsWith(NOT_ELIGIBLE)) {
    const reason = raw.slice(NOT_ELIGIBLE.length)
    const end = sentenceEnd(reason)
    const addOns = splitPostFilter(reason.slice(end + 1))
    return {eligible: false, notEligibleReason: reason.slice(0, end), totalNodes: null, entries: [], raw, addOns, ended: true}
  }
  const nested = FIT_ERROR.exec(raw)
  if (!nested) return {eligible: true, totalNodes: null, entries: [], raw, addOns: [], ended: true}
  const sections = parseSections(raw.slice(nested[0].length))
  const entries = sections.prefilter ? [sections.prefilter, ...sections.entries] : sections.entries
  return {eligible: true, totalNodes: Number(nested[1]), entries, raw, addOns: splitPostFilter(sections.rest), ended: sections.ended}
}

// runPostFilterPlugins joins the plugins' messages with ", " (framework/runtime/framework.go).
function splitPostFilter(text: string): string[] {
  return text
    .replace(/^[.,\s]+|[.,\s]+$/g, '')
    .split(', ')
    .map((part) => part.trim().replace(/\.+$/, ''))
    .filter(Boolean)
}

function parseLegacy(text: string): HistogramEntry[] | null {
  const legacy = LEGACY.exec(text) ?? LEGACY_SUMMARY.exec(text)
  if (legacy) return parseLegacyEntries(text.slice(legacy.index + legacy[0].length))
  // ≤1.4: "pod (x) failed to fit in any node" followed by one line per node.
  const counts = new Map<string, number>()
  for (const [, , reason] of text.matchAll(LEGACY_PER_NODE)) {
    if (reason) counts.set(reason.trim(), (counts.get(reason.trim()) ?? 0) + 1)
  }
  if (counts.size === 0) return null
  return [...counts].map(([reason, count]) => toEntry(count, reason))
}
