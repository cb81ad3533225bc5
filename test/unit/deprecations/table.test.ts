// The removal table: the committed deprecations/kubernetes.yaml validates, the validator rejects
// each kind of bad row (one test per rule), and --table rows merge or are refused.
import {readFileSync} from 'node:fs'
import {dirname, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {load} from 'js-yaml'
import {describe, expect, it} from 'vitest'
import {InputError} from '../../../src/model/errors.ts'
import {BUILTIN_TABLE, coversThrough, gvkKey, loadBuiltinTable, loadTable, mergeUserRows, parseTable, validateTable, type RemovalRow, type RemovalTable} from '../../../src/deprecations/table.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const fixture = (name: string) => resolve(root, 'test/fixtures/deprecations', name)

const row = (over: Partial<RemovalRow> = {}): RemovalRow => ({
  group: 'example.com', version: 'v1beta1', kind: 'Widget', resource: 'widgets', stage: 'beta',
  introduced: '1.20', deprecatedIn: '1.23', removedIn: '1.26',
  replacement: {group: 'example.com', version: 'v1', kind: 'Widget', servedFrom: '1.23'},
  notes: [], sources: ['test'], ...over,
})
const table = (...rows: RemovalRow[]): RemovalTable => ({coversThrough: '1.37', prerelease: null, rows})
const find = (t: RemovalTable, key: string) => t.rows.find(r => gvkKey(r) === key)

describe('the committed table', () => {
  const builtin = loadBuiltinTable()

  it('validates, and says the newest release it covers', () => {
    expect(validateTable(builtin)).toEqual([])
    expect(coversThrough(builtin)).toBe('1.37')
    expect(builtin.rows.length).toBeGreaterThan(100)
    expect(BUILTIN_TABLE).toBe(resolve(root, 'deprecations/kubernetes.yaml'))
    expect(readFileSync(BUILTIN_TABLE, 'utf8')).toMatch(/^# Kubernetes API removals, Kubernetes 1\.\d+ through 1\.37/)
  })

  it('has only the fields schema.json allows, and all it requires', () => {
    const schema = JSON.parse(readFileSync(resolve(root, 'deprecations/schema.json'), 'utf8')) as {required: string[], $defs: {row: {required: string[], properties: Record<string, unknown>}}}
    const doc = load(readFileSync(BUILTIN_TABLE, 'utf8')) as Record<string, unknown>
    expect(Object.keys(doc).sort()).toEqual([...schema.required].sort())
    const allowed = Object.keys(schema.$defs.row.properties)
    for (const r of builtin.rows) {
      expect(Object.keys(r).filter(k => !allowed.includes(k)), gvkKey(r)).toEqual([])
      expect(schema.$defs.row.required.filter(k => !(k in r)), gvkKey(r)).toEqual([])
    }
  })

  it('carries the corrections of overrides.yaml, each with a source', () => {
    const overrides = load(readFileSync(resolve(root, 'deprecations/overrides.yaml'), 'utf8')) as {source?: string}[]
    expect(overrides.length).toBeGreaterThan(0)
    for (const o of overrides) expect(o.source?.trim(), JSON.stringify(o)).toBeTruthy()
    expect(find(builtin, 'networking.k8s.io/v1beta1 IngressClass')!.replacement).toMatchObject({version: 'v1', kind: 'IngressClass'})
    expect(find(builtin, 'apps/v1beta1 DeploymentRollback')!.replacement).toBeNull()
    expect(find(builtin, 'admission.k8s.io/v1beta1 AdmissionReview')).toBeUndefined()
    expect(find(builtin, 'apiextensions.k8s.io/v1beta1 ConversionReview')).toBeUndefined()
    expect(find(builtin, 'apps/v1beta1 ReplicaSet')).toBeUndefined()
    expect(find(builtin, 'apidiscovery.k8s.io/v2beta1 APIGroupDiscovery')!.removedIn).toBe('1.33')
  })

  it('has the alpha kinds that were deleted without ever being tagged, each with its source', () => {
    const added: [string, string][] = [
      ['auditregistration.k8s.io/v1alpha1 AuditSink', '1.19'], ['settings.k8s.io/v1alpha1 PodPreset', '1.20'],
      ['batch/v2alpha1 CronJob', '1.21'], ['discovery.k8s.io/v1alpha1 EndpointSlice', '1.21'],
      ['scheduling.k8s.io/v1alpha1 PriorityClass', '1.36'], ['scheduling.k8s.io/v1alpha1 Workload', '1.36'],
      ['scheduling.k8s.io/v1alpha2 Workload', '1.37'], ['scheduling.k8s.io/v1alpha2 PodGroup', '1.37'],
    ]
    for (const [key, removedIn] of added) {
      const r = find(builtin, key)
      expect(r, key).toBeDefined()
      expect(r!.removedIn, key).toBe(removedIn)
      expect(r!.overrides?.[0]?.source, key).toMatch(/https:\/\/github\.com\/kubernetes\//)
    }
    expect(find(builtin, 'scheduling.k8s.io/v1alpha1 PriorityClass')!.replacement).toMatchObject({version: 'v1', servedFrom: '1.14'})
  })

  it('infers the replacements the tags leave out, and says so; overrides and kinds with none stay null', () => {
    const inferred: [string, string, string][] = [
      ['networking.k8s.io/v1beta1 IPAddress', 'v1', '1.33'], ['networking.k8s.io/v1beta1 ServiceCIDR', 'v1', '1.33'],
      ['networking.k8s.io/v1alpha1 IPAddress', 'v1', '1.33'],
      ['resource.k8s.io/v1beta1 ResourceClaim', 'v1', '1.34'], ['resource.k8s.io/v1beta2 DeviceClass', 'v1', '1.34'],
      ['resource.k8s.io/v1beta2 ResourceSlice', 'v1', '1.34'], ['resource.k8s.io/v1beta1 ResourceClaimTemplate', 'v1', '1.34'],
      ['node.k8s.io/v1beta1 RuntimeClass', 'v1', '1.20'], ['events.k8s.io/v1beta1 Event', 'v1', '1.19'],
      ['storagemigration.k8s.io/v1alpha1 StorageVersionMigration', 'v1beta1', '1.35'],
      ['resource.k8s.io/v1alpha2 ResourceClaim', 'v1alpha3', '1.31'],
    ]
    for (const [key, version, servedFrom] of inferred) {
      const r = find(builtin, key)!
      expect(r.replacement, key).toEqual({group: r.group, version, kind: r.kind, servedFrom})
      expect(r.notes.filter(n => n.startsWith('replacement inferred')), key).toHaveLength(1)
    }
    for (const key of ['policy/v1beta1 PodSecurityPolicy', 'resource.k8s.io/v1alpha2 ResourceClass', 'networking.k8s.io/v1alpha1 ClusterCIDR', 'settings.k8s.io/v1alpha1 PodPreset', 'apps/v1beta1 DeploymentRollback']) {
      const r = find(builtin, key)!
      expect(r.replacement, key).toBeNull()
      expect(r.notes.some(n => n.startsWith('replacement inferred')), key).toBe(false)
    }
    // A replacement the tag gives is not marked as inferred.
    expect(find(builtin, 'policy/v1beta1 PodDisruptionBudget')!.notes.some(n => n.startsWith('replacement inferred'))).toBe(false)
  })

  it('names resources as the API server serves them', () => {
    expect(find(builtin, 'resource.k8s.io/v1alpha2 ResourceClaimParameters')!.resource).toBe('resourceclaimparameters')
    expect(find(builtin, 'resource.k8s.io/v1alpha2 ResourceClassParameters')!.resource).toBe('resourceclassparameters')
  })

  it('has the removals other tables get wrong', () => {
    expect(find(builtin, 'flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema')!.removedIn).toBe('1.26')
    expect(find(builtin, 'resource.k8s.io/v1beta1 ResourceClaim')!.removedIn).toBe('1.38')
    expect(find(builtin, 'networking.k8s.io/v1alpha1 ClusterCIDR')!.removedIn).toBe('1.29')
    expect(find(builtin, 'policy/v1beta1 PodDisruptionBudget')).toMatchObject({deprecatedIn: '1.21', removedIn: '1.25', replacement: {group: 'policy', version: 'v1', servedFrom: '1.21'}})
    expect(find(builtin, 'extensions/v1beta1 Ingress')).toMatchObject({removedIn: '1.22', resource: 'ingresses'})
  })
})

describe('validateTable', () => {
  it('accepts a good row', () => {
    expect(validateTable(table(row()))).toEqual([])
  })
  it('rejects two rows for one group/version/kind', () => {
    expect(validateTable(table(row(), row()))).toEqual(['example.com/v1beta1 Widget: duplicate row'])
  })
  it('rejects a deprecation before the introduction', () => {
    expect(validateTable(table(row({introduced: '1.24'})))).toEqual(['example.com/v1beta1 Widget: deprecated in 1.23, before it was introduced in 1.24'])
  })
  it('rejects a removal before the deprecation (compared by number: 1.9 < 1.10)', () => {
    expect(validateTable(table(row({introduced: '1.8', deprecatedIn: '1.10', removedIn: '1.9', replacement: null})))).toEqual(['example.com/v1beta1 Widget: removed in 1.9, before it was deprecated in 1.10'])
  })
  it('rejects a replacement first served after the removal', () => {
    expect(validateTable(table(row({replacement: {group: 'example.com', version: 'v1', kind: 'Widget', servedFrom: '1.27'}})))).toEqual(['example.com/v1beta1 Widget: replacement example.com/v1 Widget is served only from 1.27, after the removal in 1.26'])
  })
  it('rejects a replacement with no servedFrom', () => {
    expect(validateTable(table(row({replacement: {group: 'example.com', version: 'v1', kind: 'Widget', servedFrom: null}})))).toEqual(['example.com/v1beta1 Widget: replacement example.com/v1 Widget has no servedFrom'])
  })
  it('rejects a replacement that is itself removed by then', () => {
    const old = row({version: 'v1alpha1', stage: 'alpha', introduced: '1.18', deprecatedIn: '1.20', removedIn: '1.28', replacement: {group: 'example.com', version: 'v1beta1', kind: 'Widget', servedFrom: '1.20'}})
    expect(validateTable(table(old, row()))).toEqual(['example.com/v1alpha1 Widget: replacement example.com/v1beta1 Widget is itself removed in 1.26, by the removal in 1.28'])
  })
  it('rejects an override with no source', () => {
    expect(validateTable(table(row({overrides: [{reason: 'tag is wrong', source: ' '}]})))).toEqual(['example.com/v1beta1 Widget: an override has no source'])
  })
  it('rejects a coversThrough that is not a minor version', () => {
    expect(validateTable({...table(row()), coversThrough: 'v1.37.2'})).toEqual(['coversThrough must be a version like "1.37"'])
  })
})

describe('parseTable', () => {
  it('names the file and the row of a malformed row', () => {
    const text = 'coversThrough: "1.37"\nrows:\n  - {group: apps, version: v1beta1, kind: Deployment, resource: deployments, stage: beta, introduced: "1.6", deprecatedIn: 1.8, removedIn: "1.16", replacement: null, notes: [], sources: [x]}\n'
    expect(() => parseTable(text, 'bad.yaml')).toThrow(new InputError('bad.yaml: row 1 (apps/v1beta1 Deployment): deprecatedIn must be a version like "1.25"'))
  })
  it('refuses a document without rows', () => {
    expect(() => parseTable('coversThrough: "1.37"\n', 'empty.yaml')).toThrow(InputError)
  })
})

describe('--table FILE', () => {
  it('merges user rows, filling in what they leave out', () => {
    const merged = loadTable({tableFile: fixture('user-rows.yaml')})
    const builtin = loadBuiltinTable()
    expect(merged.rows).toHaveLength(builtin.rows.length + 2)
    expect(find(merged, 'cert-manager.io/v1alpha2 Certificate')).toMatchObject({resource: 'certificates', stage: 'alpha', introduced: '1.20', removedIn: '1.24', sources: [fixture('user-rows.yaml')]})
    expect(find(merged, 'example.com/v1beta1 Widget')).toMatchObject({deprecatedIn: '1.30', removedIn: null, replacement: null})
    expect(merged.coversThrough).toBe(builtin.coversThrough)
  })

  it('refuses a row that duplicates a built-in one, naming the file and the row', () => {
    const file = fixture('duplicate-row.yaml')
    let err: unknown
    try { loadTable({tableFile: file}) } catch (e) { err = e }
    expect(err).toBeInstanceOf(InputError)
    expect((err as InputError).message).toBe(`${file}: row 2 (policy/v1beta1 PodDisruptionBudget) duplicates a built-in row`)
    expect((err as InputError).exitCode).toBe(2)
  })

  it('refuses a user row that breaks a rule, naming the file', () => {
    expect(() => mergeUserRows(table(row()), '- {group: x.io, version: v1beta1, kind: Thing, deprecatedIn: "1.30", removedIn: "1.29"}', 'mine.yaml'))
      .toThrow(new InputError('mine.yaml: x.io/v1beta1 Thing: removed in 1.29, before it was deprecated in 1.30'))
    expect(() => mergeUserRows(table(row()), '- {group: x.io, version: beta, kind: Thing, removedIn: "1.29"}', 'mine.yaml')).toThrow(/mine\.yaml: row 1 \(x\.io\/beta Thing\): version "beta"/)
  })

  it('refuses a file that is missing or not a list of rows', () => {
    expect(() => loadTable({tableFile: fixture('nope.yaml')})).toThrow(/--table .*nope\.yaml: no such file/)
    expect(() => mergeUserRows(table(row()), 'just: a mapping', 'mine.yaml')).toThrow(InputError)
  })
})
