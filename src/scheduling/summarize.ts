// Per-node verdicts folded into lines a person can act on: one line per cause (taint, missing
// label, resource, host port, affinity term, spread constraint), the most-excluding first.
import type {Pod} from '../model/k8s.js'
import {formatQuantityPair} from '../model/quantity.js'
import {CAUSE_CATEGORIES} from '../model/reports/finding.js'
import {UNSCHEDULABLE_TAINT} from '../model/taints.js'
import {POOL_LABELS} from '../model/pools.js'
import {formatTaint} from './taint-toleration.js'
import {count, listNames, uniqueSorted} from '../model/text.js'
import type {FitFailure, FitSummaryLine, NodeVerdict} from './types.js'

export interface VerdictOverview {
  /** fits: some node fits; resources-only: every node fails only on NodeResourcesFit (more capacity helps);
   * constraints-only: every node is excluded by something other than resources; mixed: both kinds. */
  kind: 'fits' | 'resources-only' | 'constraints-only' | 'mixed' | 'no-nodes'
  fitting: string[]
  /** Nodes whose only failures are resources or the pod limit. */
  resourceOnly: string[]
  /** Nodes with at least one failure that is not about resources. */
  constrained: string[]
  text: string
}

const isResource = (f: FitFailure) => f.plugin === 'NodeResourcesFit'

export function describeVerdicts(verdicts: NodeVerdict[]): VerdictOverview {
  const fitting = verdicts.filter((v) => v.fits).map((v) => v.node)
  const failing = verdicts.filter((v) => !v.fits)
  const resourceOnly = failing.filter((v) => v.failures.every(isResource)).map((v) => v.node)
  const constrained = failing.filter((v) => !v.failures.every(isResource)).map((v) => v.node)
  let kind: VerdictOverview['kind']
  let text: string
  if (verdicts.length === 0) {
    kind = 'no-nodes'
    text = 'the cluster has no nodes'
  } else if (fitting.length > 0) {
    kind = 'fits'
    text = `${count(fitting.length, 'node')} can take the pod now (${listNames(fitting)})`
  } else if (constrained.length === 0) {
    kind = 'resources-only'
    text = 'every node fails only on resources, so adding capacity (scale-up) or freeing requests would let the pod schedule'
  } else if (resourceOnly.length === 0) {
    kind = 'constraints-only'
    text = `every node is excluded by constraints other than resources; more free capacity on ${verdicts.length === 1 ? 'it' : 'them'} would not help`
  } else {
    kind = 'mixed'
    text = `${count(resourceOnly.length, 'node')} ${resourceOnly.length === 1 ? 'fails' : 'fail'} only on resources (more capacity would help there); ` +
      `${count(constrained.length, 'node')} ${constrained.length === 1 ? 'is' : 'are'} excluded by constraints regardless of capacity`
  }
  return {kind, fitting, resourceOnly, constrained, text}
}

interface Group {
  key: string
  failures: FitFailure[]
  nodes: string[]
  nodeSet: Set<string>
}

/** What one change would have to address: failures with the same key are fixed by the same change. */
export function groupKey(f: FitFailure): string {
  switch (f.plugin) {
    case 'TaintToleration':
      return `taint:${f.taint ? formatTaint(f.taint) : f.detail}`
    case 'NodeAffinity': {
      const l = f.label
      if (!l) return 'affinity:none'
      const source = l.term === undefined ? 'selector' : `term${l.term}`
      return `affinity:${source}:${l.field ? 'field' : 'label'}:${l.key}:${l.operator ?? ''}:${(l.values ?? []).join(',')}`
    }
    case 'NodePorts':
      return f.port ? `port:${f.port.protocol}/${f.port.port}@${f.port.hostIP}` : `port:${f.detail}`
    case 'NodeResourcesFit':
      return `resource:${f.resource?.name ?? f.reason}`
    case 'InterPodAffinity': {
      const t = f.topology
      if (!t) return `ipa:${f.detail}`
      if (t.rule === 'existing-anti-affinity') return 'ipa:existing'
      return `ipa:${t.rule}:${t.missingLabel ? `missing:${t.key}` : t.index}`
    }
    case 'PodTopologySpread':
      return `spread:${f.topology?.index ?? ''}:${f.topology?.missingLabel ? 'missing' : 'skew'}`
    default:
      return f.plugin
  }
}

