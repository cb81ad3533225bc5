// Small helpers shared by the checks: how raw texts become evidence and one-line summaries.
import type {Condition, Event} from '../../model/k8s.js'
import type {Evidence} from '../../model/reports/why-pending.js'
import {cleanMessage, reporter} from '../../model/events.js'

/** One line, at most `max` characters: messages quoted in summaries stay readable. */
export function short(text: string, max = 240): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

export function eventEvidence(e: Event): Evidence {
  return {kind: 'Event', reason: e.reason, message: cleanMessage(e), source: reporter(e)}
}

export function conditionEvidence(c: Pick<Condition, 'type' | 'status' | 'reason' | 'message'>, source: 'pod.status' | 'node.status'): Evidence {
  return {kind: 'Condition', reason: `${c.type}=${c.status}${c.reason ? ` ${c.reason}` : ''}`, message: c.message, source}
}
