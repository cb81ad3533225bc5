import type {HistogramEntry} from './reasons.js'
import {AGGREGATION_PREFIX} from '../../model/events.js'
import {countUnaccounted, parseHistogram, parseLegacyEntries, sentenceEnd, toEntry} from './histogram.js'

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
  kind: 'fit-error' | 'legacy' | 'no-nodes' | 'scheduler-error' | 'aggregated-no-detail' | 'unknown'
  totalNodes: number | null
  /** The once-printed PreFilter rejection (1.26+), count null. */
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
// truncateMessage in pkg/scheduler/schedule_one.go cuts events at 1024 characters and appends this.
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
const PREEMPTION_MARKER = ' preemption: '
const NOT_ELIGIBLE = 'not eligible due to '
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
  if (legacy) return {...result, kind: 'legacy', entries: legacy}

  const pluginError = PLUGIN_ERROR.exec(text)
  if (pluginError) {
    const plugin = pluginError[2] ?? pluginError[3] ?? null
    const extensionPoint = pluginError[1] ?? pluginError[4] ?? null
    const detail = text.slice(pluginError.index + pluginError[0].length)
    return {...result, kind: 'scheduler-error', schedulerError: {plugin, extensionPoint, message: detail}}
  }
  if (conditionReason === 'SchedulerError' && text) {
    return {...result, kind: 'scheduler-error', schedulerError: {plugin: null, extensionPoint: null, message: text}}
  }
  return result
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
    if (cutEntry) cutEntry.partial = true
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