/** The distinct changes a node needs before the pod fits there (the cordon taint repeats spec.unschedulable). */
export function changeKeys(verdict: NodeVerdict): Set<string> {
  const cordoned = verdict.failures.some((f) => f.plugin === 'NodeUnschedulable')
  const keys = new Set<string>()
  for (const f of verdict.failures) {
    if (cordoned && f.plugin === 'TaintToleration' && f.taint?.key === UNSCHEDULABLE_TAINT) continue
    keys.add(groupKey(f))
  }
  return keys
}

const are = (n: number) => (n === 1 ? 'is' : 'are')
const have = (n: number) => (n === 1 ? 'has' : 'have')
const lack = (n: number) => (n === 1 ? 'lacks' : 'lack')
const nodes = (n: number) => count(n, 'node')

function uniquePods(failures: FitFailure[]): string[] {
  return [...new Set(failures.flatMap((f) => f.pods ?? []))]
}

function taintLine(g: Group): Pick<FitSummaryLine, 'summary' | 'fix'> {
  const f = g.failures[0] as FitFailure
  const taint = f.taint ? formatTaint(f.taint) : f.detail
  const n = g.nodes.length
  const key = f.taint?.key ?? ''
  const names = listNames(g.nodes)
  switch (key) {
    case 'node.kubernetes.io/not-ready':
      return {summary: `${nodes(n)} ${are(n)} not ready (taint ${taint}): ${names}`, fix: 'find why the node is NotReady (kubelet, container runtime, CNI); the taint clears when it is Ready again'}
    case 'node.kubernetes.io/unreachable':
      return {summary: `${nodes(n)} ${are(n)} unreachable: the kubelet stopped posting status (taint ${taint}): ${names}`, fix: 'bring the node back (power, network, kubelet) or delete it if it is gone'}
    case 'node.kubernetes.io/network-unavailable':
      return {summary: `${nodes(n)} ${have(n)} no network configured yet (taint ${taint}): ${names}`, fix: 'check the CNI or the cloud route controller for the node'}
    case 'node.kubernetes.io/memory-pressure':
    case 'node.kubernetes.io/disk-pressure':
    case 'node.kubernetes.io/pid-pressure': {
      const what = key.slice('node.kubernetes.io/'.length).replace('-pressure', '')
      return {
        summary: `${nodes(n)} ${have(n)} ${what === 'pid' ? 'PID' : what} pressure (taint ${taint}): ${names}`,
        fix: `free ${what === 'pid' ? 'process IDs' : what} on the node; the kubelet removes the taint when the pressure ends`,
      }
    }
    case UNSCHEDULABLE_TAINT:
      return {summary: `${nodes(n)} ${have(n)} the cordon taint ${taint}: ${names}`, fix: 'uncordon the node (kubectl uncordon NODE) or remove the taint, if the cordon is over'}
    default:
      return {
        summary: `${nodes(n)} ${have(n)} taint ${taint} that the pod does not tolerate`,
        fix: `add a toleration for ${taint}, or remove the taint`,
      }
  }
}

/** Labels the kubelet, the cloud provider or the node provisioner set from what the machine is. */
const PROVIDER_LABEL = /^(kubernetes\.io\/(arch|os|hostname)|node\.kubernetes\.io\/(instance-type|windows-build)|beta\.kubernetes\.io\/(arch|os|instance-type)|topology\.kubernetes\.io\/(zone|region)|failure-domain\.beta\.kubernetes\.io\/(zone|region)|karpenter\.sh\/|karpenter\.k8s\.aws\/|eks\.amazonaws\.com\/|cloud\.google\.com\/|kubernetes\.azure\.com\/|node\.kubernetes\.io\/|topology\.[a-z.]+\/)/

export function isProviderLabel(key: string): boolean {
  return PROVIDER_LABEL.test(key) || (POOL_LABELS as readonly string[]).includes(key)
}

