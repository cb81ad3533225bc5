import {describe, expect, it} from 'vitest'
import {walkNodesOf, walkPreflight} from '../../../../src/upgrade/walk/preflight.ts'
import {groupPools} from '../../../../src/upgrade/pools.ts'
import {WALK_ANNOTATIONS} from '../../../../src/kube/journal.ts'
import {deployment, parts, pdb, poolNode, upgradeSnapshot} from '../../../fixtures/upgrade/cluster.ts'
import type {Node} from '../../../../src/model/k8s.ts'

const cordonedByWalk = (n: Node, walk: string, step = 'drained'): Node => ({
  ...n,
  metadata: {...n.metadata, annotations: {[WALK_ANNOTATIONS.walk]: walk, [WALK_ANNOTATIONS.step]: step, [WALK_ANNOTATIONS.cordonedByWalk]: 'true'}},
  spec: {...n.spec, unschedulable: true, taints: [{key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule'}]},
})

/** Three nodes of pool a (pods pinned to the pool), one of pool b. */
function cluster(nodes: Node[]) {
  const web = deployment('web', ['a-0', 'a-1', 'a-2'], {pod: {nodeSelector: {'eks.amazonaws.com/nodegroup': 'a'}}})
  const other = deployment('api', ['b-0'], {replicas: 1})
  const snapshot = upgradeSnapshot({nodes, ...parts(web, other), pdbs: [pdb('web-pdb', {maxUnavailable: 1, allowed: 1}), pdb('api-pdb', {minAvailable: 1, allowed: 0})]})
  return {snapshot, pool: groupPools(nodes).find(p => p.name === 'a')!}
}
const pool = (n: number) => Array.from({length: n}, (_, i) => poolNode(`a-${i}`, {pool: 'a', zone: `z${i}`}))

describe('walkPreflight', () => {
  it('keeps the findings about this pool only', () => {
    const {snapshot, pool: a} = cluster([...pool(3), poolNode('b-0', {pool: 'b'})])
    const findings = walkPreflight(snapshot, a, 1)
    expect(findings).toEqual([])
    // Pool b's PDB that allows nothing is upgrade-plan's blocker, not this walk's.
    const b = groupPools(snapshot.nodes).find(p => p.name === 'b')!
    expect(walkPreflight(snapshot, b, 1).map(f => [f.check, f.severity])).toEqual([['pdb-never-allows', 'blocker'], ['single-replica', 'warning']])
  })

  it('finds a pool that cannot lose a node when the rest is cordoned', () => {
    const nodes = pool(3)
    nodes[1] = {...nodes[1]!, spec: {unschedulable: true}}
    nodes[2] = {...nodes[2]!, spec: {unschedulable: true}}
    const {snapshot, pool: a} = cluster(nodes)
    expect(walkPreflight(snapshot, a, 1).map(f => f.check)).toEqual(['pool-capacity'])
  })

  it('counts the nodes this walk cordoned as coming back (a resumed walk finishes them first)', () => {
    const nodes = pool(3)
    nodes[0] = cordonedByWalk(nodes[0]!, 'w1')
    nodes[1] = {...nodes[1]!, spec: {unschedulable: true}}
    const {snapshot, pool: a} = cluster(nodes)
    expect(walkPreflight(snapshot, a, 1, 'w1')).toEqual([])
    // Another walk's record, or none given: still cordoned.
    expect(walkPreflight(snapshot, a, 1, 'w2').map(f => f.check)).toEqual(['pool-capacity'])
    expect(walkPreflight(snapshot, a, 1).map(f => f.check)).toEqual(['pool-capacity'])
  })
})

describe('walkNodesOf', () => {
  it('gives each node its zone and the grace periods of the pods a drain moves', () => {
    const nodes = pool(2)
    const web = deployment('web', ['a-0', 'a-0'], {pod: {}})
    const pods = web.pods.map((p, i) => ({...p, spec: {...p.spec, terminationGracePeriodSeconds: i === 0 ? 120 : undefined}}))
    const a = groupPools(nodes)[0]!
    expect(walkNodesOf(a, pods)).toEqual([
      {name: 'a-0', zone: 'z0', podGraceSeconds: [120, 30]},
      {name: 'a-1', zone: 'z1', podGraceSeconds: []},
    ])
  })
})
