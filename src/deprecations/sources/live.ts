// How live objects were written, from two records the API server keeps on each object:
// - the kubectl.kubernetes.io/last-applied-configuration annotation: the object as `kubectl
//   apply` (client-side) last sent it, so its apiVersion is the one in the user's manifest;
// - metadata.managedFields: one entry per field manager (server-side apply, Argo CD, Helm,
//   controllers, kubectl edit/patch/replace), each with the apiVersion it last wrote through.
//   This is what catches objects no last-applied annotation describes.
// Pure: objects in, one ApiUse per sighting out; the matcher decides what the versions mean.
import type {KubeObject} from '../../model/k8s.js'
import {holdsLastApplied, LAST_APPLIED_ANNOTATION, lastAppliedType, type ApiUse, type ManagedFieldsEntry} from '../../model/upgrade.js'

const timeOf = (e: ManagedFieldsEntry): number => e.time ? Date.parse(e.time) : NaN

/** The newest write to the object itself (not a subresource) through an apiVersion other than `apiVersion`, after `since`. */
function laterWriteThroughOther(entries: ManagedFieldsEntry[], apiVersion: string, since: number, skip?: ManagedFieldsEntry): ManagedFieldsEntry | undefined {
  let later: ManagedFieldsEntry | undefined
  for (const e of entries) {
    if (e === skip || e.subresource || !e.apiVersion || e.apiVersion === apiVersion) continue
    const t = timeOf(e)
    if (t > since && (!later || t > timeOf(later))) later = e
  }
  return later
}

/**
 * Why the annotation may no longer say how the object is written, or undefined. It may not when
 * another manager wrote the object after the annotation was written (by the entry that holds
 * it), through another apiVersion (pluto#495: the annotation keeps batch/v1beta1 after the
 * CronJob moved to batch/v1 through a tool that does not update it); or when no entry holds the
 * annotation any more although others exist (`kubectl apply --server-side` moves the fields of
 * kubectl's client-side entry to its own manager and leaves the annotation behind) and one of
 * them wrote through another apiVersion. Writes to a subresource (status, scale) change nothing
 * of how the object was written, and a write through the same apiVersion confirms it: neither counts.
 */
function staleReason(owner: ManagedFieldsEntry | undefined, entries: ManagedFieldsEntry[], apiVersion: string): string | undefined {
  if (!owner) {
    const other = laterWriteThroughOther(entries, apiVersion, -Infinity)
    if (!other) return undefined
    return `no field manager holds the annotation any more; ${other.manager ?? 'another manager'} last wrote the object, through ${other.apiVersion}${other.time ? `, at ${other.time}` : ''}`
  }
  const since = timeOf(owner)
  if (Number.isNaN(since)) return undefined
  const later = laterWriteThroughOther(entries, apiVersion, since, owner)
  if (!later) return undefined
  return `the annotation was written at ${owner.time}${owner.manager ? ` by ${owner.manager}` : ''}; ${later.manager ?? 'another manager'} wrote the object later, through ${later.apiVersion}, at ${later.time}`
}

export interface LiveUsesOptions {
  /**
   * Only the sightings of these (the removal table's kinds, say: the others make no finding);
   * every sighting when not given.
   */
  wanted?: (apiVersion: string, kind: string | undefined) => boolean
}

/**
 * Every sighting of an API version on live objects: one from the last-applied annotation (its
 * kind when it names one, else the object's), and one per distinct apiVersion among the
 * managedFields entries, naming the managers that wrote through it (newest first) and the time
 * of the newest. A last-applied sighting that may be out of date says so in `source.stale`.
 */
export function liveUses(objects: KubeObject[], o: LiveUsesOptions = {}): ApiUse[] {
  const wanted = o.wanted ?? (() => true)
  const out: ApiUse[] = []
  for (const obj of objects) {
    const m = obj.metadata as KubeObject['metadata'] & {managedFields?: ManagedFieldsEntry[] | null}
    const where = {...(m.namespace ? {namespace: m.namespace} : {}), ...(m.name !== undefined ? {name: m.name} : {})}
    const entries = m.managedFields ?? []

    const annotation = m.annotations?.[LAST_APPLIED_ANNOTATION]
    const applied = annotation ? lastAppliedType(annotation) : undefined
    if (applied && wanted(applied.apiVersion, applied.kind ?? obj.kind)) {
      // The newest entry holding the annotation wrote its current value.
      const owner = entries.filter(holdsLastApplied).sort((a, b) => (timeOf(b) || 0) - (timeOf(a) || 0))[0]
      const stale = staleReason(owner, entries, applied.apiVersion)
      const kind = applied.kind ?? obj.kind
      out.push({
        apiVersion: applied.apiVersion, ...(kind ? {kind} : {}), ...where,
        source: {
          type: 'live', signal: 'last-applied',
          ...(owner?.manager ? {manager: owner.manager} : {}), ...(owner?.time ? {time: owner.time} : {}),
          ...(stale ? {stale} : {}),
        },
      })
    }

    if (entries.length === 1) {
      // The common case (one manager): what the loop below gives for it, without its maps and sorting.
      const e = entries[0]!
      if (e.apiVersion && wanted(e.apiVersion, obj.kind)) {
        out.push({
          apiVersion: e.apiVersion, ...(obj.kind ? {kind: obj.kind} : {}), ...where,
          source: {type: 'live', signal: 'managed-fields', ...(e.manager ? {manager: e.manager} : {}), ...(e.time ? {time: e.time} : {})},
        })
      }
      continue
    }
    const byVersion = new Map<string, ManagedFieldsEntry[]>()
    for (const e of entries) {
      if (!e.apiVersion || !wanted(e.apiVersion, obj.kind)) continue
      const list = byVersion.get(e.apiVersion)
      if (list) list.push(e)
      else byVersion.set(e.apiVersion, [e])
    }
    for (const [apiVersion, list] of byVersion) {
      list.sort((a, b) => (timeOf(b) || 0) - (timeOf(a) || 0))
      const managers = [...new Set(list.map(e => e.manager).filter((x): x is string => !!x))]
      const time = list.find(e => e.time)?.time
      out.push({
        apiVersion, ...(obj.kind ? {kind: obj.kind} : {}), ...where,
        source: {type: 'live', signal: 'managed-fields', ...(managers.length ? {manager: managers.join(', ')} : {}), ...(time ? {time} : {})},
      })
    }
  }
  return out
}
