// The live collection of upgrade-plan against a local HTTP server that answers as the API
// server does: which collections are listed (and how), what is kept of each item, Helm releases
// decoded only at their newest deployed revision, refusals as gaps, a bounded number of lists at once.
import {createServer, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {gzipSync} from 'node:zlib'
import {afterEach, describe, expect, it} from 'vitest'
import {collectUpgradeSnapshot, leanApiObject, leanCrd, leanUpgradePod, planApiLists, tableKinds, HELM_DEPLOYED_SELECTOR, type KindsTable} from '../../../src/kube/upgrade-snapshot.ts'
import {readAggregatedDiscovery} from '../../../src/kube/discovery.ts'
import {decodeHelmRelease} from '../../../src/sources/helm-release.ts'
import type {CustomResourceDefinition} from '../../../src/model/upgrade.ts'
import type {Pod} from '../../../src/model/k8s.ts'
import {kubeAt} from '../../fakes/kube.ts'

const cleanups: (() => unknown)[] = []
afterEach(async () => { for (const c of cleanups.splice(0)) await c() })

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'
const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']
const res = (resource: string, kind: string, scope: 'Cluster' | 'Namespaced', v = verbs) => ({resource, responseKind: {group: '', version: '', kind}, scope, verbs: v})

const DISCOVERY = {
  core: {kind: 'APIGroupDiscoveryList', items: [{metadata: {}, versions: [{version: 'v1', freshness: 'Current', resources: [
    res('pods', 'Pod', 'Namespaced'), res('nodes', 'Node', 'Cluster'), res('secrets', 'Secret', 'Namespaced'), res('configmaps', 'ConfigMap', 'Namespaced'),
  ]}]}]},
  groups: {kind: 'APIGroupDiscoveryList', items: [
    {metadata: {name: 'authentication.k8s.io'}, versions: [{version: 'v1', freshness: 'Current', resources: [res('tokenreviews', 'TokenReview', 'Cluster', ['create'])]}]},
    {metadata: {name: 'apps'}, versions: [{version: 'v1', freshness: 'Current', resources: [
      {...res('deployments', 'Deployment', 'Namespaced'), subresources: [{subresource: 'scale', responseKind: {group: 'autoscaling', version: 'v1', kind: 'Scale'}, verbs: ['get', 'patch', 'update']}]},
    ]}]},
    {metadata: {name: 'networking.k8s.io'}, versions: [{version: 'v1', freshness: 'Current', resources: [res('ingresses', 'Ingress', 'Namespaced')]}]},
    {metadata: {name: 'storage.k8s.io'}, versions: [
      {version: 'v1', freshness: 'Current', resources: [res('storageclasses', 'StorageClass', 'Cluster'), res('volumeattributesclasses', 'VolumeAttributesClass', 'Cluster')]},
      {version: 'v1beta1', freshness: 'Current', resources: [res('volumeattributesclasses', 'VolumeAttributesClass', 'Cluster')]},
    ]},
    {metadata: {name: 'coordination.k8s.io'}, versions: [
      {version: 'v1', freshness: 'Current', resources: [res('leases', 'Lease', 'Namespaced')]},
      {version: 'v1beta1', freshness: 'Current', resources: [res('leasecandidates', 'LeaseCandidate', 'Namespaced')]},
    ]},
    {metadata: {name: 'resource.k8s.io'}, versions: [{version: 'v1beta2', freshness: 'Stale'}]},
  ]},
}

const TABLE: KindsTable = {rows: [
  {group: 'storage.k8s.io', kind: 'VolumeAttributesClass', replacement: {group: 'storage.k8s.io', kind: 'VolumeAttributesClass'}},
  {group: 'coordination.k8s.io', kind: 'LeaseCandidate', replacement: null},
  {group: 'extensions', kind: 'Ingress', replacement: {group: 'networking.k8s.io', kind: 'Ingress'}},
  {group: 'authentication.k8s.io', kind: 'TokenReview', replacement: {group: 'authentication.k8s.io', kind: 'TokenReview'}},
  {group: 'apps', kind: 'Scale', replacement: {group: 'autoscaling', kind: 'Scale'}},
  {group: 'resource.k8s.io', kind: 'DeviceClass', replacement: null},
]}

describe('planApiLists', () => {
  const discovery = readAggregatedDiscovery(DISCOVERY.groups, readAggregatedDiscovery(DISCOVERY.core))

  it('names each kind of the table once, rows and replacements', () => {
    expect(tableKinds(TABLE).map(k => `${k.group}/${k.kind}`)).toEqual([
      'storage.k8s.io/VolumeAttributesClass', 'coordination.k8s.io/LeaseCandidate', 'extensions/Ingress', 'networking.k8s.io/Ingress',
      'authentication.k8s.io/TokenReview', 'apps/Scale', 'autoscaling/Scale', 'resource.k8s.io/DeviceClass',
    ])
  })

  it('lists each served, listable kind once, at its group\'s preferred version when that serves it', () => {
    expect(planApiLists(tableKinds(TABLE), discovery)).toEqual([
      {group: 'storage.k8s.io', version: 'v1', resource: 'volumeattributesclasses', kind: 'VolumeAttributesClass'},
      {group: 'coordination.k8s.io', version: 'v1beta1', resource: 'leasecandidates', kind: 'LeaseCandidate'},
      {group: 'networking.k8s.io', version: 'v1', resource: 'ingresses', kind: 'Ingress'},
    ])
  })
})

describe('what is kept of each object', () => {
  it('keeps of a table kind\'s object its name, uid, the apiVersion of its last-applied annotation and its managedFields without fields', () => {
    const item = {
      apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata',
      metadata: {
        name: 'vac-old', uid: 'u1', resourceVersion: '267', creationTimestamp: '2026-12-03T11:53:23Z', labels: {a: 'b'}, finalizers: ['kubernetes.io/vac-protection'],
        annotations: {[LAST_APPLIED]: JSON.stringify({apiVersion: 'storage.k8s.io/v1beta1', kind: 'VolumeAttributesClass', metadata: {name: 'vac-old'}, parameters: {iops: '3000'}}), other: 'x'},
        managedFields: [
          {manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'storage.k8s.io/v1beta1', time: '2026-12-03T11:53:23Z', fieldsType: 'FieldsV1',
            fieldsV1: {'f:driverName': {}, 'f:metadata': {'f:annotations': {'.': {}, [`f:${LAST_APPLIED}`]: {}}}, 'f:parameters': {'.': {}, 'f:iops': {}}}},
          {manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'storage.k8s.io/v1', time: '2026-12-03T11:53:25Z', subresource: 'status', fieldsType: 'FieldsV1', fieldsV1: {'f:status': {}}},
        ],
      },
    }
    expect(leanApiObject(item, 'storage.k8s.io/v1', 'VolumeAttributesClass')).toEqual({
      apiVersion: 'storage.k8s.io/v1', kind: 'VolumeAttributesClass',
      metadata: {
        name: 'vac-old', uid: 'u1', creationTimestamp: '2026-12-03T11:53:23Z',
        annotations: {[LAST_APPLIED]: '{"apiVersion":"storage.k8s.io/v1beta1","kind":"VolumeAttributesClass"}'},
        managedFields: [
          {manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'storage.k8s.io/v1beta1', time: '2026-12-03T11:53:23Z',
            fieldsType: 'FieldsV1', fieldsV1: {'f:metadata': {'f:annotations': {[`f:${LAST_APPLIED}`]: {}}}}},
          {manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'storage.k8s.io/v1', time: '2026-12-03T11:53:25Z', subresource: 'status'},
        ],
      },
    })
  })

  it('keeps of a CRD its group, names, versions with their deprecation, and stored versions: no schema', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: {name: 'widgets.example.com', uid: 'c1', annotations: {big: 'x'.repeat(1000)}},
      spec: {group: 'example.com', names: {kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList'}, scope: 'Namespaced', versions: [
        {name: 'v1alpha1', served: false, storage: false, schema: {openAPIV3Schema: {type: 'object'}}},
        {name: 'v1', served: true, storage: true, deprecated: true, deprecationWarning: 'use v2', schema: {openAPIV3Schema: {type: 'object'}}, subresources: {status: {}}},
      ]},
      status: {storedVersions: ['v1alpha1', 'v1'], conditions: [{type: 'Established', status: 'True'}], acceptedNames: {kind: 'Widget'}},
    } as unknown as CustomResourceDefinition
    expect(leanCrd(crd)).toEqual({
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: {name: 'widgets.example.com', uid: 'c1'},
      spec: {group: 'example.com', names: {kind: 'Widget', plural: 'widgets'}, scope: 'Namespaced', versions: [
        {name: 'v1alpha1', served: false, storage: false},
        {name: 'v1', served: true, storage: true, deprecated: true, deprecationWarning: 'use v2'},
      ]},
      status: {storedVersions: ['v1alpha1', 'v1']},
    })
  })

  it('keeps of a pod its placement, volumes, owners and state, not its containers\' environment or probes', () => {
    const pod = {
      metadata: {name: 'p', namespace: 'n', uid: 'u', labels: {app: 'a'}, ownerReferences: [{apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'r'}],
        annotations: {'kubernetes.io/config.mirror': 'x', 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false', noise: 'y'}},
      spec: {
        nodeName: 'n1', nodeSelector: {pool: 'a'}, tolerations: [{key: 'k', operator: 'Exists'}], volumes: [{name: 'd', emptyDir: {}}],
        containers: [{name: 'c', image: 'i', env: [{name: 'A', value: 'b'}], resources: {requests: {cpu: '1'}}, livenessProbe: {exec: {command: ['x']}}}],
      },
      status: {phase: 'Running', conditions: [{type: 'Ready', status: 'True'}, {type: 'PodScheduled', status: 'True'}], containerStatuses: [{name: 'c', ready: true, restartCount: 0}]},
    } as unknown as Pod
    expect(leanUpgradePod(pod)).toEqual({
      kind: 'Pod',
      metadata: {name: 'p', namespace: 'n', uid: 'u', labels: {app: 'a'}, ownerReferences: [{apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'r'}], creationTimestamp: undefined,
        annotations: {'kubernetes.io/config.mirror': 'x', 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false'}},
      spec: {nodeName: 'n1', nodeSelector: {pool: 'a'}, tolerations: [{key: 'k', operator: 'Exists'}], volumes: [{name: 'd', emptyDir: {}}],
        containers: [{name: 'c', image: 'i', resources: {requests: {cpu: '1'}}}]},
      status: {phase: 'Running', conditions: [{type: 'Ready', status: 'True'}]},
    })
  })
})

// Helm v3 storage: base64(gzip(JSON)), and the Secret's bytes base64-encoded by the API.
const helmRelease = (name: string, namespace: string, version: number, manifest: string) =>
  gzipSync(Buffer.from(JSON.stringify({name, namespace, version, info: {status: 'deployed'}, config: {password: 'hunter2'}, manifest}))).toString('base64')
const helmSecret = (name: string, namespace: string, version: number, manifest: string, status = 'deployed') => ({
  metadata: {name: `sh.helm.release.v1.${name}.v${version}`, namespace, labels: {owner: 'helm', name, version: String(version), status}},
  type: 'helm.sh/release.v1',
  data: {release: Buffer.from(helmRelease(name, namespace, version, manifest)).toString('base64')},
})

interface Seen {path: string; query: URLSearchParams; accept: string}

/** A fake API server: `routes` by path; list requests are delayed to see how many run at once. */
async function fakeApi(routes: Record<string, unknown | ((q: URLSearchParams) => unknown)>): Promise<{url: string; seen: Seen[]; maxLists: () => number}> {
  const seen: Seen[] = []
  let lists = 0, maxLists = 0
  const server = createServer((req, out: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x')
    seen.push({path: url.pathname, query: url.searchParams, accept: req.headers.accept ?? ''})
    const route = routes[url.pathname]
    const body = typeof route === 'function' ? (route as (q: URLSearchParams) => unknown)(url.searchParams) : route
    const status = body === undefined ? 404 : (body as {code?: number}).code ?? 200
    const isList = url.searchParams.has('limit')
    if (isList) { lists++; maxLists = Math.max(maxLists, lists) }
    setTimeout(() => {
      if (isList) lists--
      if (typeof body === 'string') { out.writeHead(200, {'content-type': 'text/plain; version=0.0.4'}); out.end(body); return }
      out.writeHead(status, {'content-type': 'application/json'})
      out.end(JSON.stringify(body ?? {kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404}))
    }, isList ? 15 : 0)
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  cleanups.push(() => new Promise(r => { server.closeAllConnections(); server.close(r) }))
  return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, maxLists: () => maxLists}
}
const list = (items: unknown[]) => ({kind: 'List', apiVersion: 'v1', metadata: {resourceVersion: '9'}, items})
const forbidden = (what: string) => ({kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403, message: `${what} is forbidden`})

describe('collectUpgradeSnapshot', () => {
  it('reads everything upgrade-plan needs, a few lists at a time, with refusals as gaps', async () => {
    const vac = {metadata: {name: 'vac-old', uid: 'u-vac', annotations: {[LAST_APPLIED]: '{"apiVersion":"storage.k8s.io/v1beta1","kind":"VolumeAttributesClass","driverName":"d"}'},
      managedFields: [{manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'storage.k8s.io/v1beta1', time: '2026-12-03T11:53:23Z', fieldsType: 'FieldsV1', fieldsV1: {'f:driverName': {}}}]}}
    const ing = {metadata: {name: 'web', namespace: 'shop', uid: 'u-ing', managedFields: [{manager: 'argocd-controller', operation: 'Apply', apiVersion: 'networking.k8s.io/v1', time: '2026-12-03T11:53:24Z'}]}}
    const crd = {metadata: {name: 'widgets.example.com', uid: 'c1'}, spec: {group: 'example.com', names: {kind: 'Widget', plural: 'widgets'}, versions: [{name: 'v1', served: true, storage: true, schema: {}}]}, status: {storedVersions: ['v1']}}
    const {url, seen, maxLists} = await fakeApi({
      '/version': {major: '1', minor: '36+', gitVersion: 'v1.36.4'},
      '/api': DISCOVERY.core, '/apis': DISCOVERY.groups,
      '/metrics': forbidden('GET /metrics'),
      '/apis/storage.k8s.io/v1/volumeattributesclasses': {kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: {resourceVersion: '9'}, items: [{apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', ...vac}]},
      '/apis/coordination.k8s.io/v1beta1/leasecandidates': forbidden('leasecandidates'),
      '/apis/networking.k8s.io/v1/ingresses': {kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: {resourceVersion: '9'}, items: [{apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', ...ing}]},
      '/api/v1/secrets': (q: URLSearchParams) => q.get('labelSelector') === HELM_DEPLOYED_SELECTOR ? list([
        helmSecret('shop', 'web', 2, 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: shop}\n'),
        helmSecret('shop', 'web', 3, 'apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: shop}\n'),
        helmSecret('api', 'web', 1, 'apiVersion: v1\nkind: Service\nmetadata: {name: api}\n'),
      ]) : forbidden('secrets without the Helm selector'),
      '/api/v1/configmaps': forbidden('configmaps'),
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions': list([crd]),
      '/api/v1/nodes': list([{metadata: {name: 'n1'}, status: {nodeInfo: {kubeletVersion: 'v1.34.2'}, images: [{names: ['a'], sizeBytes: 1}]}}]),
      '/api/v1/pods': list([{metadata: {name: 'p', namespace: 'shop'}, spec: {nodeName: 'n1', containers: [{name: 'c', env: [{name: 'A', value: 'B'}]}]}, status: {phase: 'Running'}}]),
      '/apis/policy/v1/poddisruptionbudgets': list([{metadata: {name: 'pdb', namespace: 'shop'}, spec: {maxUnavailable: 0}}]),
      '/apis/apps/v1/deployments': list([{metadata: {name: 'web', namespace: 'shop'}, spec: {replicas: 1}}]),
      '/apis/apps/v1/statefulsets': list([]), '/apis/apps/v1/replicasets': list([]), '/apis/apps/v1/daemonsets': list([]),
      '/apis/batch/v1/jobs': forbidden('jobs'),
      '/api/v1/persistentvolumeclaims': list([]), '/api/v1/persistentvolumes': list([]),
      '/apis/storage.k8s.io/v1/storageclasses': list([{metadata: {name: 'standard'}, provisioner: 'x'}]),
    })
    let decoded = 0
    const snap = await collectUpgradeSnapshot(await kubeAt(url, cleanups, {retries: 0}), {
      table: TABLE, now: new Date('2026-12-03T12:00:00Z'),
      decodeHelmRelease: (data, storage) => { decoded++; return decodeHelmRelease(data, storage) },
    })

    expect(snap.source).toEqual({type: 'live', context: expect.any(String), server: url})
    expect(snap.collectedAt).toBe('2026-12-03T12:00:00.000Z')
    expect(snap.serverVersion).toBe('1.36')
    expect(snap.servedVersions).toEqual(['v1', 'authentication.k8s.io/v1', 'apps/v1', 'networking.k8s.io/v1', 'storage.k8s.io/v1', 'storage.k8s.io/v1beta1', 'coordination.k8s.io/v1', 'coordination.k8s.io/v1beta1'])

    // The table's kinds: metadata only, managedFields asked for (they are a signal), kind and apiVersion as listed.
    const metadataLists = seen.filter(s => /volumeattributesclasses|leasecandidates|ingresses/.test(s.path))
    expect(metadataLists.map(s => s.path).sort()).toEqual(['/apis/coordination.k8s.io/v1beta1/leasecandidates', '/apis/networking.k8s.io/v1/ingresses', '/apis/storage.k8s.io/v1/volumeattributesclasses'])
    for (const s of metadataLists) expect(s.accept).toMatch(/^application\/json;as=PartialObjectMetadataList;g=meta\.k8s\.io;v=v1/)
    expect(snap.apiObjects).toEqual([
      {apiVersion: 'storage.k8s.io/v1', kind: 'VolumeAttributesClass', metadata: {name: 'vac-old', uid: 'u-vac',
        annotations: {[LAST_APPLIED]: '{"apiVersion":"storage.k8s.io/v1beta1","kind":"VolumeAttributesClass"}'},
        managedFields: [{manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'storage.k8s.io/v1beta1', time: '2026-12-03T11:53:23Z'}]}},
      {apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: {name: 'web', namespace: 'shop', uid: 'u-ing',
        managedFields: [{manager: 'argocd-controller', operation: 'Apply', apiVersion: 'networking.k8s.io/v1', time: '2026-12-03T11:53:24Z'}]}},
    ])

    // Helm: only deployed revisions asked for, only the newest of each release decoded, nothing but the manifest kept.
    expect(seen.filter(s => s.path === '/api/v1/secrets').map(s => s.query.get('labelSelector'))).toEqual(['owner=helm,status=deployed'])
    expect(decoded).toBe(2)
    expect(snap.helmReleases).toEqual([
      {namespace: 'web', name: 'api', revision: 1, status: 'deployed', storage: 'Secret', manifest: 'apiVersion: v1\nkind: Service\nmetadata: {name: api}\n'},
      {namespace: 'web', name: 'shop', revision: 3, status: 'deployed', storage: 'Secret', manifest: 'apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: shop}\n'},
    ])
    expect(JSON.stringify(snap)).not.toContain('hunter2')

    expect(snap.crds).toEqual([{apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: {name: 'widgets.example.com', uid: 'c1'},
      spec: {group: 'example.com', names: {kind: 'Widget', plural: 'widgets'}, versions: [{name: 'v1', served: true, storage: true}]}, status: {storedVersions: ['v1']}}])
    expect(snap.deprecatedRequests).toBeUndefined()
    expect(snap.nodes).toEqual([{kind: 'Node', metadata: {name: 'n1'}, status: {nodeInfo: {kubeletVersion: 'v1.34.2'}}}])
    expect(snap.pods[0]!.spec.containers).toEqual([{name: 'c'}])
    expect(snap.pdbs).toEqual([{apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'pdb', namespace: 'shop'}, spec: {maxUnavailable: 0}}])
    expect(snap.workloads.map(w => `${w.kind}/${w.metadata.name}`)).toEqual(['Deployment/web'])
    expect(snap.storageClasses.map(c => `${c.kind}/${c.metadata.name}`)).toEqual(['StorageClass/standard'])
    expect([...snap.gaps].sort()).toEqual([
      'helm releases in configmaps: forbidden (reading the Helm releases kept in ConfigMaps needs list on configmaps)',
      'jobs.batch: forbidden',
      'leasecandidates.coordination.k8s.io: forbidden',
      'metrics: forbidden (the deprecated-API request metric needs get on /metrics)',
      'resource.k8s.io/v1beta2: unavailable in discovery (its objects were not listed)',
    ])
    // Nothing but lists (and discovery, /version, /metrics) was asked; never more than four lists at once.
    expect(seen.every(s => s.query.has('limit') || ['/version', '/api', '/apis', '/metrics'].includes(s.path))).toBe(true)
    expect(maxLists()).toBeLessThanOrEqual(4)
    expect(maxLists()).toBeGreaterThan(1)
  })

  it('reads the metric when allowed, and says so when it cannot decode a release, without its content', async () => {
    const broken = {...helmSecret('bad', 'web', 5, ''), data: {release: Buffer.from('hunter2-not-base64!').toString('base64')}}
    const {url} = await fakeApi({
      '/version': {major: '1', minor: '36'}, '/api': DISCOVERY.core, '/apis': {kind: 'APIGroupDiscoveryList', items: []},
      '/metrics': 'apiserver_requested_deprecated_apis{group="storage.k8s.io",removed_release="1.37",resource="volumeattributesclasses",subresource="",version="v1beta1"} 1\n',
      '/api/v1/secrets': list([broken]), '/api/v1/configmaps': list([]),
    })
    const snap = await collectUpgradeSnapshot(await kubeAt(url, cleanups, {retries: 0}), {table: TABLE, now: new Date(), decodeHelmRelease})
    expect(snap.deprecatedRequests).toEqual([{group: 'storage.k8s.io', version: 'v1beta1', resource: 'volumeattributesclasses', subresource: '', removedRelease: '1.37'}])
    expect(snap.helmReleases).toEqual([])
    expect(snap.gaps).toContain('helm release web/bad revision 5 (Secret): the release is not base64')
    expect(JSON.stringify(snap)).not.toContain('hunter2')
    expect(snap.gaps.filter(g => g.startsWith('helm'))).toEqual(['helm release web/bad revision 5 (Secret): the release is not base64'])
  })

  it('fails as discovery fails, the lists under way (failing here) leaving nothing unhandled; a metric that cannot be read is a gap', async () => {
    const {url} = await fakeApi({
      '/version': {major: '1', minor: '36'}, '/api': DISCOVERY.core,
      '/apis': {kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401, message: 'Unauthorized'},
      '/metrics': {kind: 'Status', status: 'Failure', reason: 'InternalError', code: 500, message: 'boom'},
      '/api/v1/nodes': {kind: 'Status', status: 'Failure', reason: 'InternalError', code: 500, message: 'etcd is down'},
    })
    const kube = await kubeAt(url, cleanups, {retries: 0})
    await expect(collectUpgradeSnapshot(kube, {table: TABLE, now: new Date(), decodeHelmRelease})).rejects.toMatchObject({kind: 'unauthorized'})
    const {url: url2} = await fakeApi({'/version': {major: '1', minor: '36'}, '/api': DISCOVERY.core, '/apis': {kind: 'APIGroupDiscoveryList', items: []},
      '/metrics': {kind: 'Status', status: 'Failure', reason: 'InternalError', code: 500, message: 'boom'}})
    const snap = await collectUpgradeSnapshot(await kubeAt(url2, cleanups, {retries: 0}), {table: TABLE, now: new Date(), decodeHelmRelease})
    expect(snap.gaps).toContain('metrics: server')
    expect(snap.deprecatedRequests).toBeUndefined()
  })

  it('does not read Helm storage without a decoder, and says so', async () => {
    const {url, seen} = await fakeApi({'/version': {major: '1', minor: '36'}, '/api': DISCOVERY.core, '/apis': {kind: 'APIGroupDiscoveryList', items: []}, '/metrics': ''})
    const snap = await collectUpgradeSnapshot(await kubeAt(url, cleanups, {retries: 0}), {table: {rows: []}, now: new Date()})
    expect(seen.some(s => s.path === '/api/v1/secrets' || s.path === '/api/v1/configmaps')).toBe(false)
    expect(snap.gaps).toEqual(expect.arrayContaining(['helm releases in secrets: not read', 'helm releases in configmaps: not read']))
  })
})
