// The one seam to the API server. Credentials come from @kubernetes/client-node's
// authenticators (tokens, client certificates, exec plugins such as `aws eks get-token` and
// gke-gcloud-auth-plugin, OIDC; see auth.ts); requests are plain JSON over one keep-alive
// agent, so objects stay exactly as the server wrote them (times as strings, as in a dump)
// and large lists stay cheap.
//
// Three ways to ask, over the same agent, credentials, impersonation and -v logging:
// request() retries what is transient and throws typed errors; send() returns every answer
// as-is for callers that read the status themselves (evictions); stream() hands over a 2xx
// body as it arrives (watches).
//
// Nothing waits forever: a new connection has 30 s to open and 10 s for its TLS handshake, as
// kubectl's (client-go's transport: net.Dialer{Timeout: 30s}, TLSHandshakeTimeout: 10s), and
// each call has --request-timeout for all its tries together. A stream's deadline ends with its
// headers; after that the watch bounds itself (timeoutSeconds).
import type {Agent} from 'node:https'
import type {Agent as HttpAgent, IncomingHttpHeaders, IncomingMessage} from 'node:http'
import type {Socket} from 'node:net'
import {ClusterError, InputError} from '../model/errors.js'
import type {ResolvedConfig} from './kubeconfig.js'
import {toClusterError, isRetryable, describeRequest, type HttpFailure} from './http-errors.js'
import {resolveCredentials} from './auth.js'

// Taken as CommonJS modules: importing node:http as ES module builds its facade, which reads
// every export, and one of them loads Node's whole fetch implementation (about 30 ms at start).
const https = process.getBuiltinModule('node:https')
const http = process.getBuiltinModule('node:http')

/** client-go's dialer timeout. */
export const CONNECT_TIMEOUT_MS = 30_000
/** client-go's TLSHandshakeTimeout. */
export const TLS_HANDSHAKE_TIMEOUT_MS = 10_000

/** One call in flight, for the waiting notice: what was asked. */
export interface Ask {
  method: string
  path: string
  /** In words: `list pods in namespace "web"`, `GET /version`. */
  what: string
}

export interface ClientOptions {
  /** The deadline of one call (all its tries), in ms; 0 means none (kubectl's --request-timeout=0). */
  requestTimeoutMs: number
  /** How long a new connection may take to open (default CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number
  /** How long a new connection's TLS handshake may take (default TLS_HANDSHAKE_TIMEOUT_MS). */
  tlsHandshakeTimeoutMs?: number
  as?: string
  asGroups?: string[]
  asUid?: string
  /** Logs each request to stderr (-v). */
  verbose: number
  signal?: AbortSignal
  /** Retries of transient failures (429, 5xx, resets, timeouts). */
  retries?: number
  /** Where -v lines go (default: stderr). */
  log?: (line: string) => void
  /** Told when a call starts; the function it returns is called when the call has its answer (a stream: its headers) or fails. */
  onAsk?: (ask: Ask) => () => void
}

export interface RequestInit {
  method?: string
  query?: Record<string, string | number | boolean | undefined>
  body?: unknown
  contentType?: string
  /** The Accept header (default application/json), e.g. to ask for PartialObjectMetadataList. */
  accept?: string
  /** Do not retry (for non-idempotent calls whose failure must be seen as-is). */
  noRetry?: boolean
  /** Cancels this request only (the client's own signal cancels every request). */
  signal?: AbortSignal
}

/** An answer as the server gave it: the body is parsed JSON, or the text when it is not JSON, or undefined when empty. */
export interface KubeResponse {
  status: number
  headers: IncomingHttpHeaders
  body: unknown
}

/** A 2xx answer whose body is read as it arrives. */
export interface KubeStream {
  status: number
  headers: IncomingHttpHeaders
  /** The body as UTF-8 text, chunk by chunk; ends when the server closes it. */
  chunks: AsyncIterable<string>
  /** Closes the connection (safe to call more than once). */
  close(): void
}

export interface Kube {
  readonly server: string
  readonly context: string
  readonly namespace: string
  request<T>(path: string, init?: RequestInit): Promise<T>
  get<T>(path: string, query?: RequestInit['query']): Promise<T>
  /** One request, every HTTP status returned as-is: no retry, no throw on non-2xx (one re-authentication after a 401). Connection failures throw a ClusterError. */
  send(path: string, init?: RequestInit): Promise<KubeResponse>
  /** Opens a long response (a watch). Opening is retried like request(); --request-timeout bounds only the wait for the headers. */
  stream(path: string, init?: RequestInit): Promise<KubeStream>
  /** Closes every connection; calls still in flight end quietly (not logged as failures). */
  close(): void
}

