// Watches against a real HTTP server on 127.0.0.1 that streams newline-delimited events the
// way the API server does, closes streams, expires resourceVersions and hangs.
import {createServer, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {afterEach, describe, expect, it, vi} from 'vitest'
import type {ClientOptions, Kube} from '../../../src/kube/client.ts'
import {listAndWatch, splitLines, watch, type ListWatchEvent, type WatchEvent} from '../../../src/kube/watch.ts'
import {ClusterError} from '../../../src/model/errors.ts'
import type {KubeObject} from '../../../src/model/k8s.ts'
import {kubeAt as connectTo} from '../../fakes/kube.ts'

/** The error a call fails with; a call that succeeds fails the test. */
const rejection = (p: Promise<unknown>): Promise<ClusterError> => p.then(() => { throw new Error('expected the call to fail') }, (e: ClusterError) => e)

const cleanups: (() => unknown)[] = []
afterEach(async () => { for (const c of cleanups.splice(0)) await c() })

interface Seen {url: URL; accept: string; at: number}
/** `handle` gets each request and the count of earlier requests with the same ?watch. */
async function serve(handle: (url: URL, res: ServerResponse, n: number) => void): Promise<{url: string; seen: Seen[]}> {
  const seen: Seen[] = []
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const n = seen.filter(s => s.url.searchParams.has('watch') === url.searchParams.has('watch')).length
    seen.push({url, accept: req.headers.accept ?? '', at: Date.now()})
    handle(url, res, n)
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  cleanups.push(() => new Promise(r => { server.closeAllConnections(); server.close(r) }))
  return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen}
}

const kubeAt = (url: string, opts: Partial<ClientOptions> = {}): Promise<Kube> => connectTo(url, cleanups, opts)

const cm = (name: string, rv: string) => ({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, namespace: 'shop', resourceVersion: rv}, data: {k: 'v'}})
const line = (type: string, object: unknown) => `${JSON.stringify({type, object})}\n`
const bookmark = (rv: string) => line('BOOKMARK', {kind: 'ConfigMap', apiVersion: 'v1', metadata: {resourceVersion: rv}})
const EXPIRED = {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 5 (1000)', reason: 'Expired', code: 410}
const expired = line('ERROR', EXPIRED)
const stream = (res: ServerResponse) => { res.writeHead(200, {'content-type': 'application/json', 'transfer-encoding': 'chunked'}); return res }
const tick = () => new Promise(r => setTimeout(r, 5))

/** Reads events until `stop` says so (then aborts) or the watch ends. */
async function take<T>(events: AsyncIterable<T>, abort: AbortController, stop: (got: T[]) => boolean): Promise<T[]> {
  const got: T[] = []
  for await (const e of events) {
    got.push(e)
    if (stop(got)) abort.abort()
  }
  return got
}

describe('splitLines', () => {
  it('gives whole lines however the chunks cut them', async () => {
    const text = `${line('ADDED', cm('a', '1'))}${line('MODIFIED', {...cm('ü-é', '2'), data: {k: 'x'.repeat(3000)}})}\n${line('DELETED', cm('a', '3'))}`
    for (const size of [1, 2, 7, 64, 4096, text.length]) {
      async function* chunks() { for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size) }
      const lines: string[] = []
      for await (const l of splitLines(chunks())) lines.push(l)
      expect(lines.map(l => JSON.parse(l).type)).toEqual(['ADDED', 'MODIFIED', 'DELETED'])
      expect(JSON.parse(lines[1]!).object.metadata.name).toBe('ü-é')
    }
  })
  it('keeps a last line with no newline', async () => {
    async function* chunks() { yield 'a\nb'; yield 'c' }
    const lines: string[] = []
    for await (const l of splitLines(chunks())) lines.push(l)
    expect(lines).toEqual(['a', 'bc'])
  })
})

