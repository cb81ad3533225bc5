// Patches against a real HTTP server on 127.0.0.1: method, content type, body, query, result.
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {afterEach, describe, expect, it} from 'vitest'
import {connect, type Kube} from '../../../src/kube/client.ts'
import {loadKubeconfig} from '../../../src/kube/kubeconfig.ts'
import {patchMerge, patchStrategic} from '../../../src/kube/patch.ts'
import {ClusterError} from '../../../src/model/errors.ts'
import type {Node} from '../../../src/model/k8s.ts'

/** The error a call fails with; a call that succeeds fails the test. */
const rejection = (p: Promise<unknown>): Promise<ClusterError> => p.then(() => { throw new Error('expected the call to fail') }, (e: ClusterError) => e)

const cleanups: (() => unknown)[] = []
afterEach(async () => { for (const c of cleanups.splice(0)) await c() })

interface Seen {method: string; url: URL; contentType: string; body: unknown}
/** Answers each PATCH with the node it would store, or `status` when given. */
async function kubeWithServer(status = 200): Promise<{kube: Kube; seen: Seen[]}> {
  const seen: Seen[] = []
  const server = createServer((req, res) => {
    let text = ''
    req.on('data', c => { text += c })
    req.on('end', () => {
      seen.push({method: req.method ?? '', url: new URL(req.url ?? '/', 'http://x'), contentType: req.headers['content-type'] ?? '', body: JSON.parse(text)})
      res.writeHead(status, {'content-type': 'application/json'})
      res.end(JSON.stringify(status === 200 ? {kind: 'Node', metadata: {name: 'n1', labels: {pool: 'a'}}, spec: {unschedulable: true}} : {kind: 'Status', code: status, message: 'the server rejected our request'}))
    })
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  cleanups.push(() => new Promise(r => { server.closeAllConnections(); server.close(r) }))
  const kube = await connect(loadKubeconfig({server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 't'}, {HOME: '/nonexistent'}), {requestTimeoutMs: 5000, verbose: 0})
  cleanups.push(() => kube.close())
  return {kube, seen}
}

describe('patches', () => {
  it('sends a merge patch as application/merge-patch+json and returns the stored object', async () => {
    const {kube, seen} = await kubeWithServer()
    const node = await patchMerge<Node>(kube, '/api/v1/nodes/n1', {metadata: {labels: {pool: 'a', old: null}}})
    expect(node.metadata.name).toBe('n1')
    expect(seen).toEqual([{method: 'PATCH', url: new URL('http://x/api/v1/nodes/n1'), contentType: 'application/merge-patch+json', body: {metadata: {labels: {pool: 'a', old: null}}}}])
  })
  it('sends a strategic-merge patch as application/strategic-merge-patch+json, directives included', async () => {
    const {kube, seen} = await kubeWithServer()
    const node = await patchStrategic<Node>(kube, '/api/v1/nodes/n1', {spec: {unschedulable: true, taints: [{key: 'k', effect: 'NoSchedule', $patch: 'delete'}]}})
    expect(node.spec?.unschedulable).toBe(true)
    expect(seen[0]!.method).toBe('PATCH')
    expect(seen[0]!.contentType).toBe('application/strategic-merge-patch+json')
    expect(seen[0]!.body).toEqual({spec: {unschedulable: true, taints: [{key: 'k', effect: 'NoSchedule', $patch: 'delete'}]}})
  })
  it('passes dryRun and fieldManager as query parameters', async () => {
    const {kube, seen} = await kubeWithServer()
    await patchMerge<Node>(kube, '/api/v1/nodes/n1', {spec: {unschedulable: false}}, {dryRun: true, fieldManager: 'kubectl-prod'})
    await patchStrategic<Node>(kube, '/api/v1/nodes/n1', {spec: {unschedulable: false}})
    expect(Object.fromEntries(seen[0]!.url.searchParams)).toEqual({dryRun: 'All', fieldManager: 'kubectl-prod'})
    expect([...seen[1]!.url.searchParams]).toEqual([])
  })
  it('throws a typed error, once, for a refused patch', async () => {
    const {kube, seen} = await kubeWithServer(422)
    const err = await rejection(patchMerge<Node>(kube, '/api/v1/nodes/n1', {spec: {unschedulable: true}}))
    expect(err).toBeInstanceOf(ClusterError)
    expect(err.message).toBe('patch nodes "n1" failed with 422: the server rejected our request')
    expect(seen).toHaveLength(1)
  })
  it('types the body by the object patched', () => {
    // Checked by tsc -p tsconfig.test.json, not at run time.
    const typed = (kube: Kube) => {
      // @ts-expect-error unschedulable is a boolean
      void patchMerge<Node>(kube, '/api/v1/nodes/n1', {spec: {unschedulable: 'yes'}})
      // @ts-expect-error a node has no field "replicas"
      void patchStrategic<Node>(kube, '/api/v1/nodes/n1', {spec: {replicas: 1}})
    }
    expect(typeof typed).toBe('function')
  })
})