function affinityLine(g: Group): Pick<FitSummaryLine, 'summary' | 'fix'> {
  const f = g.failures[0] as FitFailure
  const n = g.nodes.length
  const l = f.label
  if (!l) return {summary: `required node affinity has no usable term, so none of ${nodes(n)} matches`, fix: 'give the required node affinity at least one term with matchExpressions or matchFields'}
  const values = l.values ?? []
  // A group holds one failure per node: the values the nodes actually have.
  const actuals = g.failures.map((x) => x.label?.actual ?? null)
  const actual = uniqueSorted(actuals.filter((v): v is string => v !== null))
  const without = actuals.filter((v) => v === null).length
  const observed = actual.length === 0
    ? `none of them has a ${l.key} label`
    : `nodes have ${l.key}: ${listNames(actual, 5)}${without > 0 ? `; ${without} ${have(without)} no ${l.key} label` : ''}`
  const where = l.term === undefined ? "the pod's nodeSelector" : "the pod's required node affinity"
  const anyTerm = l.terms && l.terms > 1 ? ` (any one of its ${l.terms} terms would do)` : ''
  if (l.field) {
    return {
      summary: `${nodes(n)} ${are(n)} not among the nodes ${where} names (metadata.name ${l.operator} ${values.join(', ')})`,
      fix: `change ${where}${anyTerm}`,
    }
  }
  switch (l.operator) {
    case 'In': {
      const want = values.length === 1 ? `${l.key}=${values[0]}` : `${l.key} in (${values.join(', ')})`
      return {
        summary: `${nodes(n)} ${lack(n)} label ${want} (${observed})`,
        // Labels the kubelet or the provider sets describe the machine: relabelling would lie to the scheduler.
        fix: isProviderLabel(l.key)
          ? `add nodes with ${l.key}=${values[0] ?? ''} (a node group or pool of that kind; the provider sets this label), or change ${where}${anyTerm}`
          : `label the nodes meant for this pod (kubectl label node NODE ${l.key}=${values[0] ?? ''}), or change ${where}${anyTerm}`,
      }
    }
    case 'NotIn':
      return {
        summary: `${nodes(n)} ${have(n)} label ${l.key} with an excluded value (${listNames(actual, 5)}): ${where} wants ${l.key} notin (${values.join(', ')})`,
        fix: `change ${where}${anyTerm}, or relabel the nodes`,
      }
    case 'Exists':
      return {summary: `${nodes(n)} ${lack(n)} label ${l.key}`, fix: `label the nodes meant for this pod with ${l.key}, or change ${where}${anyTerm}`}
    case 'DoesNotExist':
      return {
        summary: `${nodes(n)} ${have(n)} label ${l.key} (${observed}), which ${where} requires to be absent`,
        fix: `change ${where}${anyTerm}, or remove the label from nodes meant for this pod`,
      }
    default:
      return {
        summary: `${nodes(n)} ${have(n)} no label ${l.key} ${l.operator === 'Gt' ? '>' : l.operator === 'Lt' ? '<' : l.operator} ${values[0] ?? ''} (${observed})`,
        fix: `change ${where}${anyTerm}, or relabel the nodes`,
      }
  }
}

function resourceLine(g: Group, overview: VerdictOverview): Pick<FitSummaryLine, 'summary' | 'fix'> {
  const f = g.failures[0] as FitFailure
  const n = g.nodes.length
  const r = f.resource
  const resourceOnly = new Set(overview.resourceOnly)
  const onlyResources = g.nodes.filter((name) => resourceOnly.has(name)).length
  const scope = overview.kind === 'resources-only'
    ? '; every node fails only on resources, so scale-up would help'
    : onlyResources === n
      ? `; ${n === 1 ? 'it fails' : 'they fail'} only on resources`
      : onlyResources > 0
        ? `; ${onlyResources} of them fail only on resources, the other ${n - onlyResources === 1 ? 'one is' : `${n - onlyResources} are`} also excluded by constraints`
        : `; ${n === 1 ? 'it is' : 'they are'} also excluded by constraints, so more capacity there would not help`
  if (!r) return {summary: `${nodes(n)}: ${f.detail}${scope}`, fix: 'add capacity or lower the requests'}
  if (r.name === 'pods') {
    const limits = uniqueSorted(g.failures.map((x) => String(x.resource?.allocatable ?? 0)))
    return {
      summary: `${nodes(n)} ${have(n)} reached ${n === 1 ? 'its' : 'their'} ${limits.length === 1 ? `limit of ${count(Number(limits[0]), 'pod')}` : 'pod limit'}${scope}`,
      fix: "add nodes (scale-up), or raise the kubelet's maxPods",
    }
  }
  // The best node is the one with the most free among nodes the pod could otherwise use:
  // headroom on a node that a taint or selector excludes anyway would mislead.
  const eligible = onlyResources > 0 ? (name: string) => resourceOnly.has(name) : () => true
  let best: FitFailure | undefined
  let bestNode = g.nodes[0] ?? ''
  let largest: FitFailure = f
  let largestNode = bestNode
  g.failures.forEach((x, i) => {
    const free = x.resource?.free ?? Number.NEGATIVE_INFINITY
    const name = g.nodes[i] ?? ''
    if (eligible(name) && free > (best?.resource?.free ?? Number.NEGATIVE_INFINITY)) {
      best = x
      bestNode = name
    }
    if ((x.resource?.allocatable ?? 0) > (largest.resource?.allocatable ?? 0)) {
      largest = x
      largestNode = name
    }
  })
  const top = largest.resource ?? r
  const [want, free] = formatQuantityPair(r.name, r.requested, Math.max(best?.resource?.free ?? 0, 0))
  const tooBig = r.requested > top.allocatable
  let summary: string
  let fix: string
  if (top.allocatable === 0) {
    summary = `needs ${r.name} ${want}, and ${n === 1 ? 'the node it can use has none' : `none of the ${n} nodes it can use has any`}${scope}`
    fix = `add nodes with at least ${want} ${r.name} allocatable, or let the pod select nodes that have it`
  } else if (tooBig) {
    const [, cap] = formatQuantityPair(r.name, r.requested, top.allocatable)
    const [, topFree] = formatQuantityPair(r.name, r.requested, Math.max(top.free, 0))
    summary = `needs ${r.name} ${want}, more than any node it can use has: the largest, ${largestNode}, has ${cap} allocatable, ${topFree} free${scope}`
    fix = `lower the ${r.name} request to at most ${cap}, or add nodes with at least ${want} ${r.name} allocatable`
  } else {
    summary = `needs ${r.name} ${want}; the most free on a node it can use is ${free} (${bestNode}); ${nodes(n)} ${lack(n)} ${r.name}${scope}`
    fix = overview.kind === 'resources-only'
      ? `add nodes (scale-up), free ${r.name} by removing or shrinking pods, or lower the request`
      : `lower the ${r.name} request, free ${r.name} on a node the pod may use, or add such nodes`
  }
  return {summary, fix}
}

