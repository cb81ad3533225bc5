// The removal table against a real API server: the test cluster runs kube-apiserver with
// --runtime-config=api/all=true (every version the release carries is served), and its discovery
// (/api, /apis and each group version's resources) must agree with deprecations/kubernetes.yaml:
// nothing the table says is removed at or before the server's minor is served, and every kind the
// table says is served at that minor (introduced by then, not removed yet) is served.
import {spawnSync} from 'node:child_process'
import {dirname, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {beforeAll, describe, expect, it} from 'vitest'
import {kubectl} from '../cluster/cluster.ts'
import {loadBuiltinTable, gvkKey, type RemovalRow} from '../../src/deprecations/table.ts'
import {compareVersions} from '../../src/model/versions.ts'
import {clusterInfo} from './helpers.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

interface ApiResource { name: string; kind: string }
/** "group/version" ("v1" for core) -> the resources (and subresources) discovery lists. */
type Served = Map<string, ApiResource[]>

/**
 * Kinds kube-apiserver installs only when a feature gate is on, even with their group version
 * enabled by --runtime-config (the storage of each is registered under the gate, pkg/registry/<group>/rest).
 * An exemption holds only while the server itself reports the gate off (kubernetes_feature_enabled).
 */
const GATED: Record<string, string> = {
  'certificates.k8s.io/v1alpha1 ClusterTrustBundle': 'ClusterTrustBundle',
  'certificates.k8s.io/v1beta1 ClusterTrustBundle': 'ClusterTrustBundle',
  'certificates.k8s.io/v1beta1 PodCertificateRequest': 'PodCertificateRequest',
  'scheduling.k8s.io/v1alpha2 PodGroup': 'GenericWorkload',
  'scheduling.k8s.io/v1alpha2 Workload': 'GenericWorkload',
  'storagemigration.k8s.io/v1beta1 StorageVersionMigration': 'StorageVersionMigrator',
}

async function readDiscovery(): Promise<{minor: string; served: Served; gatesOff: Set<string>}> {
  const info = clusterInfo()
  const raw = async <T>(path: string): Promise<T> => JSON.parse(await kubectl(info, ['get', '--raw', path])) as T
  const version = await raw<{major: string; minor: string}>('/version')
  const core = await raw<{versions: string[]}>('/api')
  const groups = await raw<{groups: {versions: {groupVersion: string}[]}[]}>('/apis')
  const gvs = [...core.versions, ...groups.groups.flatMap(g => g.versions.map(v => v.groupVersion))]
  const served: Served = new Map()
  await Promise.all(gvs.map(async gv => {
    const list = await raw<{resources: ApiResource[]}>(gv.includes('/') ? `/apis/${gv}` : `/api/${gv}`)
    served.set(gv, list.resources)
  }))
  const metrics = await kubectl(info, ['get', '--raw', '/metrics'])
  const gatesOff = new Set([...metrics.matchAll(/^kubernetes_feature_enabled\{name="(\w+)"[^}]*\} 0$/gm)].map(m => m[1]!))
  return {minor: `${version.major}.${version.minor.replace(/\D+$/, '')}`, served, gatesOff}
}

const gvOf = (r: RemovalRow) => r.group ? `${r.group}/${r.version}` : r.version
/** Discovery names a kind by its plural resource, or by a subresource whose kind it is (deployments/rollback). */
const servesKind = (served: Served, r: RemovalRow) =>
  (served.get(gvOf(r)) ?? []).some(x => x.name === r.resource || x.kind === r.kind)

describe('the removal table agrees with the API server (api/all=true)', () => {
  const table = loadBuiltinTable()
  let minor = ''
  let served: Served = new Map()
  let gatesOff = new Set<string>()
  beforeAll(async () => { ({minor, served, gatesOff} = await readDiscovery()) })

  it('reads discovery of a server the table covers, with the off-by-default betas switched on', () => {
    expect(compareVersions(minor, table.coversThrough)).toBeLessThanOrEqual(0)
    // Served only because of --runtime-config=api/all=true (off by default since KEP-3136).
    expect(served.has('networking.k8s.io/v1beta1')).toBe(true)
    expect(served.size).toBeGreaterThan(25)
    expect(gatesOff.size).toBeGreaterThan(0)
  })

  it('serves nothing the table says is removed at or before the server\'s minor', () => {
    const removed = table.rows.filter(r => r.removedIn && compareVersions(r.removedIn, minor) <= 0)
    expect(removed.length).toBeGreaterThan(80)
    expect(removed.filter(r => servesKind(served, r)).map(r => `${gvkKey(r)} (removed in ${r.removedIn})`)).toEqual([])
  })

  it('serves every kind the table says is served at the server\'s minor, but for kinds behind a gate that is off', () => {
    const live = table.rows.filter(r => compareVersions(r.introduced, minor) <= 0 && (!r.removedIn || compareVersions(r.removedIn, minor) > 0))
    expect(live.length).toBeGreaterThan(20)
    const missing = live.filter(r => !servesKind(served, r) && !gatesOff.has(GATED[gvkKey(r)] ?? ''))
    expect(missing.map(r => `${gvkKey(r)} (introduced ${r.introduced}, removed ${r.removedIn ?? 'never'})`)).toEqual([])
    // Every exemption is used: a gated kind the table no longer lists at this minor is a stale entry.
    expect(Object.keys(GATED).filter(k => !live.some(r => gvkKey(r) === k))).toEqual([])
  })
})

describe('npm run cluster:up -- --runtime-config', () => {
  const up = (...args: string[]) => spawnSync(process.execPath, [resolve(root, 'test/cluster/up.ts'), ...args], {encoding: 'utf8', timeout: 30_000})

  it.each([
    [['--runtime-config'], /argument missing/],
    [['--runtime-config='], /empty/],
    [['--runtime-config', 'api/all=yes'], /must be true or false/],
    [['--runtime-config', 'networking.k8s.io'], /is not api\/all/],
  ])('refuses %j in one line with exit 2, starting nothing', (args, said) => {
    const r = up(...args)
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(said)
  })
})
