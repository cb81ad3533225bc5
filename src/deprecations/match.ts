// Classifies one sighting of an API version (a manifest, a last-applied annotation, a managedFields
// entry, a Helm manifest, a request counted by the deprecated-API metric) against the removal table
// and the upgrade path. Pure: the table, the path and the sighting in, at most one finding out.
//
// The four API findings, most serious first (a sighting gets only the first that applies):
//   removed-api            blocker: the path reaches the row's removal (or the current version is already past it)
//   deprecated-api-in-use  warning: deprecated by the target and still served there
//   api-off-by-default     info: alpha, or beta introduced in 1.24 or later (KEP-3136: new betas are off
//                          by default), so served only with kube-apiserver --runtime-config
import {findRow, gvkKey, type RemovalRow, type RemovalTable} from './table.js'
import {mergeFindings} from './merge.js'
import {compareVersions} from '../model/versions.js'
import type {ApiUse, UpgradePath} from '../model/upgrade.js'
import type {UpgradeFinding} from '../model/reports/upgrade-plan.js'

/** "apps/v1" -> {group: "apps", version: "v1"}; "v1" -> the core group. */
function splitApiVersion(apiVersion: string): {group: string, version: string} {
  const slash = apiVersion.lastIndexOf('/')
  return slash < 0 ? {group: '', version: apiVersion} : {group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1)}
}

const groupVersionOf = (r: {group: string, version: string}) => r.group ? `${r.group}/${r.version}` : r.version
const atOrBefore = (a: string, b: string) => compareVersions(a, b) <= 0

/** Whether the table has a row for objects of this apiVersion and kind (a sighting without one makes no finding). */
export function hasRowFor(table: RemovalTable, apiVersion: string, kind: string | undefined): boolean {
  return kind !== undefined && kind !== '' && findRow(table, {...splitApiVersion(apiVersion), kind}) !== undefined
}

/** hasRowFor for many sightings: each apiVersion and kind looked up once. */
export function rowFilter(table: RemovalTable): (apiVersion: string, kind: string | undefined) => boolean {
  const seen = new Map<string, Map<string, boolean>>()
  return (apiVersion, kind) => {
    if (!kind) return false
    let kinds = seen.get(apiVersion)
    if (!kinds) seen.set(apiVersion, kinds = new Map())
    let has = kinds.get(kind)
    if (has === undefined) kinds.set(kind, has = hasRowFor(table, apiVersion, kind))
    return has
  }
}

function rowForUse(table: RemovalTable, use: ApiUse): RemovalRow | undefined {
  const gv = splitApiVersion(use.apiVersion)
  if (use.kind) return findRow(table, {...gv, kind: use.kind})
  const byResource = use.resource ? findRow(table, {...gv, resource: use.resource}) : undefined
  if (byResource || !use.subresource) return byResource
  // The metric names policy/v1beta1 evictions as pods/eviction: the row is the subresource's kind.
  const sub = use.subresource.toLowerCase()
  return table.rows.find(r => r.group === gv.group && r.version === gv.version && r.kind.toLowerCase() === sub)
}

/**
 * The replacement to move to: the row's own, or, when that one is itself removed by the target,
 * the next in its chain (flowcontrol v1beta1 -> v1beta3 -> v1), as long as it is served by the
 * time the old version goes. `then` names a later move the path still needs.
 */
function replacementFor(table: RemovalTable, row: RemovalRow, target: string): {to: NonNullable<RemovalRow['replacement']>, then?: string} | undefined {
  let to = row.replacement
  if (!to) return undefined
  const deadline = row.removedIn ?? target
  for (let i = 0; i < 8; i++) {
    const own = findRow(table, to)
    const next = own?.removedIn && atOrBefore(own.removedIn, target) ? own.replacement : null
    if (!next) return {to}
    if (!next.servedFrom || !atOrBefore(next.servedFrom, deadline)) return {to, then: `${replacementName(row, next)} (${gvkKey(to)} is removed in ${own!.removedIn})`}
    to = next
  }
  return {to}
}

/** "policy/v1", or "group/version Kind" when the kind changes. */
const replacementName = (row: RemovalRow, to: NonNullable<RemovalRow['replacement']>) => to.kind === row.kind ? groupVersionOf(to) : `${groupVersionOf(to)} ${to.kind}`

function subjectOf(use: ApiUse, row: RemovalRow): string {
  if (use.name === undefined) return `requests to ${use.apiVersion} ${use.resource ?? row.resource}${use.subresource ? '/' + use.subresource : ''}`
  return `${use.apiVersion} ${use.kind ?? row.kind} ${use.namespace ? use.namespace + '/' : ''}${use.name}`
}

const isOffByDefault = (r: RemovalRow) => r.stage === 'alpha' || (r.stage === 'beta' && compareVersions(r.introduced, '1.24') >= 0)

/** What a row means on a path, whoever uses it: the finding's fields but the object, the source and the subject. */
interface Verdict {
  /** check, severity and the fields each check carries, in the order findings write them. */
  fields: Pick<UpgradeFinding, 'check' | 'severity'> & Partial<UpgradeFinding>
  /** The message after "subject: ". */
  says: string
  fix: string
}

