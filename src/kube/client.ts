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
import {Agent, request as httpsRequest} from 'node:https'
import {Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage} from 'node:http'
import {ClusterError, InputError} from '../model/errors.js'
import type {ResolvedConfig} from './kubeconfig.js'
import {toClusterError, isRetryable, type HttpFailure} from './http-errors.js'
import {resolveCredentials} from './auth.js'

export interface ClientOptions {
  /** Per-request timeout in ms; 0 means none (kubectl's --request-timeout=0). */
  requestTimeoutMs: number
  as?: string
  asGroups?: string[]
  asUid?: string
  /** Logs each request to stderr (-v). */
  verbose: number
  signal?: AbortSignal
  /** Retries of transient failures (429, 5xx, resets, timeouts). */
  retries?: number
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
  close(): void
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
      ? new Agent({keepAlive: true, maxSockets: 8, ...c.tls})
      : new HttpAgent({keepAlive: true, maxSockets: 8}))
    base = {headers: c.headers, auth: c.auth}
  }

  const extraHeaders: Record<string, string | string[]> = {}
  if (opts.as) extraHeaders['Impersonate-User'] = opts.as
  // node:http sends an array as repeated header lines, so several groups work (fetch would join them).
  if (opts.asGroups?.length) extraHeaders['Impersonate-Group'] = opts.asGroups
  if (opts.asUid) extraHeaders['Impersonate-Uid'] = opts.asUid

  /** The caller's cancellation: the client's signal and this request's. */
  const callerSignal = (init: RequestInit): AbortSignal | undefined =>
    opts.signal && init.signal ? AbortSignal.any([opts.signal, init.signal]) : opts.signal ?? init.signal

  let authenticated: Promise<void> | undefined
  const exchange = async (method: string, path: string, init: RequestInit, streaming: boolean): Promise<Answer> => {
    authenticated ??= authenticate()
    await authenticated
    const target = new URL(path, url)
    for (const [k, v] of Object.entries(init.query ?? {})) if (v !== undefined && v !== '') target.searchParams.set(k, String(v))
    const payload = init.body === undefined ? undefined : JSON.stringify(init.body)
    const started = Date.now()
    const caller = callerSignal(init)
    // One bound for the whole request (connect, TLS, headers, body), as --request-timeout means;
    // a stream is bounded only until its headers arrive (a watch has its own timeoutSeconds).
    const timeout = opts.requestTimeoutMs > 0 ? new AbortController() : undefined
    const signal = timeout && caller ? AbortSignal.any([caller, timeout.signal]) : timeout?.signal ?? caller
    const timer = timeout && setTimeout(() => timeout.abort(), opts.requestTimeoutMs)
    const log = (line: string) => { if (opts.verbose > 0) process.stderr.write(`${method} ${target.href} ${line} in ${Date.now() - started} milliseconds\n`) }
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        clearTimeout(timer)
        // Cancelled by the caller: no output, the caller knows.
        if (caller?.aborted) return reject(err)
        const timedOut = err.name === 'AbortError' && timeout?.signal.aborted === true
        const e = timedOut ? Object.assign(new Error(`no answer within ${opts.requestTimeoutMs}ms`), {code: 'ETIMEDOUT'}) : err
        log(`failed: ${e.message}`)
        reject(e)
      }
      const req = (isHttps ? httpsRequest : httpRequest)(target, {
        method, agent, auth: base.auth, signal,
        headers: {
          ...base.headers, ...extraHeaders, accept: init.accept ?? 'application/json', 'user-agent': 'kubectl-prod',
          ...(payload !== undefined ? {'content-type': init.contentType ?? 'application/json', 'content-length': Buffer.byteLength(payload)} : {}),
        },
      }, res => {
        const status = res.statusCode ?? 0
        if (streaming && status >= 200 && status < 300) {
          clearTimeout(timer)
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
          clearTimeout(timer)
          log(`${status} ${res.statusMessage ?? ''}`)
          resolve({status, text, headers: res.headers})
        })
        res.on('error', fail)
      })
      req.on('error', fail)
      req.end(payload)
    })
  }

  const failureOf = (a: Answer): HttpFailure =>
    ({status: a.status, body: 'text' in a ? safeJson(a.text) : undefined, retryAfter: Number(a.headers['retry-after']) || undefined})

  // The retry loop shared by request() and stream(): `take` receives each 2xx answer.
  const withRetries = async <R>(path: string, init: RequestInit, streaming: boolean, take: (a: Answer) => R): Promise<R> => {
    const method = init.method ?? 'GET'
    const attempts = init.noRetry ? 1 : 1 + (opts.retries ?? 4)
    const deadline = opts.requestTimeoutMs > 0 ? Date.now() + opts.requestTimeoutMs : Infinity
    const caller = callerSignal(init)
    let reauthenticated = false
    for (let attempt = 1; ; attempt++) {
      let failure: HttpFailure
      try {
        const a = await exchange(method, path, init, streaming)
        if (a.status >= 200 && a.status < 300) return take(a)
        if (a.status === 401 && !reauthenticated) { reauthenticated = true; authenticated = authenticate(); continue }
        failure = failureOf(a)
      } catch (err) {
        if (caller?.aborted) throw caller.reason
        if (err instanceof ClusterError || err instanceof InputError) throw err
        failure = {error: err as NodeJS.ErrnoException}
      }
      const wait = failure.retryAfter ? failure.retryAfter * 1000 : Math.min(200 * 2 ** (attempt - 1), 3000)
      // A refused connection is tried once more (an API server restarting), not four times.
      const refused = failure.error?.code === 'ECONNREFUSED'
      if (attempt >= (refused ? Math.min(2, attempts) : attempts) || !isRetryable(failure, method) || Date.now() + wait > deadline) {
        throw toClusterError(failure, {method, path, server: config.server})
      }
      await sleep(wait, caller)
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
    for (let reauthenticated = false; ;) {
      let a: Answer
      try {
        a = await exchange(method, path, init, false)
      } catch (err) {
        if (caller?.aborted) throw caller.reason
        if (err instanceof ClusterError || err instanceof InputError) throw err
        throw toClusterError({error: err as NodeJS.ErrnoException}, {method, path, server: config.server})
      }
      if (a.status === 401 && !reauthenticated) { reauthenticated = true; authenticated = authenticate(); continue }
      const text = 'text' in a ? a.text : ''
      return {status: a.status, headers: a.headers, body: text === '' ? undefined : safeJson(text)}
    }
  }

  return {
    server: config.server, context: config.context, namespace: config.namespace,
    request, send, stream,
    get: (path, query) => request(path, {query}),
    close: () => { agent?.destroy() },
  }
}

function safeJson(s: string): unknown {
  try { return JSON.parse(s) } catch { return s }
}
