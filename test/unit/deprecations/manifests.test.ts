// Manifests against the committed removal table: every removal release in the table, through the
// real manifest reader, fileUses and classifyUses; and current APIs about which nothing is said.
import {dirname, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {classifyUses} from '../../../src/deprecations/match.ts'
import {upgradePath} from '../../../src/deprecations/path.ts'
import {fileUses} from '../../../src/deprecations/sources/files.ts'
import {findRow, gvkKey, loadBuiltinTable, type RemovalRow} from '../../../src/deprecations/table.ts'
import {HELM_TEMPLATE, parseManifests, readManifestsSync} from '../../../src/sources/manifests.ts'
import {compareVersions} from '../../../src/model/versions.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const fixtures = resolve(root, 'test/fixtures/manifests/upgrade')
const table = loadBuiltinTable()
const path = (current: string | null, target: string) => upgradePath({current, target, coversThrough: table.coversThrough}).path
const before = (v: string) => `1.${Number(v.split('.')[1]) - 1}`
const apiVersionOf = (r: {group: string, version: string}) => r.group ? `${r.group}/${r.version}` : r.version
const manifest = (rows: RemovalRow[]) => rows.map(r => `apiVersion: ${apiVersionOf(r)}\nkind: ${r.kind}\nmetadata:\n  name: ${r.resource}\n`).join('---\n')
const scan = (text: string, file: string) => fileUses({...parseManifests(text, file), files: [file]})

describe('every removal release in the table', () => {
  const releases = [...new Set(table.rows.map(r => r.removedIn).filter((v): v is string => v !== null))].sort(compareVersions)

  it('covers the releases it should', () => {
    expect(releases.length).toBeGreaterThanOrEqual(20)
    for (const v of ['1.16', '1.19', '1.20', '1.21', '1.22', '1.25', '1.26', '1.29', '1.32', '1.33', '1.34', '1.35', '1.36', '1.37']) expect(releases).toContain(v)
  })

  it.each(releases)('%s: each kind removed there is a blocker at the hop to it, and not before', release => {
    const rows = table.rows.filter(r => r.removedIn === release)
    const file = `removed-in-${release}.yaml`
    const uses = scan(manifest(rows), file)
    expect(uses).toHaveLength(rows.length)
    const lines = uses.map(u => u.source.line)

    const crossing = classifyUses(table, path(before(release), release), uses)
    expect(crossing.map(f => [f.object.kind, f.check, f.severity, f.hop, f.removedIn, f.source.path, f.source.line]))
      .toEqual(rows.map((r, i) => [r.kind, 'removed-api', 'blocker', release, release, file, lines[i]]))
    for (const f of crossing) {
      expect(f.message).toContain(`${f.object.apiVersion} ${f.object.kind} `)
      expect(f.message).toContain(`breaks at the hop to ${release}`)
    }

    // Offline, every removal up to the target is reported, at the hop that removes it.
    expect(classifyUses(table, path(null, release), uses).map(f => [f.check, f.hop])).toEqual(rows.map(() => ['removed-api', release]))
    // One minor earlier the kinds are still served: no blocker (a deprecation or off-by-default note at most).
    const earlier = classifyUses(table, path(before(before(release)), before(release)), uses)
    expect(earlier.filter(f => f.check === 'removed-api')).toEqual([])
    expect(earlier.every(f => f.severity !== 'blocker')).toBe(true)
  })
})

describe('current APIs', () => {
  it('says nothing about a kind written with its replacement, for every replacement the table names', () => {
    const replacements = new Map<string, RemovalRow['replacement'] & {}>()
    for (const r of table.rows) if (r.replacement && !findRow(table, r.replacement)) replacements.set(gvkKey(r.replacement), r.replacement)
    expect(replacements.size).toBeGreaterThan(30)
    const uses = [...replacements.values()].map(r => ({apiVersion: apiVersionOf(r), kind: r.kind, name: 'x', source: {type: 'file' as const, path: 'current.yaml', line: 1}}))
    expect(classifyUses(table, path(null, table.coversThrough), uses)).toEqual([])
    expect(classifyUses(table, path('1.16', table.coversThrough), uses)).toEqual([])
  })

  it('says nothing about the current-API fixture on the longest path', () => {
    const uses = fileUses(readManifestsSync([resolve(fixtures, 'current-apis.yaml')]))
    expect(uses.map(u => u.kind)).toEqual(['Deployment', 'Ingress', 'PodDisruptionBudget', 'FlowSchema', 'CronJob', 'CSIStorageCapacity', 'ConfigMap'])
    expect(classifyUses(table, path('1.16', table.coversThrough), uses)).toEqual([])
  })
})

describe('the old-API fixture', () => {
  const manifests = readManifestsSync([fixtures])
  const uses = fileUses(manifests)
  const old = resolve(fixtures, 'old-apis.yaml')
  const summary = (current: string | null, target: string) => classifyUses(table, path(current, target), uses)
    .map(f => `${f.source.path === old ? 'old' : f.source.path}:${f.source.line} ${f.check} ${f.hop ?? '-'} ${f.replacement ?? '-'} ${f.fixFrom ?? '-'}`)

  it('skips the un-rendered chart template, by name', () => {
    expect(manifests.skipped).toEqual([{path: resolve(fixtures, 'chart/templates/pdb.yaml'), line: 1, reason: HELM_TEMPLATE}])
  })

  it('from 1.15 to the newest release: every object blocks at its own hop, the fixes that wait for a hop say which', () => {
    expect(summary('1.15', table.coversThrough)).toEqual([
      'old:2 removed-api 1.16 apps/v1 -',
      'old:17 removed-api 1.22 networking.k8s.io/v1 1.19',
      'old:27 removed-api 1.25 policy/v1 1.21',
      // v1beta2 goes in 1.29, v1beta3 (its tagged replacement) in 1.32: straight to v1, served from 1.29.
      'old:37 removed-api 1.29 flowcontrol.apiserver.k8s.io/v1 1.29',
      'old:47 removed-api 1.25 batch/v1 1.21',
      'old:60 removed-api 1.27 storage.k8s.io/v1 1.24',
    ])
  })

  it('from 1.21 to 1.23: already removed, deprecated, or nothing yet', () => {
    expect(summary('1.21', '1.23')).toEqual([
      'old:2 removed-api 1.22 apps/v1 -',
      'old:17 removed-api 1.22 networking.k8s.io/v1 -',
      'old:27 deprecated-api-in-use - policy/v1 -',
      'old:47 deprecated-api-in-use - batch/v1 -',
    ])
  })
})
