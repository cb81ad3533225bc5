import {describe, expect, it} from 'vitest'
import {placePods, podFromTemplate} from '../../../src/scheduling/index.ts'
import type {Pod} from '../../../src/model/k8s.ts'
import {makePod, node} from '../../fakes/builders.ts'

const where = (r: ReturnType<typeof placePods>) => Object.fromEntries(r.placed.map(p => [p.pod.metadata.name, p.node]))

describe('placePods', () => {
  it('counts each placed pod against the pods after it', () => {
    const r = placePods({
      nodes: [node('a', {cpu: '2'}), node('b', {cpu: '2'})],
      boundPods: [],
      pods: [1, 2, 3, 4, 5].map(i => makePod(`p${i}`, {requests: {cpu: '900m'}})),
    })
    expect(r.placed).toHaveLength(4)
    expect(r.unplaced.map(u => u.pod.metadata.name)).toEqual(['p5'])
    expect(r.unplaced[0]?.reasons[0]).toMatchObject({category: 'insufficient-resources', nodes: ['a', 'b']})
  })

  it('spreads like LeastAllocated: the emptier node first', () => {
    const busy = makePod('busy', {nodeName: 'a', requests: {cpu: '3', memory: '1Gi'}})
    const r = placePods({nodes: [node('a'), node('b')], boundPods: [busy], pods: [makePod('new', {requests: {cpu: '500m'}})]})
    expect(where(r)).toEqual({new: 'b'})
  })

  it('honours taints, selectors and host ports, and says why a pod fits nowhere', () => {
    const nodes = [node('gpu', {taints: [{key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule'}]}), node('web', {labels: {pool: 'web'}})]
    const r = placePods({
      nodes, boundPods: [],
      pods: [
        makePod('agent-1', {ports: [{containerPort: 9100, hostPort: 9100}], nodeSelector: {pool: 'web'}}),
        makePod('agent-2', {ports: [{containerPort: 9100, hostPort: 9100}], nodeSelector: {pool: 'web'}}),
      ],
    })
    expect(where(r)).toEqual({'agent-1': 'web'})
    const reasons = r.unplaced[0]?.reasons.map(l => l.category).sort()
    // Every filter each node fails: the web node's port, the gpu node's selector and taint.
    expect(reasons).toEqual(['host-port', 'node-affinity-selector', 'taint'])
  })

  it('keeps anti-affinity between the pods it places', () => {
    const anti = (name: string): Pod => makePod(name, {labels: {app: 'db'}, affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {matchLabels: {app: 'db'}}, topologyKey: 'kubernetes.io/hostname'}]}}})
    const r = placePods({nodes: [node('a'), node('b')], boundPods: [], pods: [anti('db-0'), anti('db-1'), anti('db-2')]})
    expect(new Set(Object.values(where(r)))).toEqual(new Set(['a', 'b']))
    expect(r.unplaced[0]?.reasons[0]?.category).toBe('pod-affinity-anti-affinity')
  })

  it('places displaced pods anew: their old nodeName is ignored', () => {
    const displaced = makePod('moved', {nodeName: 'gone', requests: {cpu: '1'}})
    const r = placePods({nodes: [node('a')], boundPods: [], pods: [displaced]})
    expect(where(r)).toEqual({moved: 'a'})
  })

  it('places higher priority first, as the scheduling queue does', () => {
    const low = makePod('low', {requests: {cpu: '3'}})
    const high = {...makePod('high', {requests: {cpu: '3'}}), spec: {...makePod('high', {requests: {cpu: '3'}}).spec, priority: 1000}}
    const r = placePods({nodes: [node('a')], boundPods: [], pods: [low, high]})
    expect(where(r)).toEqual({high: 'a'})
    expect(r.unplaced.map(u => u.pod.metadata.name)).toEqual(['low'])
  })

  it('honours topology spread over the pods it places', () => {
    const spread = (name: string) => makePod(name, {labels: {app: 'w'}, spread: [{maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: {matchLabels: {app: 'w'}}}]})
    const nodes = [node('a1', {labels: {zone: 'a'}, cpu: '1'}), node('a2', {labels: {zone: 'a'}}), node('b1', {labels: {zone: 'b'}, cpu: '1'})]
    const pods = ['w1', 'w2', 'w3', 'w4'].map(n => ({...spread(n), spec: {...spread(n).spec, containers: [{name: 'c', resources: {requests: {cpu: '1'}}}]}}))
    const r = placePods({nodes, boundPods: [], pods})
    // zone b holds one pod (b1 has 1 cpu), so zone a may hold at most two.
    const zones = Object.values(where(r)).map(n => String(n)[0])
    expect(zones.filter(z => z === 'b')).toHaveLength(1)
    expect(zones.filter(z => z === 'a')).toHaveLength(2)
    expect(r.unplaced[0]?.reasons.map(l => l.category)).toContain('topology-spread')
  })
})

describe('podFromTemplate', () => {
  it('stamps a pod from a workload template, unbound', () => {
    const pod = podFromTemplate({metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'web:1'}], nodeName: 'x'}}, {namespace: 'shop', name: 'web-1'})
    expect(pod.metadata).toEqual({labels: {app: 'web'}, name: 'web-1', namespace: 'shop'})
    expect(pod.spec.nodeName).toBeUndefined()
    const r = placePods({nodes: [node('a')], boundPods: [], pods: [pod]})
    expect(where(r)).toEqual({'web-1': 'a'})
  })
})
