// Label selectors (metav1.LabelSelector) and node selectors (v1.NodeSelector), matched the way
// k8s.io/apimachinery/pkg/labels/selector.go and
// k8s.io/component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity.go match them.
import type {LabelSelector, LabelSelectorRequirement, NodeSelectorRequirement, NodeSelectorTerm} from './k8s.js'

export type Labels = Record<string, string>

/** A node as node selectors see it: its labels, plus its name for matchFields. */
export interface NodeFields {
  name: string
  labels: Labels
}

const INT64 = /^[+-]?\d+$/
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/** strconv.ParseInt(s, 10, 64), or undefined when Go would return an error. */
export function parseInt64(s: string): bigint | undefined {
  if (!INT64.test(s)) return undefined
  const n = BigInt(s)
  return n < INT64_MIN || n > INT64_MAX ? undefined : n
}

function has(labels: Labels, key: string): boolean {
  return Object.hasOwn(labels, key)
}

/** One requirement of a node selector term or a label selector (In, NotIn, Exists, DoesNotExist, Gt, Lt). */
export function matchesRequirement(req: NodeSelectorRequirement | LabelSelectorRequirement, labels: Labels): boolean {
  const values = req.values ?? []
  const present = has(labels, req.key)
  const value = present ? labels[req.key] : undefined
  switch (req.operator) {
    // An In/NotIn without values, or Exists with values, is invalid: the selector selects nothing.
    case 'In':
      return values.length > 0 && present && values.includes(value as string)
    case 'NotIn':
      return values.length > 0 && (!present || !values.includes(value as string))
    case 'Exists':
      return values.length === 0 && present
    case 'DoesNotExist':
      return values.length === 0 && !present
    case 'Gt':
    case 'Lt': {
      if (!present || values.length !== 1) return false
      const actual = parseInt64(value as string)
      const wanted = parseInt64(values[0] as string)
      if (actual === undefined || wanted === undefined) return false
      return req.operator === 'Gt' ? actual > wanted : actual < wanted
    }
    default:
      return false
  }
}

/**
 * metav1.LabelSelectorAsSelector semantics: a missing selector selects nothing, an empty one
 * ({}) selects everything, matchLabels and matchExpressions are ANDed. Gt/Lt are not valid in
 * label selectors and select nothing.
 */
export function matchesLabelSelector(selector: LabelSelector | undefined | null, labels: Labels | undefined): boolean {
  if (!selector) return false
  const set = labels ?? {}
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (set[key] !== value || !has(set, key)) return false
  }
  for (const req of selector.matchExpressions ?? []) {
    if (req.operator === 'Gt' || req.operator === 'Lt') return false
    if (!matchesRequirement(req, set)) return false
  }
  return true
}

/** A selector turned into a predicate once, for matching many label sets (same semantics as matchesLabelSelector). */
export function compileLabelSelector(selector: LabelSelector | undefined | null): (labels: Labels | undefined) => boolean {
  if (!selector) return () => false
  const pairs = Object.entries(selector.matchLabels ?? {})
  const reqs = selector.matchExpressions ?? []
  if (reqs.some((r) => r.operator === 'Gt' || r.operator === 'Lt')) return () => false
  return (labels) => {
    const set = labels ?? {}
    for (const [key, value] of pairs) {
      if (set[key] !== value || !has(set, key)) return false
    }
    for (const req of reqs) {
      if (!matchesRequirement(req, set)) return false
    }
    return true
  }
}

export function isEmptyLabelSelector(selector: LabelSelector | undefined | null): boolean {
  return !!selector && Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0
}

/** The selector with `key In [labels[key]]` added for each key present in `labels` (matchLabelKeys). */
export function withMatchLabelKeys(selector: LabelSelector | undefined, keys: string[] | undefined, labels: Labels | undefined, operator: 'In' | 'NotIn' = 'In'): LabelSelector | undefined {
  // A missing selector selects nothing, with or without the added keys.
  if (!keys?.length || !selector) return selector
  const added: LabelSelectorRequirement[] = []
  for (const key of keys) {
    const value = labels?.[key]
    if (value !== undefined && labels && has(labels, key)) added.push({key, operator, values: [value]})
  }
  if (added.length === 0) return selector
  return {...selector, matchExpressions: [...(selector.matchExpressions ?? []), ...added]}
}

export function isEmptyNodeSelectorTerm(term: NodeSelectorTerm): boolean {
  return (term.matchExpressions ?? []).length === 0 && (term.matchFields ?? []).length === 0
}

/** A matchFields requirement: only metadata.name exists, only In/NotIn with exactly one value are valid. */
export function matchesFieldRequirement(req: NodeSelectorRequirement, node: NodeFields): boolean {
  const values = req.values ?? []
  if (values.length !== 1) return false
  const actual = req.key === 'metadata.name' ? node.name : ''
  if (req.operator === 'In') return actual === values[0]
  if (req.operator === 'NotIn') return actual !== values[0]
  return false
}

/** The requirements of a term that the node fails (empty: the term matches; an empty term matches nothing). */
export function failingTermRequirements(term: NodeSelectorTerm, node: NodeFields): {field: boolean; req: NodeSelectorRequirement}[] {
  const failing: {field: boolean; req: NodeSelectorRequirement}[] = []
  for (const req of term.matchExpressions ?? []) {
    if (!matchesRequirement(req, node.labels)) failing.push({field: false, req})
  }
  for (const req of term.matchFields ?? []) {
    if (!matchesFieldRequirement(req, node)) failing.push({field: true, req})
  }
  return failing
}

/** Requirements within a term are ANDed; an empty term matches nothing. */
export function matchesNodeSelectorTerm(term: NodeSelectorTerm, node: NodeFields): boolean {
  if (isEmptyNodeSelectorTerm(term)) return false
  for (const req of term.matchExpressions ?? []) if (!matchesRequirement(req, node.labels)) return false
  for (const req of term.matchFields ?? []) if (!matchesFieldRequirement(req, node)) return false
  return true
}

/** Terms are ORed; no (non-empty) term means no node matches. */
export function matchesNodeSelectorTerms(terms: NodeSelectorTerm[], node: NodeFields): boolean {
  return terms.some((term) => matchesNodeSelectorTerm(term, node))
}

/** "disktype in (ssd, nvme)", "!spot", "cores>8". */
export function formatRequirement(req: NodeSelectorRequirement | LabelSelectorRequirement): string {
  const values = req.values ?? []
  switch (req.operator) {
    case 'In':
      return values.length === 1 ? `${req.key}=${values[0]}` : `${req.key} in (${values.join(', ')})`
    case 'NotIn':
      return values.length === 1 ? `${req.key}!=${values[0]}` : `${req.key} notin (${values.join(', ')})`
    case 'Exists':
      return req.key
    case 'DoesNotExist':
      return `!${req.key}`
    case 'Gt':
      return `${req.key}>${values[0] ?? ''}`
    case 'Lt':
      return `${req.key}<${values[0] ?? ''}`
    default:
      return `${req.key} ${req.operator} (${values.join(', ')})`
  }
}

/** kubectl-style text of a label selector: "app=web,tier in (a, b)"; "<none>" selects nothing, "<all>" everything. */
export function formatLabelSelector(selector: LabelSelector | undefined | null): string {
  if (!selector) return '<none>'
  const parts = [
    ...Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(selector.matchExpressions ?? []).map(formatRequirement),
  ]
  return parts.length === 0 ? '<all>' : parts.join(',')
}
