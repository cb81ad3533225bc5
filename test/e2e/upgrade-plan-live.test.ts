// The live signals of upgrade-plan against the real control plane (1.36, serving the betas that
// 1.37 to 1.39 remove: the e2e cluster runs with --runtime-config=api/all=true), read as a user
// bound to exactly the role `rbac upgrade-plan` prints:
// - objects written through those betas with `kubectl apply` (a last-applied annotation), one
//   with `kubectl apply --server-side` (managedFields only), one whose annotation a later
//   server-side apply through v1 made stale;
// - Helm v3 releases built here as Helm stores them, in a Secret and in a ConfigMap, with an old
//   API in the newest deployed revision and a newer one in an older deployed revision;
// - a CRD still holding objects at a version it no longer serves, and one it deprecates;
// - the deprecated-API request metric, fired by real requests.
// The API server decides everything here: managedFields entries name only versions it serves.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {gzipSync} from 'node:zlib'
import {load} from 'js-yaml'
import {api, createNamespace, waitFor} from '../cluster/pools.ts'
import {kubectl, sleep} from '../cluster/cluster.ts'
import {bindRole, clusterInfo, runCli, uniqueName} from './helpers.ts'
import {connect} from '../../src/kube/client.ts'
import {loadKubeconfig} from '../../src/kube/kubeconfig.ts'
import {collectUpgradeSnapshot} from '../../src/kube/upgrade-snapshot.ts'
import {discoverResources} from '../../src/kube/discovery.ts'
import {decodeHelmRelease} from '../../src/sources/helm-release.ts'
import {loadBuiltinTable} from '../../src/deprecations/table.ts'
import {liveUses} from '../../src/deprecations/sources/live.ts'
import {helmUses} from '../../src/deprecations/sources/helm.ts'
import {crdFindings} from '../../src/deprecations/sources/crd.ts'
import {metricUses} from '../../src/deprecations/sources/metric.ts'
import type {ApiUse, UpgradeSnapshot} from '../../src/model/upgrade.ts'

const info = clusterInfo()
const client = api(info)
const ns = uniqueName('uplive')
const id = ns.slice('uplive-'.length)
const names = {
  vac: `vac-old-${id}`, vacStale: `vac-stale-${id}`, deviceClass: `dc-old-${id}`, leaseCandidate: 'lc-ssa',
  helmVac: `helm-vac-${id}`, helmOldRevision: `helm-old-rev-${id}`, helmFailed: `helm-failed-${id}`, helmConfigMap: `helm-cm-dc-${id}`,
  deployment: `legacy-${id}`,
}
const crdGroup = `e2e-${id}.example.com`
const crdName = `widgets.${crdGroup}`
let kubeconfig = ''
let role: {rules: {apiGroups?: string[]; resources?: string[]; nonResourceURLs?: string[]; verbs: string[]}[]; metadata: {annotations: Record<string, string>}}
let snapshot: UpgradeSnapshot
let requests: string[] = []
let plan: any
let planCode = -1
let planStderr = ''

const yaml = (lines: string[]) => lines.join('\n') + '\n'
const apply = (manifest: string, ...flags: string[]) => kubectl(info, ['apply', ...flags, '-f', '-'], {input: manifest})

/** A Helm v3 release as pkg/storage/driver stores it: base64(gzip(JSON)); a Secret's data holds those bytes. */
function helmStorage(kind: 'Secret' | 'ConfigMap', name: string, revision: number, status: string, manifest: string) {
  const encoded = gzipSync(Buffer.from(JSON.stringify({
    name, namespace: ns, version: revision, info: {status, description: 'e2e'},
    chart: {metadata: {name, version: '1.0.0'}}, config: {password: 'do-not-print-me'}, manifest,
  })), {level: 9}).toString('base64')
  const metadata = {name: `sh.helm.release.v1.${name}.v${revision}`, labels: {owner: 'helm', name, status, version: String(revision)}}
  return kind === 'Secret'
    ? {apiVersion: 'v1', kind: 'Secret', metadata, type: 'helm.sh/release.v1', data: {release: Buffer.from(encoded).toString('base64')}}
    : {apiVersion: 'v1', kind: 'ConfigMap', metadata, data: {release: encoded}}
}
const vacManifest = (apiVersion: string, name: string) => yaml([`apiVersion: ${apiVersion}`, 'kind: VolumeAttributesClass', `metadata: {name: ${name}}`, 'driverName: example.csi.k8s.io', 'parameters: {iops: "3000"}'])

