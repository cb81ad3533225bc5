import {describe, expect, it} from 'vitest'
import {formatLabelSelector, matchesLabelSelector, matchesNodeSelectorTerms, matchesRequirement, withMatchLabelKeys} from '../../../src/model/labels.ts'

describe('label selectors', () => {
  const labels = {app: 'web', tier: 'front'}

  it('treat a missing selector as matching nothing and an empty one as matching everything', () => {
    expect(matchesLabelSelector(undefined, labels)).toBe(false)
    expect(matchesLabelSelector({}, labels)).toBe(true)
  })

  it('AND matchLabels and matchExpressions', () => {
    expect(matchesLabelSelector({matchLabels: {app: 'web'}, matchExpressions: [{key: 'tier', operator: 'In', values: ['front', 'back']}]}, labels)).toBe(true)
    expect(matchesLabelSelector({matchLabels: {app: 'web'}, matchExpressions: [{key: 'tier', operator: 'NotIn', values: ['front']}]}, labels)).toBe(false)
    expect(matchesLabelSelector({matchExpressions: [{key: 'canary', operator: 'DoesNotExist'}]}, labels)).toBe(true)
    expect(matchesLabelSelector({matchExpressions: [{key: 'canary', operator: 'Exists'}]}, labels)).toBe(false)
    expect(matchesLabelSelector({matchExpressions: [{key: 'canary', operator: 'NotIn', values: ['x']}]}, labels)).toBe(true)
  })

  it('adds matchLabelKeys as In requirements on the pod\'s own values', () => {
    const merged = withMatchLabelKeys({matchLabels: {app: 'web'}}, ['pod-template-hash', 'missing'], {'pod-template-hash': 'abc'})
    expect(merged).toEqual({matchLabels: {app: 'web'}, matchExpressions: [{key: 'pod-template-hash', operator: 'In', values: ['abc']}]})
    expect(withMatchLabelKeys(undefined, ['a'], {a: '1'})).toBeUndefined()
    expect(formatLabelSelector(merged)).toBe('app=web,pod-template-hash=abc')
  })
})

describe('node selector requirements', () => {
  it('compare Gt and Lt as 64-bit integers', () => {
    expect(matchesRequirement({key: 'cores', operator: 'Gt', values: ['8']}, {cores: '16'})).toBe(true)
    expect(matchesRequirement({key: 'cores', operator: 'Gt', values: ['8']}, {cores: '8'})).toBe(false)
    expect(matchesRequirement({key: 'cores', operator: 'Lt', values: ['8']}, {cores: '4'})).toBe(true)
    expect(matchesRequirement({key: 'cores', operator: 'Gt', values: ['8']}, {cores: 'many'})).toBe(false)
    expect(matchesRequirement({key: 'cores', operator: 'Gt', values: ['8']}, {})).toBe(false)
  })

  it('OR terms, AND requirements, and match metadata.name through matchFields', () => {
    const node = {name: 'n1', labels: {disktype: 'ssd', zone: 'a'}}
    expect(matchesNodeSelectorTerms([{matchExpressions: [{key: 'disktype', operator: 'In', values: ['ssd']}, {key: 'zone', operator: 'In', values: ['b']}]}], node)).toBe(false)
    expect(matchesNodeSelectorTerms([
      {matchExpressions: [{key: 'zone', operator: 'In', values: ['b']}]},
      {matchExpressions: [{key: 'disktype', operator: 'Exists'}]},
    ], node)).toBe(true)
    expect(matchesNodeSelectorTerms([{matchFields: [{key: 'metadata.name', operator: 'In', values: ['n1']}]}], node)).toBe(true)
    expect(matchesNodeSelectorTerms([{matchFields: [{key: 'metadata.name', operator: 'NotIn', values: ['n1']}]}], node)).toBe(false)
    // An empty term and an empty term list select nothing.
    expect(matchesNodeSelectorTerms([{}], node)).toBe(false)
    expect(matchesNodeSelectorTerms([], node)).toBe(false)
  })
})
