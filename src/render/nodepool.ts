// Text for `nodepool list` and for the walk's progress lines. Pure: no console, no clock.
import type {Style} from './style.js'
import type {NodePoolList, WalkEvent, WalkSummary} from '../model/reports/nodepool.js'

/** The pools as a table; `headers: false` (--no-headers) prints the rows alone, padded to their own widths. */
export function renderNodePoolList(list: NodePoolList, s: Style, o: {headers?: boolean} = {}): string {
  if (!list.items.length) return 'No nodes.\n'
  const rows = list.items.map(p => [
    p.name,
    String(p.nodes),
    `${p.ready}/${p.nodes}`,
    String(p.cordoned),
    p.kubelets.map(k => `${k.version} (${k.nodes.length})`).join(', '),
    p.zones.join(', ') || '-',
  ])
  const head = ['POOL', 'NODES', 'READY', 'CORDONED', 'KUBELETS', 'ZONES']
  const headers = o.headers ?? true
  const widths = head.map((h, i) => Math.max(headers ? h.length : 0, ...rows.map(r => r[i]!.length)))
  const line = (cells: string[]) => cells.map((c, i) => i === cells.length - 1 ? c : c.padEnd(widths[i]!)).join('  ').trimEnd()
  return [...(headers ? [s.bold(line(head))] : []), ...rows.map(line)].join('\n') + '\n'
}

/** "2026-03-07T02:03:07.000Z" -> "02:03:07" (UTC, as the JSON's times are). */
function clockTime(time: string): string {
  return time.slice(11, 19)
}

/** One plain progress line: "02:03:07 pool-a-1  drained: 3 pods evicted". */
export function renderWalkEventLine(e: WalkEvent): string {
  const where = e.node ? `${e.node}  ` : ''
  return `${clockTime(e.time)} ${where}${e.message}`
}

export function renderWalkSummary(w: WalkSummary, s: Style): string {
  const head = w.status === 'done' ? s.green('done') : w.status === 'dry-run' ? s.cyan('dry run') : s.red(w.status)
  const lines = [`Walk ${w.walkId} of pool ${w.pool} to ${w.target}: ${head}: ${w.message}`]
  if (w.done.length) lines.push(`  done: ${w.done.join(', ')}`)
  if (w.remaining.length) lines.push(`  remaining: ${w.remaining.join(', ')}`)
  if (w.nextWindow) lines.push(`  next window opens: ${w.nextWindow}`)
  return lines.join('\n') + '\n'
}
