import {describe, expect, it} from 'vitest'
import {node, makePod} from '../../fakes/builders.ts'
import {evaluate, failuresOf} from './helpers.ts'

describe('NodeAffinity', () => {
  const nodes = [
    node('ssd-a', {labels: {disktype: 'ssd', zone: 'a'}}),
    node('hdd-b', {labels: {disktype: 'hdd', zone: 'b'}}),
    node('bare'),
  ]

  it('reports the nodeSelector label that is missing or has another value', () => {
    const v = evaluate(makePod('p', {nodeSelector: {disktype: 'ssd'}}), nodes)
    expect(v.get('ssd-a')?.fits).toBe(true)
    expect(failuresOf(v, 'hdd-b', 'NodeAffinity').map((f) => f.label)).toEqual([{key: 'disktype', wanted: 'ssd', actual: 'hdd', operator: 'In', values: ['ssd']}])
    expect(failuresOf(v, 'bare', 'NodeAffinity')[0]?.label?.actual).toBeNull()
    expect(failuresOf(v, 'bare', 'NodeAffinity')[0]?.detail).toBe('nodeSelector disktype=ssd: node has no disktype label')
  })

  it('reports every mismatching label, not only the first', () => {
    const v = evaluate(makePod('p', {nodeSelector: {disktype: 'ssd', zone: 'a'}}), nodes)
    expect(failuresOf(v, 'hdd-b', 'NodeAffinity').map((f) => [f.label?.key, f.label?.actual])).toEqual([['disktype', 'hdd'], ['zone', 'b']])
  })

  it('ANDs requirements within a term and ORs terms', () => {
    const affinity = {
      nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [
        {matchExpressions: [{key: 'disktype', operator: 'In', values: ['ssd', 'nvme']}, {key: 'zone', operator: 'In', values: ['b']}]},
        {matchExpressions: [{key: 'zone', operator: 'In', values: ['a']}]},
      ]}},
    }
    const v = evaluate(makePod('p', {affinity}), nodes)
    expect(v.get('ssd-a')?.fits).toBe(true) // second term
    const hdd = failuresOf(v, 'hdd-b', 'NodeAffinity')
    expect(hdd.map((f) => [f.label?.term, f.label?.key, f.label?.wanted, f.label?.actual])).toEqual([
      [0, 'disktype', 'one of ssd, nvme', 'hdd'],
      [1, 'zone', 'a', 'b'],
    ])
    expect(hdd[0]?.detail).toBe('node affinity term 1 of 2 disktype in (ssd, nvme): node has disktype=hdd')
  })

  it('matches metadata.name through matchFields', () => {
    const affinity = {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchFields: [{key: 'metadata.name', operator: 'In', values: ['bare']}]}]}}}
    const v = evaluate(makePod('ds', {affinity}), nodes)
    expect(v.get('bare')?.fits).toBe(true)
    expect(failuresOf(v, 'ssd-a', 'NodeAffinity')[0]?.label).toMatchObject({key: 'metadata.name', actual: 'ssd-a', field: true})
  })

  it('treats a term list with only empty terms as matching no node', () => {
    const affinity = {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{}]}}}
    const v = evaluate(makePod('p', {affinity}), nodes)
    expect([...v.values()].every((x) => x.failures.some((f) => f.plugin === 'NodeAffinity'))).toBe(true)
  })
})
