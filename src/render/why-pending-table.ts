// why-pending as a table (-o wide: one row per pod, workload without pods and node with
// problems, the way `kubectl get -o wide` prints) and as Markdown (-o markdown: for an incident
// ticket, with absolute times, since a ticket is read long after it was written).
import type {ReportItem, WhyPendingReport} from '../model/reports/why-pending.js'
import type {Cause} from '../model/reports/finding.js'
import {formatAge} from '../model/age.js'
import {firstClause, groupItems, timesForPeople} from './why-pending.js'

export interface TableOptions {
  now: Date
  /** A NAMESPACE column first, as kubectl adds it with -A. */
  namespaces: boolean
  headers: boolean
}

/** kubectl's resource names: `deployment/web`, `statefulset/db`. */
const kindName = (kind: string, name: string) => `${kind.toLowerCase()}/${name}`

/** The first cause as one cell: its category and the head of its summary (never cut mid-word), and how many more. */
function causeCell(causes: Cause[], waiting: boolean, now: Date): string {
  const first = causes[0]
  if (!first) return 'no cause found'
  // The head of the summary, as the text's first screen shows it: -o json and the text have the rest.
  return `${first.category}: ${firstClause(timesForPeople(first.summary, now))}${causes.length > 1 ? ` (+${causes.length - 1} more)` : ''}${waiting ? ' (waiting)' : ''}`
}

function ownerCell(item: ReportItem): string {
  return item.owner ? kindName(item.owner.kind, item.owner.name) : '<none>'
}

/** `-o wide`: every row whole (nothing cut), columns padded as kubectl pads them (three spaces). */
export function renderWhyPendingWide(r: WhyPendingReport, o: TableOptions): string {
  const rows: string[][] = []
  const age = (since: string | undefined) => since ? formatAge(o.now.getTime() - Date.parse(since)) : '<unknown>'
  // Pods in the order of their groups (the summary's order), then workloads without pods, then nodes.
  const items = groupItems(r.items).flatMap(g => g.items)
  for (const item of items) {
    const name = item.status === 'NotCreated' ? kindName(item.object.kind, item.object.name) : item.object.name
    rows.push([item.object.namespace ?? '', name, item.status, item.node ?? '<none>', ownerCell(item), causeCell(item.causes, item.waiting, o.now), age(item.since)])
  }
  for (const n of r.nodes.filter(n => n.causes.length > 0)) {
    const status = n.ready === 'True' ? 'Ready' : n.ready === 'False' ? 'NotReady' : 'Unknown'
    rows.push(['', kindName('Node', n.name), status, n.name, '<none>', causeCell(n.causes, false, o.now), '<unknown>'])
  }
  const header = ['NAMESPACE', 'NAME', 'STATUS', 'NODE', 'OWNER', 'CAUSE', 'AGE']
  const cols = o.namespaces ? [0, 1, 2, 3, 4, 5, 6] : [1, 2, 3, 4, 5, 6]
  // No rows, no header: the command says on stderr that nothing is stuck, as kubectl says "No resources found".
  if (rows.length === 0) return ''
  const table = [...(o.headers ? [header] : []), ...rows].map(row => cols.map(c => row[c]!))
  const widths = cols.map((_, i) => Math.max(...table.map(row => row[i]!.length)))
  return table.map(row => row.map((cell, i) => i === row.length - 1 ? cell : cell.padEnd(widths[i]! + 3)).join('').trimEnd()).join('\n') + '\n'
}

export interface MarkdownOptions {
  now: Date
  scope: string
}

/** Markdown text on one line; `<` escaped so that `<none>` is not taken for HTML. */
const text = (s: string) => s.replace(/\s+/g, ' ').trim().replace(/</g, '&lt;')
/** A table cell: also its pipes escaped. */
const cell = (s: string) => text(s).replace(/\|/g, '\\|')
/** Inline code that survives any backticks in the text. */
const code = (s: string) => s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``

