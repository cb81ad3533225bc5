// Node pools as the upgrade sees them: the nodes that are upgraded together, with the kubelet
// minors they run and the zones they cover. A pool is named by --pool-label when it is given,
// else by the provider's label (EKS, GKE, AKS, Karpenter: src/model/pools.ts), else it is
// "(no pool)".
import type {Node} from '../model/k8s.js'
import type {ObjectRef} from '../model/reports/finding.js'
import {poolOf} from '../model/pools.js'
import {compareVersions} from '../model/versions.js'

export const NO_POOL = '(no pool)'

/** The zone labels, GA first (the beta label was removed from new nodes in 1.24 but old ones may carry it). */
const ZONE_LABELS = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'] as const

export interface KubeletMinorGroup {
  /** "1.33", or "unknown" when status.nodeInfo.kubeletVersion is missing or unreadable. */
  minor: string
  /** Node names, sorted. */
  nodes: string[]
}

export interface Pool {
  name: string
  /** The label that names the pool; null for "(no pool)". */
  label: string | null
  nodes: Node[]
  /** Kubelet minors, oldest first; nodes whose version cannot be read are grouped as "unknown", last. */
  kubelets: KubeletMinorGroup[]
  /** Zones of the pool's nodes, sorted; nodes without a zone label add none. */
  zones: string[]
}

/** "1.33" from "v1.33.4-eks-1234", "v1.33.4+k3s1" or "1.33"; undefined when it is not a version. */
export function kubeletMinor(version: string | undefined): string | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\D|$)/.exec(version?.trim() ?? '')
  return m ? `${Number(m[1])}.${Number(m[2])}` : undefined
}

export function nodeZone(node: Node): string | undefined {
  const labels = node.metadata.labels
  for (const label of ZONE_LABELS) {
    const zone = labels?.[label]
    if (zone) return zone
  }
  return undefined
}

/** The pool a node belongs to. With a pool label, nodes without that label are in no pool: the label was chosen on purpose. */
export function nodePoolName(node: Node, poolLabel?: string): {name: string; label: string | null} {
  const labels = node.metadata.labels
  if (poolLabel) {
    const name = labels?.[poolLabel]
    return name ? {name, label: poolLabel} : {name: NO_POOL, label: null}
  }
  const provider = poolOf(labels)
  return provider ? {name: provider.name, label: provider.label} : {name: NO_POOL, label: null}
}

/** Nodes grouped by pool, pools sorted by name with "(no pool)" last. */
export function groupPools(nodes: Node[], poolLabel?: string): Pool[] {
  const byName = new Map<string, {label: string | null; nodes: Node[]}>()
  for (const node of nodes) {
    const {name, label} = nodePoolName(node, poolLabel)
    const entry = byName.get(name)
    if (entry) entry.nodes.push(node)
    else byName.set(name, {label, nodes: [node]})
  }
  return [...byName]
    .sort(([a], [b]) => (a === NO_POOL ? 1 : 0) - (b === NO_POOL ? 1 : 0) || a.localeCompare(b))
    .map(([name, {label, nodes: members}]) => ({
      name,
      label,
      nodes: members,
      kubelets: kubeletGroups(members),
      zones: [...new Set(members.map(nodeZone).filter((z): z is string => !!z))].sort(),
    }))
}

function kubeletGroups(nodes: Node[]): KubeletMinorGroup[] {
  const groups = new Map<string, string[]>()
  for (const node of nodes) {
    const minor = kubeletMinor(node.status?.nodeInfo?.kubeletVersion) ?? 'unknown'
    const list = groups.get(minor)
    if (list) list.push(node.metadata.name ?? '')
    else groups.set(minor, [node.metadata.name ?? ''])
  }
  return [...groups]
    .map(([minor, names]) => ({minor, nodes: names.sort()}))
    .sort((a, b) => (a.minor === 'unknown' ? 1 : 0) - (b.minor === 'unknown' ? 1 : 0) || compareVersions(a.minor, b.minor))
}

/**
 * The object a pool finding is about. A pool is no API object of its own (an EKS node group, a
 * GKE node pool and a Karpenter NodePool are different things), so it carries no apiVersion.
 */
export function poolRef(pool: string): ObjectRef {
  return {kind: 'NodePool', name: pool}
}

/** The pool of each node, by name. */
export function poolByNode(pools: Pool[]): Map<string, Pool> {
  const out = new Map<string, Pool>()
  for (const pool of pools) for (const node of pool.nodes) out.set(node.metadata.name ?? '', pool)
  return out
}
