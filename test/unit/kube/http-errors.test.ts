// Telling a PodDisruptionBudget's 429 from throttling, on the body the real server sends.
import {describe, expect, it} from 'vitest'
import {describeRequest, disruptionBudgetCause, isRetryable, toClusterError} from '../../../src/kube/http-errors.ts'
import {errorLine} from '../../../src/model/errors.ts'
import {PDB_REFUSAL, THROTTLED} from '../../fakes/statuses.ts'

const ctx = {method: 'POST', path: '/api/v1/namespaces/shop/pods/db-0/eviction', server: 'https://k:6443'}

describe('a PodDisruptionBudget\'s 429', () => {
  it('is found by its DisruptionBudget cause', () => {
    expect(disruptionBudgetCause(PDB_REFUSAL)).toEqual({message: 'The disruption budget db-pdb needs 3 healthy pods and has 3 currently'})
    expect(disruptionBudgetCause(THROTTLED)).toBeUndefined()
    expect(disruptionBudgetCause({details: {causes: [{reason: 'FieldValueInvalid', message: 'x'}]}})).toBeUndefined()
    expect(disruptionBudgetCause({details: {causes: 'nonsense'}})).toBeUndefined()
    expect(disruptionBudgetCause('Too Many Requests')).toBeUndefined()
    expect(disruptionBudgetCause(undefined)).toBeUndefined()
  })
  it('is never retried, while throttling is', () => {
    expect(isRetryable({status: 429, body: PDB_REFUSAL}, 'POST')).toBe(false)
    expect(isRetryable({status: 429, body: PDB_REFUSAL}, 'GET')).toBe(false)
    expect(isRetryable({status: 429, body: THROTTLED, retryAfter: 1}, 'POST')).toBe(true)
    expect(isRetryable({status: 429, body: 'Too Many Requests'}, 'GET')).toBe(true)
  })
  it('reads as a refusal naming the budget, not as throttling', () => {
    const e = toClusterError({status: 429, body: PDB_REFUSAL}, ctx)
    expect(e).toMatchObject({kind: 'too-many-requests', status: 429, body: PDB_REFUSAL})
    expect(errorLine(e)).toBe('error: create pods/eviction "db-0" in namespace "shop": Cannot evict pod as it would violate the pod\'s disruption budget. (The disruption budget db-pdb needs 3 healthy pods and has 3 currently); wait until the budget allows a disruption')
    expect(toClusterError({status: 429, body: THROTTLED}, ctx).message).toBe('the API server kept answering 429 Too Many Requests to create pods/eviction "db-0" in namespace "shop" (Too many requests, please try again later.)')
  })
})

describe('API errors', () => {
  it('names the verb and resource a path stands for', () => {
    expect(describeRequest('GET', '/api/v1/nodes')).toEqual({verb: 'list', resource: 'nodes at the cluster scope'})
    expect(describeRequest('GET', '/api/v1/namespaces/web/pods')).toEqual({verb: 'list', resource: 'pods in namespace "web"'})
    expect(describeRequest('GET', '/apis/apps/v1/namespaces/web/deployments/api')).toEqual({verb: 'get', resource: 'deployments.apps "api" in namespace "web"'})
    expect(describeRequest('POST', '/api/v1/namespaces/web/pods/p/eviction')).toEqual({verb: 'create', resource: 'pods/eviction "p" in namespace "web"'})
  })
  it('turns a 403 into a line naming what is missing', () => {
    const e = toClusterError({status: 403, body: {message: 'nodes is forbidden: User "x" cannot list resource "nodes"'}}, {method: 'GET', path: '/api/v1/nodes', server: 'https://k:6443'})
    expect(e.kind).toBe('forbidden')
    expect(e.exitCode).toBe(3)
    expect(errorLine(e)).toMatch(/^error: you are not allowed to list nodes at the cluster scope/)
  })
  it('names the server when it cannot be reached', () => {
    const e = toClusterError({error: Object.assign(new Error('connect ECONNREFUSED'), {code: 'ECONNREFUSED'})}, {method: 'GET', path: '/version', server: 'https://127.0.0.1:1'})
    expect(e.kind).toBe('unreachable')
    expect(e.message).toContain('https://127.0.0.1:1')
  })
  it('retries what is transient and nothing else', () => {
    expect(isRetryable({status: 429}, 'POST')).toBe(true)
    expect(isRetryable({status: 503}, 'GET')).toBe(true)
    expect(isRetryable({status: 503}, 'POST')).toBe(false)
    expect(isRetryable({status: 403}, 'GET')).toBe(false)
    expect(isRetryable({error: Object.assign(new Error('x'), {code: 'ECONNRESET'})}, 'GET')).toBe(true)
  })
})
