import {describe, expect, it} from 'vitest'
import {reorderArgs} from '../../src/cli/argv.ts'
import {parseDuration} from '../../src/cli/base.ts'
import {describeRequest, toClusterError, isRetryable} from '../../src/kube/http-errors.ts'
import {parseTarget} from '../../src/diagnose/target.ts'
import {shouldColor} from '../../src/render/style.ts'
import {isInteractive} from '../../src/cli/tty.ts'
import {errorLine, InputError} from '../../src/model/errors.ts'

describe('reorderArgs', () => {
  it('moves kubectl-style flags placed before the command after it', () => {
    expect(reorderArgs(['-n', 'shop', 'why-pending', 'deploy/web'])).toEqual(['why-pending', '-n', 'shop', 'deploy/web'])
    expect(reorderArgs(['--context=prod', '-A', 'why-pending'])).toEqual(['why-pending', '--context=prod', '-A'])
    expect(reorderArgs(['--kubeconfig', '/k', '-ojson', 'version'])).toEqual(['version', '--kubeconfig', '/k', '-ojson'])
  })
  it('leaves flags after the command and lone help/version flags alone', () => {
    expect(reorderArgs(['why-pending', '-n', 'x'])).toEqual(['why-pending', '-n', 'x'])
    expect(reorderArgs(['--help'])).toEqual(['--help'])
    expect(reorderArgs(['--version'])).toEqual(['--version'])
  })
  it('reads kubectl verbosity forms', () => {
    expect(reorderArgs(['version', '-v'])).toEqual(['version', '--v=1'])
    expect(reorderArgs(['version', '-v', '6'])).toEqual(['version', '--v=6'])
    expect(reorderArgs(['version', '-v=8'])).toEqual(['version', '--v=8'])
    expect(reorderArgs(['-v', 'version'])).toEqual(['version', '--v=1'])
  })
})

describe('parseDuration', () => {
  it('reads kubectl durations', () => {
    expect(parseDuration('0', '--request-timeout')).toBe(0)
    expect(parseDuration('5', '--request-timeout')).toBe(5000)
    expect(parseDuration('500ms', '--request-timeout')).toBe(500)
    expect(parseDuration('1m30s', '--request-timeout')).toBe(90_000)
    expect(parseDuration('2h', '--request-timeout')).toBe(7_200_000)
  })
  it('rejects anything else with a one-line error naming the flag', () => {
    expect(() => parseDuration('soon', '--request-timeout')).toThrow(/--request-timeout "soon" is not a duration/)
    expect(() => parseDuration('5x', '--request-timeout')).toThrow(InputError)
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

describe('why-pending targets', () => {
  it('reads kubectl-style targets', () => {
    expect(parseTarget(undefined)).toEqual({kind: 'all'})
    expect(parseTarget('web-1')).toEqual({kind: 'pod', name: 'web-1'})
    expect(parseTarget('pod/web-1')).toEqual({kind: 'pod', name: 'web-1'})
    expect(parseTarget('deploy/web')).toEqual({kind: 'workload', workloadKind: 'Deployment', name: 'web'})
    expect(parseTarget('deployment.apps/web')).toEqual({kind: 'workload', workloadKind: 'Deployment', name: 'web'})
    expect(parseTarget('sts/db')).toEqual({kind: 'workload', workloadKind: 'StatefulSet', name: 'db'})
    expect(parseTarget('job/migrate')).toEqual({kind: 'workload', workloadKind: 'Job', name: 'migrate'})
    expect(parseTarget('node/ip-10-0-0-1.ec2.internal')).toEqual({kind: 'node', name: 'ip-10-0-0-1.ec2.internal'})
  })
  it('rejects unknown kinds and bad names', () => {
    expect(() => parseTarget('svc/web')).toThrow(/unknown kind "svc"/)
    expect(() => parseTarget('pod/Web_1')).toThrow(/not a valid object name/)
  })
})

describe('terminal rules', () => {
  it('colours only when asked or on a terminal without NO_COLOR', () => {
    expect(shouldColor('always', {isTTY: false}, {})).toBe(true)
    expect(shouldColor('never', {isTTY: true}, {})).toBe(false)
    expect(shouldColor('auto', {isTTY: true}, {})).toBe(true)
    expect(shouldColor('auto', {isTTY: true}, {NO_COLOR: '1'})).toBe(false)
    expect(shouldColor('auto', {isTTY: false}, {})).toBe(false)
  })
  it('prompts only with terminals on stdin and stderr and CI unset', () => {
    expect(isInteractive({}, {isTTY: true}, {isTTY: true})).toBe(true)
    expect(isInteractive({CI: 'true'}, {isTTY: true}, {isTTY: true})).toBe(false)
    expect(isInteractive({}, {isTTY: false}, {isTTY: true})).toBe(false)
  })
})
