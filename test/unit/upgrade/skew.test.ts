import {describe, expect, it} from 'vitest'
import type {UpgradePath} from '../../../src/model/upgrade.ts'
import {maxKubeletLag, newestApiServerFor, oldestSupportedKubelet, skewFindings} from '../../../src/upgrade/skew.ts'
import {groupPools} from '../../../src/upgrade/pools.ts'
import {poolNode} from '../../fixtures/upgrade/cluster.ts'

const path = (current: string | null, target: string, hops: string[]): UpgradePath => ({current, target, hops})

describe('the skew policy', () => {
  it('lets a kubelet lag three minors from kube-apiserver 1.28, two before', () => {
    expect(maxKubeletLag('1.27')).toBe(2)
    expect(maxKubeletLag('1.28')).toBe(3)
    expect(oldestSupportedKubelet('1.27')).toBe('1.25')
    expect(oldestSupportedKubelet('1.28')).toBe('1.25')
    expect(oldestSupportedKubelet('1.35')).toBe('1.32')
  })

  it('agrees with the page\'s wording: kubelet < 1.25 may only be two minors older', () => {
    expect(newestApiServerFor('1.24')).toBe('1.26')
    expect(newestApiServerFor('1.25')).toBe('1.28')
    expect(newestApiServerFor('1.31')).toBe('1.34')
  })
})

describe('skewFindings', () => {
  it('says nothing when every kubelet stays within the policy to the target', () => {
    const pools = groupPools([
      poolNode('a', {pool: 'general', kubelet: 'v1.31.4'}),
      poolNode('b', {pool: 'general', kubelet: 'v1.30.2'}),
    ])
    expect(skewFindings(pools, path('1.31', '1.33', ['1.32', '1.33']))).toEqual([])
  })

  it('names the first hop a pool\'s oldest kubelets would violate, the nodes, and the version to reach', () => {
    const pools = groupPools([
      poolNode('a', {pool: 'general', kubelet: 'v1.31.4-eks-1'}),
      poolNode('b', {pool: 'general', kubelet: 'v1.29.1-eks-1'}),
      poolNode('c', {pool: 'general', kubelet: 'v1.29.1-eks-1'}),
      poolNode('d', {pool: 'batch', kubelet: 'v1.31.0'}),
    ])
    const findings = skewFindings(pools, path('1.31', '1.34', ['1.32', '1.33', '1.34']))
    expect(findings).toHaveLength(1)
    const [f] = findings
    expect(f).toMatchObject({
      check: 'version-skew', severity: 'blocker', hop: '1.33', pool: 'general', nodes: ['b', 'c'],
      object: {kind: 'NodePool', name: 'general'}, source: {type: 'cluster', signal: 'node-status'},
    })
    expect(f!.sources).toEqual([f!.source])
    expect(f!.message).toBe('pool general must be upgraded before the control plane goes to 1.33: 2 nodes at 1.29 would be more than 3 minors behind kube-apiserver 1.33')
    expect(f!.fix).toBe('upgrade the kubelets of pool general to at least 1.30 (1.32, the control plane\'s version then, keeps it within the policy up to the target 1.34) before the control plane goes to 1.33')
  })

  it('applies two minors before 1.28', () => {
    const pools = groupPools([
      poolNode('old', {pool: 'p24', kubelet: 'v1.24.17'}),
      poolNode('ok', {pool: 'p25', kubelet: 'v1.25.16'}),
    ])
    const findings = skewFindings(pools, path('1.26', '1.28', ['1.27', '1.28']))
    expect(findings.map(f => [f.pool, f.hop])).toEqual([['p24', '1.27']])
    expect(findings[0]!.message).toContain('more than 2 minors behind kube-apiserver 1.27')
  })

  it('says how far an upgrade keeps the pool when the target is further than that', () => {
    const pools = groupPools([poolNode('a', {pool: 'general', kubelet: 'v1.28.3'})])
    const [f] = skewFindings(pools, path('1.30', '1.36', ['1.31', '1.32', '1.33', '1.34', '1.35', '1.36']))
    expect(f!.hop).toBe('1.32')
    expect(f!.fix).toBe('upgrade the kubelets of pool general to at least 1.29 (1.31, the control plane\'s version then, keeps it within the policy through 1.34) before the control plane goes to 1.32')
  })

  it('reports a kubelet newer than the API server as an error now', () => {
    const pools = groupPools([
      poolNode('a', {pool: 'general', kubelet: 'v1.31.0'}),
      poolNode('new', {pool: 'general', kubelet: 'v1.32.1'}),
    ])
    const findings = skewFindings(pools, path('1.31', '1.32', ['1.32']))
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({check: 'version-skew', severity: 'blocker', nodes: ['new'], pool: 'general'})
    expect(findings[0]!.hop).toBeUndefined()
    expect(findings[0]!.message).toContain('newer than the API server (1.31): 1 node at 1.32')
  })

  it('reports kubelets already too old for the current API server, tied to no hop', () => {
    const pools = groupPools([poolNode('a', {pool: 'legacy', kubelet: 'v1.27.9'})])
    const [f] = skewFindings(pools, path('1.31', '1.32', ['1.32']))
    expect(f!.hop).toBeUndefined()
    expect(f!.message).toBe('pool legacy is already outside the skew policy: 1 node at 1.27 is more than 3 minors behind kube-apiserver 1.31')
    expect(f!.fix).toBe('upgrade the kubelets of pool legacy to at least 1.28 (1.31, the control plane\'s version then, keeps it within the policy up to the target 1.32) now')
  })

  it('checks the target alone when the current version is unknown', () => {
    const pools = groupPools([poolNode('a', {pool: 'general', kubelet: 'v1.30.0'})])
    expect(skewFindings(pools, path(null, '1.33', ['1.33']))).toEqual([])
    expect(skewFindings(pools, path(null, '1.34', ['1.34'])).map(f => f.hop)).toEqual(['1.34'])
  })

  it('ignores nodes whose kubelet version cannot be read', () => {
    const pools = groupPools([poolNode('a', {pool: 'general'}), poolNode('b', {pool: 'general', kubelet: 'kwok'})])
    expect(skewFindings(pools, path('1.31', '1.34', ['1.32', '1.33', '1.34']))).toEqual([])
  })
})
