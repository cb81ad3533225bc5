// The one reader of Eviction answers, over Status bodies as the API server writes them, and
// evictPod / deletePod against a local HTTP server: what they send, and that nothing is retried.
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {afterEach, describe, expect, it} from 'vitest'
import {deletePod, evictPod, readEvictionAnswer} from '../../../src/kube/evict.ts'
import {kubeAt} from '../../fakes/kube.ts'
import {PDB_REFUSAL, THROTTLED} from '../../fakes/statuses.ts'

const cleanups: (() => unknown)[] = []
afterEach(async () => { for (const c of cleanups.splice(0)) await c() })

const status = (code: number, message: string, extra: object = {}) => ({kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code, ...extra})
// eviction.go createTooManyRequestsError: a PDB whose status is older than its spec.
const STILL_PROCESSING = status(429, 'Cannot evict pod as it would violate the pod\'s disruption budget.', {reason: 'TooManyRequests', details: {causes: [{reason: 'DisruptionBudget', message: 'The disruption budget web-pdb is still being processed by the server.'}], retryAfterSeconds: 10}})
const MULTIPLE = status(500, 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.')
const UID_CONFLICT = status(409, 'Operation cannot be fulfilled on Pod "web-1": the UID in the precondition (a) does not match the UID in record (b). The object might have been deleted and then recreated', {reason: 'Conflict', details: {name: 'web-1', kind: 'Pod'}})
const STORE_UID_CONFLICT = status(409, 'Precondition failed: UID in precondition: a, UID in object meta: b', {reason: 'Conflict'})
const NOT_FOUND = status(404, 'pods "web-1" not found', {reason: 'NotFound', details: {name: 'web-1', kind: 'pods'}})
const NEGATIVE = status(403, 'poddisruptionbudget.policy "web-pdb" is forbidden: pdb disruptions allowed is negative', {reason: 'Forbidden', details: {name: 'web-pdb', group: 'policy', kind: 'poddisruptionbudget'}})
const TERMINATING = status(403, 'pods "web-1" is forbidden: unable to create new content in namespace shop because it is being terminated', {reason: 'Forbidden', details: {causes: [{reason: 'NamespaceTerminating', message: 'namespace shop is being terminated', field: 'metadata.namespace'}]}})
const RBAC = status(403, 'pods "web-1" is forbidden: User "bob" cannot create resource "pods/eviction"', {reason: 'Forbidden', details: {name: 'web-1', kind: 'pods'}})

describe('readEvictionAnswer', () => {
  it('200 and 201: evicted', () => {
    expect(readEvictionAnswer(201, {kind: 'Status', status: 'Success'})).toEqual({outcome: 'evicted'})
    expect(readEvictionAnswer(200, undefined)).toEqual({outcome: 'evicted'})
  })

  it('a 429 with a DisruptionBudget cause: blocked, naming the PDB and its numbers, never throttling', () => {
    expect(readEvictionAnswer(429, PDB_REFUSAL, {})).toEqual({
      outcome: 'blocked', budget: 'db-pdb', needs: 3, has: 3, pending: false,
      message: 'The disruption budget db-pdb needs 3 healthy pods and has 3 currently', retryAfterMs: 5000,
    })
  })

  it('a 429 for a PDB still being processed: blocked, pending, after its Retry-After', () => {
    expect(readEvictionAnswer(429, STILL_PROCESSING, {'retry-after': '10'})).toMatchObject({outcome: 'blocked', budget: 'web-pdb', pending: true, retryAfterMs: 10_000})
  })

  it('a 429 without that cause: throttled, after the Retry-After header (else the Status, else 5 s)', () => {
    expect(readEvictionAnswer(429, THROTTLED, {'retry-after': '3'})).toEqual({outcome: 'throttled', retryAfterMs: 3000, message: 'Too many requests, please try again later.'})
    expect(readEvictionAnswer(429, THROTTLED, {})).toMatchObject({outcome: 'throttled', retryAfterMs: 1000})
    expect(readEvictionAnswer(429, 'Too many requests', {})).toMatchObject({outcome: 'throttled', retryAfterMs: 5000})
  })

  it('a 500 for several PDBs over the pod: misconfigured', () => {
    expect(readEvictionAnswer(500, MULTIPLE)).toEqual({outcome: 'misconfigured', message: MULTIPLE.message})
  })

  it('404 and a UID-precondition 409: gone', () => {
    expect(readEvictionAnswer(404, NOT_FOUND)).toMatchObject({outcome: 'gone'})
    expect(readEvictionAnswer(409, UID_CONFLICT)).toMatchObject({outcome: 'gone'})
    expect(readEvictionAnswer(409, STORE_UID_CONFLICT)).toMatchObject({outcome: 'gone'})
    expect(readEvictionAnswer(409, status(409, 'the object has been modified'))).toMatchObject({outcome: 'error', status: 409})
  })

  it('403: a broken budget is misconfigured, a terminating namespace is retried, RBAC is an error', () => {
    expect(readEvictionAnswer(403, NEGATIVE)).toMatchObject({outcome: 'misconfigured'})
    expect(readEvictionAnswer(403, TERMINATING)).toMatchObject({outcome: 'throttled', retryAfterMs: 5000})
    expect(readEvictionAnswer(403, RBAC)).toEqual({outcome: 'error', status: 403, message: RBAC.message})
  })

  it('other answers: error, with the status and the server\'s message', () => {
    expect(readEvictionAnswer(500, status(500, 'etcdserver: request timed out'))).toEqual({outcome: 'error', status: 500, message: 'etcdserver: request timed out'})
    expect(readEvictionAnswer(504, status(504, 'couldn\'t update PodDisruptionBudget "web-pdb" due to conflicts'))).toMatchObject({outcome: 'throttled'})
  })
})

async function server(answers: {status: number; body: unknown; headers?: Record<string, string>}[]) {
  const seen: {method: string; url: string; body: any}[] = []
  const srv = createServer((req, res) => {
    let text = ''
    req.on('data', d => { text += d })
    req.on('end', () => {
      seen.push({method: req.method ?? '', url: req.url ?? '', body: text ? JSON.parse(text) : undefined})
      const a = answers[Math.min(seen.length - 1, answers.length - 1)]!
      res.writeHead(a.status, {'content-type': 'application/json', ...a.headers})
      res.end(JSON.stringify(a.body))
    })
  })
  await new Promise<void>(r => srv.listen(0, '127.0.0.1', r))
  cleanups.push(() => new Promise(r => { srv.closeAllConnections(); srv.close(r) }))
  return {url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, seen}
}

describe('evictPod and deletePod', () => {
  it('POST a policy/v1 Eviction with the UID precondition and the grace period, once, even when throttled', async () => {
    const s = await server([{status: 429, body: THROTTLED, headers: {'retry-after': '1'}}])
    const kube = await kubeAt(s.url, cleanups)
    const answer = await evictPod(kube, {namespace: 'shop', name: 'web-1', uid: 'u-1'}, {gracePeriodSeconds: 0})
    expect(answer).toMatchObject({outcome: 'throttled', retryAfterMs: 1000})
    expect(s.seen).toEqual([{method: 'POST', url: '/api/v1/namespaces/shop/pods/web-1/eviction', body: {
      apiVersion: 'policy/v1', kind: 'Eviction', metadata: {name: 'web-1', namespace: 'shop'},
      deleteOptions: {gracePeriodSeconds: 0, preconditions: {uid: 'u-1'}},
    }}])
  })

  it('a PDB refusal comes back at once as blocked, not retried', async () => {
    const s = await server([{status: 429, body: PDB_REFUSAL}])
    const kube = await kubeAt(s.url, cleanups)
    expect(await evictPod(kube, {namespace: 'shop', name: 'db-0'})).toMatchObject({outcome: 'blocked', budget: 'db-pdb'})
    expect(s.seen).toHaveLength(1)
    expect(s.seen[0]!.body.deleteOptions).toEqual({})
  })

  it('deletePod sends DeleteOptions with the UID precondition; 404 and a UID conflict mean gone', async () => {
    const s = await server([{status: 200, body: {}}, {status: 409, body: STORE_UID_CONFLICT}, {status: 404, body: NOT_FOUND}])
    const kube = await kubeAt(s.url, cleanups)
    expect(await deletePod(kube, {namespace: 'shop', name: 'web-1', uid: 'u-1'}, {gracePeriodSeconds: 1})).toBe('deleted')
    expect(s.seen[0]).toEqual({method: 'DELETE', url: '/api/v1/namespaces/shop/pods/web-1', body: {apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 1, preconditions: {uid: 'u-1'}}})
    expect(await deletePod(kube, {namespace: 'shop', name: 'web-1', uid: 'u-1'})).toBe('gone')
    expect(await deletePod(kube, {namespace: 'shop', name: 'web-1', uid: 'u-1'})).toBe('gone')
  })
})
