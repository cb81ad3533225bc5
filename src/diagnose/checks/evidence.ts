// How raw texts (events, conditions) become evidence: one shape for every check.
import type {Condition, Event} from '../../model/k8s.js'
import type {Evidence} from '../../model/reports/finding.js'
import {cleanMessage, reporter} from '../../model/events.js'

export function eventEvidence(e: Event): Evidence {
  return {kind: 'Event', reason: e.reason, message: cleanMessage(e), source: reporter(e)}
}

export function conditionEvidence(c: Pick<Condition, 'type' | 'status' | 'reason' | 'message'>, source: 'pod.status' | 'node.status'): Evidence {
  return {kind: 'Condition', reason: `${c.type}=${c.status}${c.reason ? ` ${c.reason}` : ''}`, message: c.message, source}
}
