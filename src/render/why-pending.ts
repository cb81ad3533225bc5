// Text for people: a one-screen summary first (pods grouped by workload and cause),
// then one block per group; --details adds every pod, node and piece of evidence.
import type {NodeItem, ReportItem, WhyPendingReport} from '../model/reports/why-pending.js'
import type {Cause} from '../model/reports/finding.js'
import type {Style} from './style.js'
import {formatAge} from '../model/age.js'

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
  since?: string
}

/** Pods of one workload with the same causes form one group. */
export function groupItems(items: ReportItem[]): ItemGroup[] {
  const groups = new Map<string, ItemGroup>()
  for (const item of items) {
    const who = item.owner ? `${item.owner.kind}/${item.owner.name}` : `${item.object.kind}/${item.object.name}`
    const sig = item.causes.map(c => `${c.category}:${c.summary}`).sort().join('|')
    const key = `${item.object.namespace ?? ''}/${who}/${item.status}/${sig}`
    let g = groups.get(key)
    if (!g) {
      const ns = item.object.namespace ? `${item.object.namespace}/` : ''
      g = {key, title: item.owner ? `${item.owner.kind} ${ns}${item.owner.name}` : `${item.object.kind} ${ns}${item.object.name}`, owner: item.owner, status: item.status, waiting: item.waiting, items: [], causes: item.causes, since: item.since}
      groups.set(key, g)
    }
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

  // The one-screen summary.
  if (r.items.length) {
    const parts = groups.map(g => `${g.items.length} ${shortName(g)} (${headline(g.causes)}${g.waiting ? ', waiting' : ''})`)
    const what = [podCount ? `${podCount} pod${podCount === 1 ? '' : 's'} not running or not ready` : '', notCreated ? `${notCreated} workload${notCreated === 1 ? '' : 's'} without pods` : ''].filter(Boolean).join(', ')
    out.push(`${s.bold(what)} in ${o.scope}: ${parts.slice(0, 8).join(', ')}${parts.length > 8 ? `, and ${parts.length - 8} more groups` : ''}`)
  }
  if (badNodes.length) {
    const parts = badNodes.map(n => `${n.name} (${headline(n.causes)})`)
    out.push(`${s.bold(`${badNodes.length} node${badNodes.length === 1 ? '' : 's'} with problems`)}: ${parts.slice(0, 6).join(', ')}${parts.length > 6 ? `, and ${parts.length - 6} more` : ''}`)
  }

  for (const g of groups) {
    out.push('')
    const age = g.since ? `, since ${formatAge(o.now.getTime() - Date.parse(g.since))} ago` : ''
    const status = g.status === 'NotCreated' ? 'pods not created' : `${g.items.length} pod${g.items.length === 1 ? '' : 's'} ${g.status}`
    out.push(`${s.bold(g.title)}  ${s.dim(`${status}${age}${g.waiting ? ' (an expected wait)' : ''}`)}`)
    const shown = new Set<string>()
    for (const c of g.causes) out.push(...renderCause(c, o, shown))
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
  const lines = [`  ${mark} ${s.cyan(c.category)}: ${c.summary}`]
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

function headline(causes: Cause[]): string {
  const first = causes[0]
  if (!first) return 'no cause found'
  const more = causes.length > 1 ? ` +${causes.length - 1}` : ''
  return `${first.category}: ${truncate(first.summary.replace(/ \(the only obstacle on \d+ nodes?\)$/, ''), 90)}${more}`
}

function shortName(g: ItemGroup): string {
  return g.owner?.name ?? g.items[0]?.object.name ?? '?'
}

function gaps(r: WhyPendingReport, s: Style): string {
  return r.gaps?.length ? s.dim(`note: not read: ${r.gaps.join('; ')}; answers that needed them may be incomplete.`) + '\n' : ''
}

/** Cut at a word boundary, so a headline never ends inside a name or a number. */
function truncate(s: string, n: number): string {
  if (s.length <= n) return s
  const cut = s.lastIndexOf(' ', n - 1)
  return `${s.slice(0, cut > n / 2 ? cut : n - 1).replace(/[;,:]$/, '')}…`
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim()
}


export type {NodeItem}
