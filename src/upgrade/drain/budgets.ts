// PDB arithmetic across the pods of one node, which a server dry-run cannot do (it checks each
// pod against an undecremented budget). Each PDB's disruptionsAllowed is consumed by the pods of
// this node it covers, in drain order; the pods beyond it wait for replacements to become Ready
// (or forever, when the budget allows nothing). Which PDBs cover a pod is the API server's rule
// (pod in the PDB's namespace, selector matches; see ../pdbs.ts coverPods), and a pod under two
// or more is refused with a 500 that no wait fixes.
import type {Pod} from '../../model/k8s.js'
import type {PodDisruptionBudget} from '../../model/upgrade.js'
import {compileLabelSelector} from '../../model/labels.js'
import {podLabel} from './filters.js'

export interface BudgetUse {
  pdb: PodDisruptionBudget
  /** Pods of this drain it covers, in drain order. */
  pods: Pod[]
  /** Its status.disruptionsAllowed now. */
  allowed: number
  /** The first `allowed` pods go at once; these wait for earlier ones' replacements (or forever when nothing can be allowed). */
  waiting: Pod[]
}

export interface BudgetPlan {
  uses: BudgetUse[]
  /** Pods under two or more PDBs: the eviction answers 500, no retry helps. */
  overlaps: {pod: Pod; pdbs: PodDisruptionBudget[]}[]
}

const namespaceOf = (o: {metadata: {namespace?: string}}) => o.metadata.namespace ?? 'default'

/** The PDBs whose selector takes the pod (same namespace). */
export function budgetsCovering(pod: Pod, pdbs: PodDisruptionBudget[]): PodDisruptionBudget[] {
  return pdbs.filter(p => namespaceOf(p) === namespaceOf(pod) && compileLabelSelector(p.spec?.selector)(pod.metadata.labels))
}

/** How this node's evictions draw on each PDB. Pure. */
export function planBudgets(pods: Pod[], pdbs: PodDisruptionBudget[]): BudgetPlan {
  const uses = new Map<PodDisruptionBudget, BudgetUse>()
  const overlaps: BudgetPlan['overlaps'] = []
  for (const pod of pods) {
    const covering = budgetsCovering(pod, pdbs)
    if (covering.length > 1) { overlaps.push({pod, pdbs: covering}); continue }
    const pdb = covering[0]
    if (!pdb) continue
    let use = uses.get(pdb)
    if (!use) { use = {pdb, pods: [], allowed: Math.max(0, pdb.status?.disruptionsAllowed ?? 0), waiting: []}; uses.set(pdb, use) }
    use.pods.push(pod)
    if (use.pods.length > use.allowed) use.waiting.push(pod)
  }
  return {uses: [...uses.values()], overlaps}
}

/** "web-pdb allows 1 disruption now (needs 2 healthy, has 3, expects 3)". */
export function describeBudget(pdb: PodDisruptionBudget): string {
  const s = pdb.status ?? {}
  const numbers = [
    s.desiredHealthy !== undefined ? `needs ${s.desiredHealthy} healthy` : '',
    s.currentHealthy !== undefined ? `has ${s.currentHealthy}` : '',
    s.expectedPods !== undefined ? `expects ${s.expectedPods}` : '',
  ].filter(Boolean).join(', ')
  const allowed = s.disruptionsAllowed ?? 0
  return `PDB ${namespaceOf(pdb)}/${pdb.metadata.name} allows ${allowed} disruption${allowed === 1 ? '' : 's'} now${numbers ? ` (${numbers})` : ''}`
}

/** One line per use that makes pods wait, and per overlap. */
export function budgetPlanLines(plan: BudgetPlan): {pod: Pod; line: string; forever: boolean}[] {
  const out: {pod: Pod; line: string; forever: boolean}[] = []
  for (const u of plan.uses) {
    for (const pod of u.waiting) {
      const forever = u.allowed === 0 && (u.pdb.status?.currentHealthy ?? 0) <= (u.pdb.status?.desiredHealthy ?? 0)
      out.push({pod, forever, line: `${podLabel(pod)} would be refused: ${describeBudget(u.pdb)}${u.allowed > 0 ? `, taken by ${u.allowed} earlier pod${u.allowed === 1 ? '' : 's'} of this node: it waits for their replacements to be Ready` : forever ? ': it blocks until the budget allows one' : ''}`})
    }
  }
  for (const o of plan.overlaps) {
    out.push({pod: o.pod, forever: true, line: `${podLabel(o.pod)} is under ${o.pdbs.length} PDBs (${o.pdbs.map(p => p.metadata.name).join(', ')}): eviction answers 500 "more than one PodDisruptionBudget"; make their selectors disjoint`})
  }
  return out
}
