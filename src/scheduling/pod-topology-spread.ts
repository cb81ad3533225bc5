// pkg/scheduler/framework/plugins/podtopologyspread/filtering.go: for each DoNotSchedule
// constraint, count the matching pods (same namespace, not terminating) per domain over the
// nodes that carry every constraint's topology key and pass the inclusion policies
// (nodeAffinityPolicy Honor by default, nodeTaintsPolicy Ignore by default); a node fails when
// count(its domain) + (1 if the pod matches its own selector) − min over domains > maxSkew.
// The minimum is 0 while there are fewer domains than minDomains.
import type {LabelSelector, TopologySpreadConstraint} from '../model/k8s.js'
import {formatLabelSelector, isEmptyLabelSelector, matchesLabelSelector, withMatchLabelKeys} from '../model/labels.js'
import {selectPods, selfEntry, type NodeInfo} from './cluster.js'
import {requiredNodeAffinity} from './node-affinity.js'
import {untoleratedTaints} from './taint-toleration.js'
import type {FitFilter} from './types.js'

interface Constraint {
  index: number
  spec: TopologySpreadConstraint
  key: string
  selector: LabelSelector | undefined
  counts: Map<string, number>
  domains: Record<string, number>
  min: number
  minDomain?: string
  selfMatch: number
  selectorText: string
}

export const podTopologySpreadFilter: FitFilter = (pod, cluster) => {
  const specs = (pod.spec.topologySpreadConstraints ?? [])
    .map((spec, index) => ({spec, index}))
    .filter(({spec}) => spec.whenUnsatisfiable === 'DoNotSchedule')
  if (specs.length === 0) return null
  const namespace = pod.metadata.namespace ?? 'default'
  const self = selfEntry(cluster, pod)?.key
  const affinity = requiredNodeAffinity(pod)
  const keys = specs.map(({spec}) => spec.topologyKey)
  const hasAllKeys = (node: NodeInfo) => keys.every((k) => Object.hasOwn(node.labels, k))

  const constraints: Constraint[] = specs.map(({spec, index}) => {
    const selector = withMatchLabelKeys(spec.labelSelector, spec.matchLabelKeys, pod.metadata.labels)
    const included = (node: NodeInfo) =>
      hasAllKeys(node) &&
      (spec.nodeAffinityPolicy === 'Ignore' || !affinity || affinity(node)) &&
      (spec.nodeTaintsPolicy !== 'Honor' || untoleratedTaints(node.taints, pod.spec.tolerations).length === 0)
    const counts = new Map<string, number>()
    const eligible = new Set<NodeInfo>()
    for (const node of cluster.nodes) {
      if (!included(node)) continue
      eligible.add(node)
      const domain = node.labels[spec.topologyKey] as string
      if (!counts.has(domain)) counts.set(domain, 0)
    }
    // countPodsMatchSelector: an empty selector counts nothing; terminating pods are skipped (#87621).
    if (!isEmptyLabelSelector(selector)) {
      for (const bound of selectPods(cluster, selector, {names: new Set([namespace])})) {
        if (bound.terminating || bound.key === self || !eligible.has(bound.node)) continue
        const domain = bound.node.labels[spec.topologyKey] as string
        counts.set(domain, (counts.get(domain) ?? 0) + 1)
      }
    }
    let min = Number.POSITIVE_INFINITY
    let minDomain: string | undefined
    const domains: Record<string, number> = {}
    for (const domain of [...counts.keys()].sort()) {
      const n = counts.get(domain) ?? 0
      domains[domain] = n
      if (n < min) {
        min = n
        minDomain = domain
      }
    }
    if (counts.size < (spec.minDomains ?? 1)) min = 0
    const selfMatch = matchesLabelSelector(selector, pod.metadata.labels) ? 1 : 0
    return {
      index, spec, key: spec.topologyKey, selector, counts, domains, min, ...(minDomain !== undefined ? {minDomain} : {}), selfMatch,
      selectorText: formatLabelSelector(selector),
    }
  })

  return (node, failures) => {
    for (const c of constraints) {
      const selectorText = c.selectorText
      if (!Object.hasOwn(node.labels, c.key)) {
        failures.push({
          plugin: 'PodTopologySpread',
          category: 'topology-spread',
          detail: `node has no ${c.key} label, which topology spread requires`,
          reason: "node(s) didn't match pod topology spread constraints (missing required label)",
          unresolvable: true,
          topology: {key: c.key, rule: 'spread', index: c.index, selector: selectorText, maxSkew: c.spec.maxSkew, missingLabel: true},
        })
        continue
      }
      const value = node.labels[c.key] as string
      const matching = c.counts.get(value) ?? 0
      const skew = matching + c.selfMatch - c.min
      if (skew <= c.spec.maxSkew) continue
      const minText = c.counts.size < (c.spec.minDomains ?? 1)
        ? `fewer than minDomains ${c.spec.minDomains ?? 1} domains, so the minimum is 0`
        : `the least loaded ${c.key} ${c.minDomain} has ${c.min}`
      failures.push({
        plugin: 'PodTopologySpread',
        category: 'topology-spread',
        detail: `topology spread on ${c.key}: ${value} has ${matching} matching pod${matching === 1 ? '' : 's'}, ${minText}; skew ${skew} > maxSkew ${c.spec.maxSkew}`,
        reason: "node(s) didn't match pod topology spread constraints",
        unresolvable: false,
        domains: c.domains,
        topology: {key: c.key, value, rule: 'spread', index: c.index, selector: selectorText, maxSkew: c.spec.maxSkew, skew, minMatch: c.min},
      })
    }
  }
}
