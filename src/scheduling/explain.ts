// What blocks one pod, from the verdicts of every node: only changes that, alone or with the
// other causes listed, let the pod run on some node it could use. The scheduler reports the
// first failing filter per node; evaluateNodes finds them all; this decides which of them a
// person should act on.
//
// - Nodes the pod's own nodeSelector, required node affinity or nodeName excludes are not
//   candidates. When no node is selected at all, the selection is the cause.
// - A taint that reserves nodes for other work (named after an extended resource the pod does
//   not request, or paired with a pool or dedication label the pod does not select) makes its
//   nodes context, not candidates: a GPU pool is not a place to send a web server.
// - A node with none of an extended resource the pod requests is not a candidate either.
// - Those two exclusions yield when nothing else is left: a pod with no other place to go is
//   blocked by the taint, or by the missing resource.
// - Among candidates, each node needs a set of changes (its distinct failures); the causes are
//   those of the nodes needing the fewest. A NotReady or cordoned node is therefore a cause only
//   when the pod would fit there once it is healthy again.
import type {Pod, Taint} from '../model/k8s.js'
import {DEDICATION_LABELS, POOL_LABELS} from '../model/pools.js'
import {listNames} from '../model/text.js'
import type {ClusterIndex, NodeInfo} from './cluster.js'
import {podRequestMap} from './resources.js'
import {changeKeys, summarizeVerdicts} from './summarize.js'
import {formatTaint} from './taint-toleration.js'
import type {FitFailure, FitSummaryLine, NodeVerdict} from './types.js'

export interface FitExplanation {
  /** fits: a candidate node fits now; blocked: causes say what to change; nothing-selected: the pod's selection matches no node. */
  kind: 'fits' | 'blocked' | 'nothing-selected' | 'no-nodes'
  /** What blocks the pod, most direct first; each line's nodes are among the candidates. */
  causes: RankedLine[]
  /** Context that blocks nothing by itself. */
  notes: string[]
  /** Candidate nodes that fit the pod now. */
  fitting: string[]
}

export interface RankedLine extends FitSummaryLine {
  /** Nodes on which this cause is the only obstacle: fixing it alone opens them. */
  opens: number
}

const STATE_CATEGORIES = new Set(['node-not-ready', 'node-unschedulable', 'node-pressure', 'sandbox-network'])

export function explainFit(pod: Pod, verdicts: NodeVerdict[], cluster: ClusterIndex): FitExplanation {
  if (verdicts.length === 0) return {kind: 'no-nodes', causes: [], notes: [], fitting: []}
  const selected = verdicts.filter(v => !v.failures.some(isSelectionFailure))
  if (selected.length === 0) {
    // The pod's own selection matches nothing: that, and only that, is the cause.
    const lines = summarizeVerdicts(pod, verdicts).filter(l => l.plugin === 'NodeAffinity' || l.plugin === 'NodeName')
    return {kind: 'nothing-selected', causes: rank(lines, verdicts, new Map(verdicts.map(v => [v.node, changeKeys(v).size]))), notes: [], fitting: []}
  }

  const requested = podRequestMap(pod)
  const selectedKeys = selectionKeys(pod)
  const reserved = new Map<string, Taint[]>()
  const lacking = new Set<string>()
  for (const v of selected) {
    const node = cluster.nodeByName.get(v.node)
    if (!node) continue
    const taints = v.failures.filter(f => f.plugin === 'TaintToleration' && f.category === 'taint' && f.taint && reservesFor(f.taint as Taint, node, requested, selectedKeys))
    if (taints.length) reserved.set(v.node, taints.map(f => f.taint as Taint))
    if (v.failures.some(f => lacksExtendedResource(f))) lacking.add(v.node)
  }
  const preferred = selected.filter(v => !reserved.has(v.node) && !lacking.has(v.node))
  const candidates = preferred.length ? preferred : selected
  const notes = reservedNotes(reserved, new Set(candidates.map(v => v.node)))

  const fitting = candidates.filter(v => v.fits).map(v => v.node)
  if (fitting.length) return {kind: 'fits', causes: [], notes, fitting}

  const sizes = new Map(candidates.map(v => [v.node, changeKeys(v).size]))
  const fewest = Math.min(...sizes.values())
  const best = candidates.filter(v => sizes.get(v.node) === fewest)
  notes.push(...stateNotes(candidates.filter(v => sizes.get(v.node) !== fewest)))
  return {kind: 'blocked', causes: rank(summarizeVerdicts(pod, best), best, sizes), notes, fitting}
}

function isSelectionFailure(f: FitFailure): boolean {
  return f.plugin === 'NodeAffinity' || f.plugin === 'NodeName'
}

