// Discovery as the API server answers it: aggregated (two documents, excerpts of a real 1.36
// server's) and, from servers that do not speak it, the legacy documents per group/version.
import {createServer, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {afterEach, describe, expect, it} from 'vitest'
import {AGGREGATED_DISCOVERY_ACCEPT, discoverResources, readAggregatedDiscovery, readResourceList} from '../../../src/kube/discovery.ts'
import {kubeAt} from '../../fakes/kube.ts'

const cleanups: (() => unknown)[] = []
afterEach(async () => { for (const c of cleanups.splice(0)) await c() })

const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']

// GET /api and /apis of kube-apiserver v1.36.4 with --runtime-config=api/all=true, cut to a few resources.
const CORE_AGGREGATED = {
  kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {},
  items: [{metadata: {}, versions: [{version: 'v1', freshness: 'Current', resources: [
    {resource: 'namespaces', responseKind: {group: '', version: '', kind: 'Namespace'}, scope: 'Cluster', singularResource: 'namespace', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ns'],
      subresources: [{subresource: 'finalize', responseKind: {group: '', version: '', kind: 'Namespace'}, verbs: ['update']}, {subresource: 'status', responseKind: {group: '', version: '', kind: 'Namespace'}, verbs: ['get', 'patch', 'update']}]},
    {resource: 'pods', responseKind: {group: '', version: '', kind: 'Pod'}, scope: 'Namespaced', singularResource: 'pod', verbs, shortNames: ['po'], categories: ['all'],
      subresources: [{subresource: 'eviction', responseKind: {group: 'policy', version: 'v1', kind: 'Eviction'}, verbs: ['create']}, {subresource: 'status', responseKind: {group: '', version: '', kind: 'Pod'}, verbs: ['get', 'patch', 'update']}]},
  ]}]}],
}
const GROUPS_AGGREGATED = {
  kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {},
  items: [
    {metadata: {name: 'apps'}, versions: [{version: 'v1', freshness: 'Current', resources: [
      {resource: 'deployments', responseKind: {group: '', version: '', kind: 'Deployment'}, scope: 'Namespaced', singularResource: 'deployment', verbs, shortNames: ['deploy'], categories: ['all'],
        subresources: [{subresource: 'scale', responseKind: {group: 'autoscaling', version: 'v1', kind: 'Scale'}, verbs: ['get', 'patch', 'update']}, {subresource: 'status', responseKind: {group: '', version: '', kind: 'Deployment'}, verbs: ['get', 'patch', 'update']}]},
    ]}]},
    {metadata: {name: 'storage.k8s.io'}, versions: [
      {version: 'v1', freshness: 'Current', resources: [
        {resource: 'storageclasses', responseKind: {group: '', version: '', kind: 'StorageClass'}, scope: 'Cluster', singularResource: 'storageclass', verbs, shortNames: ['sc']},
        {resource: 'volumeattributesclasses', responseKind: {group: '', version: '', kind: 'VolumeAttributesClass'}, scope: 'Cluster', singularResource: 'volumeattributesclass', verbs, shortNames: ['vac']},
      ]},
      {version: 'v1beta1', freshness: 'Current', resources: [
        {resource: 'volumeattributesclasses', responseKind: {group: '', version: '', kind: 'VolumeAttributesClass'}, scope: 'Cluster', singularResource: 'volumeattributesclass', verbs, shortNames: ['vac']},
      ]},
    ]},
  ],
}

describe('readAggregatedDiscovery', () => {
  it('reads groups, versions in order of preference, resources with kind, scope and verbs, and subresources', () => {
    const d = readAggregatedDiscovery(GROUPS_AGGREGATED, readAggregatedDiscovery(CORE_AGGREGATED))
    expect(d.servedVersions).toEqual(['v1', 'apps/v1', 'storage.k8s.io/v1', 'storage.k8s.io/v1beta1'])
    expect(d.preferredVersions).toEqual({'': 'v1', apps: 'v1', 'storage.k8s.io': 'v1'})
    expect(d.unavailable).toEqual([])
    expect(d.resources).toContainEqual({group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true, verbs})
    expect(d.resources).toContainEqual({group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']})
    expect(d.resources).toContainEqual({group: '', version: 'v1', resource: 'pods/eviction', kind: 'Eviction', namespaced: true, verbs: ['create']})
    expect(d.resources).toContainEqual({group: 'apps', version: 'v1', resource: 'deployments/scale', kind: 'Scale', namespaced: true, verbs: ['get', 'patch', 'update']})
    expect(d.resources.filter(r => r.kind === 'VolumeAttributesClass').map(r => `${r.version} ${r.resource} ${r.namespaced}`))
      .toEqual(['v1 volumeattributesclasses false', 'v1beta1 volumeattributesclasses false'])
  })

  it('takes a stale version (its aggregated API server is down) as unavailable, neither served nor preferred', () => {
    const d = readAggregatedDiscovery({kind: 'APIGroupDiscoveryList', items: [{metadata: {name: 'metrics.k8s.io'}, versions: [
      {version: 'v1beta2', freshness: 'Stale', resources: [{resource: 'pods', responseKind: {kind: 'PodMetrics'}, scope: 'Namespaced', verbs: ['get', 'list']}]},
      {version: 'v1beta1', freshness: 'Current', resources: [{resource: 'nodes', responseKind: {kind: 'NodeMetrics'}, scope: 'Cluster', verbs: ['get', 'list']}]},
    ]}]})
    expect(d.servedVersions).toEqual(['metrics.k8s.io/v1beta1'])
    expect(d.preferredVersions).toEqual({'metrics.k8s.io': 'v1beta1'})
    expect(d.unavailable).toEqual(['metrics.k8s.io/v1beta2'])
    expect(d.resources.map(r => r.resource)).toEqual(['nodes'])
  })
})

describe('readResourceList', () => {
  it('reads a legacy APIResourceList, subresources named resource/sub', () => {
    const d = readResourceList('apps', 'v1', {groupVersion: 'apps/v1', resources: [
      {name: 'deployments', kind: 'Deployment', namespaced: true, verbs},
      {name: 'deployments/scale', kind: 'Scale', namespaced: true, verbs: ['get', 'patch', 'update']},
    ]})
    expect(d.resources).toEqual([
      {group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true, verbs},
      {group: 'apps', version: 'v1', resource: 'deployments/scale', kind: 'Scale', namespaced: true, verbs: ['get', 'patch', 'update']},
    ])
  })
})

async function serve(answers: Record<string, (res: ServerResponse) => void>): Promise<{url: string; seen: {path: string; accept: string}[]}> {
  const seen: {path: string; accept: string}[] = []
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    seen.push({path, accept: req.headers.accept ?? ''})
    const answer = answers[path]
    if (answer) return answer(res)
    res.writeHead(404, {'content-type': 'application/json'})
    res.end(JSON.stringify({kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404}))
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  cleanups.push(() => new Promise(r => { server.closeAllConnections(); server.close(r) }))
  return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen}
}
const json = (body: unknown, status = 200) => (res: ServerResponse) => { res.writeHead(status, {'content-type': 'application/json'}); res.end(JSON.stringify(body)) }

describe('discoverResources', () => {
  it('asks for aggregated discovery, as client-go does, and needs two requests when the server speaks it', async () => {
    const {url, seen} = await serve({'/api': json(CORE_AGGREGATED), '/apis': json(GROUPS_AGGREGATED)})
    const d = await discoverResources(await kubeAt(url, cleanups))
    expect(seen.map(s => s.path).sort()).toEqual(['/api', '/apis'])
    for (const s of seen) expect(s.accept).toBe(AGGREGATED_DISCOVERY_ACCEPT)
    expect(AGGREGATED_DISCOVERY_ACCEPT).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json')
    expect(d.servedVersions).toEqual(['v1', 'apps/v1', 'storage.k8s.io/v1', 'storage.k8s.io/v1beta1'])
  })

  it('falls back to the legacy documents, one per group/version; one that fails is unavailable, not a failure', async () => {
    const {url, seen} = await serve({
      '/api': json({kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: []}),
      '/apis': json({kind: 'APIGroupList', apiVersion: 'v1', groups: [
        {name: 'networking.k8s.io', versions: [{groupVersion: 'networking.k8s.io/v1', version: 'v1'}, {groupVersion: 'networking.k8s.io/v1beta1', version: 'v1beta1'}], preferredVersion: {groupVersion: 'networking.k8s.io/v1', version: 'v1'}},
        {name: 'metrics.k8s.io', versions: [{groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1'}], preferredVersion: {groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1'}},
      ]}),
      '/api/v1': json({kind: 'APIResourceList', groupVersion: 'v1', resources: [{name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs}]}),
      '/apis/networking.k8s.io/v1': json({kind: 'APIResourceList', groupVersion: 'networking.k8s.io/v1', resources: [{name: 'ingresses', namespaced: true, kind: 'Ingress', verbs}]}),
      '/apis/networking.k8s.io/v1beta1': json({kind: 'APIResourceList', groupVersion: 'networking.k8s.io/v1beta1', resources: [{name: 'ingresses', namespaced: true, kind: 'Ingress', verbs}, {name: 'ingresses/status', namespaced: true, kind: 'Ingress', verbs: ['get']}]}),
      '/apis/metrics.k8s.io/v1beta1': json({kind: 'Status', status: 'Failure', reason: 'ServiceUnavailable', code: 503, message: 'service unavailable'}, 503),
    })
    const d = await discoverResources(await kubeAt(url, cleanups, {retries: 0}))
    expect(d.servedVersions).toEqual(['v1', 'networking.k8s.io/v1', 'networking.k8s.io/v1beta1', 'metrics.k8s.io/v1beta1'])
    expect(d.preferredVersions).toEqual({'': 'v1', 'networking.k8s.io': 'v1', 'metrics.k8s.io': 'v1beta1'})
    expect(d.unavailable).toEqual(['metrics.k8s.io/v1beta1'])
    expect(d.resources.map(r => `${r.group}/${r.version} ${r.resource} ${r.kind}`)).toEqual([
      '/v1 pods Pod', 'networking.k8s.io/v1 ingresses Ingress', 'networking.k8s.io/v1beta1 ingresses Ingress', 'networking.k8s.io/v1beta1 ingresses/status Ingress',
    ])
    expect(seen.map(s => s.path).sort()).toEqual(['/api', '/api/v1', '/apis', '/apis/metrics.k8s.io/v1beta1', '/apis/networking.k8s.io/v1', '/apis/networking.k8s.io/v1beta1'])
  })

  it('fails when the server cannot be asked at all', async () => {
    const {url} = await serve({'/api': json({kind: 'Status', code: 401, reason: 'Unauthorized'}, 401), '/apis': json({kind: 'Status', code: 401}, 401)})
    await expect(discoverResources(await kubeAt(url, cleanups, {retries: 0}))).rejects.toMatchObject({kind: 'unauthorized'})
  })
})
