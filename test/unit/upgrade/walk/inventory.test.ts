import {describe, expect, it} from 'vitest'
import {listNodePools} from '../../../../src/upgrade/walk/inventory.ts'
import {poolNode} from '../../../fixtures/upgrade/cluster.ts'

describe('listNodePools', () => {
  it('counts nodes, Ready and cordoned, groups kubelets and lists zones per pool', () => {
    const list = listNodePools([
      poolNode('a-0', {pool: 'a', zone: 'z1', kubelet: 'v1.36.2'}),
      poolNode('a-1', {pool: 'a', zone: 'z2', kubelet: 'v1.37.0', unschedulable: true}),
      poolNode('a-2', {pool: 'a', zone: 'z1', kubelet: 'v1.36.4', ready: 'False'}),
      poolNode('lonely', {}),
    ])
    expect(list).toEqual({
      apiVersion: 'kubectl-prod/v1', kind: 'NodePoolList',
      items: [
        {name: 'a', label: 'eks.amazonaws.com/nodegroup', nodes: 3, ready: 2, cordoned: 1,
          kubelets: [{version: '1.36', nodes: ['a-0', 'a-2']}, {version: '1.37', nodes: ['a-1']}], zones: ['z1', 'z2']},
        {name: '(no pool)', label: null, nodes: 1, ready: 1, cordoned: 0, kubelets: [{version: 'unknown', nodes: ['lonely']}], zones: []},
      ],
    })
  })

  it('groups by the label given', () => {
    const list = listNodePools([poolNode('x', {labels: {tier: 'gold'}}), poolNode('y', {pool: 'a'})], 'tier')
    expect(list.items.map(p => [p.name, p.nodes])).toEqual([['gold', 1], ['(no pool)', 1]])
  })
})
