// Text for people: a one-screen summary first (pods grouped by workload and cause),
// then one block per group; --details adds every pod, node and piece of evidence.
import type {NodeItem, ReportItem, WhyPendingReport} from '../model/reports/why-pending.js'
import type {Cause} from '../model/reports/finding.js'
import type {Style} from './style.js'
import {formatAge} from '../model/age.js'

/** The first screen's lines: at most this many rows, each at most this wide. */
const SUMMARY_ROWS = 15
const SUMMARY_WIDTH = 100

export interface RenderOptions {
  details: boolean
  style: Style
  now: Date
  /** "namespace web", "all namespaces", "dump ./x". */
  scope: string
}

export interface ItemGroup {
  key: string
  title: string
  owner: ReportItem['owner']
  status: ReportItem['status']
  waiting: boolean
  items: ReportItem[]
  causes: Cause[]
  notes: string[]
  since?: string
}

// A time in a cause's summary (a probe's last failure): pods whose causes differ only in it are one group.
const TIMESTAMP = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g
const newestTime = (causes: Cause[]) => causes.flatMap(c => c.summary.match(TIMESTAMP) ?? []).sort().pop() ?? ''

/** Pods of one workload with the same causes form one group (the times in them aside: the group shows the newest). */
export function groupItems(items: ReportItem[]): ItemGroup[] {
  const groups = new Map<string, ItemGroup>()
  for (const item of items) {
    const who = item.owner ? `${item.owner.kind}/${item.owner.name}` : `${item.object.kind}/${item.object.name}`
    const sig = [...item.causes.map(c => `${c.category}:${c.summary.replace(TIMESTAMP, '*')}`).sort(), ...(item.notes ?? [])].join('|')
    const key = `${item.object.namespace ?? ''}/${who}/${item.status}/${sig}`
    let g = groups.get(key)
    if (!g) {
      const ns = item.object.namespace ? `${item.object.namespace}/` : ''
      g = {key, title: item.owner ? `${item.owner.kind} ${ns}${item.owner.name}` : `${item.object.kind} ${ns}${item.object.name}`, owner: item.owner, status: item.status, waiting: item.waiting, items: [], causes: item.causes, notes: item.notes ?? [], since: item.since}
      groups.set(key, g)
    }
    if (g.items.length && newestTime(item.causes) > newestTime(g.causes)) g.causes = item.causes
    g.items.push(item)
    if (item.since && (!g.since || item.since < g.since)) g.since = item.since
  }
  return [...groups.values()].sort((a, b) => Number(a.waiting) - Number(b.waiting) || b.items.length - a.items.length || a.title.localeCompare(b.title))
}

export function renderWhyPending(r: WhyPendingReport, o: RenderOptions): string {
  const s = o.style
  const groups = groupItems(r.items)
  const out: string[] = []
  const podCount = r.items.filter(i => i.object.kind === 'Pod').length
  const notCreated = r.items.filter(i => i.status === 'NotCreated').length
  const badNodes = r.nodes.filter(n => n.causes.length > 0)

  if (r.items.length === 0 && badNodes.length === 0) {
    out.push(`Nothing is Pending or NotReady in ${o.scope}${r.nodes.length ? `; ${r.nodes.map(n => `node ${n.name} is Ready`).join(', ')}` : ''}.`)
    return out.join('\n') + '\n' + gaps(r, s)
  }

  // The first screen: one short line per workload and per node with problems.
  const what = [podCount ? `${podCount} pod${podCount === 1 ? '' : 's'} not running or not ready` : '', notCreated ? `${notCreated} workload${notCreated === 1 ? '' : 's'} without pods` : '', badNodes.length ? `${badNodes.length} node${badNodes.length === 1 ? '' : 's'} with problems` : ''].filter(Boolean)
  out.push(`${s.bold(what.join(', '))} in ${o.scope}:`)
  const oneNamespace = new Set(groups.map(g => g.items[0]?.object.namespace)).size <= 1
  const rows = [
    // Names carry their namespace only when the rows span several.
    ...groups.map(g => ({count: g.status === 'NotCreated' ? '-' : String(g.items.length), status: g.status, name: `${oneNamespace || !g.items[0]?.object.namespace ? '' : `${g.items[0].object.namespace}/`}${shortName(g)}`, causes: g.causes, waiting: g.waiting})),
    ...badNodes.map(n => ({count: '', status: n.ready === 'True' ? 'node' : n.ready === 'False' ? 'node NotReady' : 'node Unknown', name: n.name, causes: n.causes, waiting: false})),
  ]
  const shownRows = rows.slice(0, SUMMARY_ROWS)
  const nameWidth = Math.min(Math.max(...shownRows.map(r => r.name.length)), 24)
  const statusWidth = Math.max(...shownRows.map(r => r.status.length))
  for (const r of shownRows) {
    const head = `  ${r.count.padStart(3)} ${r.status.padEnd(statusWidth)} ${r.name.padEnd(nameWidth)}  `
    out.push(fit(`${head}${headline(r.causes, o.now)}${r.waiting ? ' (waiting)' : ''}`, SUMMARY_WIDTH))
  }
  if (rows.length > shownRows.length) out.push(`  … and ${rows.length - shownRows.length} more`)

  for (const g of groups) {
    out.push('')
    const age = g.since ? `, since ${formatAge(o.now.getTime() - Date.parse(g.since))} ago` : ''
    const status = g.status === 'NotCreated' ? 'pods not created' : `${g.items.length} pod${g.items.length === 1 ? '' : 's'} ${g.status}`
    out.push(`${s.bold(g.title)}  ${s.dim(`${status}${age}${g.waiting ? ' (an expected wait)' : ''}`)}`)
    const shown = new Set<string>()
    for (const c of g.causes) out.push(...renderCause(c, o, shown))
    for (const note of g.notes) out.push(`  ${s.dim('-')} ${s.dim('note:')} ${timesForPeople(note, o.now)}`)
    if (g.status !== 'NotCreated') {
      const names = g.items.map(i => i.object.name)
      const shown = o.details ? names : names.slice(0, 3)
      out.push(`    ${s.dim('pods:')} ${shown.join(', ')}${names.length > shown.length ? ` and ${names.length - shown.length} more` : ''}`)
    }
  }
  for (const n of badNodes) {
    out.push('')
    out.push(`${s.bold(`Node ${n.name}`)}  ${s.dim(`Ready=${n.ready}`)}`)
    const shown = new Set<string>()
    for (const c of n.causes) out.push(...renderCause(c, o, shown))
  }
  if (!o.details && r.items.some(i => i.causes.some(c => c.evidence.length))) out.push('', s.dim('Run with --details for every pod, node and the events behind each cause.'))
  return out.join('\n') + '\n' + gaps(r, s)
}

