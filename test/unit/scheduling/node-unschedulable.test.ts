import {describe, expect, it} from 'vitest'
import {node, makePod} from '../../fakes/builders.ts'
import {evaluate, failuresOf} from './helpers.ts'

describe('NodeUnschedulable', () => {
  const nodes = [node('cordoned', {unschedulable: true}), node('open')]

  it('excludes a cordoned node', () => {
    const v = evaluate(makePod('p'), nodes)
    expect(failuresOf(v, 'cordoned', 'NodeUnschedulable')).toEqual([expect.objectContaining({category: 'node-unschedulable', reason: 'node(s) were unschedulable', unresolvable: true})])
    expect(v.get('open')?.fits).toBe(true)
  })

  it('lets a pod that tolerates node.kubernetes.io/unschedulable:NoSchedule in', () => {
    const pod = makePod('ds', {tolerations: [{key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule'}]})
    expect(evaluate(pod, nodes).get('cordoned')?.fits).toBe(true)
  })

  it('does not accept a toleration for another effect', () => {
    const pod = makePod('p', {tolerations: [{key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute'}]})
    expect(failuresOf(evaluate(pod, nodes), 'cordoned', 'NodeUnschedulable')).toHaveLength(1)
  })
})
