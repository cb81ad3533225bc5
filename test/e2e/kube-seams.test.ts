// The client's seams against the real API server: metadata-only lists, watches (events,
// bookmarks, reopening), patches, and send() of an Eviction a PodDisruptionBudget refuses.
// The client is imported from src; setup goes through the test cluster's own REST client.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {connect, type Kube, type RequestInit} from '../../src/kube/client.ts'
import {loadKubeconfig} from '../../src/kube/kubeconfig.ts'
import {list, listMetadata} from '../../src/kube/list.ts'
import {patchMerge, patchStrategic} from '../../src/kube/patch.ts'
import {watch, type WatchEvent} from '../../src/kube/watch.ts'
import {ClusterError} from '../../src/model/errors.ts'
import type {KubeObject, Node} from '../../src/model/k8s.ts'
import {api, createNamespace, createNodePool, deleteNodePool, waitFor} from '../cluster/pools.ts'
import {clusterInfo, uniqueName} from './helpers.ts'
import {PDB_REFUSAL} from '../fakes/statuses.ts'

const info = clusterInfo()
const admin = api(info)
const ns = uniqueName('seams')
const pool = uniqueName('seams')
let nodes: string[] = []
let kube: Kube


const deployment = (name: string, replicas: number) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name},
  spec: {
    replicas, selector: {matchLabels: {app: name}},
    template: {metadata: {labels: {app: name}}, spec: {
      nodeSelector: {'eks.amazonaws.com/nodegroup': pool},
      containers: [{name: 'app', image: 'registry.example/app:1', resources: {requests: {cpu: '100m', memory: '64Mi'}}}],
    }},
  },
})
const readyPods = async (app: string): Promise<any[]> => {
  const pods = await admin.get(`/api/v1/namespaces/${ns}/pods?labelSelector=app%3D${app}`)
  return pods.items.filter((p: any) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'))
}

beforeAll(async () => {
  kube = await connect(loadKubeconfig({kubeconfig: info.kubeconfig}), {requestTimeoutMs: 0, verbose: 0})
  nodes = await createNodePool(info, {name: pool, count: 2})
  await createNamespace(info, ns)
  await admin.post(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('db', 3))
  await waitFor(async () => (await readyPods('db')).length === 3, 60_000, '3 Ready db pods')
})
afterAll(async () => {
  await admin.del(`/api/v1/namespaces/${ns}`).catch(() => undefined)
  await deleteNodePool(info, nodes)
  kube?.close()
})

describe('the client against the real API server', () => {
  it('lists pods as metadata only, page by page', async () => {
    const items = await listMetadata(kube, `/api/v1/namespaces/${ns}/pods`, {labelSelector: 'app=db', limit: 1})
    expect(items).toHaveLength(3)
    for (const item of items) {
      expect(item).toMatchObject({apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata'})
      expect(item.metadata.name).toMatch(/^db-/)
      expect(item.metadata.labels?.app).toBe('db')
      expect(item.metadata.ownerReferences?.[0]?.kind).toBe('ReplicaSet')
      expect(Object.keys(item).sort()).toEqual(['apiVersion', 'kind', 'metadata'])
      expect('spec' in item).toBe(false)
    }
  })

  it('watches a ConfigMap being created, patched and deleted, with bookmarks, across the server ending each stream', async () => {
    const name = uniqueName('watched')
    const path = `/api/v1/namespaces/${ns}/configmaps`
    // Every opening of a stream, with the resourceVersion it resumes from.
    const opened: string[] = []
    const counting: Kube = {...kube, stream: (p: string, init?: RequestInit) => { opened.push(String(init?.query?.resourceVersion ?? '')); return kube.stream(p, init) }}
    const {resourceVersion} = await list(kube, path)
    const abort = new AbortController()
    const events: WatchEvent<KubeObject>[] = []
    const started = Date.now()
    let bookmarkAfterMs = 0
    const watching = (async () => {
      for await (const e of watch(counting, path, {resourceVersion, fieldSelector: `metadata.name=${name}`, timeoutSeconds: 5, signal: abort.signal})) {
        if (e.type === 'BOOKMARK' && !bookmarkAfterMs) bookmarkAfterMs = Date.now() - started
        events.push(e)
      }
    })()
    const types = () => events.map(e => e.type)
    try {
      await kube.request(path, {method: 'POST', body: {metadata: {name}, data: {step: '1'}}})
      await patchMerge<KubeObject & {data: Record<string, string>}>(kube, `${path}/${name}`, {data: {step: '2'}})
      await waitFor(async () => types().includes('MODIFIED'), 30_000, 'ADDED and MODIFIED')
      // The server ends a stream after timeoutSeconds, sending a BOOKMARK about 2 s before (the
      // watch cache's pre-timeout bookmark); the watch then opens again from the bookmark.
      await waitFor(async () => types().includes('BOOKMARK') && opened.length >= 2, 60_000, 'a BOOKMARK and a second stream')
      await kube.request(`${path}/${name}`, {method: 'DELETE'})
      await waitFor(async () => types().includes('DELETED'), 30_000, 'DELETED')
    } finally {
      abort.abort()
    }
    await watching // ends without an error
    process.stderr.write(`kube-seams: first BOOKMARK ${bookmarkAfterMs} ms into a watch with timeoutSeconds=5; streams opened from resourceVersions ${opened.join(', ')}\n`)
    const changes = events.filter(e => e.type !== 'BOOKMARK') as {type: string; object: KubeObject & {data?: Record<string, string>}}[]
    expect(changes.map(e => [e.type, e.object.metadata.name, e.object.data?.step])).toEqual([['ADDED', name, '1'], ['MODIFIED', name, '2'], ['DELETED', name, '2']])
    const bookmark = events.find(e => e.type === 'BOOKMARK') as {object: KubeObject}
    expect(bookmark.object.metadata.resourceVersion).toMatch(/^\d+$/)
    // The first stream started at the list; each later one from the last resourceVersion seen.
    const seen = events.map(e => (e as {object: KubeObject}).object.metadata.resourceVersion)
    expect(opened[0]).toBe(resourceVersion)
    for (const rv of opened.slice(1)) expect(seen).toContain(rv)
  })

  it('patches node labels and annotations with merge and strategic-merge patches', async () => {
    const path = `/api/v1/nodes/${nodes[0]}`
    const merged = await patchMerge<Node>(kube, path, {metadata: {labels: {'kubectl-prod.test/seam': 'merge'}, annotations: {'kubectl-prod.test/seam': 'merge'}}})
    expect(merged.metadata.labels?.['kubectl-prod.test/seam']).toBe('merge')
    const strategic = await patchStrategic<Node>(kube, path, {metadata: {labels: {'kubectl-prod.test/seam': null}, annotations: {'kubectl-prod.test/seam': 'strategic'}}})
    expect(strategic.metadata.labels?.['kubectl-prod.test/seam']).toBeUndefined()
    expect(strategic.metadata.annotations?.['kubectl-prod.test/seam']).toBe('strategic')
    // A dry run answers with the result and stores nothing.
    const dry = await patchMerge<Node>(kube, path, {metadata: {annotations: {'kubectl-prod.test/seam': 'dry'}}}, {dryRun: true})
    expect(dry.metadata.annotations?.['kubectl-prod.test/seam']).toBe('dry')
    const stored = await admin.get(path)
    expect(stored.metadata.annotations['kubectl-prod.test/seam']).toBe('strategic')
    expect(stored.metadata.labels['kubectl-prod.test/seam']).toBeUndefined()
    expect(stored.metadata.labels['kubernetes.io/hostname']).toBe(nodes[0])
  })

  it('sends an Eviction a PodDisruptionBudget refuses and gets the 429 at once, with its DisruptionBudget cause', async () => {
    await admin.post(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`, {metadata: {name: 'db-pdb'}, spec: {minAvailable: 3, selector: {matchLabels: {app: 'db'}}}})
    await waitFor(async () => {
      const pdb = await admin.get(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/db-pdb`)
      return pdb.status?.observedGeneration === pdb.metadata.generation && pdb.status?.expectedPods === 3 && pdb.status?.currentHealthy === 3
    }, 30_000, 'the disruption controller to compute db-pdb')
    const victim = (await readyPods('db'))[0].metadata.name
    const path = `/api/v1/namespaces/${ns}/pods/${victim}/eviction`
    const eviction = {apiVersion: 'policy/v1', kind: 'Eviction', metadata: {name: victim, namespace: ns}}

    const started = Date.now()
    const answer = await kube.send(path, {method: 'POST', body: eviction})
    process.stderr.write(`kube-seams: the API server answered the eviction ${answer.status} with retry-after=${answer.headers['retry-after'] ?? '(none)'}: ${JSON.stringify(answer.body)}\n`)
    expect(answer.status).toBe(429)
    expect(answer.body).toEqual(PDB_REFUSAL)
    expect(answer.headers['retry-after']).toBeUndefined()

    // The generic path does not take it for throttling: one request, a ClusterError with the body.
    const err = await kube.request(path, {method: 'POST', body: eviction}).then(() => undefined, (e: ClusterError) => e)
    expect(Date.now() - started).toBeLessThan(1500) // retries would have waited 200 + 400 + 800 + 1600 ms
    expect(err).toBeInstanceOf(ClusterError)
    expect(err).toMatchObject({kind: 'too-many-requests', status: 429, body: PDB_REFUSAL})
    expect(err!.message).toContain('The disruption budget db-pdb needs 3 healthy pods and has 3 currently')
    expect((await admin.raw('GET', `/api/v1/namespaces/${ns}/pods/${victim}`)).body.metadata.deletionTimestamp).toBeUndefined()
  })
})
