// PodDisruptionBudgets read across pods, which a server dry-run cannot do (it checks one pod at a
// time against an undecremented budget). The rules are the API server's and the disruption
// controller's:
// - which PDBs cover a pod: kubernetes pkg/registry/core/pod/storage/eviction.go
//   getPodDisruptionBudgets: same namespace, metav1.LabelSelectorAsSelector (a null selector
//   selects nothing; an empty one, {}, every pod of the namespace in policy/v1). A selector
//   written {} through policy/v1beta1 (where it selected nothing) reads back through policy/v1 as
//   the never-matching pdb.kubernetes.io/deprecated-v1beta1-empty-selector-match Exists
//   (pkg/apis/policy/helper.go), so it selects nothing here too.
// - more than one PDB over a pod: eviction answers 500 "This pod has more than one
//   PodDisruptionBudget, which the eviction subresource does not support.", which kubectl does
//   not retry: the drain of that node fails.
// - how many pods a budget expects (pkg/controller/disruption/disruption.go getExpectedPodCount):
//   integer minAvailable against the number of pods it selects; maxUnavailable and a percentage
//   minAvailable against the scale of the pods' controllers, both rounded up
//   (intstr.GetScaledValueFromIntOrPercent(..., true)).
import type {Pod} from '../model/k8s.js'
import type {ObjectRef} from '../model/reports/finding.js'
import type {UpgradeFinding} from '../model/reports/upgrade-plan.js'
import type {PodDisruptionBudget} from '../model/upgrade.js'
import {compileLabelSelector, formatLabelSelector} from '../model/labels.js'
import {count, listNames, uniqueSorted} from '../model/text.js'
import {isEvictedByDrain, isFinishedPod, type TopController} from './drain-pods.js'
import {clusterSource, podName, podRef} from './findings.js'

const V1BETA1_EMPTY = 'pdb.kubernetes.io/deprecated-v1beta1-empty-selector-match'

export interface PdbCoverage {
  pdb: PodDisruptionBudget
  /** Pods of its namespace it selects that are not finished. */
  selected: Pod[]
  /** Of those, the ones a drain evicts (the ones its budget gates during an upgrade). */
  evicted: Pod[]
}

export type ControllerOf = (pod: Pod) => TopController | null

/** Tells a finding which pool its nodes are in, when they are all in one. */
export type PoolOfNodes = (nodes: string[]) => string | undefined

export function pdbRef(pdb: PodDisruptionBudget): ObjectRef {
  return {apiVersion: pdb.apiVersion ?? 'policy/v1', kind: 'PodDisruptionBudget', namespace: pdb.metadata.namespace ?? 'default', name: pdb.metadata.name ?? ''}
}

/** Each PDB with the pods it selects, each pod counted once. */
export function coverPods(pdbs: PodDisruptionBudget[], pods: Pod[]): PdbCoverage[] {
  const byNamespace = new Map<string, Pod[]>()
  for (const pod of pods) {
    if (isFinishedPod(pod)) continue
    const ns = pod.metadata.namespace ?? 'default'
    const list = byNamespace.get(ns)
    if (list) list.push(pod)
    else byNamespace.set(ns, [pod])
  }
  return pdbs.map(pdb => {
    const matches = compileLabelSelector(pdb.spec?.selector)
    const selected = (byNamespace.get(pdb.metadata.namespace ?? 'default') ?? []).filter(p => matches(p.metadata.labels))
    return {pdb, selected, evicted: selected.filter(isEvictedByDrain)}
  })
}

/** GetScaledValueFromIntOrPercent; undefined when the value is neither a number nor a percentage. */
function scaled(value: number | string, total: number, roundUp: boolean): number | undefined {
  if (typeof value === 'number') return value
  const m = /^(\d+)%$/.exec(value.trim())
  if (!m) return /^\d+$/.test(value.trim()) ? Number(value) : undefined
  const exact = (Number(m[1]) * total) / 100
  return roundUp ? Math.ceil(exact) : Math.floor(exact)
}

/** The scale of the pods' controllers (spec.replicas of the Deployment, StatefulSet, ...), or their pod count when a controller is unknown. Pods without a controller do not count, as upstream. */
function controllersScale(pods: Pod[], controllerOf: ControllerOf): number {
  const seen = new Map<string, {owner: TopController; pods: number}>()
  for (const pod of pods) {
    const owner = controllerOf(pod)
    if (!owner) continue
    const key = `${owner.kind}/${owner.name}`
    const entry = seen.get(key)
    if (entry) entry.pods++
    else seen.set(key, {owner, pods: 1})
  }
  let total = 0
  for (const {owner, pods: n} of seen.values()) {
    const replicas = owner.workload?.spec?.replicas
    total += typeof replicas === 'number' ? replicas : n
  }
  return total
}

/** Why the budget can never allow an eviction at the workload's present size, or undefined. */
function neverAllows(c: PdbCoverage, controllerOf: ControllerOf): string | undefined {
  const spec = c.pdb.spec ?? {}
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    // Only a zero is structural: any other value rounds up to at least one pod. (A budget whose
    // pods have no known controller expects 0 pods and allows nothing; its status says so.)
    return /^0+%?$/.test(String(spec.maxUnavailable).trim()) ? `sets maxUnavailable: ${JSON.stringify(spec.maxUnavailable)}` : undefined
  }
  if (spec.minAvailable !== undefined && spec.minAvailable !== null) {
    const percent = typeof spec.minAvailable === 'string' && spec.minAvailable.trim().endsWith('%')
    const expected = percent ? controllersScale(c.selected, controllerOf) : c.selected.length
    const min = scaled(spec.minAvailable, expected, true)
    if (min === undefined || expected === 0 || min < expected) return undefined
    return percent
      ? `sets minAvailable: ${spec.minAvailable}, which is ${min} of the ${count(expected, 'replica')} it covers`
      : `sets minAvailable: ${min}, and it selects ${count(expected, 'pod')}`
  }
  return undefined
}

