import {classifyReason, type HistogramEntry} from './reasons.js'

// Plugins that report several reasons for one node: NodeResourcesFit lists every insufficient
// resource (noderesources/fit.go), VolumeBinding every conflict (volumebinding/binder.go).
const MULTI_REASON_PLUGINS = new Set(['NodeResourcesFit', 'VolumeBinding', 'DynamicResources'])
// ≤1.21 InterPodAffinity printed this umbrella next to the specific reason, for the same node
// (1.21 added " rules" to it: interpodaffinity/filtering.go ErrReasonAffinityNotMatch).
const AFFINITY_UMBRELLAS = new Set(["node(s) didn't match pod affinity/anti-affinity", "node(s) didn't match pod affinity/anti-affinity rules", 'MatchInterPodAffinity'])

export function toEntry(count: number | null, reason: string): HistogramEntry {
  const text = reason.trim()
  return {count, reason: text, ...classifyReason(text)}
}

/** Where a sentence ends: the first "." followed by the end, a space, a comma or another ".". */
export function sentenceEnd(text: string): number {
  const match = /\.(?=$|[., ])/.exec(text)
  return match ? match.index : text.length
}

/**
 * Parses `<count> <reason>, <count> <reason>.` and returns what follows the final period.
 * Entries are split on ", " followed by digits and a space only: reasons may contain ", "
 * (1.18–1.23 taints, DRA `Insufficient resources: x (requested: 1, used: 2, capacity: 3)`).
 */
export function parseHistogram(text: string): {entries: HistogramEntry[]; rest: string; ended: boolean} {
  const parts = text.split(/, (?=\d+ )/)
  const entries: HistogramEntry[] = []
  for (const [index, part] of parts.entries()) {
    const end = sentenceEnd(part)
    const counted = /^(\d+) (.*)$/s.exec(part.slice(0, end))
    entries.push(counted ? toEntry(Number(counted[1]), counted[2] ?? '') : toEntry(null, part.slice(0, end)))
    if (end < part.length) return {entries, rest: [part.slice(end + 1), ...parts.slice(index + 1)].join(', '), ended: true}
  }
  return {entries, rest: '', ended: false}
}

/** Parses the ≤1.9 `Insufficient cpu (19), PodToleratesNodeTaints (10).` list: count after the reason. */
export function parseLegacyEntries(body: string): HistogramEntry[] {
  const text = body.trim().replace(/\.$/, '')
  const entry = /(.+?) \((\d+)\)(?:, |$)/ys
  const entries: HistogramEntry[] = []
  let at = 0
  while (at < text.length) {
    entry.lastIndex = at
    const match = entry.exec(text)
    if (!match) break
    entries.push(toEntry(Number(match[2]), match[1] ?? ''))
    at = entry.lastIndex
  }
  if (at < text.length) entries.push(toEntry(null, text.slice(at)))
  return entries
}

/**
 * Nodes the histogram does not mention: each node reports the reasons of its first failing
 * plugin only (framework/runtime/framework.go RunFilterPlugins), so counts of different
 * plugins add up, while one multi-reason plugin counts a node once per reason. Exact when
 * that ambiguity does not matter, otherwise null.
 */
export function countUnaccounted(total: number, prefilter: HistogramEntry | null, entries: HistogramEntry[], complete: boolean): number | null {
  if (prefilter) return 0 // a PreFilter rejection applies to every node
  if (!complete) return null
  if (total === 0) return 0
  const umbrella = entries.some((entry) => AFFINITY_UMBRELLAS.has(entry.reason))
  let least = 0
  let most = 0
  const groups = new Map<string, number>()
  for (const entry of entries) {
    if (entry.count === null) return null
    most += entry.count
    const plugin = entry.plugin ?? ''
    const group = !entry.known ? '?' : MULTI_REASON_PLUGINS.has(plugin) || (umbrella && plugin === 'InterPodAffinity') ? plugin : null
    if (group === null) least += entry.count
    else groups.set(group, Math.max(groups.get(group) ?? 0, entry.count))
  }
  for (const count of groups.values()) least += count
  if (least >= total) return 0
  return least === most ? total - most : null
}
