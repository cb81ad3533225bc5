import {describe, expect, it} from 'vitest'
import type {Node} from '../../../src/model/k8s.ts'
import type {UpgradeSnapshot} from '../../../src/model/upgrade.ts'
import {MAX_TRIES, poolCapacity} from '../../../src/upgrade/capacity.ts'
import {groupPools} from '../../../src/upgrade/pools.ts'
import {makePod} from '../../fakes/builders.ts'
import {daemonSet, deployment, mounting, parts, poolNode, upgradeSnapshot, volume} from '../../fixtures/upgrade/cluster.ts'

function check(snap: UpgradeSnapshot, o?: {maxUnavailable?: number}) {
  return poolCapacity(snap, groupPools(snap.nodes), o)
}

const general = (name: string, o: Parameters<typeof poolNode>[1] = {}): Node => poolNode(name, {pool: 'general', ...o})

describe('poolCapacity', () => {
  it('says nothing when the pool has room for any one node\'s pods', () => {
    const web = deployment('web', ['n1', 'n2', 'n3'], {pod: {requests: {cpu: '1', memory: '1Gi'}}})
    const snap = upgradeSnapshot({nodes: [general('n1'), general('n2'), general('n3')], ...web})
    expect(check(snap)).toEqual([])
  })

  it('names the pool, the node removed and the pods with nowhere to go, with the scheduler model\'s reason', () => {
    const big = deployment('big', ['n1', 'n2'], {pod: {requests: {cpu: '3'}}})
    const snap = upgradeSnapshot({nodes: [general('n1'), general('n2')], ...big})
    const findings = check(snap)
    expect(findings).toHaveLength(1)
    const [f] = findings
    expect(f).toMatchObject({
      check: 'pool-capacity', severity: 'blocker', pool: 'general', nodes: ['n1'],
      object: {kind: 'NodePool', name: 'general'}, source: {type: 'cluster', signal: 'object'},
      pods: [{apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'big-5d8f-0'}],
    })
    expect(f!.message).toMatch(/^pool general cannot lose node n1: 1 of the 1 pod it runs would have nowhere to go: default\/big-5d8f-0 \(.*cpu.*\)$/)
  })

  it('never places pods back on the node removed', () => {
    // The only node: had it stayed in the model, the pod would fit there.
    const solo = deployment('solo', ['n1'], {pod: {requests: {cpu: '100m'}}})
    expect(check(upgradeSnapshot({nodes: [general('n1')], ...solo})).map(f => f.nodes)).toEqual([['n1']])
  })

  it('keeps the other nodes\' pods counted', () => {
    const nodes = [general('n1'), poolNode('o1', {pool: 'other'})]
    const moving = deployment('moving', ['n1'], {replicas: 2, pod: {requests: {cpu: '2'}}})
    expect(check(upgradeSnapshot({nodes, ...moving}))).toEqual([])
    const resident = deployment('resident', ['o1'], {replicas: 2, pod: {requests: {cpu: '3'}}})
    const findings = check(upgradeSnapshot({nodes, ...parts(moving, resident)}))
    expect(findings.map(f => [f.pool, f.nodes, f.pods?.map(p => p.name)])).toEqual([
      ['general', ['n1'], ['moving-5d8f-0']],
      ['other', ['o1'], ['resident-5d8f-0']],
    ])
  })

  it('places pods in any pool their selectors and tolerations allow, and only there', () => {
    const nodes = [general('n1'), poolNode('o1', {pool: 'other'}), poolNode('g1', {pool: 'gpu', taints: [{key: 'nvidia.com/gpu', effect: 'NoSchedule'}]})]
    const free = deployment('free', ['n1'], {replicas: 2, pod: {requests: {cpu: '1'}}})
    // Pools other and gpu are asked too: o1 takes it, the removed pools' pods go back to n1.
    expect(check(upgradeSnapshot({nodes, ...free}))).toEqual([])
    const pinned = deployment('pinned', ['n1'], {replicas: 2, pod: {requests: {cpu: '1'}, nodeSelector: {'eks.amazonaws.com/nodegroup': 'general'}}})
    const [f] = check(upgradeSnapshot({nodes, ...pinned}))
    expect(f).toMatchObject({pool: 'general', nodes: ['n1'], pods: [{name: 'pinned-5d8f-0'}]})
    expect(f!.message).toContain('lack label eks.amazonaws.com/nodegroup=general')
    // The gpu node is tainted: a pod that does not tolerate it cannot go there either.
    const onlyGpu = [general('n1'), nodes[2]!]
    expect(check(upgradeSnapshot({nodes: onlyGpu, ...free})).map(f => f.pool)).toEqual(['general'])
  })

  it('does not place DaemonSet, mirror or finished pods', () => {
    const nodes = [general('n1'), general('n2', {cpu: '1'})]
    const ds = daemonSet('agent', ['n1'], {pod: {requests: {cpu: '3'}}})
    const done = makePod('job-done', {nodeName: 'n1', phase: 'Succeeded', requests: {cpu: '3'}})
    const mirror = makePod('etcd-n1', {nodeName: 'n1', requests: {cpu: '3'}})
    mirror.metadata.annotations = {'kubernetes.io/config.mirror': 'x'}
    expect(check(upgradeSnapshot({nodes, ...ds, pods: [...ds.pods, done, mirror]}))).toEqual([])
  })

  it('takes a max-unavailable batch down at once', () => {
    const nodes = [general('n1'), general('n2'), general('n3')]
    const web = deployment('web', ['n1', 'n2', 'n3'], {pod: {requests: {cpu: '2'}}})
    const snap = upgradeSnapshot({nodes, ...web})
    expect(check(snap, {maxUnavailable: 1})).toEqual([])
    const [f] = check(snap, {maxUnavailable: 2})
    expect(f!.nodes).toHaveLength(2)
    expect(f!.message).toMatch(/^pool general, walked 2 nodes at a time \(--max-unavailable 2\), cannot lose 2 nodes at once \(n\d and n\d\): 1 of the 2 pods it runs would have nowhere to go/)
    expect(f!.fix).toBe('walk pool general fewer nodes at a time (a smaller --max-unavailable), add nodes to it (surge nodes) before draining, or make room for these pods elsewhere')
  })

  it('needs room for the pods of N nodes at once when the pool is walked N at a time', () => {
    // Four 4-cpu nodes, each running a 2-cpu pod: each node has room for one more such pod.
    // Two nodes down: their two pods fit the two left. Three down: three pods, room for one.
    const nodes = [general('n1'), general('n2'), general('n3'), general('n4')]
    const web = deployment('web', ['n1', 'n2', 'n3', 'n4'], {pod: {requests: {cpu: '2'}}})
    const snap = upgradeSnapshot({nodes, ...web})
    expect(check(snap, {maxUnavailable: 2})).toEqual([])
    const findings = check(snap, {maxUnavailable: 3})
    expect(findings).toHaveLength(1)
    const [f] = findings
    expect(f!.nodes).toHaveLength(3)
    expect(f!.pods).toHaveLength(2)
    expect(f!.message).toMatch(/^pool general, walked 3 nodes at a time \(--max-unavailable 3\), cannot lose 3 nodes at once \(n\d, n\d and n\d\): 2 of the 3 pods it runs would have nowhere to go: /)
    // The default walks one node at a time: no finding, and the message of one node is unchanged.
    expect(check(snap)).toEqual([])
  })

  it('takes down the whole pool when --max-unavailable is larger than the pool, and says so', () => {
    const nodes = [general('n1'), general('n2')]
    const web = deployment('web', ['n1', 'n2'], {pod: {requests: {cpu: '100m'}}})
    const snap = upgradeSnapshot({nodes, ...web})
    expect(check(snap)).toEqual([])
    const [f, ...rest] = check(snap, {maxUnavailable: 5})
    expect(rest).toEqual([])
    expect(f).toMatchObject({nodes: ['n1', 'n2'], pods: [{name: 'web-5d8f-0'}, {name: 'web-5d8f-1'}]})
    expect(f!.message).toMatch(/^pool general, walked 5 nodes at a time \(--max-unavailable 5; it has 2 nodes\), cannot lose 2 nodes at once \(n1 and n2\): 2 of the 2 pods/)
  })

  it('tries a batch of one zone\'s nodes, which strands the pods whose volumes are in that zone', () => {
    // Any one node, and the two hardest nodes together (a1, b1), leave room for every pod; losing
    // both nodes of zone a leaves the zonal pod nowhere: its volume is in a.
    const nodes = [general('a1', {zone: 'a'}), general('a2', {zone: 'a'}), general('b1', {zone: 'b'}), general('b2', {zone: 'b'})]
    const web = deployment('web', ['b1', 'b2'], {pod: {requests: {cpu: '2'}}})
    const v = volume('data', {zone: 'a'})
    const db = deployment('db', ['a1'], {replicas: 2, pod: {requests: {cpu: '1'}}})
    db.pods = db.pods.map(p => mounting(p, 'data'))
    const small = deployment('small', ['a2'], {replicas: 2, pod: {requests: {cpu: '100m'}}})
    const snap = upgradeSnapshot({nodes, ...parts(web, db, small), pvcs: [v.pvc], pvs: [v.pv]})
    expect(check(snap)).toEqual([])
    const [f, ...rest] = check(snap, {maxUnavailable: 2})
    expect(rest).toEqual([])
    expect(f).toMatchObject({nodes: ['a1', 'a2'], pods: [{name: 'db-5d8f-0'}]})
  })

  it('keeps a pod with a zonal volume in its zone even when another zone has room', () => {
    const nodes = [general('a1', {zone: 'a'}), general('a2', {zone: 'a', cpu: '1'}), general('b1', {zone: 'b', cpu: '16'})]
    const v = volume('data', {zone: 'a'})
    const db = deployment('db', ['a1'], {replicas: 2, pod: {requests: {cpu: '2'}}})
    db.pods = db.pods.map(p => mounting(p, 'data'))
    const [f] = check(upgradeSnapshot({nodes, ...db, pvcs: [v.pvc], pvs: [v.pv]}))
    expect(f).toMatchObject({nodes: ['a1'], pods: [{name: 'db-5d8f-0'}]})
    // b1 is not a node it can use: only a2, too small, is.
    expect(f!.message).toContain('more than any node it can use has: the largest, a2, has 1 allocatable')
  })

  it('leaves to the drain check a pod whose volume cannot leave its node at all', () => {
    const v = volume('data', {local: true, hostname: 'n1'})
    const db = deployment('db', ['n1'], {replicas: 2})
    db.pods = db.pods.map(p => mounting(p, 'data'))
    expect(check(upgradeSnapshot({nodes: [general('n1'), general('n2')], ...db, pvcs: [v.pvc], pvs: [v.pv]}))).toEqual([])
  })

  it('tries the hardest nodes of a large pool first, and finds the one whose pods have nowhere to go', () => {
    const count = MAX_TRIES * 2
    const nodes = Array.from({length: count}, (_, i) => general(`n${String(i).padStart(2, '0')}`))
    const filler = deployment('filler', nodes.map(n => n.metadata.name!).filter(n => n !== 'n17'), {pod: {requests: {cpu: '2'}}})
    // One node runs a pod as big as a whole node: removing that node is the worst case.
    const huge = deployment('huge', ['n17'], {replicas: 2, pod: {requests: {cpu: '3500m'}}})
    const [f, ...rest] = check(upgradeSnapshot({nodes, ...parts(filler, huge)}))
    expect(rest).toEqual([])
    expect(f).toMatchObject({nodes: ['n17'], pods: [{name: 'huge-5d8f-0'}]})
  })
})
