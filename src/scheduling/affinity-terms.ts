// Pod affinity terms resolved the way the scheduler resolves them
// (pkg/scheduler/framework/types.go newAffinityTerm, getNamespacesFromPodAffinityTerm).
import type {LabelSelector, Pod, PodAffinityTerm} from '../model/k8s.js'
import {compileLabelSelector, formatLabelSelector, isEmptyLabelSelector, matchesLabelSelector, withMatchLabelKeys, type Labels} from '../model/labels.js'

export interface NamespaceFilter {
  names: ReadonlySet<string>
  /** null/undefined: only `names`; {} matches every namespace. */
  selector?: LabelSelector | null
}

/** The labels of a namespace by name (every namespace has at least kubernetes.io/metadata.name). */
export type NamespaceLabels = (namespace: string) => Labels

export function namespaceMatches(namespaceLabels: NamespaceLabels, filter: NamespaceFilter, namespace: string): boolean {
  return filter.names.has(namespace) || (!!filter.selector && matchesLabelSelector(filter.selector, namespaceLabels(namespace)))
}

export interface AffinityTerm {
  /** Position in the pod's required terms. */
  index: number
  topologyKey: string
  /** labelSelector with matchLabelKeys/mismatchLabelKeys merged in, as the API server stores it. */
  selector: LabelSelector | undefined
  namespaces: NamespaceFilter
  /** The selector as text, for people. */
  text: string
  /** "namespace default", for people. */
  namespaceText: string
  matchesLabels: (labels: Labels | undefined) => boolean
}

export function compileAffinityTerms(pod: Pod, terms: PodAffinityTerm[]): AffinityTerm[] {
  const own = pod.metadata.namespace ?? 'default'
  return terms.map((term, index) => {
    // Merging is idempotent, so pods the API server already merged are unchanged.
    let selector = withMatchLabelKeys(term.labelSelector, term.matchLabelKeys, pod.metadata.labels, 'In')
    selector = withMatchLabelKeys(selector, term.mismatchLabelKeys, pod.metadata.labels, 'NotIn')
    // No namespaces and no namespaceSelector: the pod's own namespace.
    const names = !term.namespaces?.length && !term.namespaceSelector ? [own] : (term.namespaces ?? [])
    const namespaces = {names: new Set(names), selector: term.namespaceSelector ?? null}
    return {
      index, topologyKey: term.topologyKey, selector, namespaces, text: formatLabelSelector(selector), namespaceText: describeNamespaces(namespaces),
      matchesLabels: compileLabelSelector(selector),
    }
  })
}

/** AffinityTerm.Matches: the pod's namespace is selected, then its labels. */
export function termMatches(namespaceLabels: NamespaceLabels, term: AffinityTerm, namespace: string, labels: Labels): boolean {
  return namespaceMatches(namespaceLabels, term.namespaces, namespace) && term.matchesLabels(labels)
}

function describeNamespaces(filter: NamespaceFilter): string {
  const names = [...filter.names]
  const listed = names.length === 1 ? `namespace ${names[0]}` : `namespaces ${names.join(', ')}`
  if (!filter.selector) return listed
  const selected = isEmptyLabelSelector(filter.selector) ? 'any namespace' : `namespaces selected by ${formatLabelSelector(filter.selector)}`
  return names.length > 0 ? `${listed} or ${selected}` : selected
}