describe('watch', () => {
  it('asks for a watch with bookmarks from the resourceVersion given, and parses events whose bytes arrive in pieces', async () => {
    const {url, seen} = await serve(async (_u, res) => {
      stream(res)
      const bytes = Buffer.from(line('ADDED', cm('é-1', '11')) + line('MODIFIED', cm('é-1', '12')) + line('DELETED', cm('é-1', '13')))
      // Cut inside the two-byte "é" and mid-line, flushing each piece on its own.
      for (let i = 0; i < bytes.length; i += 9) { res.write(bytes.subarray(i, i + 9)); await tick() }
    })
    const kube = await kubeAt(url)
    const abort = new AbortController()
    const got = await take(watch(kube, '/api/v1/namespaces/shop/configmaps', {resourceVersion: '10', labelSelector: 'app=db', fieldSelector: 'metadata.name=é-1', timeoutSeconds: 30, signal: abort.signal}), abort, g => g.length === 3)
    expect(got).toEqual([{type: 'ADDED', object: cm('é-1', '11')}, {type: 'MODIFIED', object: cm('é-1', '12')}, {type: 'DELETED', object: cm('é-1', '13')}])
    const q = seen[0]!.url.searchParams
    expect(seen[0]!.url.pathname).toBe('/api/v1/namespaces/shop/configmaps')
    expect(Object.fromEntries(q)).toEqual({watch: 'true', resourceVersion: '10', allowWatchBookmarks: 'true', timeoutSeconds: '30', labelSelector: 'app=db', fieldSelector: 'metadata.name=é-1'})
    expect(seen[0]!.accept).toBe('application/json')
  })
  it('reopens from the last resourceVersion when the server ends the stream', async () => {
    const {url, seen} = await serve((_u, res, n) => {
      stream(res)
      if (n === 0) return res.end(line('ADDED', cm('a', '5')) + line('MODIFIED', cm('a', '6')))
      res.write(line('DELETED', cm('a', '7')))
    })
    const kube = await kubeAt(url)
    const abort = new AbortController()
    const got = await take(watch(kube, '/api/v1/configmaps', {resourceVersion: '4', signal: abort.signal}), abort, g => g.length === 3)
    expect(got.map(e => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED'])
    expect(seen.map(s => s.url.searchParams.get('resourceVersion'))).toEqual(['4', '6'])
  })
  it('moves the resourceVersion on with BOOKMARKs, which it passes on', async () => {
    const {url, seen} = await serve((_u, res, n) => {
      stream(res)
      if (n === 0) return res.end(line('ADDED', cm('a', '5')) + bookmark('90'))
      res.write(line('MODIFIED', cm('a', '91')))
    })
    const kube = await kubeAt(url)
    const abort = new AbortController()
    const got = await take(watch(kube, '/api/v1/configmaps', {resourceVersion: '4', signal: abort.signal}), abort, g => g.length === 3)
    expect(got.map(e => e.type)).toEqual(['ADDED', 'BOOKMARK', 'MODIFIED'])
    expect(seen.map(s => s.url.searchParams.get('resourceVersion'))).toEqual(['4', '90'])
  })
  it('reopens after a cut connection, from the last whole event', async () => {
    const {url, seen} = await serve((_u, res, n) => {
      stream(res)
      if (n === 0) { res.write(line('ADDED', cm('a', '5')) + line('MODIFIED', cm('a', '6')).slice(0, 20)); setTimeout(() => res.destroy(), 50); return }
      res.write(line('MODIFIED', cm('a', '6')))
    })
    const kube = await kubeAt(url)
    const abort = new AbortController()
    const got = await take(watch(kube, '/api/v1/configmaps', {resourceVersion: '4', signal: abort.signal}), abort, g => g.length === 2)
    expect(got.map(e => [e.type, (e as {object: KubeObject}).object.metadata.resourceVersion])).toEqual([['ADDED', '5'], ['MODIFIED', '6']])
    expect(seen.map(s => s.url.searchParams.get('resourceVersion'))).toEqual(['4', '5'])
  })
  it('waits before reopening a stream that closed at once with nothing (client-go\'s "very short watch")', async () => {
    const {url, seen} = await serve((_u, res, n) => {
      stream(res)
      if (n === 0) return res.end()
      res.write(line('ADDED', cm('a', '5')))
    })
    const kube = await kubeAt(url)
    const abort = new AbortController()
    await take(watch(kube, '/api/v1/configmaps', {resourceVersion: '4', signal: abort.signal}), abort, g => g.length === 1)
    expect(seen).toHaveLength(2)
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(750)
  })
  it('ends with RESYNC on an ERROR event whose Status is 410 Gone', async () => {
    const {url, seen} = await serve((_u, res) => { stream(res).write(line('ADDED', cm('a', '5')) + expired) })
    const kube = await kubeAt(url)
    const got: WatchEvent<KubeObject>[] = []
    for await (const e of watch(kube, '/api/v1/configmaps', {resourceVersion: '4'})) got.push(e)
    expect(got).toEqual([{type: 'ADDED', object: cm('a', '5')}, {type: 'RESYNC', reason: 'too old resource version: 5 (1000)'}])
    expect(seen).toHaveLength(1)
  })
  it('ends with RESYNC when the watch request itself is answered 410', async () => {
    const {url} = await serve((_u, res) => { res.writeHead(410, {'content-type': 'application/json'}); res.end(JSON.stringify(EXPIRED)) })
    const kube = await kubeAt(url)
    const got: WatchEvent<KubeObject>[] = []
    for await (const e of watch(kube, '/api/v1/configmaps', {resourceVersion: '4'})) got.push(e)
    expect(got).toHaveLength(1)
    expect(got[0]!.type).toBe('RESYNC')
  })
  it('throws a typed error for another ERROR event', async () => {
    const {url} = await serve((_u, res) => { stream(res).write(line('ERROR', {kind: 'Status', status: 'Failure', reason: 'Forbidden', message: 'configmaps is forbidden', code: 403})) })
    const kube = await kubeAt(url)
    const err = await rejection((async () => { for await (const _ of watch(kube, '/api/v1/configmaps')) { /* none */ } })())
    expect(err).toBeInstanceOf(ClusterError)
    expect(err).toMatchObject({kind: 'forbidden', status: 403})
  })
  it('ends quietly on abort, in the middle of a stream or while waiting for one', async () => {
    const {url} = await serve((_u, res) => { stream(res).write(line('ADDED', cm('a', '5'))) })
    const output: string[] = []
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(s => { output.push(String(s)); return true })
    cleanups.push(() => spy.mockRestore())
    const kube = await kubeAt(url)
    const abort = new AbortController()
    const got = await take(watch(kube, '/api/v1/configmaps', {signal: abort.signal}), abort, () => true)
    expect(got).toHaveLength(1)
    // A watch with nothing to say, aborted while it waits for the next event.
    const idle = new AbortController()
    const {url: quiet} = await serve((_u, res) => { stream(res).flushHeaders() })
    const waiting = take(watch(await kubeAt(quiet), '/api/v1/configmaps', {signal: idle.signal}), idle, () => false)
    setTimeout(() => idle.abort(), 100)
    expect(await waiting).toEqual([])
    expect(output).toEqual([])
  })
  it('is not ended by --request-timeout, and reopens when its own timeoutSeconds ends the stream', async () => {
    const {url, seen} = await serve((u, res, n) => {
      stream(res)
      // The server ends each stream after timeoutSeconds; here 1 s, a little more than 3 request timeouts.
      let i = 0
      const t = setInterval(() => { res.write(line('MODIFIED', cm('a', String(n * 100 + ++i)))) }, 100)
      setTimeout(() => { clearInterval(t); res.end() }, Number(u.searchParams.get('timeoutSeconds')) * 1000)
    })
    const kube = await kubeAt(url, {requestTimeoutMs: 300})
    const abort = new AbortController()
    const got = await take(watch(kube, '/api/v1/configmaps', {resourceVersion: '1', timeoutSeconds: 1, signal: abort.signal}), abort, g => g.some(e => e.type === 'MODIFIED' && e.object.metadata.resourceVersion === '101'))
    const rvs = got.map(e => e.type === 'MODIFIED' ? Number(e.object.metadata.resourceVersion) : 0)
    // About ten events from the first stream, most of them after the 300 ms request timeout.
    expect(rvs.filter(rv => rv < 100).length).toBeGreaterThanOrEqual(8)
    expect(seen).toHaveLength(2)
    expect(seen[1]!.url.searchParams.get('resourceVersion')).toBe(String(Math.max(...rvs.filter(rv => rv < 100))))
  })
  it('asks for PartialObjectMetadata when metadataOnly', async () => {
    const {seen, url} = await serve((_u, res) => { stream(res).write(line('ADDED', cm('a', '5'))) })
    const kube = await kubeAt(url)
    const abort = new AbortController()
    await take(watch(kube, '/api/v1/configmaps', {metadataOnly: true, allowWatchBookmarks: false, signal: abort.signal}), abort, () => true)
    expect(seen[0]!.accept).toBe('application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json')
    expect(seen[0]!.url.searchParams.get('allowWatchBookmarks')).toBe('false')
    expect(seen[0]!.url.searchParams.has('resourceVersion')).toBe(false)
  })
})

describe('listAndWatch', () => {
  it('lists, watches from the list\'s resourceVersion, and lists again after a 410', async () => {
    let lists = 0
    const {url, seen} = await serve((u, res, n) => {
      if (!u.searchParams.has('watch')) {
        lists++
        res.writeHead(200, {'content-type': 'application/json'})
        return res.end(JSON.stringify({kind: 'ConfigMapList', metadata: {resourceVersion: lists === 1 ? '10' : '20'}, items: lists === 1 ? [cm('a', '9')] : [cm('a', '9'), cm('b', '19')]}))
      }
      stream(res)
      if (n === 0) return res.end(line('ADDED', cm('b', '11')) + expired)
      res.write(line('DELETED', cm('a', '21')))
    })
    const kube = await kubeAt(url)
    const abort = new AbortController()
    const got = await take(listAndWatch(kube, '/api/v1/namespaces/shop/configmaps', {labelSelector: 'app=db', signal: abort.signal}), abort, g => g.length === 4)
    const short = (e: ListWatchEvent<KubeObject>) => e.type === 'SYNC' ? `SYNC@${e.resourceVersion}:${e.items.map(i => i.metadata.name).join(',')}` : `${e.type}:${e.object.metadata.name}`
    expect(got.map(short)).toEqual(['SYNC@10:a', 'ADDED:b', 'SYNC@20:a,b', 'DELETED:a'])
    const watches = seen.filter(s => s.url.searchParams.has('watch'))
    expect(watches.map(s => s.url.searchParams.get('resourceVersion'))).toEqual(['10', '20'])
    expect(seen.every(s => s.url.searchParams.get('labelSelector') === 'app=db')).toBe(true)
  })
  it('ends quietly when aborted during the list', async () => {
    const {url} = await serve(() => { /* never answers */ })
    const kube = await kubeAt(url)
    const abort = new AbortController()
    setTimeout(() => abort.abort(), 50)
    const got = await take(listAndWatch(kube, '/api/v1/configmaps', {signal: abort.signal}), abort, () => false)
    expect(got).toEqual([])
  })
})
