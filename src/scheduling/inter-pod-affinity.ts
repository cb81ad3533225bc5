// pkg/scheduler/framework/plugins/interpodaffinity/filtering.go. Three checks, all reported:
// - required pod affinity: every term's topology domain of the node must hold a pod that
//   matches all the terms (an exception lets the first pod of a self-affine group in when no
//   pod matches anywhere);
// - required anti-affinity of the pod: no pod matching a term in the node's domain;
// - required anti-affinity of existing pods: no existing pod whose term matches this pod in
//   the node's domain.
import type {Pod} from '../model/k8s.js'
import type {Labels} from '../model/labels.js'
import {compileAffinityTerms, termMatches, type AffinityTerm} from './affinity-terms.js'
import {selectPods, selfEntry, type ClusterIndex, type NodeInfo} from './cluster.js'
import {listNames} from '../model/text.js'
import type {FitFilter} from './types.js'

/** Values of each term's topology key that hold a pod matching every term (topologyToMatchedTermCount.updateWithAffinityTerms). */
function affinityDomains(cluster: ClusterIndex, terms: AffinityTerm[], self: string | undefined): Set<string>[] {
  const out = terms.map(() => new Set<string>())
  const [first, ...rest] = terms
  if (!first) return out
  const seen = new Set<NodeInfo>()
  for (const bound of selectPods(cluster, first.selector, first.namespaces)) {
    // One matching pod per node is enough to mark the node's domains.
    if (bound.key === self || seen.has(bound.node)) continue
    if (!rest.every((t) => termMatches(cluster.namespaceLabels, t, bound.namespace, bound.labels))) continue
    seen.add(bound.node)
    terms.forEach((t, i) => {
      const value = labelOf(bound.node, t.topologyKey)
      if (value !== undefined) out[i]?.add(value)
    })
  }
  return out
}

/** Pods matching one anti-affinity term, by the value of its topology key on their node (updateWithAntiAffinityTerms). */
function antiAffinityDomains(cluster: ClusterIndex, term: AffinityTerm, self: string | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const bound of selectPods(cluster, term.selector, term.namespaces)) {
    if (bound.key === self) continue
    const value = labelOf(bound.node, term.topologyKey)
    if (value === undefined) continue
    const list = out.get(value)
    if (list) list.push(bound.key)
    else out.set(value, [bound.key])
  }
  return out
}

/** Existing pods whose required anti-affinity matches the incoming pod, by the domain of their node. */
function existingAntiAffinityDomains(cluster: ClusterIndex, namespace: string, labels: Labels, self: string | undefined): Map<string, Map<string, string[]>> {
  // topology key → value → pods
  const out = new Map<string, Map<string, string[]>>()
  for (const {owner, term} of cluster.existingAntiAffinity) {
    if (owner.key === self || !termMatches(cluster.namespaceLabels, term, namespace, labels)) continue
    const value = owner.node.labels[term.topologyKey]
    if (value === undefined || !Object.hasOwn(owner.node.labels, term.topologyKey)) continue
    let byValue = out.get(term.topologyKey)
    if (!byValue) out.set(term.topologyKey, (byValue = new Map()))
    const list = byValue.get(value)
    if (!list) byValue.set(value, [owner.key])
    else if (!list.includes(owner.key)) list.push(owner.key)
  }
  return out
}

function labelOf(node: NodeInfo, key: string): string | undefined {
  return Object.hasOwn(node.labels, key) ? node.labels[key] : undefined
}

function podMatchesAllTerms(cluster: ClusterIndex, terms: AffinityTerm[], pod: Pod): boolean {
  const ns = pod.metadata.namespace ?? 'default'
  return terms.every((t) => termMatches(cluster.namespaceLabels, t, ns, pod.metadata.labels ?? {}))
}

export const interPodAffinityFilter: FitFilter = (pod, cluster) => {
  const affinity = compileAffinityTerms(pod, pod.spec.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [])
  const anti = compileAffinityTerms(pod, pod.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [])
  const namespace = pod.metadata.namespace ?? 'default'
  const self = selfEntry(cluster, pod)?.key
  const existing = existingAntiAffinityDomains(cluster, namespace, pod.metadata.labels ?? {}, self)
  if (affinity.length === 0 && anti.length === 0 && existing.size === 0) return null

  const affinityValues = affinityDomains(cluster, affinity, self)
  // The first pod of a group with affinity to itself would otherwise wait forever.
  const selfAffinityException = affinity.length > 0 && affinityValues.every((values) => values.size === 0) && podMatchesAllTerms(cluster, affinity, pod)
  const antiPods = anti.map((term) => antiAffinityDomains(cluster, term, self))

  return (node, failures) => {
    // upstream satisfyPodAffinity: a node without a term's topology label fails outright.
    let missing = false
    for (const t of affinity) {
      if (labelOf(node, t.topologyKey) !== undefined) continue
      missing = true
      failures.push({
        plugin: 'InterPodAffinity',
        category: 'pod-affinity-anti-affinity',
        detail: `node has no ${t.topologyKey} label, which the pod affinity term ${t.text} needs`,
        reason: "node(s) didn't match pod affinity rules",
        unresolvable: true,
        topology: {key: t.topologyKey, rule: 'affinity', index: t.index, selector: t.text, missingLabel: true},
      })
    }
    if (!missing && !selfAffinityException) {
      for (let i = 0; i < affinity.length; i++) {
        const t = affinity[i] as AffinityTerm
        const value = labelOf(node, t.topologyKey) as string
        if (affinityValues[i]?.has(value)) continue
        failures.push({
          plugin: 'InterPodAffinity',
          category: 'pod-affinity-anti-affinity',
          detail: `pod affinity: no pod matching ${t.text} in ${t.namespaceText} runs in ${t.topologyKey}=${value}`,
          reason: "node(s) didn't match pod affinity rules",
          unresolvable: true,
          topology: {key: t.topologyKey, value, rule: 'affinity', index: t.index, selector: t.text},
        })
      }
    }

    for (let i = 0; i < anti.length; i++) {
      const t = anti[i] as AffinityTerm
      const value = labelOf(node, t.topologyKey)
      if (value === undefined) continue
      const pods = antiPods[i]?.get(value)
      if (!pods) continue
      failures.push({
        plugin: 'InterPodAffinity',
        category: 'pod-affinity-anti-affinity',
        detail: `pod anti-affinity ${t.text}: ${listNames(pods)} already in ${t.topologyKey}=${value}`,
        reason: "node(s) didn't match pod anti-affinity rules",
        unresolvable: false,
        pods,
        topology: {key: t.topologyKey, value, rule: 'anti-affinity', index: t.index, selector: t.text},
      })
    }

    for (const [key, byValue] of existing) {
      const value = labelOf(node, key)
      if (value === undefined) continue
      const pods = byValue.get(value)
      if (!pods) continue
      failures.push({
        plugin: 'InterPodAffinity',
        category: 'pod-affinity-anti-affinity',
        detail: `anti-affinity of ${listNames(pods)} excludes this pod from ${key}=${value}`,
        reason: "node(s) didn't satisfy existing pods anti-affinity rules",
        unresolvable: false,
        pods,
        topology: {key, value, rule: 'existing-anti-affinity'},
      })
    }
  }
}

