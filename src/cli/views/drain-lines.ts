// Plain-line and JSON-line views of the drain's events: the only code that turns them into
// text. Plain lines (for stderr when no terminal draws a tree) carry the time; JSON lines
// (-o json, stdout) are the events as they are, one object per line (DESIGN 3.5).
import type {DrainEvent, DrainResult} from '../../upgrade/drain/types.js'

/** "12:00:03 node-a  evicted shop/web-1". The time is UTC, to the second, as in the JSON. */
export function renderDrainEvent(e: DrainEvent): string {
  const time = e.time.slice(11, 19)
  return `${time} ${e.node}  ${e.message}`
}

export function drainEventJson(e: DrainEvent): string {
  return JSON.stringify(e)
}

/** The closing lines: one per node, then what to do about nodes left cordoned. */
export function renderDrainSummary(results: DrainResult[]): string {
  const width = Math.max(...results.map(r => r.node.length), 4) + 2
  const lines = results.map(r => `${r.node.padEnd(width)}${r.status.padEnd(9)}${r.message}`)
  // A refusal before the cordon left the node as it was; one after it (pods that arrived during the drain) did not.
  const cordoned = results.filter(r => r.status !== 'drained' && !r.dryRun && (r.reason !== 'refused' || r.cordonedByUs)).map(r => r.node)
  if (cordoned.length) lines.push(`left cordoned: ${cordoned.join(' ')} (kubectl uncordon ${cordoned.join(' ')} to undo)`)
  return lines.join('\n') + '\n'
}
