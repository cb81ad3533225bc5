import {describe, expect, it} from 'vitest'
import type {TopologySpreadConstraint} from '../../../src/model/k8s.ts'
import {node, makePod} from '../../fakes/builders.ts'
import {evaluate, failuresOf} from './helpers.ts'

const zone = 'topology.kubernetes.io/zone'
const nodes = [
  node('a1', {labels: {[zone]: 'a', disk: 'ssd'}}),
  node('a2', {labels: {[zone]: 'a', disk: 'ssd'}}),
  node('b1', {labels: {[zone]: 'b', disk: 'ssd'}}),
  node('c1', {labels: {[zone]: 'c'}}),
  node('nozone'),
]
const web = (name: string, node: string, extra: Parameters<typeof makePod>[1] = {}) => makePod(name, {nodeName: node, labels: {app: 'web'}, ...extra})
// zone a: 3, zone b: 2, zone c: 1
const bound = [
  web('w1', 'a1'), web('w2', 'a1'), web('w3', 'a2'), web('w4', 'b1'), web('w5', 'b1'), web('w6', 'c1'),
  web('gone', 'c1', {phase: 'Succeeded'}), web('leaving', 'c1', {deleting: true}), web('elsewhere', 'c1', {namespace: 'other'}),
]
const spread = (extra: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint[] => [
  {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: 'DoNotSchedule', labelSelector: {matchLabels: {app: 'web'}}, ...extra},
]

describe('PodTopologySpread', () => {
  it('fails nodes whose domain would exceed maxSkew and reports the counts per domain', () => {
    const v = evaluate(makePod('new', {labels: {app: 'web'}, spread: spread()}), nodes, bound)
    const a = failuresOf(v, 'a1', 'PodTopologySpread')
    expect(a).toHaveLength(1)
    expect(a[0]?.domains).toEqual({a: 3, b: 2, c: 1})
    expect(a[0]?.topology).toMatchObject({key: zone, value: 'a', skew: 3, minMatch: 1, maxSkew: 1})
    expect(a[0]?.detail).toBe(`topology spread on ${zone}: a has 3 matching pods, the least loaded ${zone} c has 1; skew 3 > maxSkew 1`)
    expect(failuresOf(v, 'b1', 'PodTopologySpread')[0]?.topology?.skew).toBe(2)
    expect(v.get('c1')?.fits).toBe(true)
  })

  it('fails nodes without the topology label as missing the required label', () => {
    const v = evaluate(makePod('new', {labels: {app: 'web'}, spread: spread()}), nodes, bound)
    expect(failuresOf(v, 'nozone', 'PodTopologySpread')[0]).toMatchObject({
      reason: "node(s) didn't match pod topology spread constraints (missing required label)", unresolvable: true,
    })
  })

  it('counts only nodes that pass the pod\'s node selector (nodeAffinityPolicy Honor by default)', () => {
    const honor = evaluate(makePod('new', {labels: {app: 'web'}, nodeSelector: {disk: 'ssd'}, spread: spread()}), nodes, bound)
    expect(failuresOf(honor, 'a1', 'PodTopologySpread')[0]?.domains).toEqual({a: 3, b: 2})
    expect(failuresOf(honor, 'b1', 'PodTopologySpread')).toHaveLength(0)
    const ignore = evaluate(makePod('new', {labels: {app: 'web'}, nodeSelector: {disk: 'ssd'}, spread: spread({nodeAffinityPolicy: 'Ignore'})}), nodes, bound)
    expect(failuresOf(ignore, 'b1', 'PodTopologySpread')).toHaveLength(1)
  })

  it('leaves out nodes with untolerated taints only with nodeTaintsPolicy Honor', () => {
    const tainted = nodes.map((n) => n.metadata.name === 'c1' ? node('c1', {labels: {[zone]: 'c'}, taints: [{key: 'maintenance', effect: 'NoSchedule'}]}) : n)
    const ignore = evaluate(makePod('new', {labels: {app: 'web'}, spread: spread()}), tainted, bound)
    expect(failuresOf(ignore, 'a1', 'PodTopologySpread')[0]?.domains).toEqual({a: 3, b: 2, c: 1})
    const honor = evaluate(makePod('new', {labels: {app: 'web'}, spread: spread({nodeTaintsPolicy: 'Honor'})}), tainted, bound)
    expect(failuresOf(honor, 'a1', 'PodTopologySpread')[0]?.domains).toEqual({a: 3, b: 2})
    expect(failuresOf(honor, 'b1', 'PodTopologySpread')).toHaveLength(0)
  })

  it('treats the minimum as 0 while there are fewer domains than minDomains', () => {
    const v = evaluate(makePod('new', {labels: {app: 'web'}, spread: spread({minDomains: 4})}), nodes, bound)
    expect(failuresOf(v, 'c1', 'PodTopologySpread')[0]?.topology).toMatchObject({skew: 2, minMatch: 0})
  })

  it('adds 1 only when the pod matches its own selector, and ignores ScheduleAnyway', () => {
    const other = evaluate(makePod('new', {labels: {app: 'api'}, spread: spread()}), nodes, bound)
    expect(failuresOf(other, 'b1', 'PodTopologySpread')).toHaveLength(0) // 2 + 0 - 1 = 1
    expect(failuresOf(other, 'a1', 'PodTopologySpread')[0]?.topology?.skew).toBe(2)
    const soft = evaluate(makePod('new', {labels: {app: 'web'}, spread: spread({whenUnsatisfiable: 'ScheduleAnyway'})}), nodes, bound)
    expect([...soft.values()].some((x) => x.failures.length > 0)).toBe(false)
  })

  it('narrows the selector with matchLabelKeys', () => {
    const revs = [web('r1', 'a1', {labels: {app: 'web', rev: '2'}}), web('r2', 'b1', {labels: {app: 'web', rev: '1'}})]
    const v = evaluate(makePod('new', {labels: {app: 'web', rev: '2'}, spread: spread({matchLabelKeys: ['rev']})}), nodes, revs)
    // Only rev=2 counts: a 1, b 0, c 0.
    expect(failuresOf(v, 'a1', 'PodTopologySpread')[0]?.domains).toEqual({a: 1, b: 0, c: 0})
    expect(v.get('b1')?.fits).toBe(true)
  })
})
