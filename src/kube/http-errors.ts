// Turns HTTP and socket failures into the typed errors users see: one line that names
// the server, the verb and the resource, and what to do.
import {ClusterError} from '../model/errors.js'

export interface HttpFailure {
  status?: number
  body?: unknown
  retryAfter?: number
  error?: NodeJS.ErrnoException
}

/** A metav1.Status, the body of every API error (apimachinery pkg/apis/meta/v1/types.go). */
export interface Status {
  kind?: 'Status'
  apiVersion?: string
  status?: 'Failure' | 'Success' | string
  message?: string
  reason?: string
  code?: number
  details?: {
    name?: string
    group?: string
    kind?: string
    uid?: string
    /** Go's StatusCause.Type is written as "reason". */
    causes?: {reason?: string; message?: string; field?: string}[]
    retryAfterSeconds?: number
  }
}

/**
 * The cause an Eviction refused by a PodDisruptionBudget carries ("The disruption budget web
 * needs 3 healthy pods and has 3 currently"), or undefined. The server sends it with a 429
 * (kubernetes pkg/registry/core/pod/storage/eviction.go, policyv1.DisruptionBudgetCause), and
 * clients tell it from throttling the way apimachinery's errors.HasStatusCause does.
 */
export function disruptionBudgetCause(body: unknown): {message: string} | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const causes = (body as Status).details?.causes
  if (!Array.isArray(causes)) return undefined
  const cause = causes.find(c => c?.reason === 'DisruptionBudget')
  return cause ? {message: cause.message ?? ''} : undefined
}

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNREFUSED', 'EAI_AGAIN', 'UND_ERR_SOCKET'])

/**
 * 429 (API priority and fairness), 5xx and broken connections are retried; for writes only 429
 * and refused connections. A 429 from a PodDisruptionBudget is an answer, not throttling: asking
 * again at once cannot change it, so it is never retried here.
 */
export function isRetryable(f: HttpFailure, method: string): boolean {
  if (f.status === 429) return !disruptionBudgetCause(f.body)
  const idempotent = method === 'GET' || method === 'HEAD'
  if (f.status !== undefined) return idempotent && f.status >= 500 && f.status !== 501
  const code = f.error?.code ?? ''
  if (code === 'ECONNREFUSED') return true
  return idempotent && (TRANSIENT_CODES.has(code) || /socket hang up/.test(f.error?.message ?? ''))
}

/** The resource a path names, for messages: `list pods in namespace web`, `get nodes/x`. */
export function describeRequest(method: string, path: string): {verb: string; resource: string} {
  const clean = path.split('?')[0]!
  const parts = clean.split('/').filter(Boolean)
  // /api/v1/... or /apis/group/version/...
  const rest = parts[0] === 'api' ? parts.slice(2) : parts[0] === 'apis' ? parts.slice(3) : parts
  let namespace: string | undefined
  let i = 0
  if (rest[0] === 'namespaces' && rest.length > 2) { namespace = rest[1]; i = 2 }
  const resource = rest[i] ?? clean
  const name = rest[i + 1]
  const sub = rest[i + 2]
  const group = parts[0] === 'apis' ? parts[1] : undefined
  const verb = method === 'GET' ? (name ? 'get' : 'list') : method === 'POST' ? 'create' : method === 'PATCH' ? 'patch' : method === 'PUT' ? 'update' : method === 'DELETE' ? 'delete' : method.toLowerCase()
  const qualified = group ? `${resource}.${group}` : resource
  const what = `${qualified}${sub ? `/${sub}` : ''}${name ? ` "${name}"` : ''}`
  return {verb, resource: namespace ? `${what} in namespace "${namespace}"` : `${what}${name || parts[0] !== 'api' && parts[0] !== 'apis' ? '' : ' at the cluster scope'}`}
}

export function toClusterError(f: HttpFailure, ctx: {method: string; path: string; server: string}): ClusterError {
  const {verb, resource} = describeRequest(ctx.method, ctx.path)
  const serverMessage = typeof f.body === 'object' && f.body !== null ? String((f.body as {message?: unknown}).message ?? '') : typeof f.body === 'string' ? f.body.slice(0, 200) : ''
  if (f.error) {
    const code = f.error.code ?? ''
    if (code === 'ETIMEDOUT' || /timeout/i.test(f.error.message)) {
      return new ClusterError('timeout', `the API server ${ctx.server} did not answer in time (${f.error.message})`, 'check that the cluster is reachable, or raise --request-timeout')
    }
    if (/certificate|self[- ]signed|CERT_|UNABLE_TO_VERIFY/i.test(`${code} ${f.error.message}`)) {
      return new ClusterError('unreachable', `cannot verify the TLS certificate of ${ctx.server} (${f.error.message})`, 'check certificate-authority in your kubeconfig, or --certificate-authority')
    }
    return new ClusterError('unreachable', `cannot reach the API server ${ctx.server} (${code || f.error.message})`, 'check that the cluster is up and that your kubeconfig points at it')
  }
  switch (f.status) {
    case 401:
      return new ClusterError('unauthorized', `the API server ${ctx.server} refused your credentials (401 Unauthorized)`, 'log in again or refresh the token in your kubeconfig', 401, f.body)
    case 403:
      return new ClusterError('forbidden', `you are not allowed to ${verb} ${resource}${serverMessage ? ` (${serverMessage})` : ''}`, 'ask for that permission; `kubectl prod rbac <command>` prints the ClusterRole a command needs', 403, f.body)
    case 404:
      return new ClusterError('not-found', `${resource} not found (404)`, undefined, 404, f.body)
    case 409:
      return new ClusterError('conflict', `${verb} ${resource}: conflict (${serverMessage})`, undefined, 409, f.body)
    case 429: {
      const budget = disruptionBudgetCause(f.body)
      if (budget) return new ClusterError('too-many-requests', `${verb} ${resource}: ${serverMessage || 'refused by a PodDisruptionBudget'}${budget.message ? ` (${budget.message})` : ''}`, 'wait until the budget allows a disruption', 429, f.body)
      return new ClusterError('too-many-requests', `the API server kept answering 429 Too Many Requests to ${verb} ${resource}${serverMessage ? ` (${serverMessage})` : ''}`, 'try again later', 429, f.body)
    }
    default:
      return new ClusterError('server', `${verb} ${resource} failed with ${f.status}${serverMessage ? `: ${serverMessage}` : ''}`, undefined, f.status, f.body)
  }
}