/** Insufficient of an extended resource (nvidia.com/gpu) on a node that has none at all. */
function lacksExtendedResource(f: FitFailure): boolean {
  return f.plugin === 'NodeResourcesFit' && !!f.resource && isExtendedResource(f.resource.name) && f.resource.allocatable === 0
}

/** Domain-prefixed resources outside kubernetes.io: device plugins' GPUs, FPGAs, NICs. */
export function isExtendedResource(name: string): boolean {
  return name.includes('/') && !name.startsWith('kubernetes.io/') && !name.startsWith('requests.')
}

/** Label keys the pod's nodeSelector and required node affinity look at. */
function selectionKeys(pod: Pod): Set<string> {
  const keys = new Set(Object.keys(pod.spec.nodeSelector ?? {}))
  for (const term of pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const req of term.matchExpressions ?? []) keys.add(req.key)
  }
  return keys
}

/**
 * Does this taint reserve the node for work the pod is not? Yes when it is named after an
 * extended resource of the node that the pod does not request (nvidia.com/gpu; AKS's sku=gpu),
 * or when the node carries a pool or dedication label paired with it that the pod does not select.
 */
function reservesFor(taint: Taint, node: NodeInfo, requested: Map<string, number>, selectedKeys: Set<string>): boolean {
  for (const [resource] of node.allocatable) {
    if (!isExtendedResource(resource)) continue
    const named = taint.key === resource || resource.endsWith(`/${taint.key}`) || (!!taint.value && resource.endsWith(`/${taint.value}`))
    if (named && !(requested.get(resource) ?? 0)) return true
  }
  const paired: string[] = []
  if (Object.hasOwn(node.labels, taint.key)) paired.push(taint.key)
  for (const label of [...POOL_LABELS, ...DEDICATION_LABELS]) {
    if (taint.value && node.labels[label] === taint.value) paired.push(label)
  }
  return paired.length > 0 && !paired.some(label => selectedKeys.has(label))
}

function reservedNotes(reserved: Map<string, Taint[]>, candidates: Set<string>): string[] {
  const byTaint = new Map<string, string[]>()
  for (const [node, taints] of reserved) {
    if (candidates.has(node)) continue
    for (const t of taints) {
      const key = formatTaint(t)
      byTaint.set(key, [...(byTaint.get(key) ?? []), node])
    }
  }
  return [...byTaint].map(([taint, nodes]) => `${listNames(nodes)} ${nodes.length === 1 ? 'is' : 'are'} reserved for other work by taint ${taint}`)
}

/** Node problems on candidates that need more than the fewest changes: true, but not what blocks the pod. */
function stateNotes(others: NodeVerdict[]): string[] {
  const byState = new Map<string, string[]>()
  for (const v of others) {
    for (const f of v.failures) {
      if (!STATE_CATEGORIES.has(f.category)) continue
      const what = stateWords(f)
      const list = byState.get(what) ?? []
      if (!list.includes(v.node)) list.push(v.node)
      byState.set(what, list)
    }
  }
  return [...byState].map(([what, nodes]) => `${listNames(nodes)} ${nodes.length === 1 ? 'is' : 'are'} ${what}, but the pod would not fit there anyway`)
}

const TAINT_WORDS: Record<string, string> = {
  'node.kubernetes.io/not-ready': 'not ready',
  'node.kubernetes.io/unreachable': 'unreachable',
  'node.kubernetes.io/memory-pressure': 'under memory pressure',
  'node.kubernetes.io/disk-pressure': 'under disk pressure',
  'node.kubernetes.io/pid-pressure': 'under PID pressure',
  'node.kubernetes.io/network-unavailable': 'without a configured network',
  'node.kubernetes.io/unschedulable': 'cordoned',
}

function stateWords(f: FitFailure): string {
  if (f.plugin === 'NodeUnschedulable') return 'cordoned'
  return (f.taint && TAINT_WORDS[f.taint.key]) ?? (f.taint ? `tainted ${formatTaint(f.taint)}` : f.category)
}

/**
 * Most direct first: the cause that alone opens the most nodes, then the one that spans the most.
 * `changes` holds the number of distinct changes (changeKeys) each of the verdicts' nodes needs.
 */
function rank(lines: FitSummaryLine[], verdicts: NodeVerdict[], changes: Map<string, number>): RankedLine[] {
  const listed = new Set(verdicts.map(v => v.node))
  return lines
    .map(line => ({...line, opens: line.nodes.filter(n => listed.has(n) && changes.get(n) === 1).length}))
    .sort((a, b) => b.opens - a.opens || b.nodes.length - a.nodes.length)
}
