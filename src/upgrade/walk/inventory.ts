// `nodepool list`: each pool's size, health and versions, from the nodes alone.
import type {Node} from '../../model/k8s.js'
import type {NodePoolItem, NodePoolList} from '../../model/reports/nodepool.js'
import {groupPools} from '../pools.js'

/** True when the node's Ready condition is True. */
export function isNodeReadyNow(node: Node): boolean {
  return node.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True') ?? false
}

export function isCordoned(node: Node): boolean {
  return node.spec?.unschedulable === true
}

export function listNodePools(nodes: Node[], poolLabel?: string): NodePoolList {
  const items: NodePoolItem[] = groupPools(nodes, poolLabel).map(pool => ({
    name: pool.name,
    label: pool.label,
    nodes: pool.nodes.length,
    ready: pool.nodes.filter(isNodeReadyNow).length,
    cordoned: pool.nodes.filter(isCordoned).length,
    kubelets: pool.kubelets.map(k => ({version: k.minor, nodes: k.nodes})),
    zones: pool.zones,
  }))
  return {apiVersion: 'kubectl-prod/v1', kind: 'NodePoolList', items}
}
