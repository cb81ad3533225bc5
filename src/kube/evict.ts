// Evictions through the policy/v1 Eviction subresource, and the one place their answers are
// read. The POST goes through kube.send (no retry, every status as-is): a 429 from a
// PodDisruptionBudget is an answer that asking again at once cannot change, and the caller's
// policy (wait, ask, skip, back off) decides what comes next.
//
// The server's answers (kubernetes pkg/registry/core/pod/storage/eviction.go):
// - 200/201: evicted (or, for a finished or Pending pod, deleted without a PDB check);
// - 429 with a DisruptionBudget cause: the PDB allows no disruption now ("The disruption budget
//   <name> needs N healthy pods and has M currently"), or its status is stale ("... is still
//   being processed by the server", Retry-After 10);
// - 429 without that cause: API priority and fairness throttling, with a Retry-After header;
// - 500 "This pod has more than one PodDisruptionBudget": a misconfiguration, never retried;
// - 403 "pdb disruptions allowed is negative" / "DisruptedPods map too big": a broken budget;
// - 403 with a NamespaceTerminating cause: kubectl retries it (drain.go), so do we;
// - 404, or a 409 from our UID precondition: the pod we meant is already gone.
import type {IncomingHttpHeaders} from 'node:http'
import type {Kube} from './client.js'
import {disruptionBudgetCause, type Status} from './http-errors.js'

/** A pod by namespace and name, and the UID the caller saw (the precondition). */
export interface PodRef {namespace: string; name: string; uid?: string}

export type EvictionAnswer =
  | {outcome: 'evicted'}
  | {outcome: 'gone'; message: string}
  /** A PDB refused: `budget` is its name when the cause names it; `pending` when its status was still being computed. */
  | {outcome: 'blocked'; budget?: string; needs?: number; has?: number; pending: boolean; message: string; retryAfterMs: number}
  | {outcome: 'throttled'; retryAfterMs: number; message: string}
  | {outcome: 'misconfigured'; message: string}
  | {outcome: 'error'; status: number; message: string}

/** When the server gives no Retry-After for throttling: kubectl's fixed retry delay. */
export const DEFAULT_RETRY_MS = 5000

const BUDGET_NUMBERS = /^The disruption budget (\S+) needs (\d+) healthy pods and has (\d+) currently/
const BUDGET_NAME = /^The disruption budget (\S+) /
const MULTIPLE_BUDGETS = /more than one PodDisruptionBudget/i
// NewConflict from the eviction handler ("the UID in the precondition (x) does not match the UID
// in record (y)") or from the store ("Precondition failed: UID in precondition: x, UID in object meta: y").
const UID_PRECONDITION = /UID in (the )?precondition/i

function messageOf(body: unknown): string {
  if (typeof body === 'object' && body !== null) return String((body as Status).message ?? '')
  return typeof body === 'string' ? body.slice(0, 200) : ''
}

/** Retry-After in ms: the header, else the Status's retryAfterSeconds; undefined when neither says. */
function retryAfterOf(body: unknown, headers: IncomingHttpHeaders): number | undefined {
  const header = Number(headers['retry-after'])
  if (headers['retry-after'] !== undefined && Number.isFinite(header) && header >= 0) return header * 1000
  const seconds = typeof body === 'object' && body !== null ? (body as Status).details?.retryAfterSeconds : undefined
  return typeof seconds === 'number' && seconds >= 0 ? seconds * 1000 : undefined
}

