import type {Event, KubeObject} from './k8s.js'
import {pushTo} from './collections.js'

// Event hygiene in one place. Events written through events.k8s.io/v1 (the scheduler's)
// often have empty lastTimestamp/count when read as core/v1; series carry the real count
// and time. The client-side correlator may prefix aggregated messages.

/** The client-side event correlator's prefix (client-go tools/record/events_cache.go). */
export const AGGREGATION_PREFIX = /^\(combined from similar events\):\s*/

/** The time an event was last seen: series, then eventTime, then lastTimestamp, then creation. */
export function lastSeen(event: Event): string | undefined {
  return event.series?.lastObservedTime || event.lastTimestamp || event.eventTime || event.firstTimestamp || event.metadata.creationTimestamp || undefined
}

/** The time an event was first seen. */
export function firstSeen(event: Event): string | undefined {
  return event.firstTimestamp || event.eventTime || event.metadata.creationTimestamp || event.lastTimestamp || undefined
}

/** How many times the event happened (series count for events.k8s.io/v1). */
export function occurrences(event: Event): number {
  return event.series?.count ?? event.count ?? 1
}

/** Who wrote the event: reportingComponent (events/v1) or source.component (core/v1). */
export function reporter(event: Event): string {
  return event.reportingComponent || event.source?.component || 'unknown'
}

/** The message without the correlator's aggregation prefix. */
export function cleanMessage(event: Event): string {
  return (event.message ?? '').replace(AGGREGATION_PREFIX, '').trim()
}

/** Newest first. */
export function byNewest(a: Event, b: Event): number {
  return (lastSeen(b) ?? '').localeCompare(lastSeen(a) ?? '')
}

/**
 * Indexes events by the object they are about: by uid when the event has one,
 * else by kind/namespace/name (dumps and some writers omit the uid).
 */
export class EventIndex {
  private byUid = new Map<string, Event[]>()
  private byName = new Map<string, Event[]>()

  constructor(events: Event[]) {
    for (const e of events) {
      const o = e.involvedObject
      if (o.uid) pushTo(this.byUid, o.uid, e)
      pushTo(this.byName, nameKey(o.kind, o.namespace, o.name), e)
    }
    for (const list of this.byUid.values()) list.sort(byNewest)
    for (const list of this.byName.values()) list.sort(byNewest)
  }

  /** Events about this object, newest first. Events naming another uid (an older object of the same name) are left out. */
  for(obj: KubeObject & {kind?: string}, kind = obj.kind): Event[] {
    const uid = obj.metadata.uid
    const named = this.byName.get(nameKey(kind, obj.metadata.namespace, obj.metadata.name)) ?? []
    if (!uid) return named
    const exact = this.byUid.get(uid) ?? []
    const extra = named.filter(e => !e.involvedObject.uid)
    return extra.length === 0 ? exact : [...exact, ...extra].sort(byNewest)
  }
}

function nameKey(kind?: string, namespace?: string, name?: string): string {
  return `${kind ?? ''}/${namespace ?? ''}/${name ?? ''}`
}