/** `shown` holds the evidence already printed in this block: several causes often rest on one scheduler message. */
function renderCause(c: Cause, o: RenderOptions, shown: Set<string>): string[] {
  const s = o.style
  const mark = c.category === 'autoscaler-scaling-up' || c.category === 'preemption' ? s.yellow('~') : s.red('x')
  const lines = [`  ${mark} ${s.cyan(c.category)}: ${timesForPeople(c.summary, o.now)}`]
  if (o.details && c.nodes?.names.length) lines.push(`      ${s.dim('nodes:')} ${c.nodes.names.join(', ')}${c.nodes.count > c.nodes.names.length ? ` and ${c.nodes.count - c.nodes.names.length} more` : ''}`)
  if (c.fix) lines.push(`      ${s.dim('fix:')} ${c.fix}`)
  if (o.details) {
    for (const e of c.evidence) {
      const line = `${e.kind}${e.reason ? ` ${e.reason}` : ''}${e.source ? ` (${e.source})` : ''}: ${oneLine(e.message ?? '')}`
      if (shown.has(line)) continue
      shown.add(line)
      lines.push(`      ${s.dim(line.slice(0, line.indexOf(': ') + 1))}${line.slice(line.indexOf(': ') + 1)}`)
    }
  }
  return lines
}

/** The first cause, and how many more there are. */
function headline(causes: Cause[], now: Date): string {
  const first = causes[0]
  if (!first) return 'no cause found'
  const more = causes.length > 1 ? ` (+${causes.length - 1} more)` : ''
  return `${first.category}: ${firstClause(timesForPeople(first.summary, now))}${more}`
}

/**
 * The head of a summary, up to its first "; ", ": " or long parenthesis: the row points at the
 * cause, the block below says the rest. Short parentheses ("(CNI)") stay.
 */
export function firstClause(summary: string): string {
  const cuts = [summary.indexOf('; '), summary.indexOf(': ')]
  for (const m of summary.matchAll(/ \(([^)]*)\)?/g)) if ((m[1] ?? '').length > 12) { cuts.push(m.index); break }
  const cut = cuts.filter(i => i >= 8).sort((a, b) => a - b)[0]
  return cut === undefined ? summary : summary.slice(0, cut)
}

/** Cut a line to width at a word boundary, keeping any "(+N more)" tail. */
function fit(line: string, width: number): string {
  if (line.length <= width) return line
  const tail = / \(\+\d+ more\)( \(waiting\))?$/.exec(line)?.[0] ?? ''
  return truncate(line.slice(0, line.length - tail.length), width - tail.length) + tail
}

const TIME = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)`
const SINCE = new RegExp(String.raw`\bsince (${TIME})`, 'g')
const AT = new RegExp(String.raw`\b(last )?at (${TIME})`, 'g')

/**
 * Relative times are for people only: reports carry timestamps, and text shows "since <time>"
 * as "for 3m" and "at <time>" as "3m ago".
 */
export function timesForPeople(text: string, now: Date): string {
  const age = (t: string) => formatAge(now.getTime() - Date.parse(t))
  return text.replace(SINCE, (_, t: string) => `for ${age(t)}`).replace(AT, (_, last: string | undefined, t: string) => `${last ?? ''}${age(t)} ago`)
}

function shortName(g: ItemGroup): string {
  return g.owner?.name ?? g.items[0]?.object.name ?? '?'
}

function gaps(r: WhyPendingReport, s: Style): string {
  return r.gaps?.length ? s.dim(`note: not read: ${r.gaps.join('; ')}; answers that needed them may be incomplete.`) + '\n' : ''
}

/** Cut at a word boundary, so a line never ends inside a name or a number (unless the last word is very long). */
function truncate(s: string, n: number): string {
  if (s.length <= n) return s
  const cut = s.lastIndexOf(' ', n - 1)
  return `${s.slice(0, cut > n - 24 ? cut : n - 1).replace(/[;,:]$/, '')}…`
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim()
}


export type {NodeItem}