beforeAll(async () => {
  await createNamespace(info, ns)

  // Client-side apply through betas the path removes: the annotation and kubectl's managedFields entry name them.
  await apply(vacManifest('storage.k8s.io/v1beta1', names.vac))
  await apply(yaml(['apiVersion: resource.k8s.io/v1beta1', 'kind: DeviceClass', `metadata: {name: ${names.deviceClass}}`, 'spec: {}']))
  // Server-side apply: no annotation, only the managedFields entry of its field manager.
  await apply(yaml(['apiVersion: coordination.k8s.io/v1beta1', 'kind: LeaseCandidate', `metadata: {name: ${names.leaseCandidate}, namespace: ${ns}}`,
    'spec: {leaseName: l1, binaryVersion: "1.36.0", emulationVersion: "1.36.0", strategy: OldestEmulationVersion}']), '--server-side', '--field-manager=argocd-controller')
  // Applied through v1beta1, then (a second later: managedFields times are in seconds) server-side applied through v1 by another manager.
  await apply(vacManifest('storage.k8s.io/v1beta1', names.vacStale))
  await sleep(1100)
  await apply(vacManifest('storage.k8s.io/v1', names.vacStale).replace('metadata: {', 'metadata: {labels: {synced: "yes"}, '), '--server-side', '--force-conflicts', '--field-manager=argocd-controller')

  // Helm: "shop" in Secrets. Revision 1 is still marked deployed (pluto#512) with a newer API and an
  // API the path removes; revision 2, the newest deployed, writes a beta; revision 3 failed.
  const secrets = `/api/v1/namespaces/${ns}/secrets`
  await client.post(secrets, helmStorage('Secret', 'shop', 1, 'deployed', vacManifest('storage.k8s.io/v1', names.helmVac) +
    '---\n' + yaml(['apiVersion: resource.k8s.io/v1beta1', 'kind: DeviceClass', `metadata: {name: ${names.helmOldRevision}}`])))
  await client.post(secrets, helmStorage('Secret', 'shop', 2, 'deployed', '---\n# Source: shop/templates/vac.yaml\n' + vacManifest('storage.k8s.io/v1beta1', names.helmVac)))
  await client.post(secrets, helmStorage('Secret', 'shop', 3, 'failed', yaml(['apiVersion: resource.k8s.io/v1beta1', 'kind: DeviceClass', `metadata: {name: ${names.helmFailed}}`])))
  // Helm: "api" in ConfigMaps (HELM_DRIVER=configmap).
  await client.post(`/api/v1/namespaces/${ns}/configmaps`, helmStorage('ConfigMap', 'api', 1, 'deployed', yaml(['apiVersion: resource.k8s.io/v1beta1', 'kind: DeviceClass', `metadata: {name: ${names.helmConfigMap}}`])))

  // A CRD whose objects were stored at v1alpha1, which it then stopped serving; v1beta1 it deprecates.
  const schema = {openAPIV3Schema: {type: 'object', properties: {spec: {type: 'object', 'x-kubernetes-preserve-unknown-fields': true}}}}
  const crd = (versions: object[]) => ({apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: {name: crdName},
    spec: {group: crdGroup, names: {kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList'}, scope: 'Namespaced', versions}})
  await client.post('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd([{name: 'v1alpha1', served: true, storage: true, schema}]))
  await waitFor(async () => (await client.raw('GET', `/apis/${crdGroup}/v1alpha1/namespaces/${ns}/widgets`)).status === 200, 30_000, 'the CRD to be served')
  await client.post(`/apis/${crdGroup}/v1alpha1/namespaces/${ns}/widgets`, {apiVersion: `${crdGroup}/v1alpha1`, kind: 'Widget', metadata: {name: 'w1'}, spec: {}})
  const current = await client.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crdName}`)
  const updated = await client.raw('PUT', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crdName}`, {...current, spec: {...current.spec, versions: [
    {name: 'v1alpha1', served: false, storage: false, schema},
    {name: 'v1beta1', served: true, storage: false, deprecated: true, deprecationWarning: `${crdGroup}/v1beta1 Widget is deprecated; use ${crdGroup}/v1`, schema},
    {name: 'v1', served: true, storage: true, schema},
  ]}})
  expect(updated.status, JSON.stringify(updated.body)).toBe(200)
  await waitFor(async () => {
    const c = await client.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crdName}`)
    return c.spec.versions.length === 3 && c.status.storedVersions.includes('v1alpha1')
  }, 30_000, 'the CRD update')

  // A Deployment whose last-applied annotation names extensions/v1beta1 (as kubectl left it on
  // objects applied before 1.16): Deployments are listed whole for the drain checks, and that one
  // list gives their write signals too.
  const legacyApplied = JSON.stringify({apiVersion: 'extensions/v1beta1', kind: 'Deployment', metadata: {name: names.deployment, namespace: ns}, spec: {replicas: 0}})
  await client.post(`/apis/apps/v1/namespaces/${ns}/deployments`, {
    metadata: {name: names.deployment, annotations: {'kubectl.kubernetes.io/last-applied-configuration': legacyApplied}},
    spec: {replicas: 0, selector: {matchLabels: {app: names.deployment}}, template: {metadata: {labels: {app: names.deployment}}, spec: {containers: [{name: 'app', image: 'registry.example/app:1'}]}}},
  })

  // A client still calling a beta nothing was written through: only the metric can tell.
  expect((await client.raw('GET', '/apis/resource.k8s.io/v1beta2/resourceclaims')).status).toBe(200)

  const printed = await runCli(['rbac', 'upgrade-plan'])
  expect(printed.code, printed.stderr).toBe(0)
  role = load(printed.stdout) as typeof role
  // Ready when RBAC has reached the authorizer: the collector, as that user, reads everything.
  kubeconfig = (await bindRole(printed.stdout, 'uplive', async kc => (await collectAs(kc)).gaps.length === 0)).kubeconfig

  requests = []
  snapshot = await collectAs(kubeconfig, line => requests.push(line))
  const r = await runCli(['upgrade-plan', '-o', 'json', '--target', '1.39'], {env: {KUBECONFIG: kubeconfig}})
  planCode = r.code
  planStderr = r.stderr
  plan = JSON.parse(r.stdout)
}, 300_000)

afterAll(async () => {
  await client.del(`/api/v1/namespaces/${ns}`).catch(() => undefined)
  await client.del(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crdName}`).catch(() => undefined)
  for (const n of [names.vac, names.vacStale]) await client.del(`/apis/storage.k8s.io/v1/volumeattributesclasses/${n}`).catch(() => undefined)
  await client.del(`/apis/resource.k8s.io/v1/deviceclasses/${names.deviceClass}`).catch(() => undefined)
})

/** The collector, in this process, as the user of `kc`; `log` receives the -v line of each request. */
async function collectAs(kc: string, log?: (line: string) => void): Promise<UpgradeSnapshot> {
  const kube = await connect(loadKubeconfig({kubeconfig: kc}), {requestTimeoutMs: 60_000, verbose: log ? 1 : 0, ...(log ? {log} : {})})
  try {
    return await collectUpgradeSnapshot(kube, {table: loadBuiltinTable(), now: new Date(), decodeHelmRelease})
  } finally {
    kube.close()
  }
}

const mineUses = (uses: ApiUse[], name: string) => uses.filter(u => u.name === name)

describe('the collector, as the user bound to the printed role', () => {
  it('reads everything: no gaps', () => {
    expect(snapshot.gaps).toEqual([])
    expect(snapshot.serverVersion).toBe('1.36')
    for (const gv of ['storage.k8s.io/v1beta1', 'resource.k8s.io/v1beta1', 'resource.k8s.io/v1beta2', 'coordination.k8s.io/v1beta1']) expect(snapshot.servedVersions).toContain(gv)
  })

  it('an object applied through a removed beta: the last-applied annotation and kubectl\'s managedFields entry both name it', () => {
    const uses = mineUses(liveUses(snapshot.apiObjects), names.vac)
    expect(uses.map(u => [u.apiVersion, u.kind, u.source.signal, u.source.manager, u.source.stale])).toEqual([
      ['storage.k8s.io/v1beta1', 'VolumeAttributesClass', 'last-applied', 'kubectl-client-side-apply', undefined],
      ['storage.k8s.io/v1beta1', 'VolumeAttributesClass', 'managed-fields', 'kubectl-client-side-apply', undefined],
    ])
    // Listed once, at the group's preferred version, as metadata.
    const listed = snapshot.apiObjects.filter(o => o.metadata.name === names.vac)
    expect(listed.map(o => `${o.apiVersion} ${o.kind}`)).toEqual(['storage.k8s.io/v1 VolumeAttributesClass'])
  })

  it('a server-side-applied object: only its managedFields say how it was written', () => {
    const uses = liveUses(snapshot.apiObjects).filter(u => u.name === names.leaseCandidate && u.namespace === ns)
    expect(uses.map(u => [u.apiVersion, u.kind, u.source.signal, u.source.manager])).toEqual([
      ['coordination.k8s.io/v1beta1', 'LeaseCandidate', 'managed-fields', 'argocd-controller'],
    ])
  })

  it('a last-applied annotation left behind by a server-side apply through v1 is kept, and said to be stale', () => {
    // kubectl apply --server-side moves the fields of kubectl's client-side entry to its own
    // manager (annotation included, which it then drops), and leaves the annotation in place.
    const uses = mineUses(liveUses(snapshot.apiObjects), names.vacStale)
    const lastApplied = uses.find(u => u.source.signal === 'last-applied')!
    expect(lastApplied.apiVersion).toBe('storage.k8s.io/v1beta1')
    expect(lastApplied.source.stale).toMatch(/^no field manager holds the annotation any more; argocd-controller last wrote the object, through storage\.k8s\.io\/v1, at \S+$/)
    expect(uses.filter(u => u.source.signal === 'managed-fields').map(u => `${u.apiVersion} ${u.source.manager}`)).toEqual(['storage.k8s.io/v1 argocd-controller'])
  })

  it('a collection the drain checks read whole and the table names is listed once, whole, and gives both', () => {
    const firstPages = (path: string) => requests.filter(l => l.startsWith('GET ') && new URL(l.split(' ')[1]!).pathname === path && !l.includes('continue='))
    for (const path of ['/apis/apps/v1/deployments', '/apis/apps/v1/replicasets', '/apis/policy/v1/poddisruptionbudgets']) expect(firstPages(path), path).toHaveLength(1)
    // Its write signals: the last-applied annotation, and the API server's own managedFields entry.
    const uses = mineUses(liveUses(snapshot.apiObjects), names.deployment)
    expect(uses.map(u => [u.apiVersion, u.kind, u.namespace, u.source.signal])).toEqual([
      ['extensions/v1beta1', 'Deployment', ns, 'last-applied'],
      ['apps/v1', 'Deployment', ns, 'managed-fields'],
    ])
    expect(snapshot.apiObjects.filter(o => o.metadata.name === names.deployment).map(o => `${o.apiVersion} ${o.kind}`)).toEqual(['apps/v1 Deployment'])
    // What the checks read of it, without the rest.
    const [w, ...others] = snapshot.workloads.filter(x => x.metadata.name === names.deployment)
    expect(others).toEqual([])
    expect(w).toMatchObject({kind: 'Deployment', metadata: {name: names.deployment, namespace: ns}, spec: {replicas: 0}})
    expect(JSON.stringify(w)).not.toContain('last-applied')
    expect(w!.spec?.template).toBeUndefined()
  })

  it('Helm: the newest deployed revision of each release, from Secrets and ConfigMaps, and nothing of the others', () => {
    const releases = snapshot.helmReleases.filter(r => r.namespace === ns)
    expect(releases.map(r => `${r.storage} ${r.name} ${r.revision} ${r.status}`)).toEqual(['Secret shop 2 deployed', 'ConfigMap api 1 deployed'])
    expect(JSON.stringify(snapshot)).not.toContain('do-not-print-me')
    const uses = helmUses(releases)
    expect(uses.map(u => [u.apiVersion, u.kind, u.name, u.source.release])).toEqual([
      ['storage.k8s.io/v1beta1', 'VolumeAttributesClass', names.helmVac, {namespace: ns, name: 'shop', revision: 2, storage: 'Secret'}],
      ['resource.k8s.io/v1beta1', 'DeviceClass', names.helmConfigMap, {namespace: ns, name: 'api', revision: 1, storage: 'ConfigMap'}],
    ])
  })

  it('the CRD: a stored version it no longer serves blocks, the version it deprecates warns', () => {
    const crd = snapshot.crds.find(c => c.metadata.name === crdName)!
    expect(crd.status?.storedVersions).toEqual(['v1alpha1', 'v1'])
    const findings = crdFindings([crd], {current: '1.36', target: '1.39', hops: ['1.37', '1.38', '1.39']})
    expect(findings.map(f => [f.check, f.severity])).toEqual([['stored-version', 'blocker'], ['crd-deprecated-version', 'warning']])
    expect(findings[0]!.fix).toContain(`kubectl patch crd ${crdName} --subresource=status`)
  })

  it('the request metric names the betas requested, the one nothing was written through included', () => {
    const uses = metricUses(snapshot.deprecatedRequests ?? [])
    const seen = uses.map(u => `${u.apiVersion} ${u.resource}`)
    for (const s of ['storage.k8s.io/v1beta1 volumeattributesclasses', 'resource.k8s.io/v1beta1 deviceclasses', 'coordination.k8s.io/v1beta1 leasecandidates', 'resource.k8s.io/v1beta2 resourceclaims']) expect(seen).toContain(s)
    expect(snapshot.deprecatedRequests).toContainEqual({group: 'resource.k8s.io', version: 'v1beta2', resource: 'resourceclaims', subresource: '', removedRelease: '1.39'})
  })
})

describe('the printed role', () => {
  /** "list volumeattributesclasses.storage.k8s.io", "get /metrics", from a -v line. */
  const grantOf = (line: string): string | undefined => {
    const m = /^(GET) (\S+) /.exec(line)
    if (!m) return undefined
    const url = new URL(m[2]!)
    const parts = url.pathname.split('/').filter(Boolean)
    if (parts[0] !== 'api' && parts[0] !== 'apis') return `get ${url.pathname}`
    const group = parts[0] === 'api' ? '' : parts[1]!
    let rest = parts[0] === 'api' ? parts.slice(2) : parts.slice(3)
    if (rest[0] === 'namespaces' && rest.length > 2) rest = rest.slice(2)
    if (rest.length === 0) return `get ${url.pathname}`
    return `${rest[1] ? 'get' : 'list'} ${rest[0]}${group ? `.${group}` : ''}`
  }
  const granted = () => {
    const out = new Set<string>()
    for (const rule of role.rules) {
      for (const u of rule.nonResourceURLs ?? []) for (const v of rule.verbs) out.add(`${v} ${u}`)
      for (const g of rule.apiGroups ?? []) for (const r of rule.resources ?? []) for (const v of rule.verbs) out.add(`${v} ${r}${g ? `.${g}` : ''}`)
    }
    return out
  }
  // Discovery and /version are open to every authenticated user (the system:discovery role).
  const DISCOVERY = /^get \/(api|apis|version)(\/|$)/

  it('grants every request the collector made, and those were reads only', () => {
    const asked = new Set(requests.map(grantOf).filter((g): g is string => !!g && !DISCOVERY.test(g)))
    expect(requests.every(l => !/^(POST|PUT|PATCH|DELETE) /.test(l))).toBe(true)
    const have = granted()
    expect([...asked].filter(g => !have.has(g)).sort(), 'asked but not granted').toEqual([])
    expect(asked).toContain('get /metrics')
    expect(asked).toContain('list secrets')
    expect(asked).toContain('list configmaps')
  })

  it('grants list only, on resources this server serves as listable whenever it serves them, and each of those is listed', async () => {
    const kube = await connect(loadKubeconfig({kubeconfig: info.kubeconfig}), {requestTimeoutMs: 60_000, verbose: 0})
    const discovery = await discoverResources(kube).finally(() => kube.close())
    const asked = new Set(requests.map(grantOf))
    for (const rule of role.rules) {
      if (rule.nonResourceURLs) { expect(rule).toEqual({nonResourceURLs: ['/metrics'], verbs: ['get']}); continue }
      expect(rule.verbs).toEqual(['list'])
      for (const group of rule.apiGroups!) for (const resource of rule.resources!) {
        const served = discovery.resources.filter(r => r.group === group && r.resource === resource)
        for (const r of served) expect(r.verbs, `${resource}.${group} ${r.version}`).toContain('list')
        if (served.length) expect(asked.has(`list ${resource}${group ? `.${group}` : ''}`), `${resource}.${group} is served but was not listed`).toBe(true)
      }
    }
  })

  it('Secrets, ConfigMaps and /metrics are rules of their own, each with its reason', () => {
    const index = (pred: (r: typeof role.rules[number]) => boolean) => role.rules.findIndex(pred)
    for (const i of [
      index(r => r.resources?.length === 1 && r.resources[0] === 'secrets'),
      index(r => r.resources?.length === 1 && r.resources[0] === 'configmaps'),
      index(r => r.nonResourceURLs?.[0] === '/metrics'),
    ]) {
      expect(i).toBeGreaterThanOrEqual(0)
      expect(role.metadata.annotations[`kubectl-prod.io/rule-${i}`]).toMatch(/Helm|apiserver_requested_deprecated_apis/)
    }
    expect(role.rules.filter(r => r.resources?.includes('secrets'))).toHaveLength(1)
  })
})

describe('upgrade-plan --target 1.39, as the user bound to the printed role', () => {
  const mine = (name: string) => plan.findings.filter((f: any) => f.object?.name === name)
  const signals = (f: any) => f.sources.map((s: any) => s.signal).sort()
  const stepOf = (f: any) => plan.steps.find((s: any) => s.findings.includes(plan.findings.indexOf(f)))

  it('plans 1.36 to 1.39 in three hops, exits 1 on the blockers, and has no gaps', () => {
    expect(plan).toMatchObject({current: '1.36', target: '1.39', hops: ['1.37', '1.38', '1.39']})
    expect(planCode).toBe(1)
    expect(plan.gaps).toEqual([])
    expect(planStderr).toBe('')
  })

  it('the object applied through a beta 1.37 removes is one finding with both live signals, fixed before 1.37', () => {
    const [f, ...rest] = mine(names.vac)
    expect(rest).toEqual([])
    expect(f).toMatchObject({check: 'removed-api', severity: 'blocker', hop: '1.37', removedIn: '1.37',
      object: {apiVersion: 'storage.k8s.io/v1beta1', kind: 'VolumeAttributesClass', name: names.vac}})
    expect(signals(f)).toEqual(['last-applied', 'managed-fields'])
    expect(stepOf(f)).toMatchObject({before: '1.37'})
    expect(stepOf(f).action).toMatch(/^Move /)
  })

  it('the server-side-applied object is found from managedFields alone; the stale annotation says so', () => {
    const [lc] = plan.findings.filter((f: any) => f.object?.name === names.leaseCandidate && f.object?.namespace === ns)
    expect(lc).toMatchObject({check: 'removed-api', hop: '1.39', object: {apiVersion: 'coordination.k8s.io/v1beta1', kind: 'LeaseCandidate'}})
    expect(lc.sources).toEqual([expect.objectContaining({type: 'live', signal: 'managed-fields', manager: 'argocd-controller'})])
    const stale = mine(names.vacStale).flatMap((f: any) => f.sources).find((s: any) => s.signal === 'last-applied')
    expect(stale.stale).toMatch(/argocd-controller last wrote the object, through storage\.k8s\.io\/v1,/)
  })

  it('the Deployment whose last-applied annotation names extensions/v1beta1 is a blocker before the first hop', () => {
    const [f, ...rest] = plan.findings.filter((x: any) => x.object?.name === names.deployment && x.object?.namespace === ns)
    expect(rest).toEqual([])
    expect(f).toMatchObject({check: 'removed-api', severity: 'blocker', hop: '1.37', removedIn: '1.16', object: {apiVersion: 'extensions/v1beta1', kind: 'Deployment'}})
    expect(signals(f)).toEqual(['last-applied'])
  })

  it('the device class applied through resource.k8s.io/v1beta1 breaks at 1.38', () => {
    expect(mine(names.deviceClass)).toEqual([expect.objectContaining({check: 'removed-api', hop: '1.38'})])
  })

  it('Helm releases: the newest deployed revision\'s manifest, from a Secret and from a ConfigMap; older and failed revisions say nothing', () => {
    const [vac] = mine(names.helmVac)
    expect(vac).toMatchObject({check: 'removed-api', hop: '1.37', object: {apiVersion: 'storage.k8s.io/v1beta1', kind: 'VolumeAttributesClass'}})
    expect(vac.sources).toEqual([{type: 'helm', signal: 'helm-manifest', release: {namespace: ns, name: 'shop', revision: 2, storage: 'Secret'}}])
    const [dc] = mine(names.helmConfigMap)
    expect(dc).toMatchObject({check: 'removed-api', hop: '1.38'})
    expect(dc.sources).toEqual([{type: 'helm', signal: 'helm-manifest', release: {namespace: ns, name: 'api', revision: 1, storage: 'ConfigMap'}}])
    expect(mine(names.helmOldRevision)).toEqual([])
    expect(mine(names.helmFailed)).toEqual([])
  })

  it('the CRD\'s stale stored version is a blocker in the way of every hop; its deprecated version a warning', () => {
    const crd = mine(crdName)
    expect(crd.map((f: any) => [f.check, f.severity])).toEqual([['stored-version', 'blocker'], ['crd-deprecated-version', 'warning']])
    expect(crd[0].source).toEqual({type: 'crd', signal: 'stored-version'})
    const step = stepOf(crd[0])
    expect(step.order).toBe(1)
    expect(step.action).toMatch(/in the way of every hop/)
  })

  it('the client calling resource.k8s.io/v1beta2, which 1.39 removes, from the request metric', () => {
    const f = plan.findings.find((x: any) => x.source.type === 'metric' && x.object.apiVersion === 'resource.k8s.io/v1beta2' && x.object.name === 'resourceclaims')
    expect(f).toMatchObject({check: 'removed-api', severity: 'blocker', hop: '1.39', source: {type: 'metric', signal: 'request-metric'}})
  })
})