/** What an answer to an Eviction POST means. Pure. */
export function readEvictionAnswer(status: number, body: unknown, headers: IncomingHttpHeaders = {}): EvictionAnswer {
  const message = messageOf(body)
  if (status === 200 || status === 201) return {outcome: 'evicted'}
  if (status === 404) return {outcome: 'gone', message: message || 'the pod no longer exists'}
  if (status === 409 && UID_PRECONDITION.test(message)) return {outcome: 'gone', message}
  if (status === 429) {
    const cause = disruptionBudgetCause(body)
    if (cause) {
      const numbers = BUDGET_NUMBERS.exec(cause.message)
      const name = numbers?.[1] ?? BUDGET_NAME.exec(cause.message)?.[1]
      // "still being processed" comes with Retry-After 10; an exhausted budget with 0.
      const retry = retryAfterOf(body, headers)
      return {
        outcome: 'blocked', pending: !numbers && /still being processed/.test(cause.message),
        ...(name ? {budget: name} : {}),
        ...(numbers ? {needs: Number(numbers[2]), has: Number(numbers[3])} : {}),
        message: cause.message || message, retryAfterMs: retry && retry > 0 ? retry : DEFAULT_RETRY_MS,
      }
    }
    return {outcome: 'throttled', retryAfterMs: retryAfterOf(body, headers) ?? DEFAULT_RETRY_MS, message: message || '429 Too Many Requests'}
  }
  if (status === 500 && MULTIPLE_BUDGETS.test(message)) return {outcome: 'misconfigured', message}
  if (status === 403) {
    const causes = typeof body === 'object' && body !== null ? (body as Status).details?.causes ?? [] : []
    if (causes.some(c => c?.reason === 'NamespaceTerminating')) return {outcome: 'throttled', retryAfterMs: DEFAULT_RETRY_MS, message}
    if (/poddisruptionbudget/i.test(String((body as Status | undefined)?.details?.kind ?? '')) || /disruptions allowed is negative|DisruptedPods map too big/.test(message)) {
      return {outcome: 'misconfigured', message}
    }
  }
  // A 5xx the server gives up on (a timeout updating the budget under conflicts): worth asking again.
  if (status === 504 || status === 503) return {outcome: 'throttled', retryAfterMs: retryAfterOf(body, headers) ?? DEFAULT_RETRY_MS, message: message || `${status}`}
  return {outcome: 'error', status, message: message || `HTTP ${status}`}
}

const podPath = (pod: PodRef) => `/api/v1/namespaces/${encodeURIComponent(pod.namespace)}/pods/${encodeURIComponent(pod.name)}`

function deleteOptions(o: {gracePeriodSeconds?: number; dryRun?: boolean; uid?: string}): Record<string, unknown> {
  return {
    ...(o.gracePeriodSeconds !== undefined && o.gracePeriodSeconds >= 0 ? {gracePeriodSeconds: o.gracePeriodSeconds} : {}),
    ...(o.dryRun ? {dryRun: ['All']} : {}),
    ...(o.uid ? {preconditions: {uid: o.uid}} : {}),
  }
}

/** POSTs a policy/v1 Eviction for the pod (with its UID as a precondition when known) and reads the answer. */
export async function evictPod(kube: Kube, pod: PodRef, o: {gracePeriodSeconds?: number; dryRun?: boolean; signal?: AbortSignal} = {}): Promise<EvictionAnswer> {
  const body = {
    apiVersion: 'policy/v1', kind: 'Eviction',
    metadata: {name: pod.name, namespace: pod.namespace},
    deleteOptions: deleteOptions({...o, uid: pod.uid}),
  }
  const answer = await kube.send(`${podPath(pod)}/eviction`, {method: 'POST', body, signal: o.signal})
  return readEvictionAnswer(answer.status, answer.body, answer.headers)
}

/**
 * Deletes the pod without asking its PDB (finished pods, and a pod the operator chose to delete
 * by typing its name). The UID precondition makes sure it is the pod that was seen.
 */
export async function deletePod(kube: Kube, pod: PodRef, o: {gracePeriodSeconds?: number; signal?: AbortSignal} = {}): Promise<'deleted' | 'gone' | {status: number; message: string}> {
  const body = {apiVersion: 'v1', kind: 'DeleteOptions', ...deleteOptions({...o, uid: pod.uid})}
  const answer = await kube.send(podPath(pod), {method: 'DELETE', body, signal: o.signal})
  if (answer.status >= 200 && answer.status < 300) return 'deleted'
  const message = messageOf(answer.body)
  if (answer.status === 404 || (answer.status === 409 && UID_PRECONDITION.test(message))) return 'gone'
  return {status: answer.status, message: message || `HTTP ${answer.status}`}
}
