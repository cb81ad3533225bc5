// The client against a real HTTP server on 127.0.0.1: headers, the non-retrying send(), the
// retry rules of request() for 429s, streams that outlive --request-timeout, and the bounds
// that keep a silent server from hanging a command.
import {EventEmitter} from 'node:events'
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import {createServer as createNetServer, type AddressInfo, type Socket} from 'node:net'
import {afterEach, describe, expect, it, vi} from 'vitest'
import {boundConnection, ClosedError, CONNECT_TIMEOUT_MS, describeAsk, formatMs, TLS_HANDSHAKE_TIMEOUT_MS, type ClientOptions, type Kube} from '../../../src/kube/client.ts'
import {ClusterError} from '../../../src/model/errors.ts'
import {PDB_REFUSAL, THROTTLED} from '../../fakes/statuses.ts'
import {kubeAt as connectTo} from '../../fakes/kube.ts'

interface Seen {method: string; url: string; headers: IncomingMessage['headers']; body: string; at: number}

/** The error a call fails with; a call that succeeds fails the test. */
const rejection = (p: Promise<unknown>): Promise<ClusterError> => p.then(() => { throw new Error('expected the call to fail') }, (e: ClusterError) => e)

const cleanups: (() => unknown)[] = []
afterEach(async () => { for (const c of cleanups.splice(0)) await c() })

/** A server on 127.0.0.1 that records every request; `handle` answers the nth (0-based). */
async function serve(handle: (req: IncomingMessage, res: ServerResponse, n: number, body: string) => void): Promise<{url: string; seen: Seen[]}> {
  const seen: Seen[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', c => { body += c })
    req.on('end', () => {
      seen.push({method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, at: Date.now()})
      handle(req, res, seen.length - 1, body)
    })
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  cleanups.push(() => new Promise(r => { server.closeAllConnections(); server.close(r) }))
  return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen}
}

const kubeAt = (url: string, opts: Partial<ClientOptions> = {}): Promise<Kube> => connectTo(url, cleanups, opts)

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, {'content-type': 'application/json', ...headers})
  res.end(JSON.stringify(body))
}


