import {describe, expect, it} from 'vitest'
import {toleratesTaint} from '../../../src/scheduling/index.ts'
import {node, makePod} from '../../fakes/builders.ts'
import {evaluate, failuresOf} from './helpers.ts'

describe('toleratesTaint', () => {
  const taint = {key: 'dedicated', value: 'gpu', effect: 'NoSchedule'}

  it('defaults the operator to Equal and compares values', () => {
    expect(toleratesTaint({key: 'dedicated', value: 'gpu', effect: 'NoSchedule'}, taint)).toBe(true)
    expect(toleratesTaint({key: 'dedicated', value: 'cpu', effect: 'NoSchedule'}, taint)).toBe(false)
    expect(toleratesTaint({key: 'dedicated', operator: 'Equal', value: 'gpu'}, taint)).toBe(true)
  })

  it('matches every effect when the effect is empty and every key with an empty key and Exists', () => {
    expect(toleratesTaint({key: 'dedicated', operator: 'Exists'}, taint)).toBe(true)
    expect(toleratesTaint({operator: 'Exists'}, taint)).toBe(true)
    expect(toleratesTaint({operator: 'Exists', effect: 'NoExecute'}, taint)).toBe(false)
    expect(toleratesTaint({key: 'other', operator: 'Exists'}, taint)).toBe(false)
  })

  it('compares numbers with the 1.35 Gt/Lt operators', () => {
    const score = {key: 'gpu-score', value: '1000', effect: 'NoSchedule'}
    expect(toleratesTaint({key: 'gpu-score', operator: 'Gt', value: '800', effect: 'NoSchedule'}, score)).toBe(true)
    expect(toleratesTaint({key: 'gpu-score', operator: 'Lt', value: '800', effect: 'NoSchedule'}, score)).toBe(false)
  })
})

describe('TaintToleration', () => {
  const nodes = [
    node('gpu-1', {taints: [{key: 'dedicated', value: 'gpu', effect: 'NoSchedule'}, {key: 'spot', effect: 'NoExecute'}]}),
    node('soft', {taints: [{key: 'dedicated', value: 'batch', effect: 'PreferNoSchedule'}]}),
    node('plain'),
  ]

  it('reports every untolerated NoSchedule and NoExecute taint, with key, value and effect', () => {
    const f = failuresOf(evaluate(makePod('p'), nodes), 'gpu-1', 'TaintToleration')
    expect(f.map((x) => x.taint)).toEqual([{key: 'dedicated', value: 'gpu', effect: 'NoSchedule'}, {key: 'spot', effect: 'NoExecute'}])
    expect(f.map((x) => x.detail)).toEqual(['taint dedicated=gpu:NoSchedule', 'taint spot:NoExecute'])
    expect(f[0]?.category).toBe('taint')
  })

  it('ignores PreferNoSchedule', () => {
    expect(evaluate(makePod('p'), nodes).get('soft')?.fits).toBe(true)
  })

  it('reports only what the tolerations leave', () => {
    const pod = makePod('p', {tolerations: [{key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule'}]})
    expect(failuresOf(evaluate(pod, nodes), 'gpu-1', 'TaintToleration').map((x) => x.taint?.key)).toEqual(['spot'])
  })

  it('maps node-state taints to node-not-ready and node-pressure', () => {
    const v = evaluate(makePod('p'), [
      node('down', {taints: [{key: 'node.kubernetes.io/unreachable', effect: 'NoExecute'}, {key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule'}]}),
      node('full', {taints: [{key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule'}]}),
    ])
    expect(failuresOf(v, 'down', 'TaintToleration').map((x) => x.category)).toEqual(['node-not-ready', 'node-not-ready'])
    expect(failuresOf(v, 'full', 'TaintToleration').map((x) => x.category)).toEqual(['node-pressure'])
  })
})