function nodesHosting(pods: Pod[]): string[] {
  return uniqueSorted(pods.map(p => p.spec.nodeName ?? '').filter(Boolean))
}

function podList(pods: Pod[]): string {
  return listNames(pods.map(podName))
}

/** pdb-never-allows, pdb-blocks-drain and pdb-selects-nothing, one finding per PDB at most. */
export function budgetFindings(coverage: PdbCoverage[], controllerOf: ControllerOf, poolOf: PoolOfNodes): UpgradeFinding[] {
  const findings: UpgradeFinding[] = []
  for (const c of coverage) {
    const ref = pdbRef(c.pdb)
    const label = `PDB ${ref.namespace}/${ref.name}`
    const source = clusterSource('object')
    const base = {object: ref, source, sources: [source]}
    if (!c.selected.length) {
      findings.push({...base, check: 'pdb-selects-nothing', severity: 'warning', message: `${label} ${selectsNothing(c.pdb)}, so what it was meant to protect has no budget during the upgrade`, fix: `make its selector match the pods it should protect (their labels), or delete it`})
      continue
    }
    if (!c.evicted.length) continue
    const nodes = nodesHosting(c.evicted)
    const pool = poolOf(nodes)
    const where = {nodes, pods: c.evicted.map(podRef), ...(pool ? {pool} : {})}
    const never = neverAllows(c, controllerOf)
    if (never) {
      findings.push({
        ...base, ...where, check: 'pdb-never-allows', severity: 'blocker',
        message: `${label} ${never}, so none of its pods can ever be evicted: draining ${count(nodes.length, 'node')} (${listNames(nodes)}) never completes`,
        fix: `let it allow one disruption (maxUnavailable: 1, or a minAvailable below the replica count) and run 2 replicas or more`,
      })
      continue
    }
    const status = c.pdb.status
    if (status?.disruptionsAllowed === 0) {
      const health = status.desiredHealthy !== undefined && status.currentHealthy !== undefined
        ? ` (needs ${status.desiredHealthy} healthy, has ${status.currentHealthy})` : ''
      const unhealthy = status.desiredHealthy !== undefined && status.currentHealthy !== undefined && status.currentHealthy < status.desiredHealthy
      findings.push({
        ...base, ...where, check: 'pdb-blocks-drain', severity: 'blocker',
        message: `${label} allows 0 disruptions now${health}: evicting ${podList(c.evicted)} is refused (429) until it allows one, so draining ${listNames(nodes)} waits`,
        fix: unhealthy
          ? `make its not-Ready pods Ready again, or set spec.unhealthyPodEvictionPolicy: AlwaysAllow so they can be evicted`
          : `add replicas, or loosen its minAvailable/maxUnavailable, before draining`,
      })
    }
  }
  return findings
}

function selectsNothing(pdb: PodDisruptionBudget): string {
  const selector = pdb.spec?.selector
  const ns = pdb.metadata.namespace ?? 'default'
  if (!selector) return 'has no selector, which selects no pod'
  if ((selector.matchExpressions ?? []).some(r => r.key === V1BETA1_EMPTY)) {
    return `was written with an empty selector through policy/v1beta1, where {} selects no pod`
  }
  return `selects no running pod in namespace ${ns} (selector ${formatLabelSelector(selector)})`
}

/** pdb-overlap: pods under more than one PDB, one finding per set of PDBs. */
export function overlapFindings(coverage: PdbCoverage[], poolOf: PoolOfNodes): UpgradeFinding[] {
  const budgetsOf = new Map<Pod, PodDisruptionBudget[]>()
  for (const c of coverage) {
    for (const pod of c.evicted) {
      const list = budgetsOf.get(pod)
      if (list) list.push(c.pdb)
      else budgetsOf.set(pod, [c.pdb])
    }
  }
  const groups = new Map<string, {pdbs: PodDisruptionBudget[]; pods: Pod[]}>()
  for (const [pod, pdbs] of budgetsOf) {
    if (pdbs.length < 2) continue
    const sorted = [...pdbs].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))
    const key = `${pod.metadata.namespace ?? 'default'}/${sorted.map(p => p.metadata.name).join(',')}`
    const group = groups.get(key)
    if (group) group.pods.push(pod)
    else groups.set(key, {pdbs: sorted, pods: [pod]})
  }
  return [...groups.values()].map(({pdbs, pods}) => {
    const names = pdbs.map(p => p.metadata.name ?? '')
    const nodes = nodesHosting(pods)
    const pool = poolOf(nodes)
    const source = clusterSource('object')
    return {
      check: 'pdb-overlap' as const,
      severity: 'blocker' as const,
      object: pdbRef(pdbs[0]!),
      source,
      sources: [source],
      message: `${count(pods.length, 'pod')} (${podList(pods)}) ${pods.length === 1 ? 'is' : 'are'} under ${pdbs.length} PDBs (${listNames(names)}): eviction answers 500 "This pod has more than one PodDisruptionBudget" and the drain of ${listNames(nodes)} fails`,
      fix: `make the selectors of ${listNames(names)} disjoint, or delete all but one`,
      nodes,
      pods: pods.map(podRef),
      ...(pool ? {pool} : {}),
    }
  })
}
