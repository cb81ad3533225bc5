// The drain's watch of a node's pods against a local HTTP server that streams events the way
// the API server does, drops connections, stops listening and comes back: the watch is
// re-established, picks up where it was (or lists again when the server was gone), waits with
// bounded backoff on the clock it is given, and lets refusals through. And which failures count
// as transient at all.
import {createServer, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {afterEach, describe, expect, it} from 'vitest'
import {isTransientFailure, watchNodePods} from '../../../src/kube/pods-watch.ts'
import {ClusterError, InputError} from '../../../src/model/errors.ts'
import type {Pod} from '../../../src/model/k8s.ts'
import {PodPresence} from '../../../src/upgrade/drain/presence.ts'
import {kubeAt} from '../../fakes/kube.ts'

const cleanups: (() => unknown)[] = []
afterEach(async () => { for (const c of cleanups.splice(0)) await c() })

const pod = (name: string, rv: number): Pod => ({apiVersion: 'v1', kind: 'Pod', metadata: {name, namespace: 'shop', uid: `uid-${name}`, resourceVersion: String(rv)}, spec: {nodeName: 'node-a', containers: []}})
const line = (type: string, object: unknown) => `${JSON.stringify({type, object})}\n`
const podList = (rv: number, items: Pod[]) => JSON.stringify({kind: 'PodList', apiVersion: 'v1', metadata: {resourceVersion: String(rv)}, items})
const FORBIDDEN = {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Forbidden', code: 403, message: 'pods is forbidden: User "u" cannot watch resource "pods" in API group "" at the cluster scope'}

interface Asked {watch: boolean; resourceVersion: string | null; fieldSelector: string | null}

/**
 * A server for /api/v1/pods: `list()` answers lists, `watch(n, res)` the n-th watch (0-based).
 * stop() closes it (connections refused, open ones cut); start() listens again on the same port.
 */
async function apiServer(list: (res: ServerResponse) => void, watch: (n: number, res: ServerResponse) => void) {
  const asked: Asked[] = []
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const isWatch = url.searchParams.get('watch') === 'true'
    asked.push({watch: isWatch, resourceVersion: url.searchParams.get('resourceVersion'), fieldSelector: url.searchParams.get('fieldSelector')})
    if (!isWatch) return list(res)
    watch(asked.filter(a => a.watch).length - 1, res)
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  const stop = () => new Promise<void>(r => { server.closeAllConnections(); server.close(() => r()) })
  const start = () => new Promise<void>(r => server.listen(port, '127.0.0.1', r))
  cleanups.push(() => server.listening ? stop() : undefined)
  return {url: `http://127.0.0.1:${port}`, asked, stop, start}
}

const streaming = (res: ServerResponse) => { if (!res.headersSent) res.writeHead(200, {'content-type': 'application/json', 'transfer-encoding': 'chunked'}); return res }
const answerList = (rv: number, items: Pod[]) => (res: ServerResponse) => { res.writeHead(200, {'content-type': 'application/json'}); res.end(podList(rv, items)) }
const describeEvent = (e: {type: string; items?: Pod[]; object?: Pod}) => e.type === 'SYNC' ? `SYNC ${e.items!.map(p => p.metadata.name).join(',')}` : `${e.type} ${e.object!.metadata.name}`

/**
 * A sleep that returns at once and writes down what it was asked; `onSleep` may act first (bring
 * the server back). Past 20 waits it refuses (as an aborted sleep does), so a watch that retries
 * what it should not ends instead of spinning.
 */
function recordingSleep(onSleep: (ms: number, n: number) => void | Promise<void> = () => undefined) {
  const slept: number[] = []
  return {
    slept,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw signal.reason
      if (slept.length >= 20) throw new Error('too many waits')
      slept.push(ms)
      await onSleep(ms, slept.length)
    },
  }
}

describe('watchNodePods', () => {
  it('a connection that drops is re-established from the last resourceVersion seen: no list again, no event lost or repeated', async () => {
    const api = await apiServer(answerList(10, [pod('a', 10)]), (n, res) => {
      if (n === 0) { streaming(res).write(line('ADDED', pod('b', 11))); setTimeout(() => res.destroy(), 20) }
      if (n === 1) streaming(res).write(line('DELETED', pod('a', 12)))
    })
    const kube = await kubeAt(api.url, cleanups, {retries: 0})
    const abort = new AbortController()
    const {sleep, slept} = recordingSleep()
    const seen: string[] = []
    for await (const e of watchNodePods(kube, 'node-a', abort.signal, {sleep})) {
      seen.push(describeEvent(e))
      if (seen.length === 3) abort.abort()
    }
    expect(seen).toEqual(['SYNC a', 'ADDED b', 'DELETED a'])
    expect(api.asked).toEqual([
      {watch: false, resourceVersion: null, fieldSelector: 'spec.nodeName=node-a'},
      {watch: true, resourceVersion: '10', fieldSelector: 'spec.nodeName=node-a'},
      {watch: true, resourceVersion: '11', fieldSelector: 'spec.nodeName=node-a'},
    ])
    expect(slept).toEqual([])
  })

  it('an API server that stops: waits 500 ms doubling to 5 s on the clock given, lists again when it is back (what changed meanwhile is in the new list), and watches on', async () => {
    // The node's pods as the server holds them; they change while it is down.
    let state = {rv: 10, items: [pod('a', 10), pod('b', 10)]}
    const api = await apiServer(res => answerList(state.rv, state.items)(res), (n, res) => {
      if (n === 0) streaming(res).write(line('ADDED', pod('c', 11)))
      if (n === 1) streaming(res).write(line('MODIFIED', pod('d', 14)))
    })
    const kube = await kubeAt(api.url, cleanups, {retries: 0})
    const abort = new AbortController()
    // Back after the sixth wait.
    const {sleep, slept} = recordingSleep(async (_ms, n) => { if (n === 6) await api.start() })
    const events: string[] = []
    const feed = watchNodePods(kube, 'node-a', abort.signal, {sleep})
    // PodPresence reads the same events, as the drain does.
    let forward!: (e: any) => void
    const presenceEvents = (async function* () { for (;;) { const e = await new Promise<any>(r => { forward = r }); if (!e) return; yield e } })()
    const presence = new PodPresence(presenceEvents)
    for await (const e of feed) {
      events.push(describeEvent(e))
      forward(e)
      await new Promise(r => setImmediate(r))
      if (events.length === 2) {
        expect(presence.get('uid-a')).toBeDefined()
        await api.stop()
        // Meanwhile: a is deleted, d arrives.
        state = {rv: 13, items: [pod('b', 10), pod('c', 11), pod('d', 13)]}
      }
      if (events.length === 4) abort.abort()
    }
    forward(undefined)
    expect(events).toEqual(['SYNC a,b', 'ADDED c', 'SYNC b,c,d', 'MODIFIED d'])
    expect(slept).toEqual([500, 1000, 2000, 4000, 5000, 5000])
    // The deletion made while the server was down is not lost: a is known gone.
    expect(presence.get('uid-a')).toBeUndefined()
    expect(presence.get('uid-d')).toBeDefined()
    const watches = api.asked.filter(a => a.watch)
    expect(watches.map(w => w.resourceVersion)).toEqual(['10', '13'])
    expect(api.asked.filter(a => !a.watch)).toHaveLength(2)
  })

  it('the wait starts again at 500 ms after an outage it came through', async () => {
    let lists = 0
    const api = await apiServer(res => { lists++; answerList(10 * lists, [pod('a', 10)])(res) }, (_n, res) => streaming(res).write(line('MODIFIED', pod('a', 100))))
    const kube = await kubeAt(api.url, cleanups, {retries: 0})
    const abort = new AbortController()
    const {sleep, slept} = recordingSleep(async (_ms, n) => { if (n === 3 || n === 5) await api.start() })
    let seen = 0
    for await (const e of watchNodePods(kube, 'node-a', abort.signal, {sleep})) {
      seen++
      if (e.type === 'MODIFIED') {
        if (seen < 6) await api.stop()
        else abort.abort()
      }
    }
    expect(slept).toEqual([500, 1000, 2000, 500, 1000])
  })

  it('a refusal (403) is thrown at once: no wait, no second list', async () => {
    const api = await apiServer(answerList(10, [pod('a', 10)]), (_n, res) => { res.writeHead(403, {'content-type': 'application/json'}); res.end(JSON.stringify(FORBIDDEN)) })
    const kube = await kubeAt(api.url, cleanups, {retries: 0})
    const {sleep, slept} = recordingSleep()
    const seen: string[] = []
    const failure = await (async () => {
      try {
        for await (const e of watchNodePods(kube, 'node-a', new AbortController().signal, {sleep})) seen.push(describeEvent(e))
      } catch (err) { return err }
      return undefined
    })()
    expect(failure).toBeInstanceOf(ClusterError)
    expect((failure as ClusterError).kind).toBe('forbidden')
    expect(seen).toEqual(['SYNC a'])
    expect(slept).toEqual([])
    expect(api.asked.map(a => a.watch)).toEqual([false, true])
  })

  it('ends quietly when the signal aborts during a wait', async () => {
    const api = await apiServer(res => { res.writeHead(503, {'content-type': 'application/json'}); res.end('{"kind":"Status","code":503,"message":"starting"}') }, () => undefined)
    const kube = await kubeAt(api.url, cleanups, {retries: 0})
    const abort = new AbortController()
    const waits: number[] = []
    const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((_r, reject) => {
      waits.push(ms)
      signal?.addEventListener('abort', () => reject(signal.reason), {once: true})
      abort.abort()
    })
    const seen: unknown[] = []
    for await (const e of watchNodePods(kube, 'node-a', abort.signal, {sleep})) seen.push(e)
    expect(seen).toEqual([])
    expect(waits).toEqual([500])
    expect(api.asked).toHaveLength(1)
  })
})

describe('isTransientFailure', () => {
  it('is true for what may pass by itself: a server that cannot be reached, a timeout, throttling, a 5xx other than 501', () => {
    const yes = [
      new ClusterError('unreachable', 'cannot reach the API server https://127.0.0.1:6443 (ECONNREFUSED)'),
      new ClusterError('timeout', 'list pods: no answer within 30s'),
      new ClusterError('too-many-requests', 'the API server kept answering 429', undefined, 429),
      new ClusterError('server', 'etcdserver: leader changed', undefined, 500),
      new ClusterError('server', 'service unavailable', undefined, 503),
      new ClusterError('server', 'gateway timeout', undefined, 504),
      new ClusterError('server', 'the connection was cut'),
    ]
    for (const e of yes) expect(isTransientFailure(e), e.message).toBe(true)
  })

  it('is false for refusals, a certificate that does not verify, 501, and anything that is not a ClusterError', () => {
    const no = [
      new ClusterError('unreachable', 'cannot verify the TLS certificate of https://127.0.0.1:6443 (self-signed certificate)'),
      new ClusterError('forbidden', 'forbidden', undefined, 403),
      new ClusterError('unauthorized', 'unauthorized', undefined, 401),
      new ClusterError('not-found', 'not found', undefined, 404),
      new ClusterError('conflict', 'conflict', undefined, 409),
      new ClusterError('credentials', 'the exec plugin failed'),
      new ClusterError('server', 'not implemented', undefined, 501),
      new ClusterError('server', 'unprocessable', undefined, 422),
      new InputError('bad flag'),
      new Error('ECONNREFUSED'),
      Object.assign(new Error('connect ECONNREFUSED'), {code: 'ECONNREFUSED'}),
      undefined,
    ]
    for (const e of no) expect(isTransientFailure(e), String((e as Error | undefined)?.message)).toBe(false)
  })
})