describe('headers', () => {
  it('sends application/json by default and the Accept asked for, with the credentials and impersonation on every kind of call', async () => {
    const {url, seen} = await serve((_req, res) => json(res, 200, {}))
    const kube = await kubeAt(url, {as: 'alice', asGroups: ['dev', 'ops']})
    await kube.get('/api/v1/pods')
    await kube.request('/api/v1/pods', {accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json'})
    await kube.send('/api/v1/pods', {accept: 'text/plain'})
    const s = await kube.stream('/api/v1/pods', {query: {watch: true}})
    for await (const _ of s.chunks) { /* drain */ }
    expect(seen.map(r => r.headers.accept)).toEqual(['application/json', 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json', 'text/plain', 'application/json'])
    for (const r of seen) {
      expect(r.headers.authorization).toBe('Bearer secret')
      expect(r.headers['impersonate-user']).toBe('alice')
      // Repeated header lines arrive joined by node:http.
      expect(r.headers['impersonate-group']).toBe('dev, ops')
    }
    expect(seen[3]!.url).toBe('/api/v1/pods?watch=true')
  })
})

describe('send', () => {
  it.each([
    [429, THROTTLED, {'retry-after': '1'}],
    [500, {kind: 'Status', code: 500, message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.'}, {}],
    [404, {kind: 'Status', code: 404, reason: 'NotFound', message: 'pods "x" not found'}, {}],
  ] as const)('returns a %i as it came, after one request', async (status, body, headers) => {
    const {url, seen} = await serve((_req, res) => json(res, status, body, headers))
    const kube = await kubeAt(url)
    const answer = await kube.send('/api/v1/namespaces/a/pods/x/eviction', {method: 'POST', body: {kind: 'Eviction'}})
    expect(answer.status).toBe(status)
    expect(answer.body).toEqual(body)
    if (status === 429) expect(answer.headers['retry-after']).toBe('1')
    expect(seen).toHaveLength(1)
    expect(seen[0]!.method).toBe('POST')
    expect(JSON.parse(seen[0]!.body)).toEqual({kind: 'Eviction'})
  })
  it('returns a 2xx body parsed, a text body as text and an empty body as undefined', async () => {
    const {url} = await serve((req, res) => {
      if (req.url === '/json') return json(res, 201, {kind: 'Eviction'})
      if (req.url === '/text') { res.writeHead(200); return res.end('ok') }
      res.writeHead(204); res.end()
    })
    const kube = await kubeAt(url)
    expect((await kube.send('/json')).body).toEqual({kind: 'Eviction'})
    expect((await kube.send('/text')).body).toBe('ok')
    expect(await kube.send('/empty')).toMatchObject({status: 204, body: undefined})
  })
  it('authenticates once more after a 401, then returns the 401', async () => {
    const {url, seen} = await serve((_req, res) => json(res, 401, {kind: 'Status', code: 401}))
    const kube = await kubeAt(url)
    expect((await kube.send('/api/v1/pods')).status).toBe(401)
    expect(seen).toHaveLength(2)
  })
  it('throws a ClusterError when nothing answers', async () => {
    const {url} = await serve((_req, res) => json(res, 200, {}))
    await Promise.all(cleanups.splice(0).map(c => c()))
    const kube = await kubeAt(url)
    const err = await rejection(kube.send('/api/v1/pods'))
    expect(err).toBeInstanceOf(ClusterError)
    expect(err.kind).toBe('unreachable')
    expect(err.message).toContain(url)
  })
})

describe('request and 429', () => {
  it('does not retry an eviction refused by a PodDisruptionBudget, and says so', async () => {
    const {url, seen} = await serve((_req, res) => json(res, 429, PDB_REFUSAL))
    const kube = await kubeAt(url)
    const err = await rejection(kube.request('/api/v1/namespaces/shop/pods/db-0/eviction', {method: 'POST', body: {}}))
    expect(seen).toHaveLength(1)
    expect(err).toBeInstanceOf(ClusterError)
    expect(err).toMatchObject({kind: 'too-many-requests', status: 429, body: PDB_REFUSAL})
    expect(err.message).not.toContain('kept answering')
    expect(err.message).toBe('create pods/eviction "db-0" in namespace "shop": Cannot evict pod as it would violate the pod\'s disruption budget. (The disruption budget db-pdb needs 3 healthy pods and has 3 currently)')
  })
  it('retries a throttling 429 after the Retry-After the server asked for', async () => {
    const {url, seen} = await serve((_req, res, n) => n === 0 ? json(res, 429, THROTTLED, {'retry-after': '1'}) : json(res, 200, {kind: 'Eviction'}))
    const kube = await kubeAt(url)
    expect(await kube.request('/api/v1/namespaces/shop/pods/db-0/eviction', {method: 'POST', body: {}})).toEqual({kind: 'Eviction'})
    expect(seen).toHaveLength(2)
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(950)
  })
  it('gives up on throttling after the retries, naming it', async () => {
    const {url, seen} = await serve((_req, res) => json(res, 429, THROTTLED))
    const kube = await kubeAt(url, {retries: 2})
    const err = await rejection(kube.get('/api/v1/nodes'))
    expect(seen).toHaveLength(3)
    expect(err.message).toMatch(/^the API server kept answering 429 Too Many Requests to list nodes/)
  })
})

describe('stream', () => {
  it('keeps a stream open past --request-timeout, which bounds only the wait for its headers', async () => {
    const {url} = await serve((_req, res) => {
      res.writeHead(200, {'content-type': 'application/json'})
      let n = 0
      const t = setInterval(() => { res.write(`${n}\n`); if (++n === 6) { clearInterval(t); res.end() } }, 100)
    })
    const kube = await kubeAt(url, {requestTimeoutMs: 250})
    const s = await kube.stream('/w')
    let text = ''
    for await (const c of s.chunks) text += c
    expect(text).toBe('0\n1\n2\n3\n4\n5\n')
  })
  it('times out when the headers are late', async () => {
    const {url} = await serve((_req, res) => { setTimeout(() => json(res, 200, {}), 600) })
    const kube = await kubeAt(url, {requestTimeoutMs: 150, retries: 0})
    const err = await rejection(kube.stream('/w'))
    expect(err).toBeInstanceOf(ClusterError)
    expect(err.kind).toBe('timeout')
  })
  it('throws a typed error for a non-2xx answer', async () => {
    const {url} = await serve((_req, res) => json(res, 410, {kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 1 (5)'}))
    const kube = await kubeAt(url)
    const err = await rejection(kube.stream('/api/v1/pods'))
    expect(err).toMatchObject({status: 410, kind: 'server'})
  })
  it('ends on abort, and logs with -v like other requests but not the abort', async () => {
    const {url} = await serve((_req, res) => { res.writeHead(200); res.write('{}\n') })
    const lines: string[] = []
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(s => { lines.push(String(s)); return true })
    cleanups.push(() => spy.mockRestore())
    const kube = await kubeAt(url, {verbose: 1})
    const abort = new AbortController()
    const s = await kube.stream('/api/v1/pods', {query: {watch: true}, signal: abort.signal})
    const read = (async () => { let t = ''; try { for await (const c of s.chunks) { t += c; abort.abort() } } catch (e) { return {t, e} } return {t} })()
    const {t, e} = await read
    expect(t).toBe('{}\n')
    // The body ends with node's "aborted" error; watch() tells it from a broken connection by the signal.
    expect(e).toBeInstanceOf(Error)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(new RegExp(`^GET ${url}/api/v1/pods\\?watch=true 200 OK \\(streaming\\) in \\d+ milliseconds\\n$`))
  })
})

/** A TCP server that accepts connections and never says a word; counts the connections. */
async function silentServer(): Promise<{port: number; connections: () => number}> {
  let n = 0
  const sockets = new Set<Socket>()
  const server = createNetServer(s => { n++; sockets.add(s); s.on('error', () => undefined) })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  cleanups.push(() => new Promise(r => { for (const s of sockets) s.destroy(); server.close(r) }))
  return {port: (server.address() as AddressInfo).port, connections: () => n}
}

/** Captures what the client logs with -v. */
function logLines(): {lines: string[]; log: (line: string) => void} {
  const lines: string[] = []
  return {lines, log: line => { lines.push(line) }}
}

describe('never hanging', () => {
  it('gives up on a TLS handshake that does not finish, once, naming the server and what was asked', async () => {
    const {port, connections} = await silentServer()
    const kube = await kubeAt(`https://127.0.0.1:${port}`, {tlsHandshakeTimeoutMs: 150, requestTimeoutMs: 5000})
    const started = Date.now()
    const err = await rejection(kube.get('/api/v1/nodes'))
    expect(Date.now() - started).toBeLessThan(1000)
    expect(err).toBeInstanceOf(ClusterError)
    expect(err.kind).toBe('timeout')
    expect(err.message).toBe(`the API server https://127.0.0.1:${port} accepted the connection but did not complete the TLS handshake within 150ms (asked to list nodes at the cluster scope)`)
    // Like kubectl: a server that does not finish a handshake is not asked again.
    expect(connections()).toBe(1)
  })

  it('ends a request the server accepted but never answers at the deadline, in one line', async () => {
    const {port, connections} = await silentServer()
    const kube = await kubeAt(`http://127.0.0.1:${port}`, {requestTimeoutMs: 200})
    const started = Date.now()
    const err = await rejection(kube.get('/api/v1/namespaces/shop/pods'))
    expect(Date.now() - started).toBeGreaterThanOrEqual(190)
    expect(Date.now() - started).toBeLessThan(1000)
    expect(err.kind).toBe('timeout')
    expect(err.message).toBe(`the API server http://127.0.0.1:${port} did not answer within 200ms (asked to list pods in namespace "shop")`)
    expect(err.hint).toMatch(/--request-timeout/)
    expect(connections()).toBe(1)
    // The same bound for send() and for GETs outside /api (said as method and path).
    const sent = await rejection(kube.send('/version'))
    expect(sent.message).toContain('(asked to GET /version)')
  })

  it('keeps one deadline for all the tries of a call', async () => {
    const {url, seen} = await serve((_req, res, n) => { if (n === 0) json(res, 500, {kind: 'Status', code: 500}) /* then silence */ })
    const kube = await kubeAt(url, {requestTimeoutMs: 450, retries: 10})
    const started = Date.now()
    const err = await rejection(kube.get('/api/v1/nodes'))
    const elapsed = Date.now() - started
    expect(seen).toHaveLength(2)
    // The second try had what was left of the 450 ms, not 450 ms more.
    expect(elapsed).toBeGreaterThanOrEqual(430)
    expect(elapsed).toBeLessThan(600)
    expect(err.message).toMatch(/did not answer within 450ms \(asked to list nodes at the cluster scope\)$/)
  })

  it('has no deadline with --request-timeout 0', async () => {
    const {url} = await serve((_req, res) => { setTimeout(() => json(res, 200, {ok: true}), 300) })
    const kube = await kubeAt(url, {requestTimeoutMs: 0})
    expect(await kube.get('/api/v1/nodes')).toEqual({ok: true})
  })
})

describe('bounding a new connection', () => {
  /** A socket as an agent hands it over: still connecting, or reused. */
  const fakeSocket = (connecting: boolean) => Object.assign(new EventEmitter(), {connecting}) as unknown as Socket
  afterEach(() => { vi.useRealTimers() })

  it('stops a connect that takes longer than the connect timeout (30 s by default, as client-go)', () => {
    vi.useFakeTimers()
    expect(CONNECT_TIMEOUT_MS).toBe(30_000)
    const stop = vi.fn()
    boundConnection(fakeSocket(true), false, CONNECT_TIMEOUT_MS, TLS_HANDSHAKE_TIMEOUT_MS, stop)
    vi.advanceTimersByTime(29_999)
    expect(stop).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(stop).toHaveBeenCalledOnce()
    expect(stop.mock.calls[0]![0]).toMatchObject({code: 'ERR_KUBE_CONNECT_TIMEOUT', afterMs: 30_000})
  })

  it('then gives the TLS handshake its own 10 s, and nothing once it is done', () => {
    vi.useFakeTimers()
    expect(TLS_HANDSHAKE_TIMEOUT_MS).toBe(10_000)
    const stop = vi.fn()
    const socket = fakeSocket(true)
    boundConnection(socket, true, CONNECT_TIMEOUT_MS, TLS_HANDSHAKE_TIMEOUT_MS, stop)
    vi.advanceTimersByTime(20_000)
    socket.emit('connect')
    vi.advanceTimersByTime(9_999)
    expect(stop).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(stop.mock.calls[0]![0]).toMatchObject({code: 'ERR_KUBE_TLS_HANDSHAKE_TIMEOUT', afterMs: 10_000})

    const done = vi.fn()
    const quick = fakeSocket(true)
    boundConnection(quick, true, CONNECT_TIMEOUT_MS, TLS_HANDSHAKE_TIMEOUT_MS, done)
    quick.emit('connect')
    quick.emit('secureConnect')
    vi.advanceTimersByTime(60_000)
    expect(done).not.toHaveBeenCalled()
  })

  it('leaves a reused keep-alive socket alone, and forgets a socket that closed', () => {
    vi.useFakeTimers()
    const stop = vi.fn()
    boundConnection(fakeSocket(false), true, 100, 100, stop)
    const closing = fakeSocket(true)
    boundConnection(closing, true, 100, 100, stop)
    closing.emit('close')
    vi.advanceTimersByTime(1000)
    expect(stop).not.toHaveBeenCalled()
  })
})

describe('-v and calls the command itself ended', () => {
  it('does not log the loser of a race, ended by close(), as a failure', async () => {
    const {url} = await serve((req, res) => { if (req.url?.startsWith('/api/v1/pods')) json(res, 404, {kind: 'Status', code: 404}) /* nodes: silence */ })
    const {lines, log} = logLines()
    const kube = await kubeAt(url, {verbose: 1, log})
    const both = Promise.all([kube.get('/api/v1/nodes'), kube.get('/api/v1/pods')])
    const err = await rejection(both)
    expect(err.status).toBe(404)
    kube.close()
    await new Promise(r => setTimeout(r, 50))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/pods 404 Not Found in \d+ milliseconds\n$/)
  })

  it('does not log calls ended by Ctrl-C (the client\'s signal)', async () => {
    const {url} = await serve(() => { /* silence */ })
    const {lines, log} = logLines()
    const abort = new AbortController()
    const kube = await kubeAt(url, {verbose: 1, log, signal: abort.signal})
    const call = kube.get('/api/v1/nodes')
    setTimeout(() => abort.abort(new Error('interrupted')), 50)
    await expect(call).rejects.toThrow('interrupted')
    expect(lines).toEqual([])
  })

  it('stops retrying once closed', async () => {
    const {url, seen} = await serve((_req, res) => json(res, 500, {kind: 'Status', code: 500}))
    const {lines, log} = logLines()
    const kube = await kubeAt(url, {verbose: 1, log, retries: 10})
    const call = kube.get('/api/v1/nodes')
    await new Promise(r => setTimeout(r, 100))
    kube.close()
    await expect(call).rejects.toBeInstanceOf(ClosedError)
    const tries = seen.length
    await new Promise(r => setTimeout(r, 700))
    expect(seen.length).toBe(tries)
    expect(lines.every(l => / 500 Internal Server Error in /.test(l))).toBe(true)
  })
})

describe('onAsk', () => {
  it('says what each call asks, and ends it when the answer (or a stream\'s headers) has come or the call failed', async () => {
    const {url} = await serve((req, res) => {
      if (req.url?.startsWith('/w')) { res.writeHead(200); res.write('{}\n'); return }
      if (req.url?.startsWith('/api/v1/nodes/x')) return json(res, 404, {kind: 'Status', code: 404})
      json(res, 200, {})
    })
    const events: string[] = []
    const kube = await kubeAt(url, {onAsk: ask => { events.push(`start ${ask.what}`); return () => events.push(`end ${ask.what}`) }})
    await kube.get('/api/v1/namespaces/a/pods')
    await rejection(kube.get('/api/v1/nodes/x'))
    await kube.send('/version')
    const s = await kube.stream('/w')
    events.push('headers')
    s.close()
    expect(events).toEqual([
      'start list pods in namespace "a"', 'end list pods in namespace "a"',
      'start get nodes "x"', 'end get nodes "x"',
      'start GET /version', 'end GET /version',
      'start GET /w', 'end GET /w', 'headers',
    ])
  })
})

describe('describeAsk and formatMs', () => {
  it('names API calls in words and anything else by method and path', () => {
    expect(describeAsk('GET', '/api/v1/pods?limit=500')).toBe('list pods at the cluster scope')
    expect(describeAsk('GET', '/apis/apps/v1/namespaces/web/deployments/api')).toBe('get deployments.apps "api" in namespace "web"')
    expect(describeAsk('GET', '/version')).toBe('GET /version')
  })
  it('writes durations as people read them', () => {
    expect(formatMs(60_000)).toBe('60s')
    expect(formatMs(1500)).toBe('1.5s')
    expect(formatMs(250)).toBe('250ms')
  })
})