/** Codes of the failures this client makes itself. None is retried: a server that is silent this long is not coming back within the deadline. */
const CONNECT_TIMEOUT = 'ERR_KUBE_CONNECT_TIMEOUT'
const TLS_TIMEOUT = 'ERR_KUBE_TLS_HANDSHAKE_TIMEOUT'
const DEADLINE = 'ERR_KUBE_DEADLINE'

/** `list pods in namespace "web"` for API paths, else the method and the path (`GET /version`). */
export function describeAsk(method: string, path: string): string {
  const clean = path.split('?')[0]!
  if (!/^\/apis?\//.test(clean)) return `${method} ${clean}`
  const {verb, resource} = describeRequest(method, path)
  return `${verb} ${resource}`
}

/** 60000 -> "60s", 1500 -> "1.5s", 250 -> "250ms". */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${Number((ms / 1000).toFixed(1))}s`
}

/** The one line for a server that stayed silent: which server, how long, and what was asked. */
function silenceError(err: NodeJS.ErrnoException & {afterMs?: number}, server: string, method: string, path: string): ClusterError | undefined {
  const asked = `asked to ${describeAsk(method, path)}`
  const after = formatMs(err.afterMs ?? 0)
  switch (err.code) {
    case CONNECT_TIMEOUT:
      return new ClusterError('timeout', `cannot connect to the API server ${server} within ${after} (${asked})`, 'check that the cluster is up and reachable from here (VPN, firewall, proxy)')
    case TLS_TIMEOUT:
      return new ClusterError('timeout', `the API server ${server} accepted the connection but did not complete the TLS handshake within ${after} (${asked})`, 'check that the address in your kubeconfig is the API server\'s')
    case DEADLINE:
      return new ClusterError('timeout', `the API server ${server} did not answer within ${after} (${asked})`, 'check that the cluster is reachable, or raise --request-timeout (0 waits forever)')
    default:
      return undefined
  }
}

const timeoutError = (code: string, message: string, afterMs: number) => Object.assign(new Error(message), {code, afterMs})

/**
 * Bounds a new connection's TCP connect and TLS handshake (a reused keep-alive socket has done
 * both). Sockets an agent from the credentials hands over already connected are left alone.
 */
export function boundConnection(socket: Socket, tls: boolean, connectMs: number, handshakeMs: number, stop: (err: Error) => void): void {
  if (!socket.connecting) return
  let timer: NodeJS.Timeout | undefined = setTimeout(() => stop(timeoutError(CONNECT_TIMEOUT, `no connection within ${formatMs(connectMs)}`, connectMs)), connectMs)
  const done = () => { clearTimeout(timer); timer = undefined }
  socket.once('connect', () => {
    done()
    if (tls) {
      timer = setTimeout(() => stop(timeoutError(TLS_TIMEOUT, `no TLS handshake within ${formatMs(handshakeMs)}`, handshakeMs)), handshakeMs)
      socket.once('secureConnect', done)
    }
  })
  socket.once('close', done)
}

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((res, rej) => {
  const t = setTimeout(res, ms)
  signal?.addEventListener('abort', () => { clearTimeout(t); rej(signal.reason) }, {once: true})
})

/** What one exchange gave: the whole body, or (streaming, 2xx only) the unread response. */
type Whole = {status: number; headers: IncomingHttpHeaders; text: string}
type Open = {status: number; headers: IncomingHttpHeaders; res: IncomingMessage; close: () => void}
type Answer = Whole | Open

export async function connect(config: ResolvedConfig, opts: ClientOptions): Promise<Kube> {
  const url = new URL(config.server)
  const isHttps = url.protocol === 'https:'
  let base: {headers: Record<string, string>; auth?: string} = {headers: {}}
  let agent: Agent | HttpAgent | undefined

  // Credentials are resolved once (an exec plugin runs once, not once per parallel request)
  // and again after a 401, when a short-lived token may have expired.
  const authenticate = async (): Promise<void> => {
    const c = await resolveCredentials(config)
    agent ??= c.agent ?? (isHttps
      ? new https.Agent({keepAlive: true, maxSockets: 8, ...c.tls})
      : new http.Agent({keepAlive: true, maxSockets: 8}))
    base = {headers: c.headers, auth: c.auth}
  }

  const extraHeaders: Record<string, string | string[]> = {}
  if (opts.as) extraHeaders['Impersonate-User'] = opts.as
  // node:http sends an array as repeated header lines, so several groups work (fetch would join them).
  if (opts.asGroups?.length) extraHeaders['Impersonate-Group'] = opts.asGroups
  if (opts.asUid) extraHeaders['Impersonate-Uid'] = opts.asUid

  // close() aborts this: calls still in flight (the loser of a race, the rest of a Promise.all
  // that already failed) end quietly instead of being retried or logged as failures.
  const closed = new AbortController()

  /** The caller's cancellation: the client's signal, this request's, and close(). */
  const callerSignal = (init: RequestInit): AbortSignal =>
    AbortSignal.any([closed.signal, ...(opts.signal ? [opts.signal] : []), ...(init.signal ? [init.signal] : [])])

  const connectMs = opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS
  const handshakeMs = opts.tlsHandshakeTimeoutMs ?? TLS_HANDSHAKE_TIMEOUT_MS
  const writeLog = opts.log ?? ((line: string) => { process.stderr.write(line) })
  const deadlineOf = () => opts.requestTimeoutMs > 0 ? Date.now() + opts.requestTimeoutMs : Infinity

  let authenticated: Promise<void> | undefined
  /** One try. `deadline` (epoch ms) bounds the whole exchange (connect, TLS, headers, body), or a stream's headers only. */
  const exchange = async (method: string, path: string, init: RequestInit, streaming: boolean, deadline: number): Promise<Answer> => {
    authenticated ??= authenticate()
    await authenticated
    const target = new URL(path, url)
    for (const [k, v] of Object.entries(init.query ?? {})) if (v !== undefined && v !== '') target.searchParams.set(k, String(v))
    const payload = init.body === undefined ? undefined : JSON.stringify(init.body)
    const started = Date.now()
    const caller = callerSignal(init)
    const log = (line: string) => { if (opts.verbose > 0) writeLog(`${method} ${target.href} ${line} in ${Date.now() - started} milliseconds\n`) }
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined
      let settled = false
      // The client's own reason to end this exchange (deadline, connect or TLS timeout): it wins
      // over the "aborted" or "socket hang up" that destroying the request also causes.
      let forced: Error | undefined
      const stop = (err: Error) => { forced ??= err; req.destroy(err) }
      const settle = () => { settled = true; clearTimeout(timer) }
      const fail = (err: Error) => {
        if (settled) return
        settle()
        const e = forced ?? err
        // Cancelled by the caller or by close(): no output, the caller knows.
        if (caller.aborted) return reject(e)
        log(`failed: ${e.message}`)
        reject(e)
      }
      const req = (isHttps ? https.request : http.request)(target, {
        method, agent, auth: base.auth, signal: caller,
        headers: {
          ...base.headers, ...extraHeaders, accept: init.accept ?? 'application/json', 'user-agent': 'kubectl-prod',
          ...(payload !== undefined ? {'content-type': init.contentType ?? 'application/json', 'content-length': Buffer.byteLength(payload)} : {}),
        },
      }, res => {
        const status = res.statusCode ?? 0
        if (streaming && status >= 200 && status < 300) {
          settle()
          log(`${status} ${res.statusMessage ?? ''} (streaming)`)
          res.setEncoding('utf8')
          // Errors after this point reach the reader of the body; these keep them from going unhandled.
          req.on('error', () => undefined)
          res.on('error', () => undefined)
          resolve({status, headers: res.headers, res, close: () => { req.destroy() }})
          return
        }
        // Decoded as it arrives: no off-heap copy of a whole page is ever made.
        res.setEncoding('utf8')
        let text = ''
        res.on('data', (c: string) => { text += c })
        res.on('end', () => {
          if (settled) return
          settle()
          log(`${status} ${res.statusMessage ?? ''}`)
          resolve({status, text, headers: res.headers})
        })
        res.on('error', fail)
      })
      if (deadline !== Infinity) {
        const total = opts.requestTimeoutMs
        timer = setTimeout(() => stop(timeoutError(DEADLINE, `no answer within ${formatMs(total)}`, total)), Math.max(0, deadline - Date.now()))
      }
      req.on('socket', socket => boundConnection(socket, isHttps, connectMs, handshakeMs, stop))
      req.on('error', fail)
      req.end(payload)
    })
  }

  /** Tells the observer (the waiting notice) a call started; returns the call to make when it ends. */
  const ask = (method: string, path: string): () => void =>
    opts.onAsk?.({method, path, what: describeAsk(method, path)}) ?? (() => undefined)

  /** The typed error for a failure: the server's silence in one line, or what http-errors makes of it. */
  const errorOf = (failure: HttpFailure, method: string, path: string): ClusterError =>
    (failure.error && silenceError(failure.error, config.server, method, path)) || toClusterError(failure, {method, path, server: config.server})

  const failureOf = (a: Answer): HttpFailure =>
    ({status: a.status, body: 'text' in a ? safeJson(a.text) : undefined, retryAfter: Number(a.headers['retry-after']) || undefined})

  // The retry loop shared by request() and stream(): `take` receives each 2xx answer.
  const withRetries = async <R>(path: string, init: RequestInit, streaming: boolean, take: (a: Answer) => R): Promise<R> => {
    const method = init.method ?? 'GET'
    const attempts = init.noRetry ? 1 : 1 + (opts.retries ?? 4)
    const deadline = deadlineOf()
    const caller = callerSignal(init)
    const end = ask(method, path)
    try {
      let reauthenticated = false
      for (let attempt = 1; ; attempt++) {
        let failure: HttpFailure
        try {
          const a = await exchange(method, path, init, streaming, deadline)
          if (a.status >= 200 && a.status < 300) return take(a)
          if (a.status === 401 && !reauthenticated) { reauthenticated = true; authenticated = authenticate(); continue }
          failure = failureOf(a)
        } catch (err) {
          if (caller.aborted) throw caller.reason
          if (err instanceof ClusterError || err instanceof InputError) throw err
          failure = {error: err as NodeJS.ErrnoException}
        }
        const wait = failure.retryAfter ? failure.retryAfter * 1000 : Math.min(200 * 2 ** (attempt - 1), 3000)
        // A refused connection is tried once more (an API server restarting), not four times.
        const refused = failure.error?.code === 'ECONNREFUSED'
        if (attempt >= (refused ? Math.min(2, attempts) : attempts) || !isRetryable(failure, method) || Date.now() + wait > deadline) {
          throw errorOf(failure, method, path)
        }
        await sleep(wait, caller)
      }
    } finally {
      end()
    }
  }

  const request = <T>(path: string, init: RequestInit = {}): Promise<T> =>
    withRetries(path, init, false, a => ('text' in a && a.text ? JSON.parse(a.text) : undefined) as T)

  const stream = (path: string, init: RequestInit = {}): Promise<KubeStream> =>
    withRetries(path, init, true, a => {
      if (!('res' in a)) throw new Error('a 2xx answer to a stream was read whole') // never: exchange streams every 2xx
      return {status: a.status, headers: a.headers, chunks: a.res as AsyncIterable<string>, close: a.close}
    })

  const send = async (path: string, init: RequestInit = {}): Promise<KubeResponse> => {
    const method = init.method ?? 'GET'
    const caller = callerSignal(init)
    const deadline = deadlineOf()
    const end = ask(method, path)
    try {
      for (let reauthenticated = false; ;) {
        let a: Answer
        try {
          a = await exchange(method, path, init, false, deadline)
        } catch (err) {
          if (caller.aborted) throw caller.reason
          if (err instanceof ClusterError || err instanceof InputError) throw err
          throw errorOf({error: err as NodeJS.ErrnoException}, method, path)
        }
        if (a.status === 401 && !reauthenticated) { reauthenticated = true; authenticated = authenticate(); continue }
        const text = 'text' in a ? a.text : ''
        return {status: a.status, headers: a.headers, body: text === '' ? undefined : safeJson(text)}
      }
    } finally {
      end()
    }
  }

  return {
    server: config.server, context: config.context, namespace: config.namespace,
    request, send, stream,
    get: (path, query) => request(path, {query}),
    close: () => {
      closed.abort(new ClosedError())
      agent?.destroy()
    },
  }
}

/** The reason calls still in flight end with after close(); nobody is waiting for them any more. */
export class ClosedError extends Error {
  override name = 'ClosedError'
  constructor() {
    super('the connection to the API server was closed')
  }
}

function safeJson(s: string): unknown {
  try { return JSON.parse(s) } catch { return s }
}
