#!/usr/bin/env node
// Generates deprecations/kubernetes.yaml, the table of Kubernetes API removals, from the
// `+k8s:prerelease-lifecycle-gen` tags of k8s.io/api, k8s.io/apiextensions-apiserver and
// k8s.io/kube-aggregator, one release per Kubernetes minor, then applies deprecations/overrides.yaml.
//
//   node deprecations/gen/generate.ts            write deprecations/kubernetes.yaml from the pinned releases
//   node deprecations/gen/generate.ts --stdout   print it instead (the generator-equality test uses this)
//   node deprecations/gen/generate.ts --download only fill the Go module cache (CI warm-up)
//   node deprecations/gen/generate.ts --refresh  re-pin modules.json to the releases the Go proxy serves now
//
// Modules come from `go mod download` into a cache outside the checkout:
// $KUBECTL_PROD_GOMODCACHE, else ${XDG_CACHE_HOME:-~/.cache}/kubectl-prod/gomod. Releases are pinned in
// modules.json so the committed table is reproducible; --refresh is the only step that asks the proxy
// what is new. Which releases: the newest patch of every minor from v0.16 (Kubernetes 1.16) on, because
// tags are corrected on release branches and the newest patch carries the branch's final word; plus the
// newest prerelease of the next minor when the proxy serves one newer than the newest release.
//
// Replacements: a row's replacement is its `+k8s:prerelease-lifecycle-gen:replacement=` tag. Where the
// tag is absent (and no override sets one), one is inferred from the modules by a single rule (see
// inferReplacements): the most stable other version of the same group that registers the same kind in
// the release that removes the row, and is not itself removed by then. Such rows say so in a note.
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {dump, load} from 'js-yaml'
import {addMinors, declaredKinds, type Declared, type Gvk, type Tags} from './lifecycle.ts'
import {readZip} from './zip.ts'

const here = dirname(fileURLToPath(import.meta.url))
const tableDir = resolve(here, '..')
const PINS = join(here, 'modules.json')
/** Where each module keeps its group/version packages. */
const MODULES: Record<string, string> = {'k8s.io/api': '', 'k8s.io/apiextensions-apiserver': 'pkg/apis/', 'k8s.io/kube-aggregator': 'pkg/apis/'}
const FIRST_MINOR = 16

type Pins = Record<string, string[]>
/** What each Kubernetes minor's module releases declare, as read by readReleases. */
export type Releases = Map<string, {decl: Declared, module: string}[]>
/** group/version/kind -> the declaration, for each minor read. */
type At = Map<string, Map<string, {decl: Declared, module: string}>>

export interface Row {
  group: string, version: string, kind: string, resource: string, stage: 'alpha' | 'beta' | 'GA'
  introduced: string, deprecatedIn: string, removedIn: string | null
  replacement: (Gvk & {servedFrom: string | null}) | null
  notes: string[], sources: string[], overrides?: {reason: string, source: string}[]
}
export interface Override {
  group: string, version: string, kind: string, action: 'set' | 'drop' | 'phantom' | 'assert' | 'add'
  set?: Partial<Row>, expect?: Partial<Row>, reason: string, source: string
  /** add: the row's fields other than group, version and kind (notes and sources optional). */
  row?: Omit<Row, 'group' | 'version' | 'kind' | 'notes' | 'sources'> & {notes?: string[], sources?: string[]}
}
/** Where each kind's types were found: group/version/kind -> minors, and the minors read of k8s.io/api. */
export interface Presence { minors: Map<string, Set<string>>, read: string[] }

function goCache(): string {
  return process.env.KUBECTL_PROD_GOMODCACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kubectl-prod', 'gomod')
}

