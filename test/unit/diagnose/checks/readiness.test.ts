import {describe, expect, it} from 'vitest'
import {checkReadiness} from '../../../../src/diagnose/checks/readiness.ts'
import type {Condition, Container, Pod} from '../../../../src/model/k8s.ts'
import {NOW, ago, index, pod, podEvent} from '../../../fakes/builders.ts'

const app: Container = {name: 'app', image: 'acme/api:3', readinessProbe: {httpGet: {path: '/readyz', port: 8080}}}

function running(o: {started?: boolean; startedAt?: string; container?: Container; gates?: string[]; conditions?: Condition[]} = {}): Pod {
  return pod({
    spec: {nodeName: 'node-a', containers: [o.container ?? app], readinessGates: o.gates?.map(conditionType => ({conditionType}))},
    status: {
      phase: 'Running',
      conditions: o.conditions ?? [{type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]'}],
      containerStatuses: [{name: 'app', ready: false, started: o.started ?? true, restartCount: 0, state: {running: {startedAt: o.startedAt ?? ago(30)}}}],
    },
  })
}
const unhealthy = (p: Pod, message: string, o: {count?: number; minutesAgo?: number} = {}) =>
  podEvent(p, 'Unhealthy', message, {fieldPath: 'spec.containers{app}', ...o})

describe('readiness probes', () => {
  it('quotes the probe output with occurrences and last seen', () => {
    const p = running()
    const [cause] = checkReadiness(p, index(unhealthy(p, 'Readiness probe failed: HTTP probe failed with statuscode: 503', {count: 42, minutesAgo: 2})), NOW)
    expect(cause?.category).toBe('readiness-probe')
    expect(cause?.summary).toBe(`the readiness probe of container app failed 42 times, last at ${ago(2)}: HTTP probe failed with statuscode: 503`)
    expect(cause?.fix).toBe('make GET /readyz on port 8080 of container app answer 200-399 (it answers 503), or point the probe at an endpoint that does')
    expect(cause?.evidence[0]).toMatchObject({kind: 'Event', reason: 'Unhealthy', source: 'kubelet'})
  })

  it('tells a refused connection apart', () => {
    const p = running()
    const [cause] = checkReadiness(p, index(unhealthy(p, 'Readiness probe failed: Get "http://10.0.171.162:8080/readyz": dial tcp 10.0.171.162:8080: connect: connection refused')), NOW)
    expect(cause?.fix).toBe('make container app listen on the port its readiness probe uses, or correct the probe\'s port')
  })

  it('reports startup probe failures while the container has not started', () => {
    const p = running({started: false, container: {...app, startupProbe: {httpGet: {path: '/started', port: 8080}, failureThreshold: 30}}})
    const e = unhealthy(p, 'Startup probe failed: Get "http://10.0.3.4:8080/started": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', {count: 7})
    const [cause] = checkReadiness(p, index(e), NOW)
    expect(cause?.summary).toMatch(/^the startup probe of container app failed 7 times/)
    expect(cause?.fix).toBe("make GET /started on port 8080 of container app answer within the probe's timeoutSeconds, or raise timeoutSeconds")
  })

  it('says so when a container is not ready and no events explain it', () => {
    const [cause] = checkReadiness(running(), index(), NOW)
    expect(cause?.summary).toBe('container app is running but not ready, and no probe failure events were found (events expire after an hour)')
  })

  it('ignores failures from before the container last started, and liveness failures', () => {
    const p = running({startedAt: ago(3)})
    const old = unhealthy(p, 'Readiness probe failed: HTTP probe failed with statuscode: 500', {minutesAgo: 10})
    const liveness = unhealthy(p, 'Liveness probe failed: HTTP probe failed with statuscode: 500', {minutesAgo: 1})
    const [cause] = checkReadiness(p, index(old, liveness), NOW)
    expect(cause?.summary).toContain('no probe failure events were found')
  })

  it('does nothing for a Ready pod', () => {
    const p = running({conditions: [{type: 'Ready', status: 'True'}]})
    expect(checkReadiness(p, index(unhealthy(p, 'Readiness probe failed: x')), NOW)).toEqual([])
  })
})

describe('pods of a lost node', () => {
  it('blames the node when every container is ready but the pod is not', () => {
    const p = running({conditions: [{type: 'Ready', status: 'False', lastTransitionTime: ago(6)}]})
    p.status!.containerStatuses![0]!.ready = true
    const [cause] = checkReadiness(p, index(), NOW)
    expect(cause).toMatchObject({category: 'node-not-ready', summary: 'every container reports ready but the pod is marked NotReady; its node node-a is probably not ready'})
  })
})

describe('readiness gates', () => {
  it('names the unmet gate and its controller', () => {
    const gate = 'target-health.alb.ingress.k8s.aws/k8s-web-api-1a2b3c'
    const p = running({gates: [gate], conditions: [{type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: `corresponding condition of pod readiness gate "${gate}" does not exist.`}]})
    p.status!.containerStatuses![0]!.ready = true
    const causes = checkReadiness(p, index(), NOW)
    expect(causes).toHaveLength(1)
    expect(causes[0]?.summary).toBe(`readiness gate ${gate} has no condition on the pod yet`)
    expect(causes[0]?.fix).toMatch(/AWS Load Balancer Controller/)
    expect(causes[0]?.evidence[0]?.reason).toBe('Ready=False ReadinessGatesNotReady')
  })
})
