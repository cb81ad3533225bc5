import {describe, expect, it} from 'vitest'
import {dedupePods, indexControllers, isDaemonSetPod, isEvictedByDrain} from '../../../src/upgrade/drain-pods.ts'
import {makePod} from '../../fakes/builders.ts'
import {controlledBy, daemonSet, deployment, ownedPod} from '../../fixtures/upgrade/cluster.ts'

describe('the pods a drain evicts', () => {
  it('are bound, alive, and neither DaemonSet nor mirror pods', () => {
    const running = makePod('a', {nodeName: 'n1'})
    const mirror = makePod('b', {nodeName: 'n1'})
    mirror.metadata.annotations = {'kubernetes.io/config.mirror': 'hash'}
    const ds = daemonSet('agent', ['n1']).pods[0]!
    expect([running, mirror, ds, makePod('pending'), makePod('gone', {nodeName: 'n1', deleting: true}), makePod('done', {nodeName: 'n1', phase: 'Failed'})]
      .map(p => [p.metadata.name, isEvictedByDrain(p)])).toEqual([
      ['a', true], ['b', false], ['agent-0', false], ['pending', false], ['gone', false], ['done', false],
    ])
  })

  it('count a pod of a DaemonSet of another API group as an ordinary pod, as kubectl 1.34+ does', () => {
    const ds = daemonSet('agent', ['n1']).workloads[0]!
    const kruise = ownedPod('kruise-0', {...ds, apiVersion: 'apps.kruise.io/v1alpha1'}, {nodeName: 'n1'})
    expect(isDaemonSetPod(kruise)).toBe(false)
    expect(isDaemonSetPod(ownedPod('agent-9', ds, {nodeName: 'n1'}))).toBe(true)
  })

  it('are kept once each', () => {
    const a = makePod('a', {nodeName: 'n1'})
    expect(dedupePods([a, makePod('b'), {...a}]).map(p => p.metadata.name)).toEqual(['a', 'b'])
  })
})

describe('indexControllers', () => {
  it('follows controller references to the top workload, by uid', () => {
    const web = deployment('web', ['n1'])
    const top = indexControllers(web.workloads)
    expect(top(web.pods[0]!)).toMatchObject({kind: 'Deployment', name: 'web', namespace: 'default', workload: web.workloads[0]})
  })

  it('stops at the last known reference when the owner is not in the snapshot', () => {
    const web = deployment('web', ['n1'])
    const top = indexControllers([])
    const got = top(web.pods[0]!)
    expect(got).toEqual({kind: 'ReplicaSet', name: 'web-5d8f', namespace: 'default'})
  })

  it('gives null without a controller reference', () => {
    const web = deployment('web', ['n1'])
    const notController = {...controlledBy(web.workloads[0]!), controller: false}
    const pod = makePod('p', {nodeName: 'n1'})
    pod.metadata.ownerReferences = [notController]
    expect(indexControllers(web.workloads)(pod)).toBeNull()
  })
})