function go(args: string[]): string {
  const cache = goCache()
  mkdirSync(cache, {recursive: true})
  // Run outside any module (the cache's parent), so no go.mod of the checkout is read or written.
  const r = spawnSync('go', args, {
    cwd: dirname(cache), encoding: 'utf8', maxBuffer: 1 << 28,
    env: {...process.env, GOMODCACHE: cache, GOFLAGS: '', GOTOOLCHAIN: 'local', GOWORK: 'off', GO111MODULE: 'on'},
  })
  if (r.error) throw new Error(`go ${args[0]}: ${r.error.message} (is Go installed?)`)
  if (r.status !== 0 && !r.stdout) throw new Error(`go ${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}

const minorOf = (v: string) => Number(/^v0\.(\d+)\./.exec(v)![1])
const k8s = (v: string) => `1.${minorOf(v)}`
const semverKey = (v: string) => {
  const m = /^v0\.(\d+)\.(\d+)(?:-(alpha|beta|rc)\.(\d+))?$/.exec(v)
  if (!m) return null
  return [Number(m[1]), Number(m[2]), m[3] ? ['alpha', 'beta', 'rc'].indexOf(m[3]) : 9, Number(m[4] ?? 0)]
}
const bySemver = (a: string, b: string) => {
  const x = semverKey(a)!, y = semverKey(b)!
  for (let i = 0; i < 4; i++) if (x[i] !== y[i]) return x[i]! - y[i]!
  return 0
}

/** The newest patch of every minor from 1.16, plus the newest prerelease of a newer minor. */
export function pickReleases(all: string[]): string[] {
  const known = all.filter(v => semverKey(v) && minorOf(v) >= FIRST_MINOR).sort(bySemver)
  const releases = known.filter(v => !v.includes('-'))
  const newest = new Map<number, string>()
  for (const v of releases) newest.set(minorOf(v), v)
  const picked = [...newest.values()]
  const top = known.at(-1)
  if (top && top.includes('-') && minorOf(top) > Math.max(...newest.keys())) picked.push(top)
  return picked
}

function refresh(): Pins {
  const pins: Pins = {}
  for (const m of Object.keys(MODULES)) pins[m] = pickReleases(go(['list', '-m', '-versions', m]).trim().split(/\s+/).slice(1))
  writeFileSync(PINS, JSON.stringify(pins, null, 2) + '\n')
  return pins
}

/** Downloads (or finds in the cache) every pinned module zip; module@version → zip path. */
function download(pins: Pins): Map<string, string> {
  const args = Object.entries(pins).flatMap(([m, vs]) => vs.map(v => `${m}@${v}`))
  const zips = new Map<string, string>()
  // `go mod download -json` prints one object per module; an Error with a Zip is fine (a prerelease
  // that asks for a newer Go is downloaded and verified but not extracted: we read the zip).
  for (const chunk of go(['mod', 'download', '-json', ...args]).split(/\n(?=\{)/)) {
    if (!chunk.trim()) continue
    const o = JSON.parse(chunk) as {Path: string, Version: string, Zip?: string, Error?: string}
    if (!o.Zip || !existsSync(o.Zip)) throw new Error(`go mod download ${o.Path}@${o.Version}: ${o.Error ?? 'no zip'}`)
    zips.set(`${o.Path}@${o.Version}`, o.Zip)
  }
  return zips
}

/** Every kind of every pinned release, by Kubernetes minor. */
function readReleases(pins: Pins, zips: Map<string, string>): Releases {
  const byMinor: Releases = new Map()
  for (const [m, versions] of Object.entries(pins)) {
    for (const v of versions) {
      const prefix = `${m}@${v}/`
      const files = readZip(zips.get(`${m}@${v}`)!, n => n.startsWith(prefix + MODULES[m]) && n.endsWith('.go'))
      const rel = new Map([...files].map(([n, t]) => [n.slice(prefix.length), t]))
      const list = byMinor.get(k8s(v)) ?? []
      for (const decl of declaredKinds(rel)) list.push({decl, module: `${m}@${v}`})
      byMinor.set(k8s(v), list)
    }
  }
  return byMinor
}

const key = (g: {group: string, version: string, kind: string}) => `${g.group}/${g.version}/${g.kind}`
const cmpMinor = (a: string, b: string) => Number(a.split('.')[1]) - Number(b.split('.')[1])
const stageOf = (version: string): Row['stage'] => /alpha/.test(version) ? 'alpha' : /beta/.test(version) ? 'beta' : 'GA'
const STAGES: Row['stage'][] = ['alpha', 'beta', 'GA']

/**
 * Kinds whose resource is not gengo's plural: the plural exceptions Kubernetes passes to its code
 * generators (kubernetes hack/update-codegen.sh PLURAL_EXCEPTIONS, client-gen --plural-exceptions) and
 * the names its registry serves them under (pkg/registry/resource/resourceclaimparameters/storage:
 * resource.Resource("resourceclaimparameters")). The modules do not carry resource names (k8s.io/api
 * has no +resourceName tags for these kinds), so they are listed here.
 */
const IRREGULAR_PLURALS: Record<string, string> = {
  Endpoints: 'endpoints', ResourceClaimParameters: 'resourceclaimparameters', ResourceClassParameters: 'resourceclassparameters',
}

/**
 * Lowercase plural, as gengo's plural namer makes it for the resource path, with Kubernetes' plural
 * exceptions (kinds that are already plural, like Endpoints and ResourceClaimParameters, stay as they are).
 */
export function pluralOf(kind: string): string {
  const irregular = IRREGULAR_PLURALS[kind]
  if (irregular) return irregular
  const k = kind.toLowerCase()
  if (/(s|x|z|ch|sh)$/.test(k)) return k + 'es'
  if (/[^aeiou]y$/.test(k)) return k.slice(0, -1) + 'ies'
  return k + 's'
}

/**
 * One row per tagged kind (List kinds left out: they are never written in manifests).
 *
 * How a removal is chosen: a release R serves a kind when its types are in R's modules and R's own
 * tags put the removal after R (that is the check kube-apiserver makes at start-up). So walking the
 * releases in order, removedIn is the first R whose own tags say removed <= R (read from that release,
 * not from a later branch where the tag may have moved), or the first R whose modules no longer have
 * the type (alpha types are often deleted before their tagged removal; no server can serve a kind it
 * has no types for). Releases before the tags existed (1.16-1.19) only count for presence. A kind still
 * served by the newest release takes the newest release's tags (a scheduled removal, or none).
 */
function buildRows(pins: Pins, byMinor: Releases): {rows: Row[], servedFrom: Map<string, string>, at: At, firstSeen: Map<string, string>} {
  const minors = [...byMinor.keys()].sort(cmpMinor)
  // Presence is judged only in the releases read of the kind's own module (the proxy does not serve
  // every minor of every module).
  const minorsOf = (module: string) => pins[module.split('@')[0]!]!.map(k8s)
  const at: At = new Map()
  const firstSeen = new Map<string, string>()
  for (const r of minors) {
    const m = new Map<string, {decl: Declared, module: string}>()
    for (const d of byMinor.get(r)!) m.set(key(d.decl), d)
    at.set(r, m)
    for (const k of m.keys()) if (!firstSeen.has(k)) firstSeen.set(k, r)
  }
  // When a kind is first served: its own introduced tag (GA kinds carry one too, e.g. apps/v1 Deployment
  // introduced=1.9), else the first release read that has its types. A tag the modules contradict (a
  // release read from the tagged minor on lacks the types: tags copied with the types from an older
  // version, e.g. resource.k8s.io/v1alpha3 PodSchedulingContext introduced=1.26, first in 1.31) gives
  // way to the first release read that has them.
  const servedFrom = new Map(firstSeen)
  for (const r of minors) for (const [k, d] of at.get(r)!) if (d.decl.introduced) servedFrom.set(k, d.decl.introduced)
  for (const [k, from] of servedFrom) {
    const first = firstSeen.get(k)!
    if (minorsOf(at.get(first)!.get(k)!.module).some(r => cmpMinor(r, from) >= 0 && cmpMinor(r, first) < 0)) servedFrom.set(k, first)
  }
  const newestRelease = k8s(pins['k8s.io/api']!.filter(v => !v.includes('-')).at(-1)!)
  const tagged = new Set<string>()
  for (const m of at.values()) for (const [k, d] of m) if (d.decl.tags) tagged.add(k)
  const rows: Row[] = []
  for (const k of [...tagged].sort()) {
    const [group, version, kind] = k.split('/') as [string, string, string]
    if (kind.endsWith('List') && tagged.has(`${group}/${version}/${kind.slice(0, -4)}`)) continue
    let removedIn: string | null = null
    let decide: {decl: Declared, module: string} | undefined
    let lastTagged: {decl: Declared, module: string} | undefined
    const removedTags = new Map<string, string>()
    let deletedIn: string | undefined
    let presentIn = ''
    const module = [...at.values()].find(m => m.has(k))!.get(k)!.module
    for (const r of minorsOf(module).filter(r => cmpMinor(r, firstSeen.get(k)!) >= 0)) {
      const d = at.get(r)!.get(k)
      if (!d) { deletedIn = r; break }
      presentIn = r
      if (!d.decl.tags) continue
      lastTagged = d
      if (!removedTags.has(d.decl.tags.removed)) removedTags.set(d.decl.tags.removed, d.module)
      if (cmpMinor(d.decl.tags.removed, r) <= 0) { removedIn = d.decl.tags.removed; decide = d; break }
    }
    decide ??= lastTagged!
    const tags = decide.decl.tags as Tags
    const notes: string[] = []
    const sources = [`${decide.module} ${decide.decl.file}`]
    let deprecatedIn = tags.deprecated
    if (!removedIn && deletedIn) {
      removedIn = deletedIn
      // Deleted before its tagged deprecation: deprecated and removed in the same release.
      if (cmpMinor(deprecatedIn, removedIn) > 0) deprecatedIn = removedIn
      const mod = [...at.get(deletedIn)!.values()].find(d => d.module.startsWith(decide.module.split('@')[0]! + '@'))?.module ?? deletedIn
      if (cmpMinor(tags.removed, deletedIn) > 0) notes.push(`tagged for removal in ${tags.removed}, but its types are gone from ${mod}: not servable from ${deletedIn}`)
      if (cmpMinor(deletedIn, addMinors(presentIn, 1)) !== 0) notes.push(`deleted after ${presentIn}; the releases between ${presentIn} and ${deletedIn} were not read (not served by the Go proxy)`)
      sources.push(`${mod} (no ${group}/${version} ${kind})`)
    } else if (!removedIn) {
      removedIn = tags.removed
    }
    if (removedTags.size > 1) notes.push(`the removal tag moved between releases: ${[...removedTags].map(([t, m]) => `${t} in ${m}`).join(', ')}`)
    if (cmpMinor(removedIn, newestRelease) > 0) notes.push(`scheduled: still served by ${newestRelease}, the newest release`)
    rows.push({
      group, version, kind, resource: pluralOf(kind), stage: stageOf(version),
      introduced: tags.introduced, deprecatedIn, removedIn,
      replacement: tags.replacement ? {...tags.replacement, servedFrom: null} : null,
      notes, sources,
    })
  }
  return {rows, servedFrom, at, firstSeen}
}

/** Kubernetes' version priority: GA over beta over alpha, then the newer (v2 over v1, v1beta2 over v1beta1). Negative when a goes first. */
export function byStability(a: string, b: string): number {
  const rank = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v)
    return m ? [STAGES.indexOf(stageOf(v)), Number(m[1]), Number(m[3] ?? 0)] : [-1, 0, 0]
  }
  const x = rank(a), y = rank(b)
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return y[i]! - x[i]!
  return 0
}

/**
 * Fills in the replacement of removed rows that have none (no replacement tag, and no override that
 * sets one: `pinned`), by one rule:
 *
 *   the reference release is the first release read of the row's module at or after its removal (the
 *   release that no longer serves it), else, for a removal beyond the releases read, the newest release
 *   read (the prerelease when there is one). The replacement is the most stable version (byStability:
 *   GA over beta over alpha, then the newest) of the same group, other than the row's own and no less
 *   stable than it (an alpha never replaces a beta), whose package in the reference release declares
 *   the same kind and registers it in register.go, and that is served by the removal: its row (if it
 *   has one) is not removed at or before the removal, its tags in the reference release do not say so
 *   either, and its servedFrom (see buildRows) is no later than the removal.
 *
 * Nothing found: the replacement stays null. Each inferred replacement adds a note saying so and the
 * file it was read from to the sources; servedFrom is filled in with every other replacement's.
 */
function inferReplacements(rows: Row[], pins: Pins, at: At, firstSeen: Map<string, string>, servedFrom: Map<string, string>, pinned: Set<string>): void {
  const byKey = new Map(rows.map(r => [key(r), r]))
  const declared = (k: string) => [...at.values()].find(m => m.has(k))?.get(k)
  for (const r of rows) {
    if (r.replacement || !r.removedIn || pinned.has(key(r))) continue
    const own = declared(key(r))
    if (!own) continue
    const module = own.module.split('@')[0]!
    const read = pins[module]!.map(v => ({minor: k8s(v), release: `${module}@${v}`}))
    const removedIn = r.removedIn
    const ref = read.find(x => cmpMinor(x.minor, removedIn) >= 0) ?? read.at(-1)!
    const candidates = [...at.get(ref.minor)?.values() ?? []].filter(({decl: d, module: m}) => {
      if (m !== ref.release || d.group !== r.group || d.kind !== r.kind || d.version === r.version || d.registered === false) return false
      if (STAGES.indexOf(stageOf(d.version)) < STAGES.indexOf(stageOf(r.version))) return false
      const theirs = byKey.get(key(d))
      if (theirs?.removedIn && cmpMinor(theirs.removedIn, removedIn) <= 0) return false
      if (d.tags && cmpMinor(d.tags.removed, removedIn) <= 0) return false
      const from = servedFrom.get(key(d))
      return from !== undefined && cmpMinor(from, removedIn) <= 0
    }).sort((a, b) => byStability(a.decl.version, b.decl.version))
    const pick = candidates[0]
    if (!pick) continue
    const k = key(pick.decl)
    const first = at.get(firstSeen.get(k)!)!.get(k)!.module
    const where = cmpMinor(ref.minor, removedIn) === 0 ? 'the release of the removal'
      : cmpMinor(ref.minor, removedIn) > 0 ? `the first release read from ${removedIn} on`
        : `the newest release read; the removal in ${removedIn} is later`
    r.replacement = {group: pick.decl.group, version: pick.decl.version, kind: pick.decl.kind, servedFrom: null}
    r.notes.push(`replacement inferred (no replacement tag): the same kind in ${pick.decl.group}/${pick.decl.version}, present in ${first.replace('@', ' from ')}; the most stable version of ${r.group} that registers ${r.kind} in ${ref.release} (${where})`)
    r.sources.push(`${pick.module} ${pick.decl.file}`)
  }
}

/**
 * Applies overrides.yaml; every override must still match what it corrects, or the generator fails.
 * An `add` is a kind that was never tagged (alpha kinds deleted before the tags existed, or without
 * them): the generator cannot see when it stopped being served, so the row is written by hand with a
 * source, and checked against the modules read: its types are there in a release before removedIn
 * and in none from removedIn on.
 */
export function applyOverrides(rows: Row[], overrides: Override[], presence?: Presence): Row[] {
  const byKey = new Map(rows.map(r => [key(r), r]))
  const problems: string[] = []
  for (const o of overrides) {
    const row = byKey.get(key(o))
    const name = `${o.action} ${key(o)}`
    if (!o.source) problems.push(`${name}: no source`)
    if (o.action === 'phantom') { if (row) problems.push(`${name}: the kind is in the generated table`); continue }
    if (o.action === 'add') {
      if (row) { problems.push(`${name}: the kind is in the generated table (the add is stale)`); continue }
      if (!o.row?.removedIn) { problems.push(`${name}: an add needs a row with removedIn`); continue }
      const seen = presence?.minors.get(key(o))
      if (presence) {
        const after = presence.read.filter(m => cmpMinor(m, o.row!.removedIn!) >= 0 && seen?.has(m))
        if (!presence.read.some(m => cmpMinor(m, o.row!.removedIn!) < 0 && seen?.has(m))) problems.push(`${name}: no release read before ${o.row.removedIn} has its types`)
        if (after.length) problems.push(`${name}: its types are still in ${after.join(', ')}, at or after removedIn ${o.row.removedIn}`)
      }
      const {notes = [], sources = [], ...fields} = o.row
      byKey.set(key(o), {group: o.group, version: o.version, kind: o.kind, ...fields, notes: [...notes, o.reason], sources: [...sources, o.source], overrides: [{reason: o.reason, source: o.source}]})
      continue
    }
    if (!row) { problems.push(`${name}: no such generated row`); continue }
    if (o.action === 'drop') { byKey.delete(key(o)); continue }
    if (o.action === 'assert') {
      for (const [f, v] of Object.entries(o.expect ?? {})) {
        if (JSON.stringify((row as unknown as Record<string, unknown>)[f]) !== JSON.stringify(v)) problems.push(`${name}: ${f} is ${JSON.stringify((row as unknown as Record<string, unknown>)[f])}, expected ${JSON.stringify(v)}`)
      }
      row.sources.push(o.source)
      continue
    }
    Object.assign(row, o.set)
    row.notes.push(o.reason)
    row.overrides = [...row.overrides ?? [], {reason: o.reason, source: o.source}]
  }
  if (problems.length) throw new Error(`overrides.yaml:\n  ${problems.join('\n  ')}`)
  return [...byKey.values()]
}

/**
 * The table's rows from what the module releases declare: the generated rows, corrected by the
 * overrides, with the replacements the tags leave out inferred (overrides that set a replacement, or
 * add a row, win over inference), and every replacement's servedFrom.
 */
export function buildTable(pins: Pins, byMinor: Releases, overrides: Override[]): Row[] {
  const {rows: generated, servedFrom, at, firstSeen} = buildRows(pins, byMinor)
  const minors = new Map<string, Set<string>>()
  for (const [m, list] of byMinor) for (const {decl} of list) {
    const k = key(decl)
    if (!minors.has(k)) minors.set(k, new Set())
    minors.get(k)!.add(m)
  }
  const rows = applyOverrides(generated, overrides, {minors, read: pins['k8s.io/api']!.map(k8s)})
  const pinned = new Set(overrides.filter(o => o.action === 'add' || (o.action === 'set' && o.set && 'replacement' in o.set)).map(key))
  inferReplacements(rows, pins, at, firstSeen, servedFrom, pinned)
  for (const r of rows) if (r.replacement) r.replacement.servedFrom = servedFrom.get(key(r.replacement)) ?? null
  return rows
}

export function generate(): string {
  const pins = JSON.parse(readFileSync(PINS, 'utf8')) as Pins
  const overrides = load(readFileSync(join(tableDir, 'overrides.yaml'), 'utf8')) as Override[]
  const rows = buildTable(pins, readReleases(pins, download(pins)), overrides)
  const api = pins['k8s.io/api']!
  const releases = api.filter(v => !v.includes('-'))
  const coversThrough = k8s(releases.at(-1)!)
  const prerelease = api.find(v => v.includes('-')) ?? null
  const header = [
    `# Kubernetes API removals, Kubernetes ${k8s(api[0]!)} through ${coversThrough}${prerelease ? ` (and the tags of the ${prerelease.replace(/^v0\./, '1.')} prerelease)` : ''}.`,
    '# Generated by deprecations/gen/generate.ts from the +k8s:prerelease-lifecycle-gen tags of the modules',
    '# below, then corrected by deprecations/overrides.yaml (each correction names its source).',
    '# Where the tags name no replacement, the generator infers one (the most stable other version of the same',
    '# group that registers the kind when the row is removed); such rows say "replacement inferred" in a note.',
    '# Do not edit by hand: edit overrides.yaml (or run --refresh) and run `node deprecations/gen/generate.ts`.',
    `# Left out by overrides.yaml (drop): ${overrides.filter(o => o.action === 'drop').map(o => `${o.group}/${o.version} ${o.kind}`).join(', ') || 'none'}.`,
    `# Added by overrides.yaml (kinds never tagged): ${overrides.filter(o => o.action === 'add').map(o => `${o.group}/${o.version} ${o.kind}`).join(', ') || 'none'}.`,
    '# Schema: deprecations/schema.json. `modules` lists the releases read; minors the Go proxy does not serve are absent.',
    '',
  ].join('\n')
  const doc = {
    coversThrough, prerelease: prerelease ? prerelease.replace(/^v0\./, '1.') : null,
    modules: pins,
    rows: rows.sort((a, b) => key(a).localeCompare(key(b))).map(r => ({...r, replacement: r.replacement, notes: r.notes, sources: r.sources})),
  }
  return header + dump(doc, {lineWidth: -1, noRefs: true})
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = process.argv[2]
  try {
    if (arg === '--refresh') { const p = refresh(); console.error(`pinned: ${JSON.stringify(p)}`) }
    else if (arg === '--download') download(JSON.parse(readFileSync(PINS, 'utf8')) as Pins)
    else if (arg === '--stdout') process.stdout.write(generate())
    else if (arg === undefined) writeFileSync(join(tableDir, 'kubernetes.yaml'), generate())
    else { console.error(`unknown argument ${arg}`); process.exit(2) }
  } catch (e) {
    console.error(`deprecations generator: ${(e as Error).message}`)
    process.exit(1)
  }
}