function domainsText(domains: Record<string, number>, max = 6): string {
  const entries = Object.entries(domains)
  const shown = entries.slice(0, max).map(([d, c]) => `${d} ${c}`).join(', ')
  return entries.length > max ? `${shown} and ${entries.length - max} more` : shown
}

function spreadLine(g: Group): Pick<FitSummaryLine, 'summary' | 'fix'> {
  const f = g.failures[0] as FitFailure
  const t = f.topology
  const n = g.nodes.length
  if (!t) return {summary: `${nodes(n)}: ${f.detail}`, fix: 'relax the topology spread constraint'}
  if (t.missingLabel) {
    return {
      summary: `${nodes(n)} ${lack(n)} label ${t.key}, which the pod's topology spread constraint requires`,
      fix: `label the nodes meant for this pod with ${t.key}, or change the constraint's topologyKey`,
    }
  }
  const domains = f.domains ?? {}
  const maxSkew = t.maxSkew ?? 1
  const min = t.minMatch ?? 0
  // skew = count(domain) + self − min, so the pod's own match is recoverable from any failure.
  const self = (t.skew ?? 0) - (domains[t.value ?? ''] ?? 0) + min
  const allowed = Object.entries(domains).filter(([, c]) => c + self - min <= maxSkew).map(([d]) => d)
  return {
    summary: `${nodes(n)} would break topology spread on ${t.key} (maxSkew ${maxSkew}, pods ${t.selector}): matching pods per domain ${domainsText(domains)}`,
    fix: allowed.length > 0
      ? `only ${t.key} ${listNames(allowed)} can take the pod; make room there (its nodes fail other filters), or raise maxSkew / use whenUnsatisfiable: ScheduleAnyway`
      : 'raise maxSkew or use whenUnsatisfiable: ScheduleAnyway',
  }
}

function interPodLine(g: Group, total: number): Pick<FitSummaryLine, 'summary' | 'fix'> {
  const f = g.failures[0] as FitFailure
  const t = f.topology
  const n = g.nodes.length
  const pods = uniquePods(g.failures)
  if (!t) return {summary: `${nodes(n)}: ${f.detail}`, fix: 'relax the pod (anti-)affinity'}
  if (t.rule === 'existing-anti-affinity') {
    return {
      summary: `${nodes(n)} ${are(n)} excluded by the required anti-affinity of existing pods ${listNames(pods)}`,
      fix: "those pods' anti-affinity selects this pod's labels: change their rules or this pod's labels, or move them",
    }
  }
  if (t.rule === 'anti-affinity') {
    return {
      summary: `${nodes(n)} ${are(n)} excluded by the pod's anti-affinity (${t.selector} per ${t.key}): conflicting pods ${listNames(pods)}`,
      fix: t.key === 'kubernetes.io/hostname'
        ? 'add nodes, reduce replicas, or make the anti-affinity preferred'
        : `add nodes in another ${t.key}, reduce replicas, or make the anti-affinity preferred`,
    }
  }
  if (t.missingLabel) {
    return {summary: `${nodes(n)} ${lack(n)} label ${t.key}, which the pod's affinity needs`, fix: `label the nodes with ${t.key}, or change the affinity's topologyKey`}
  }
  const nowhere = n === total ? `; no pod matching ${t.selector} runs in any node's ${t.key}` : ''
  return {
    summary: `${nodes(n)} ${are(n)} in a ${t.key} without a pod matching ${t.selector} (required pod affinity)${nowhere}`,
    fix: `run a pod matching ${t.selector} there first, or make the pod affinity preferred`,
  }
}