/** `-o markdown`: a heading with the counts, a summary table, then one section per group and per node. */
export function renderWhyPendingMarkdown(r: WhyPendingReport, o: MarkdownOptions): string {
  const groups = groupItems(r.items)
  const badNodes = r.nodes.filter(n => n.causes.length > 0)
  const out: string[] = []
  const pods = r.items.filter(i => i.object.kind === 'Pod').length
  const notCreated = r.items.filter(i => i.status === 'NotCreated').length
  const what = [pods ? `${pods} pod${pods === 1 ? '' : 's'} not running or not ready` : '', notCreated ? `${notCreated} workload${notCreated === 1 ? '' : 's'} without pods` : '', badNodes.length ? `${badNodes.length} node${badNodes.length === 1 ? '' : 's'} with problems` : ''].filter(Boolean)
  out.push(`## why-pending: ${what.length ? what.join(', ') : 'nothing is Pending or NotReady'} in ${o.scope}`, '', `Read at ${o.now.toISOString()} by \`kubectl prod why-pending\`.`)
  if (groups.length || badNodes.length) {
    out.push('', '| Pods | Status | Workload or node | First cause |', '| ---: | --- | --- | --- |')
    for (const g of groups) {
      const ns = g.items[0]?.object.namespace
      const who = g.owner ? `${g.owner.kind} ${ns ? `${ns}/` : ''}${g.owner.name}` : `${g.items[0]!.object.kind} ${ns ? `${ns}/` : ''}${g.items[0]!.object.name}`
      out.push(`| ${g.status === 'NotCreated' ? '-' : g.items.length} | ${g.status}${g.waiting ? ' (waiting)' : ''} | ${cell(who)} | ${cell(firstCause(g.causes))} |`)
    }
    for (const n of badNodes) out.push(`| | node ${n.ready === 'True' ? 'Ready' : n.ready === 'False' ? 'NotReady' : 'Unknown'} | ${cell(`Node ${n.name}`)} | ${cell(firstCause(n.causes))} |`)
  }
  for (const g of groups) {
    const status = g.status === 'NotCreated' ? 'pods not created' : `${g.items.length} pod${g.items.length === 1 ? '' : 's'} ${g.status}`
    out.push('', `### ${g.title}`, '', `${status}${g.since ? `, since ${g.since}` : ''}${g.waiting ? ' (an expected wait)' : ''}.`, '')
    for (const c of g.causes) out.push(...causeLines(c))
    for (const note of g.notes) out.push(`- note: ${text(note)}`)
    if (g.status !== 'NotCreated') out.push(`- pods: ${g.items.map(i => code(i.object.name)).join(', ')}`)
  }
  for (const n of badNodes) {
    out.push('', `### Node ${n.name}`, '', `Ready=${n.ready}.`, '')
    for (const c of n.causes) out.push(...causeLines(c))
  }
  if (r.gaps?.length) out.push('', `> Not read: ${text(r.gaps.join('; '))}; answers that needed them may be incomplete.`)
  return out.join('\n') + '\n'
}

function firstCause(causes: Cause[]): string {
  const first = causes[0]
  return first ? `${first.category}: ${first.summary}${causes.length > 1 ? ` (+${causes.length - 1} more)` : ''}` : 'no cause found'
}

function causeLines(c: Cause): string[] {
  const lines = [`- **${c.category}**: ${text(c.summary)}`]
  if (c.fix) lines.push(`  - fix: ${text(c.fix)}`)
  if (c.nodes?.names.length) lines.push(`  - nodes: ${c.nodes.names.map(code).join(', ')}${c.nodes.count > c.nodes.names.length ? ` and ${c.nodes.count - c.nodes.names.length} more` : ''}`)
  const seen = new Set<string>()
  for (const e of c.evidence) {
    const line = `${e.kind}${e.reason ? ` ${e.reason}` : ''}${e.source ? ` (${e.source})` : ''}: ${code((e.message ?? '').replace(/\s+/g, ' ').trim())}`
    if (seen.has(line)) continue
    seen.add(line)
    lines.push(`  - ${line}`)
  }
  return lines
}
