import {describe, expect, it} from 'vitest'
import type {PodAffinityTerm} from '../../../src/model/k8s.ts'
import {node, makePod} from '../../fakes/builders.ts'
import {evaluate, failuresOf} from './helpers.ts'

const zone = 'topology.kubernetes.io/zone'
const host = 'kubernetes.io/hostname'
const nodes = [
  node('a1', {labels: {[zone]: 'a'}}),
  node('a2', {labels: {[zone]: 'a'}}),
  node('b1', {labels: {[zone]: 'b'}}),
  node('nozone'),
]
const term = (app: string, topologyKey: string, extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm => ({labelSelector: {matchLabels: {app}}, topologyKey, ...extra})

describe('InterPodAffinity: required affinity', () => {
  const bound = [makePod('cache-0', {nodeName: 'a1', labels: {app: 'cache'}})]
  const pod = (extra: Partial<PodAffinityTerm> = {}, labels = {app: 'web'}) =>
    makePod('web', {labels, affinity: {podAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [term('cache', zone, extra)]}}})

  it('passes nodes whose domain holds a matching pod and fails the others', () => {
    const v = evaluate(pod(), nodes, bound)
    expect(v.get('a1')?.fits).toBe(true)
    expect(v.get('a2')?.fits).toBe(true) // same zone
    expect(failuresOf(v, 'b1', 'InterPodAffinity')[0]).toMatchObject({
      reason: "node(s) didn't match pod affinity rules",
      detail: `pod affinity: no pod matching app=cache in namespace default runs in ${zone}=b`,
      topology: {key: zone, value: 'b', rule: 'affinity'},
    })
    expect(failuresOf(v, 'nozone', 'InterPodAffinity')[0]?.topology?.missingLabel).toBe(true)
  })

  it('looks in the pod\'s own namespace unless told otherwise', () => {
    const elsewhere = [makePod('cache-0', {nodeName: 'a1', namespace: 'infra', labels: {app: 'cache'}})]
    expect(failuresOf(evaluate(pod(), nodes, elsewhere), 'a1', 'InterPodAffinity')).toHaveLength(1)
    expect(evaluate(pod({namespaces: ['infra']}), nodes, elsewhere).get('a1')?.fits).toBe(true)
    expect(evaluate(pod({namespaceSelector: {}}), nodes, elsewhere).get('a1')?.fits).toBe(true)
    expect(evaluate(pod({namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': 'infra'}}}), nodes, elsewhere).get('a1')?.fits).toBe(true)
  })

  it('lets the first pod of a self-affine group in when no pod matches anywhere', () => {
    const v = evaluate(pod({}, {app: 'cache'}), nodes, [])
    expect(v.get('a1')?.fits).toBe(true)
    expect(v.get('b1')?.fits).toBe(true)
    // The node still needs the topology label.
    expect(failuresOf(v, 'nozone', 'InterPodAffinity')).toHaveLength(1)
    // Not when the pod does not match its own term.
    expect(failuresOf(evaluate(pod(), nodes, []), 'a1', 'InterPodAffinity')).toHaveLength(1)
  })
})

describe('InterPodAffinity: required anti-affinity', () => {
  const bound = [
    makePod('web-0', {nodeName: 'a1', labels: {app: 'web'}}),
    makePod('web-1', {nodeName: 'b1', labels: {app: 'web'}}),
  ]

  it('fails nodes in a domain with a matching pod and names the pods', () => {
    const pod = makePod('web-2', {labels: {app: 'web'}, affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [term('web', host)]}}})
    const v = evaluate(pod, nodes, bound)
    expect(failuresOf(v, 'a1', 'InterPodAffinity')[0]).toMatchObject({
      pods: ['default/web-0'], reason: "node(s) didn't match pod anti-affinity rules", topology: {rule: 'anti-affinity', key: host, value: 'a1'},
    })
    expect(v.get('a2')?.fits).toBe(true)
    expect(failuresOf(v, 'b1', 'InterPodAffinity')[0]?.pods).toEqual(['default/web-1'])
  })

  it('applies the zone as the domain', () => {
    const pod = makePod('web-2', {labels: {app: 'web'}, affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [term('web', zone)]}}})
    const v = evaluate(pod, nodes, bound)
    expect(failuresOf(v, 'a2', 'InterPodAffinity')[0]?.pods).toEqual(['default/web-0'])
    // Without the label the anti-affinity term cannot apply.
    expect(v.get('nozone')?.fits).toBe(true)
  })

  it('honours the anti-affinity of existing pods against the incoming pod', () => {
    const loner = makePod('db-0', {nodeName: 'b1', labels: {app: 'db'}, affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [term('batch', zone)]}}})
    const v = evaluate(makePod('job', {labels: {app: 'batch'}}), nodes, [loner])
    expect(failuresOf(v, 'b1', 'InterPodAffinity')[0]).toMatchObject({
      pods: ['default/db-0'], reason: "node(s) didn't satisfy existing pods anti-affinity rules", topology: {rule: 'existing-anti-affinity', key: zone, value: 'b'},
    })
    expect(v.get('a1')?.fits).toBe(true)
    // The existing pod's term looks in its own namespace only.
    expect(evaluate(makePod('job', {namespace: 'other', labels: {app: 'batch'}}), nodes, [loner]).get('b1')?.fits).toBe(true)
  })
})
