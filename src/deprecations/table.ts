// The removal table: deprecations/kubernetes.yaml (generated from the lifecycle tags of k8s.io/api,
// apiextensions-apiserver and kube-aggregator, with deprecations/overrides.yaml applied), plus the
// rows a user adds with --table FILE. Loading validates; matching lives elsewhere and stays pure.
import {readFileSync} from 'node:fs'
import {dirname, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {load} from 'js-yaml'
import {InputError} from '../model/errors.js'
import {compareVersions, isMinorVersion} from '../model/versions.js'
import {readShipped} from './shipped.js'

export interface GroupVersionKind { group: string, version: string, kind: string }
export interface RemovalRow extends GroupVersionKind {
  /** Plural resource name, lowercase. */
  resource: string
  stage: 'alpha' | 'beta' | 'GA'
  introduced: string
  /** The release whose apiserver starts warning. */
  deprecatedIn: string
  /** The first release that no longer serves it by default; null when no removal is set. */
  removedIn: string | null
  /** What to move to, and the first release that serves it. */
  replacement: (GroupVersionKind & {servedFrom: string | null}) | null
  notes: string[]
  sources: string[]
  /** Corrections applied to the generated row (overrides.yaml), or the user file a row came from. */
  overrides?: {reason: string, source: string}[]
}
export interface RemovalTable {
  /** The newest Kubernetes release whose tags the table was built from, "1.N". */
  coversThrough: string
  /** A newer prerelease whose tags were also read, or null. */
  prerelease: string | null
  rows: RemovalRow[]
}

/** The table shipped in the package (deprecations/ sits two levels above src/deprecations and dist/deprecations). */
export const BUILTIN_TABLE = resolve(dirname(fileURLToPath(import.meta.url)), '../../deprecations/kubernetes.yaml')

export const gvkKey = (r: GroupVersionKind) => `${r.group ? r.group + '/' : ''}${r.version} ${r.kind}`
const minorOrNull = (v: unknown) => v === null || v === undefined || isMinorVersion(v)
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Shape problems of one row (fields and their types); the rules across fields are validateTable's. */
function shapeProblems(r: unknown): string[] {
  if (!isObject(r)) return ['is not a mapping']
  const out: string[] = []
  for (const f of ['group', 'version', 'kind', 'resource'] as const) if (typeof r[f] !== 'string') out.push(`${f} must be a string`)
  if (typeof r.version === 'string' && !/^v\d+((alpha|beta)\d+)?$/.test(r.version)) out.push(`version "${r.version}" is not like v1, v1beta1 or v2alpha1`)
  if (!['alpha', 'beta', 'GA'].includes(r.stage as string)) out.push('stage must be alpha, beta or GA')
  for (const f of ['introduced', 'deprecatedIn'] as const) if (!isMinorVersion(r[f])) out.push(`${f} must be a version like "1.25"`)
  if (!minorOrNull(r.removedIn)) out.push('removedIn must be a version like "1.25" or null')
  if (r.replacement !== null) {
    const p = r.replacement
    if (!isObject(p) || typeof p.group !== 'string' || typeof p.version !== 'string' || typeof p.kind !== 'string' || !minorOrNull(p.servedFrom)) {
      out.push('replacement must be null or {group, version, kind, servedFrom}')
    }
  }
  for (const f of ['notes', 'sources'] as const) if (!Array.isArray(r[f]) || !(r[f] as unknown[]).every(s => typeof s === 'string')) out.push(`${f} must be a list of strings`)
  if (r.overrides !== undefined && !Array.isArray(r.overrides)) out.push('overrides must be a list')
  return out
}

/**
 * What is wrong with a table, one line per problem (empty when it is valid). The rules:
 * no two rows for one group/version/kind; introduced <= deprecatedIn <= removedIn (by minor);
 * a replacement is served no later than the release that removes the old version, and is not itself
 * removed by then; every override names its source.
 */
export function validateTable(table: RemovalTable): string[] {
  const problems: string[] = []
  const seen = new Set<string>()
  const byKey = new Map(table.rows.map(r => [gvkKey(r), r]))
  for (const r of table.rows) {
    const name = gvkKey(r)
    if (seen.has(name)) problems.push(`${name}: duplicate row`)
    seen.add(name)
    if (compareVersions(r.introduced, r.deprecatedIn) > 0) problems.push(`${name}: deprecated in ${r.deprecatedIn}, before it was introduced in ${r.introduced}`)
    if (r.removedIn && compareVersions(r.deprecatedIn, r.removedIn) > 0) problems.push(`${name}: removed in ${r.removedIn}, before it was deprecated in ${r.deprecatedIn}`)
    if (r.replacement && r.removedIn) {
      const {servedFrom} = r.replacement
      const repl = gvkKey(r.replacement)
      if (!servedFrom) problems.push(`${name}: replacement ${repl} has no servedFrom`)
      else if (compareVersions(servedFrom, r.removedIn) > 0) problems.push(`${name}: replacement ${repl} is served only from ${servedFrom}, after the removal in ${r.removedIn}`)
      const own = byKey.get(repl)
      if (own?.removedIn && compareVersions(own.removedIn, r.removedIn) <= 0) problems.push(`${name}: replacement ${repl} is itself removed in ${own.removedIn}, by the removal in ${r.removedIn}`)
    }
    for (const o of r.overrides ?? []) if (!o || typeof o.source !== 'string' || !o.source.trim()) problems.push(`${name}: an override has no source`)
  }
  if (!isMinorVersion(table.coversThrough)) problems.push(`coversThrough must be a version like "1.37"`)
  return problems
}

/** Parses a table document; shape errors name the file and the row. */
export function parseTable(text: string, file: string): RemovalTable {
  let doc: unknown
  try { doc = load(text) } catch (e) { throw new InputError(`${file}: not valid YAML: ${(e as Error).message.split('\n')[0]}`) }
  if (!isObject(doc) || !Array.isArray(doc.rows)) throw new InputError(`${file}: expected a mapping with coversThrough and rows`)
  doc.rows.forEach((r, i) => {
    const p = shapeProblems(r)
    if (p.length) throw new InputError(`${file}: row ${i + 1}${isObject(r) && r.kind ? ` (${gvkKey(r as unknown as GroupVersionKind)})` : ''}: ${p.join('; ')}`)
  })
  return {coversThrough: String(doc.coversThrough), prerelease: (doc.prerelease as string | null | undefined) ?? null, rows: doc.rows as RemovalRow[]}
}

/** The built-in table, validated (a broken shipped table is a bug, said plainly). */
export function loadBuiltinTable(file = BUILTIN_TABLE): RemovalTable {
  const table = parseTable(readShipped(file, BUILTIN_TABLE), file)
  const problems = validateTable(table)
  if (problems.length) throw new Error(`the built-in removal table ${file} is invalid:\n  ${problems.join('\n  ')}`)
  return table
}

/** Kinds whose resource is not the regular plural (Kubernetes' PLURAL_EXCEPTIONS, as the generator uses them). */
const IRREGULAR_PLURALS: Record<string, string> = {Endpoints: 'endpoints', ResourceClaimParameters: 'resourceclaimparameters', ResourceClassParameters: 'resourceclassparameters'}

/** A user row's resource when it gives none: gengo's plural rule. A CRD's plural is its own: give `resource` for those that differ. */
const pluralOf = (kind: string) => {
  if (IRREGULAR_PLURALS[kind]) return IRREGULAR_PLURALS[kind]
  const k = kind.toLowerCase()
  return /(s|x|z|ch|sh)$/.test(k) ? k + 'es' : /[^aeiou]y$/.test(k) ? k.slice(0, -1) + 'ies' : k + 's'
}

/**
 * Adds the rows of a user file (--table FILE): a YAML list of rows, or a mapping with `rows`.
 * A user row needs group, version, kind and deprecatedIn or removedIn; the rest is filled in
 * (resource from the kind, stage from the version, the file as its source). A row for a kind the
 * built-in table already has is refused: the built-in rows carry sources, a user row cannot shadow them.
 */
export function mergeUserRows(table: RemovalTable, text: string, file: string): RemovalTable {
  let doc: unknown
  try { doc = load(text) } catch (e) { throw new InputError(`${file}: not valid YAML: ${(e as Error).message.split('\n')[0]}`) }
  const list = Array.isArray(doc) ? doc : isObject(doc) && Array.isArray(doc.rows) ? doc.rows : null
  if (!list) throw new InputError(`${file}: expected a list of rows (or a mapping with rows)`, 'each row: group, version, kind, deprecatedIn and/or removedIn')
  const builtin = new Set(table.rows.map(gvkKey))
  const added: RemovalRow[] = []
  list.forEach((raw, i) => {
    const at = `${file}: row ${i + 1}`
    if (!isObject(raw)) throw new InputError(`${at}: is not a mapping`)
    const version = String(raw.version ?? '')
    const removedIn = (raw.removedIn ?? null) as string | null
    const row = {
      group: raw.group ?? '', version, kind: raw.kind, resource: raw.resource ?? (typeof raw.kind === 'string' ? pluralOf(raw.kind) : undefined),
      stage: raw.stage ?? (/alpha/.test(version) ? 'alpha' : /beta/.test(version) ? 'beta' : 'GA'),
      introduced: raw.introduced ?? raw.deprecatedIn ?? removedIn, deprecatedIn: raw.deprecatedIn ?? removedIn, removedIn,
      replacement: raw.replacement ?? null, notes: raw.notes ?? [], sources: raw.sources ?? [file],
    }
    const problems = shapeProblems(row)
    const name = typeof row.kind === 'string' ? ` (${gvkKey(row as unknown as GroupVersionKind)})` : ''
    if (problems.length) throw new InputError(`${at}${name}: ${problems.join('; ')}`)
    const r = row as RemovalRow
    if (builtin.has(gvkKey(r))) throw new InputError(`${at} (${gvkKey(r)}) duplicates a built-in row`, 'the built-in table already covers it; remove the row from the file')
    added.push(r)
  })
  const merged = {...table, rows: [...table.rows, ...added]}
  const problems = validateTable(merged)
  if (problems.length) throw new InputError(`${file}: ${problems.join('; ')}`)
  return merged
}

/** The table a command uses: the built-in one, plus the rows of --table FILE when given. */
export function loadTable(opts: {tableFile?: string, builtinFile?: string} = {}): RemovalTable {
  const table = loadBuiltinTable(opts.builtinFile)
  if (!opts.tableFile) return table
  let text: string
  try { text = readFileSync(opts.tableFile, 'utf8') } catch (e) { throw new InputError(`--table ${opts.tableFile}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`) }
  return mergeUserRows(table, text, opts.tableFile)
}

/** The newest Kubernetes release the table covers, "1.N". */
export const coversThrough = (table: RemovalTable) => table.coversThrough

interface RowIndex { byKind: Map<string, RemovalRow>, byResource: Map<string, RemovalRow> }
/** Built once per table: a scan of thousands of sightings looks rows up by key, not by search. */
const indexes = new WeakMap<RemovalTable, RowIndex>()

/**
 * The row for a group/version and a kind (objects), or a plural resource (requests counted by the
 * deprecated-API metric, which names resources, not kinds). Undefined when the table has none.
 */
export function findRow(table: RemovalTable, q: {group: string, version: string, kind?: string, resource?: string}): RemovalRow | undefined {
  let index = indexes.get(table)
  if (!index) {
    index = {byKind: new Map(), byResource: new Map()}
    for (const r of table.rows) {
      index.byKind.set(gvkKey(r), r)
      index.byResource.set(`${r.group}/${r.version}/${r.resource}`, r)
    }
    indexes.set(table, index)
  }
  if (q.kind) return index.byKind.get(gvkKey({group: q.group, version: q.version, kind: q.kind}))
  return q.resource ? index.byResource.get(`${q.group}/${q.version}/${q.resource}`) : undefined
}
