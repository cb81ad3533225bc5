// The one seam to the API server. Credentials come from @kubernetes/client-node's
// authenticators (tokens, client certificates, exec plugins such as `aws eks get-token` and
// gke-gcloud-auth-plugin, OIDC; see auth.ts); requests are plain JSON over one keep-alive
// agent, so objects stay exactly as the server wrote them (times as strings, as in a dump)
// and large lists stay cheap.
import {Agent, request as httpsRequest} from 'node:https'
import {Agent as HttpAgent, request as httpRequest} from 'node:http'
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
  /** Do not retry (for non-idempotent calls whose failure must be seen as-is). */
  noRetry?: boolean
}

export interface Kube {
  readonly server: string
  readonly context: string
  readonly namespace: string
  request<T>(path: string, init?: RequestInit): Promise<T>
  get<T>(path: string, query?: RequestInit['query']): Promise<T>
  close(): void
}

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((res, rej) => {
  const t = setTimeout(res, ms)
  signal?.addEventListener('abort', () => { clearTimeout(t); rej(signal.reason) }, {once: true})
})

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

  let authenticated: Promise<void> | undefined
  const once = async (method: string, path: string, init: RequestInit): Promise<{status: number; body: string; headers: Record<string, unknown>}> => {
    authenticated ??= authenticate()
    await authenticated
    const target = new URL(path, url)
    for (const [k, v] of Object.entries(init.query ?? {})) if (v !== undefined && v !== '') target.searchParams.set(k, String(v))
    const payload = init.body === undefined ? undefined : JSON.stringify(init.body)
    const started = Date.now()
    return new Promise((resolve, reject) => {
      const req = (isHttps ? httpsRequest : httpRequest)(target, {
        method, agent, auth: base.auth,
        headers: {
          ...base.headers, ...extraHeaders, accept: 'application/json', 'user-agent': 'kubectl-prod',
          ...(payload !== undefined ? {'content-type': init.contentType ?? 'application/json', 'content-length': Buffer.byteLength(payload)} : {}),
        },
        // One bound for the whole request (connect, TLS, headers, body), as --request-timeout means.
        signal: opts.requestTimeoutMs > 0 ? AbortSignal.any([AbortSignal.timeout(opts.requestTimeoutMs), ...(opts.signal ? [opts.signal] : [])]) : opts.signal,
      }, res => {
        // Decoded as it arrives: no off-heap copy of a whole page is ever made.
        res.setEncoding('utf8')
        let body = ''
        res.on('data', (c: string) => { body += c })
        res.on('end', () => {
          if (opts.verbose > 0) process.stderr.write(`${method} ${target.href} ${res.statusCode} ${res.statusMessage ?? ''} in ${Date.now() - started} milliseconds\n`)
          resolve({status: res.statusCode ?? 0, body, headers: res.headers})
        })
        res.on('error', reject)
      })
      req.on('error', err => {
        const timedOut = (err as Error).name === 'AbortError' && !opts.signal?.aborted
        const e = timedOut ? Object.assign(new Error(`no answer within ${opts.requestTimeoutMs}ms`), {code: 'ETIMEDOUT'}) : err
        if (opts.verbose > 0) process.stderr.write(`${method} ${target.href} failed in ${Date.now() - started} milliseconds: ${e.message}\n`)
        reject(e)
      })
      req.end(payload)
    })
  }

  const request = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const method = init.method ?? 'GET'
    const attempts = init.noRetry ? 1 : 1 + (opts.retries ?? 4)
    const deadline = opts.requestTimeoutMs > 0 ? Date.now() + opts.requestTimeoutMs : Infinity
    let reauthenticated = false
    for (let attempt = 1; ; attempt++) {
      let failure: HttpFailure
      try {
        const res = await once(method, path, init)
        if (res.status >= 200 && res.status < 300) return (res.body ? JSON.parse(res.body) : undefined) as T
        if (res.status === 401 && !reauthenticated) { reauthenticated = true; authenticated = authenticate(); continue }
        failure = {status: res.status, body: safeJson(res.body), retryAfter: Number(res.headers['retry-after']) || undefined}
      } catch (err) {
        if (opts.signal?.aborted) throw opts.signal.reason
        if (err instanceof ClusterError || err instanceof InputError) throw err
        failure = {error: err as NodeJS.ErrnoException}
      }
      const wait = failure.retryAfter ? failure.retryAfter * 1000 : Math.min(200 * 2 ** (attempt - 1), 3000)
      // A refused connection is tried once more (an API server restarting), not four times.
      const refused = failure.error?.code === 'ECONNREFUSED'
      if (attempt >= (refused ? Math.min(2, attempts) : attempts) || !isRetryable(failure, method) || Date.now() + wait > deadline) {
        throw toClusterError(failure, {method, path, server: config.server})
      }
      await sleep(wait, opts.signal)
    }
  }

  return {
    server: config.server, context: config.context, namespace: config.namespace,
    request,
    get: (path, query) => request(path, {query}),
    close: () => { agent?.destroy() },
  }
}

function safeJson(s: string): unknown {
  try { return JSON.parse(s) } catch { return s }
}
