// Paged lists against a real HTTP server on 127.0.0.1: full objects and metadata only, the
// same pager for both, restarting when a continue token expires.
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {afterEach, describe, expect, it} from 'vitest'
import {connect, type Kube} from '../../../src/kube/client.ts'
import {loadKubeconfig} from '../../../src/kube/kubeconfig.ts'
import {list, listAll, listMetadata, METADATA_LIST_ACCEPT} from '../../../src/kube/list.ts'
import {ClusterError} from '../../../src/model/errors.ts'

/** The error a call fails with; a call that succeeds fails the test. */
const rejection = (p: Promise<unknown>): Promise<ClusterError> => p.then(() => { throw new Error('expected the call to fail') }, (e: ClusterError) => e)

const cleanups: (() => unknown)[] = []
afterEach(async () => { for (const c of cleanups.splice(0)) await c() })

async function serve(handle: (url: URL, res: ServerResponse, req: IncomingMessage) => void): Promise<{url: string; seen: {url: URL; accept: string}[]}> {
  const seen: {url: URL; accept: string}[] = []
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    seen.push({url, accept: req.headers.accept ?? ''})
    handle(url, res, req)
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  cleanups.push(() => new Promise(r => { server.closeAllConnections(); server.close(r) }))
  return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen}
}

async function kubeAt(url: string): Promise<Kube> {
  const kube = await connect(loadKubeconfig({server: url, token: 'secret'}, {HOME: '/nonexistent'}), {requestTimeoutMs: 5000, verbose: 0})
  cleanups.push(() => kube.close())
  return kube
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, {'content-type': 'application/json'})
  res.end(JSON.stringify(body))
}

const meta = (name: string) => ({apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: {name, namespace: 'shop', resourceVersion: '7'}})

/** Pages of two: tokens "p2", "p3"; `expire` answers 410 to the nth request carrying a token. */
function pager(names: string[], opts: {expireOnce?: string} = {}) {
  let expired = false
  return (url: URL, res: ServerResponse) => {
    const token = url.searchParams.get('continue') ?? ''
    if (token && token === opts.expireOnce && !expired) {
      expired = true
      return json(res, 410, {kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410,
        message: 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.'})
    }
    const page = token ? Number(token.slice(1)) : 1
    const items = names.slice((page - 1) * 2, page * 2).map(meta)
    const more = page * 2 < names.length
    json(res, 200, {kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: {resourceVersion: '42', ...(more ? {continue: `p${page + 1}`} : {})}, items})
  }
}

describe('listMetadata', () => {
  it('asks for PartialObjectMetadataList on every page and follows continue tokens', async () => {
    const {url, seen} = await serve(pager(['a', 'b', 'c', 'd', 'e']))
    const kube = await kubeAt(url)
    const items = await listMetadata(kube, '/api/v1/namespaces/shop/pods', {labelSelector: 'app=db', limit: 2})
    expect(items.map(i => i.metadata.name)).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(items[0]).toEqual(meta('a'))
    expect(seen).toHaveLength(3)
    for (const s of seen) {
      expect(s.accept).toBe('application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json')
      expect(s.url.pathname).toBe('/api/v1/namespaces/shop/pods')
      expect(s.url.searchParams.get('labelSelector')).toBe('app=db')
      expect(s.url.searchParams.get('limit')).toBe('2')
    }
    expect(seen.map(s => s.url.searchParams.get('continue'))).toEqual([null, 'p2', 'p3'])
    expect(METADATA_LIST_ACCEPT).toBe(seen[0]!.accept)
  })
  it('starts over when a continue token expires (410), keeping no item twice', async () => {
    const {url, seen} = await serve(pager(['a', 'b', 'c', 'd', 'e'], {expireOnce: 'p3'}))
    const kube = await kubeAt(url)
    const items = await listMetadata(kube, '/api/v1/pods', {limit: 2})
    expect(items.map(i => i.metadata.name)).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(seen.map(s => s.url.searchParams.get('continue'))).toEqual([null, 'p2', 'p3', null, 'p2', 'p3'])
    expect(seen.every(s => s.accept === METADATA_LIST_ACCEPT)).toBe(true)
  })
  it('gives up after starting over twice', async () => {
    const {url, seen} = await serve((u, res) => u.searchParams.get('continue')
      ? json(res, 410, {kind: 'Status', code: 410, reason: 'Expired', message: 'too old'})
      : json(res, 200, {metadata: {continue: 'p2'}, items: [meta('a')]}))
    const kube = await kubeAt(url)
    const err = await rejection(listMetadata(kube, '/api/v1/pods'))
    expect(err).toBeInstanceOf(ClusterError)
    expect(err.status).toBe(410)
    expect(seen).toHaveLength(6)
  })
})

describe('listAll and list', () => {
  it('lists whole objects with the plain Accept header, and list() gives the resourceVersion to watch from', async () => {
    const {url, seen} = await serve(pager(['a', 'b', 'c']))
    const kube = await kubeAt(url)
    expect((await listAll(kube, '/api/v1/pods', {map: (p: {metadata: {name: string}}) => ({metadata: {name: p.metadata.name.toUpperCase()}})})).map(p => p.metadata.name)).toEqual(['A', 'B', 'C'])
    expect(seen.every(s => s.accept === 'application/json')).toBe(true)
    expect(seen[0]!.url.searchParams.get('limit')).toBe('500')
    const listed = await list(kube, '/api/v1/pods', {fieldSelector: 'spec.nodeName=n1'})
    expect(listed.resourceVersion).toBe('42')
    expect(listed.items).toHaveLength(3)
    expect(seen.at(-1)!.url.searchParams.get('fieldSelector')).toBe('spec.nodeName=n1')
  })
})
