import {describe, expect, it} from 'vitest'
import {describeRequest, toClusterError, isRetryable} from '../../src/kube/http-errors.ts'
import {errorLine} from '../../src/model/errors.ts'

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
