// The second table (deprecations/other.yaml): the committed file validates and has only the
// fields its schema allows; the validator refuses each kind of bad row; otherFindings finds gitRepo
// volumes (on the owner, once) and containerd 1.x nodes, at the right stage and hop.
import {readFileSync} from 'node:fs'
import {dirname, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {load} from 'js-yaml'
import {describe, expect, it} from 'vitest'
import {BUILTIN_OTHER_TABLE, loadOtherTable, otherFindings, validateOtherRows, type OtherRow} from '../../../src/deprecations/other.ts'
import {upgradePath} from '../../../src/deprecations/path.ts'
import {emptyUpgradeSnapshot, type UpgradeSnapshot} from '../../../src/model/upgrade.ts'
import type {Node, Pod, Workload} from '../../../src/model/k8s.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const rows = loadOtherTable()
const path = (current: string | null, target: string) => upgradePath({current, target, coversThrough: '1.37'}).path

const gitRepo = {name: 'src', gitRepo: {repository: 'https://example.com/app.git'}}
const podSpec = (volumes: unknown[]) => ({containers: [{name: 'app', image: 'app'}], volumes}) as Pod['spec']
const workload = (kind: string, name: string, uid: string, volumes: unknown[], owner?: {kind: string, name: string, uid: string}): Workload => ({
  apiVersion: 'apps/v1', kind, metadata: {name, namespace: 'shop', uid, ...(owner ? {ownerReferences: [{apiVersion: 'apps/v1', ...owner, controller: true}]} : {})},
  spec: {template: {spec: podSpec(volumes)}},
})
const pod = (name: string, volumes: unknown[], owner?: {kind: string, name: string, uid: string}): Pod => ({
  kind: 'Pod', metadata: {name, namespace: 'shop', uid: `pod-${name}`, ...(owner ? {ownerReferences: [{apiVersion: 'apps/v1', ...owner, controller: true}]} : {})},
  spec: podSpec(volumes),
})
const node = (name: string, runtime: string, pool?: string): Node => ({
  kind: 'Node', metadata: {name, labels: pool ? {'eks.amazonaws.com/nodegroup': pool} : {}}, status: {nodeInfo: {containerRuntimeVersion: runtime, kubeletVersion: 'v1.35.2'}},
})
const snapshot = (over: Partial<UpgradeSnapshot>): UpgradeSnapshot => ({...emptyUpgradeSnapshot({type: 'live'}, '2026-01-01T00:00:00Z'), ...over})

describe('the committed other.yaml', () => {
  it('validates, every row with sources, and has only the fields its schema allows', () => {
    expect(rows.map(r => r.id)).toEqual(['gitrepo-volume', 'containerd-1'])
    const schema = JSON.parse(readFileSync(resolve(root, 'deprecations/other.schema.json'), 'utf8')) as {required: string[], $defs: {row: {required: string[], properties: Record<string, unknown>}}}
    const doc = load(readFileSync(BUILTIN_OTHER_TABLE, 'utf8')) as Record<string, unknown>
    expect(Object.keys(doc)).toEqual(schema.required)
    for (const r of rows) {
      expect(Object.keys(r).sort()).toEqual([...schema.$defs.row.required].sort())
      expect(Object.keys(r).filter(k => !(k in schema.$defs.row.properties))).toEqual([])
      for (const s of r.sources) expect(s).toMatch(/^https:\/\/github\.com\/kubernetes\/(kubernetes|website|enhancements)\/pull\/\d+ /)
    }
  })
})

describe('validateOtherRows', () => {
  const good: OtherRow = {id: 'x', check: 'removed-feature', what: 'w', match: {podVolume: 'gitRepo'}, stages: [{from: '1.33', severity: 'warning', says: 's'}, {from: '1.36', severity: 'blocker', says: 's'}], fix: 'f', sources: ['u']}
  const bad = (over: Record<string, unknown>) => validateOtherRows([{...good, ...over}])
  it('accepts a good row', () => expect(validateOtherRows([good])).toEqual([]))
  it.each([
    [{sources: []}, 'row 1 (x): every row needs sources'],
    [{sources: ['']}, 'row 1 (x): every row needs sources'],
    [{check: 'removed-api'}, 'row 1 (x): check must be removed-feature or unsupported-version'],
    [{match: {podVolume: 'gitRepo', extra: 1}}, 'row 1 (x): match must be {podVolume} or {containerRuntime, below}'],
    [{match: {containerRuntime: 'containerd', below: 'two'}}, 'row 1 (x): match must be {podVolume} or {containerRuntime, below}'],
    [{stages: []}, 'row 1 (x): stages must be a non-empty list'],
    [{stages: [{from: '1.36', severity: 'blocker', says: 's'}, {from: '1.33', severity: 'warning', says: 's'}]}, 'row 1 (x): stages must be in release order'],
    [{stages: [{from: 'v1.36', severity: 'blocker', says: 's'}]}, 'row 1 (x): stage 1 must be {from: "1.N", severity, says}'],
    [{stages: [{from: '1.36', severity: 'fatal', says: 's'}]}, 'row 1 (x): stage 1 must be {from: "1.N", severity, says}'],
    [{fix: ''}, 'row 1 (x): fix must be a string'],
  ])('refuses %j', (over, said) => expect(bad(over)).toEqual([said]))
  it('refuses duplicate ids and a document without rows', () => {
    expect(validateOtherRows([good, good])).toEqual(['row 2 (x): duplicate id'])
    expect(validateOtherRows(undefined)).toEqual(['rows must be a list'])
  })
})

describe('otherFindings: gitRepo volumes', () => {
  const deploy = workload('Deployment', 'web', 'd1', [gitRepo])
  const rs = workload('ReplicaSet', 'web-5d8', 'r1', [gitRepo], {kind: 'Deployment', name: 'web', uid: 'd1'})
  const snap = snapshot({
    workloads: [rs, deploy, workload('StatefulSet', 'db', 's1', [{name: 'data', emptyDir: {}}])],
    pods: [pod('web-5d8-a', [gitRepo], {kind: 'ReplicaSet', name: 'web-5d8', uid: 'r1'}), pod('lonely', [{name: 'cfg', configMap: {name: 'c'}}, gitRepo]), pod('db-0', [{name: 'data', emptyDir: {}}])],
  })

  it('is a blocker from 1.36, once per owner, naming the volume', () => {
    const out = otherFindings(rows, path('1.35', '1.36'), snap)
    expect(out.map(f => [f.check, f.severity, f.object.kind, f.object.name, f.hop, f.source.signal])).toEqual([
      ['removed-feature', 'blocker', 'Deployment', 'web', '1.36', 'object'],
      ['removed-feature', 'blocker', 'Pod', 'lonely', '1.36', 'object'],
    ])
    expect(out[0]!.message).toBe('Deployment shop/web uses gitRepo volume "src": the gitRepo volume plugin is disabled for good and cannot be turned back on; pods that use it cannot start (from 1.36)')
    expect(out[0]!.fix).toContain('emptyDir')
    expect(out[0]!.notes!.every(n => n.startsWith('source: https://'))).toBe(true)
  })

  it('is a warning on a path that stops at 1.33 to 1.35, and nothing before 1.33', () => {
    expect(otherFindings(rows, path('1.32', '1.34'), snap).map(f => [f.severity, f.hop])).toEqual([['warning', '1.33'], ['warning', '1.33']])
    expect(otherFindings(rows, path('1.30', '1.32'), snap)).toEqual([])
  })

  it('points at the first hop when the current version is already past the stage', () => {
    expect(otherFindings(rows, path('1.36', '1.37'), snap).map(f => f.hop)).toEqual(['1.37', '1.37'])
  })
})

describe('otherFindings: containerd 1.x', () => {
  const snap = snapshot({nodes: [node('a', 'containerd://1.7.22', 'blue'), node('b', 'containerd://2.0.4', 'blue'), node('c', 'cri-o://1.30.1'), node('d', 'containerd://1.6.9'), node('e', 'containerd://v2.0.0')]})

  it('is a warning from 1.36 per node, with its pool, read from node status', () => {
    const out = otherFindings(rows, path('1.35', '1.36'), snap)
    expect(out.map(f => [f.check, f.severity, f.object.kind, f.object.name, f.pool, f.nodes, f.hop, f.source.signal])).toEqual([
      ['unsupported-version', 'warning', 'Node', 'a', 'blue', ['a'], '1.36', 'node-status'],
      ['unsupported-version', 'warning', 'Node', 'd', undefined, ['d'], '1.36', 'node-status'],
    ])
    expect(out[0]!.message).toMatch(/^node a runs containerd 1\.7\.22 \(containerd 1\.x\): 1\.35 is the last Kubernetes release that supports containerd 1\.x/)
  })

  it('is a blocker on a path that reaches 1.38, and nothing up to 1.35', () => {
    expect(otherFindings(rows, path('1.37', '1.38'), snap).map(f => f.severity)).toEqual(['blocker', 'blocker'])
    expect(otherFindings(rows, path('1.34', '1.35'), snap)).toEqual([])
  })
})