function verdictFor(table: RemovalTable, path: UpgradePath, row: RemovalRow): Verdict | undefined {
  const {current, target, hops} = path
  const repl = replacementFor(table, row, target)
  // The fix waits for a hop when this cluster does not serve the replacement yet.
  const fixFrom = repl?.to.servedFrom && current && compareVersions(repl.to.servedFrom, current) > 0 ? repl.to.servedFrom : undefined
  const replacement = repl ? replacementName(row, repl.to) : undefined
  const moveTo = (deadline: string | undefined) => {
    if (!repl) return `${groupVersionOf(row)} ${row.kind} has no replacement: stop using it${row.notes.length ? ' (see notes)' : ''}`
    const then = repl.then ? `, then to ${repl.then}` : ''
    if (!fixFrom) return `move it to ${replacement}${then}`
    if (deadline && compareVersions(fixFrom, deadline) >= 0) return `${replacement} is served only from ${fixFrom}, the release that removes ${groupVersionOf(row)}: rewrite it for ${replacement} and apply it right after the control plane reaches ${fixFrom}${then}`
    return `move it to ${replacement} once the control plane is at ${fixFrom} (this cluster does not serve it yet)${deadline ? `, before ${deadline}` : ''}${then}`
  }

  if (row.removedIn && atOrBefore(row.removedIn, target)) {
    const already = current !== null && atOrBefore(row.removedIn, current)
    const hop = already ? hops[0] ?? target : row.removedIn
    // Offline (no current version) there are no hops to break at: only that the target does not serve it.
    const when = already ? `removed in ${row.removedIn}, not served by the current version ${current}`
      : current === null ? `removed in ${row.removedIn}, not served by ${target}`
      : `removed in ${row.removedIn}, breaks at the hop to ${row.removedIn}`
    return {
      fields: {check: 'removed-api', severity: 'blocker', hop, removedIn: row.removedIn, ...(replacement ? {replacement} : {}), ...(fixFrom ? {fixFrom} : {})},
      says: `${when}${fixFrom ? `; its replacement ${replacement} is served only from ${fixFrom}, so the fix waits for that hop` : ''}`,
      fix: moveTo(already ? undefined : row.removedIn),
    }
  }
  if (atOrBefore(row.deprecatedIn, target)) {
    const removal = row.removedIn ? `, removed in ${row.removedIn}` : ''
    return {
      fields: {check: 'deprecated-api-in-use', severity: 'warning', ...(row.removedIn ? {removedIn: row.removedIn} : {}), ...(replacement ? {replacement} : {}), ...(fixFrom ? {fixFrom} : {})},
      says: `deprecated in ${row.deprecatedIn}, still served at ${target}${removal}`,
      fix: moveTo(row.removedIn ?? undefined),
    }
  }
  if (isOffByDefault(row) && atOrBefore(row.introduced, target)) {
    const flag = `--runtime-config=${groupVersionOf(row)}=true`
    return {
      fields: {check: 'api-off-by-default', severity: 'info', ...(row.removedIn ? {removedIn: row.removedIn} : {})},
      says: `${groupVersionOf(row)} is ${row.stage} and off by default, served at ${target} only when kube-apiserver runs with ${flag}`,
      fix: `check that the control plane at ${target} keeps ${flag}${replacement ? `, or move it to ${replacement}` : ''}`,
    }
  }
  return undefined
}

/** The finding for one sighting, or undefined when the table has no row for it or nothing applies on this path. */
export function classifyUse(table: RemovalTable, path: UpgradePath, use: ApiUse): UpgradeFinding | undefined {
  return classify(table, path, use)
}

/** classifyUse; `verdicts` keeps what each row means on this path, for many sightings of one table and path. */
function classify(table: RemovalTable, path: UpgradePath, use: ApiUse, verdicts?: Map<RemovalRow, Verdict | null>): UpgradeFinding | undefined {
  const row = rowForUse(table, use)
  if (!row) return undefined
  let verdict = verdicts?.get(row)
  if (verdict === undefined) {
    verdict = verdictFor(table, path, row) ?? null
    verdicts?.set(row, verdict)
  }
  if (!verdict) return undefined
  return {
    object: {apiVersion: use.apiVersion, kind: use.kind ?? row.kind, ...(use.namespace ? {namespace: use.namespace} : {}),
      name: use.name ?? `${use.resource ?? row.resource}${use.subresource ? '/' + use.subresource : ''}`},
    source: use.source, sources: [use.source],
    deprecatedIn: row.deprecatedIn, ...(row.notes.length ? {notes: row.notes} : {}),
    ...verdict.fields,
    message: `${subjectOf(use, row)}: ${verdict.says}`,
    fix: verdict.fix,
  }
}

/** Every sighting classified, the same object seen by several signals merged into one finding. */
export function classifyUses(table: RemovalTable, path: UpgradePath, uses: ApiUse[]): UpgradeFinding[] {
  const out: UpgradeFinding[] = []
  const verdicts = new Map<RemovalRow, Verdict | null>()
  for (const use of uses) {
    const f = classify(table, path, use, verdicts)
    if (f) out.push(f)
  }
  return mergeFindings(out)
}
