// Before the first node: upgrade-plan's drain and capacity checks, for this pool only (PDBs that
// block, pods with nowhere to go, unmanaged pods, local data). Blockers stop the walk unless the
// operator says otherwise; warnings are shown.
import type {Node, Pod} from '../../model/k8s.js'
import {decodeWalkRecord} from '../../kube/journal.js'
import type {UpgradeFinding} from '../../model/reports/upgrade-plan.js'
import type {UpgradeSnapshot} from '../../model/upgrade.js'
import {drainBlockers} from '../drain-blockers.js'
import {poolCapacity} from '../capacity.js'
import {dedupePods, isEvictedByDrain} from '../drain-pods.js'
import {nodeZone, type Pool} from '../pools.js'
import type {WalkNode} from './types.js'

/**
 * The findings about this pool. A resumed walk's nodes that it cordoned itself count as
 * schedulable: each is finished, and uncordoned, before a node not yet started is drained.
 */
export function walkPreflight(snapshot: UpgradeSnapshot, poolAsIs: Pool, maxUnavailable: number, walkId?: string): UpgradeFinding[] {
  const returning = (n: Node) => {
    const r = walkId ? decodeWalkRecord(n.metadata.annotations) : undefined
    if (!r || r.walk !== walkId || !r.cordonedByWalk || r.step === 'done') return n
    // Uncordoned, the node loses the taint the node lifecycle controller gives cordoned nodes too.
    const taints = (n.spec?.taints ?? []).filter(t => t.key !== 'node.kubernetes.io/unschedulable')
    return {...n, spec: {...n.spec, unschedulable: false, taints}}
  }
  const pool = {...poolAsIs, nodes: poolAsIs.nodes.map(returning)}
  snapshot = {...snapshot, nodes: snapshot.nodes.map(returning)}
  const members = new Set(pool.nodes.map(n => n.metadata.name ?? ''))
  const inPool = (f: UpgradeFinding) => f.pool === pool.name || (f.nodes ?? []).some(n => members.has(n))
  return [
    ...drainBlockers(snapshot, [pool]).filter(inPool),
    ...poolCapacity(snapshot, [pool], {maxUnavailable}),
  ]
}

/** The pool's nodes as the walk plans them: zone, and the grace periods of the pods a drain moves. */
export function walkNodesOf(pool: Pool, pods: Pod[]): WalkNode[] {
  const grace = new Map<string, number[]>()
  for (const pod of dedupePods(pods)) {
    if (!isEvictedByDrain(pod)) continue
    const node = pod.spec.nodeName ?? ''
    grace.set(node, [...(grace.get(node) ?? []), (pod.spec as {terminationGracePeriodSeconds?: number}).terminationGracePeriodSeconds ?? 30])
  }
  return pool.nodes.map(n => {
    const name = n.metadata.name ?? ''
    const zone = nodeZone(n)
    return {name, ...(zone ? {zone} : {}), podGraceSeconds: grace.get(name) ?? []}
  })
}