/**
 * Lines a person can act on, most-excluding first. A node counts once per line; a node with
 * several causes appears in several lines.
 */
export function summarizeVerdicts(pod: Pod, verdicts: NodeVerdict[]): FitSummaryLine[] {
  const overview = describeVerdicts(verdicts)
  const groups = new Map<string, Group>()
  for (const verdict of verdicts) {
    const cordoned = verdict.failures.some((f) => f.plugin === 'NodeUnschedulable')
    for (const f of verdict.failures) {
      // The cordon taint repeats spec.unschedulable: one line says it.
      if (cordoned && f.plugin === 'TaintToleration' && f.taint?.key === UNSCHEDULABLE_TAINT) continue
      const key = groupKey(f)
      let g = groups.get(key)
      if (!g) groups.set(key, (g = {key, failures: [], nodes: [], nodeSet: new Set()}))
      if (g.nodeSet.has(verdict.node)) continue
      g.nodeSet.add(verdict.node)
      g.nodes.push(verdict.node)
      g.failures.push(f)
    }
  }

  const lines: FitSummaryLine[] = []
  for (const g of groups.values()) {
    const f = g.failures[0] as FitFailure
    const n = g.nodes.length
    let text: Pick<FitSummaryLine, 'summary' | 'fix'>
    switch (f.plugin) {
      case 'NodeUnschedulable':
        text = {
          summary: `${nodes(n)} ${are(n)} cordoned (spec.unschedulable): ${listNames(g.nodes)}`,
          fix: 'uncordon (kubectl uncordon NODE) once the maintenance is over, or wait for the drain or upgrade to finish',
        }
        break
      case 'NodeName': {
        const wanted = pod.spec.nodeName ?? ''
        const exists = verdicts.some((v) => v.node === wanted)
        text = exists
          ? {summary: `spec.nodeName pins the pod to ${wanted}; the other ${nodes(n)} are not candidates`, fix: `fix what blocks ${wanted}, or replace spec.nodeName with a nodeSelector so the scheduler can choose`}
          : {summary: `spec.nodeName is ${wanted}, which is not a node of the cluster`, fix: 'correct spec.nodeName, or remove it so the scheduler can place the pod'}
        break
      }
      case 'TaintToleration':
        text = taintLine(g)
        break
      case 'NodeAffinity':
        text = affinityLine(g)
        break
      case 'NodePorts': {
        const p = f.port
        const port = p ? `${p.protocol}/${p.port}${p.hostIP === '0.0.0.0' ? '' : ` on ${p.hostIP}`}` : ''
        text = {
          summary: `${nodes(n)} already ${n === 1 ? 'uses' : 'use'} host port ${port} (by ${listNames(uniquePods(g.failures))})`,
          fix: 'free the port, choose another hostPort, or expose the pod through a Service instead of a hostPort',
        }
        break
      }
      case 'NodeResourcesFit':
        text = resourceLine(g, overview)
        break
      case 'PodTopologySpread':
        text = spreadLine(g)
        break
      case 'InterPodAffinity':
        text = interPodLine(g, verdicts.length)
        break
      default:
        text = {summary: `${nodes(n)}: ${f.detail}`, fix: ''}
    }
    lines.push({category: f.category, plugin: f.plugin, nodes: g.nodes, ...text, details: g.failures})
  }
  const rank = (c: string) => (CAUSE_CATEGORIES as readonly string[]).indexOf(c)
  return lines.sort((a, b) => b.nodes.length - a.nodes.length || rank(a.category) - rank(b.category) || (a.summary < b.summary ? -1 : a.summary > b.summary ? 1 : 0))
}
