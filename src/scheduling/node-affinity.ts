// pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go with
// k8s.io/component-helpers/scheduling/corev1/nodeaffinity (RequiredNodeAffinity): spec.nodeSelector
// must match exactly, and at least one required node affinity term (ORed) must match all of
// its requirements (ANDed). Every mismatching label is reported, not just the first.
import type {NodeSelectorRequirement, NodeSelectorTerm, Pod} from '../model/k8s.js'
import {failingTermRequirements, formatRequirement, isEmptyNodeSelectorTerm, matchesNodeSelectorTerm, matchesNodeSelectorTerms, type NodeFields} from '../model/labels.js'
import type {NodeInfo} from './cluster.js'
import type {FitFailure, FitFilter} from './types.js'

const REASON = "node(s) didn't match Pod's node affinity/selector"

/** The pod's node selector and required node affinity as one predicate (RequiredNodeAffinity.Match). */
export function requiredNodeAffinity(pod: Pod): ((node: NodeFields) => boolean) | null {
  const selector = Object.entries(pod.spec.nodeSelector ?? {})
  const terms = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms
  if (selector.length === 0 && !terms) return null
  return (node) => {
    for (const [k, v] of selector) {
      if (!Object.hasOwn(node.labels, k) || node.labels[k] !== v) return false
    }
    return !terms || matchesNodeSelectorTerms(terms, node)
  }
}

function fields(node: NodeInfo): NodeFields {
  return {name: node.name, labels: node.labels}
}

/** What a requirement asks for, in words: "ssd", "one of ssd, nvme", "not hdd", "present", "absent", "> 8". */
export function wantedText(req: NodeSelectorRequirement): string {
  const values = req.values ?? []
  switch (req.operator) {
    case 'In':
      return values.length === 1 ? (values[0] as string) : `one of ${values.join(', ')}`
    case 'NotIn':
      return `not ${values.join(', ')}`
    case 'Exists':
      return 'present'
    case 'DoesNotExist':
      return 'absent'
    case 'Gt':
      return `> ${values[0] ?? ''}`
    case 'Lt':
      return `< ${values[0] ?? ''}`
    default:
      return `${req.operator} ${values.join(', ')}`
  }
}

function termFailures(term: NodeSelectorTerm, index: number, total: number, node: NodeInfo): FitFailure[] {
  const prefix = total > 1 ? `node affinity term ${index + 1} of ${total}` : 'node affinity'
  return failingTermRequirements(term, fields(node)).map(({field, req}) => {
    const actual = field ? (req.key === 'metadata.name' ? node.name : null) : Object.hasOwn(node.labels, req.key) ? (node.labels[req.key] as string) : null
    const has = field ? `node is named ${node.name}` : actual === null ? `node has no ${req.key} label` : `node has ${req.key}=${actual}`
    return {
      plugin: 'NodeAffinity',
      category: 'node-affinity-selector',
      detail: `${prefix} ${formatRequirement(req)}: ${has}`,
      reason: REASON,
      unresolvable: true,
      label: {
        key: req.key, wanted: wantedText(req), actual, operator: req.operator, values: req.values ?? [],
        ...(field ? {field: true} : {}), term: index, terms: total,
      },
    }
  })
}

export const nodeAffinityFilter: FitFilter = (pod) => {
  const selector = Object.entries(pod.spec.nodeSelector ?? {})
  const allTerms = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms
  if (selector.length === 0 && !allTerms) return null
  // Empty terms select no node (nodeaffinity.NewLazyErrorNodeSelector skips them).
  const terms = (allTerms ?? []).map((term, index) => ({term, index})).filter(({term}) => !isEmptyNodeSelectorTerm(term))
  return (node, failures) => {
    for (const [key, value] of selector) {
      const actual = Object.hasOwn(node.labels, key) ? (node.labels[key] as string) : null
      if (actual === value) continue
      failures.push({
        plugin: 'NodeAffinity',
        category: 'node-affinity-selector',
        detail: `nodeSelector ${key}=${value}: ${actual === null ? `node has no ${key} label` : `node has ${key}=${actual}`}`,
        reason: REASON,
        unresolvable: true,
        label: {key, wanted: value, actual, operator: 'In', values: [value]},
      })
    }
    if (allTerms) {
      if (terms.length === 0) {
        failures.push({
          plugin: 'NodeAffinity',
          category: 'node-affinity-selector',
          detail: 'required node affinity has no non-empty term, so it matches no node',
          reason: REASON,
          unresolvable: true,
        })
      } else if (!terms.some(({term}) => matchesNodeSelectorTerm(term, fields(node)))) {
        for (const {term, index} of terms) failures.push(...termFailures(term, index, allTerms.length, node))
      }
    }
  }
}
