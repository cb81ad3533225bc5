import {describe, expect, it} from 'vitest'
import {groupPools, kubeletMinor, NO_POOL, poolByNode} from '../../../src/upgrade/pools.ts'
import {poolNode} from '../../fixtures/upgrade/cluster.ts'

describe('kubeletMinor', () => {
  it('reads the minor of the versions providers write', () => {
    expect(kubeletMinor('v1.33.4-eks-1234abc')).toBe('1.33')
    expect(kubeletMinor('v1.31.2-gke.1200000')).toBe('1.31')
    expect(kubeletMinor('v1.30.5+k3s1')).toBe('1.30')
    expect(kubeletMinor('1.29')).toBe('1.29')
    expect(kubeletMinor('v1.09.0')).toBe('1.9')
  })

  it('gives nothing for what is not a version', () => {
    expect(kubeletMinor(undefined)).toBeUndefined()
    expect(kubeletMinor('')).toBeUndefined()
    expect(kubeletMinor('kwok')).toBeUndefined()
    expect(kubeletMinor('v1')).toBeUndefined()
  })
})

describe('groupPools', () => {
  const nodes = [
    poolNode('eks-a', {pool: 'general', kubelet: 'v1.31.4-eks-1', zone: 'us-east-1b'}),
    poolNode('eks-b', {pool: 'general', kubelet: 'v1.29.10-eks-1', zone: 'us-east-1a'}),
    poolNode('eks-c', {pool: 'general', kubelet: 'v1.31.4-eks-1', labels: {'failure-domain.beta.kubernetes.io/zone': 'us-east-1c'}}),
    poolNode('gke-a', {pool: 'default-pool', poolLabel: 'cloud.google.com/gke-nodepool', kubelet: 'v1.30.1-gke.1'}),
    poolNode('aks-a', {pool: 'nodepool1', poolLabel: 'kubernetes.azure.com/agentpool', kubelet: 'v1.30.0'}),
    poolNode('kar-a', {pool: 'spot', poolLabel: 'karpenter.sh/nodepool', kubelet: 'v1.31.0'}),
    poolNode('bare', {kubelet: 'v1.31.0', labels: {team: 'infra'}}),
    poolNode('fake', {pool: 'general'}),
  ]

  it('groups nodes by the provider labels, "(no pool)" last', () => {
    const pools = groupPools(nodes)
    expect(pools.map(p => [p.name, p.label, p.nodes.map(n => n.metadata.name)])).toEqual([
      ['default-pool', 'cloud.google.com/gke-nodepool', ['gke-a']],
      ['general', 'eks.amazonaws.com/nodegroup', ['eks-a', 'eks-b', 'eks-c', 'fake']],
      ['nodepool1', 'kubernetes.azure.com/agentpool', ['aks-a']],
      ['spot', 'karpenter.sh/nodepool', ['kar-a']],
      [NO_POOL, null, ['bare']],
    ])
  })

  it('lists kubelet minors oldest first, unreadable versions last, and the zones (beta label too)', () => {
    const general = groupPools(nodes).find(p => p.name === 'general')!
    expect(general.kubelets).toEqual([
      {minor: '1.29', nodes: ['eks-b']},
      {minor: '1.31', nodes: ['eks-a', 'eks-c']},
      {minor: 'unknown', nodes: ['fake']},
    ])
    expect(general.zones).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c'])
  })

  it('uses --pool-label instead of the provider labels, and puts nodes without it in no pool', () => {
    const labelled = [
      poolNode('a', {pool: 'general', labels: {tier: 'web'}}),
      poolNode('b', {pool: 'general', labels: {tier: 'db'}}),
      poolNode('c', {pool: 'general'}),
    ]
    const pools = groupPools(labelled, 'tier')
    expect(pools.map(p => [p.name, p.label, p.nodes.map(n => n.metadata.name)])).toEqual([
      ['db', 'tier', ['b']],
      ['web', 'tier', ['a']],
      [NO_POOL, null, ['c']],
    ])
  })

  it('maps each node to its pool', () => {
    const byNode = poolByNode(groupPools(nodes))
    expect(byNode.get('eks-b')?.name).toBe('general')
    expect(byNode.get('bare')?.name).toBe(NO_POOL)
    expect(byNode.get('nowhere')).toBeUndefined()
  })
})
