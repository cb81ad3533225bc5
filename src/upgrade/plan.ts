// The plan: findings put in the order a person (or a pipeline) has to act on them. The control
// plane moves one minor per hop; before each hop, what that hop would break must be fixed: the
// objects and clients on APIs it removes, and the node pools whose kubelets it would leave too
// far behind (a pool is drained to be upgraded, so drain blockers and missing room come before
// the first pool). After the last hop the pools follow the control plane, as every managed
// service and kubeadm order it. Warnings and notes come last: they block nothing.
import type {PlanStep, Severity, UpgradeCheck, UpgradeFinding, UpgradePlan} from '../model/reports/upgrade-plan.js'
import {SEVERITIES} from '../model/reports/upgrade-plan.js'
import type {UpgradePath} from '../model/upgrade.js'
import {compareVersions} from '../model/versions.js'
import {count, listNames, uniqueSorted} from '../model/text.js'

/** Checks that are fixed before any node is drained. */
const DRAIN_CHECKS: ReadonlySet<UpgradeCheck> = new Set<UpgradeCheck>([
  'pdb-blocks-drain', 'pdb-never-allows', 'pdb-selects-nothing', 'pdb-overlap', 'unmanaged-pod', 'local-storage',
  'zonal-volume', 'single-replica', 'pool-capacity',
])
const API_CHECKS: ReadonlySet<UpgradeCheck> = new Set<UpgradeCheck>(['removed-api', 'deprecated-api-in-use', 'api-off-by-default'])

export interface PlanInput {
  path: UpgradePath
  findings: UpgradeFinding[]
}

/** The ordered steps, each naming the findings it settles (indexes into `findings`). */
export function planSteps({path, findings}: PlanInput): PlanStep[] {
  const steps: Omit<PlanStep, 'order'>[] = []
  const indexed = findings.map((f, i) => ({f, i}))
  const take = (pred: (f: UpgradeFinding) => boolean) => indexed.filter(({f}) => pred(f)).map(({i}) => i)
  const firstHop = path.hops[0]
  // A finding tied to a hop outside the path (already removed at current) is due before the first hop.
  const dueAt = (f: UpgradeFinding): string | undefined => {
    if (!f.hop || !firstHop) return firstHop
    return compareVersions(f.hop, firstHop) < 0 ? firstHop : f.hop
  }
  const blockers = (f: UpgradeFinding) => f.severity === 'blocker'

  // Blockers not tied to a hop (stored versions, PDBs that can never allow an eviction, ...) and
  // not about draining come first: they stand in the way of the whole path.
  const general = take(f => blockers(f) && !f.hop && !DRAIN_CHECKS.has(f.check) && f.check !== 'version-skew')
  if (general.length) steps.push({action: `Fix ${count(general.length, 'blocker')} in the way of every hop: ${checkNames(findings, general)}`, before: firstHop, findings: general})

  let drainStepDone = false
  const drainBlockers = take(f => DRAIN_CHECKS.has(f.check) && f.severity === 'blocker')
  const drainStep = (before?: string) => {
    if (drainStepDone || !drainBlockers.length) return
    drainStepDone = true
    steps.push({action: `Clear what would stop nodes from draining: ${checkNames(findings, drainBlockers)}`, before, findings: drainBlockers})
  }

  for (const hop of path.hops) {
    const removed = take(f => f.check === 'removed-api' && blockers(f) && dueAt(f) === hop)
    if (removed.length) steps.push({action: removedAction(findings, removed, hop), before: hop, findings: removed})
    const other = take(f => blockers(f) && !!f.hop && !API_CHECKS.has(f.check) && !DRAIN_CHECKS.has(f.check) && f.check !== 'version-skew' && dueAt(f) === hop)
    if (other.length) steps.push({action: `Before ${hop}: ${checkNames(findings, other)}`, before: hop, findings: other})
    const skew = take(f => f.check === 'version-skew' && dueAt(f) === hop)
    if (skew.length) {
      drainStep(hop)
      for (const pool of groupBy(skew, i => findings[i]!.pool ?? '(no pool)')) {
        steps.push({action: skewAction(findings, pool.items, pool.key), before: hop, findings: pool.items})
      }
    }
    steps.push({action: `Upgrade the control plane to ${hop}`, findings: []})
  }

  // Node pools follow the control plane; whatever blocks a drain must be cleared first.
  drainStep(path.target)
  const poolWarnings = take(f => DRAIN_CHECKS.has(f.check) && f.severity !== 'blocker')
  if (path.hops.length) steps.push({action: `Upgrade the node pools to ${path.target}, one pool at a time${poolWarnings.length ? ` (mind ${checkNames(findings, poolWarnings)})` : ''}`, findings: poolWarnings})

  const deprecated = take(f => f.severity === 'warning' && !DRAIN_CHECKS.has(f.check))
  if (deprecated.length) steps.push({action: `Plan to move off what is deprecated and still served at ${path.target}: ${checkNames(findings, deprecated)}`, findings: deprecated})
  const info = take(f => f.severity === 'info' && !DRAIN_CHECKS.has(f.check))
  if (info.length) steps.push({action: `For information: ${checkNames(findings, info)}`, findings: info})
  return steps.map((s, i) => ({order: i + 1, ...s}))
}

/** The plan's totals, for the summary line and for tools. */
export function summarizeFindings(findings: UpgradeFinding[]): UpgradePlan['summary'] {
  const summary: UpgradePlan['summary'] = {blocker: 0, warning: 0, info: 0, byCheck: {}}
  for (const f of findings) {
    summary[f.severity]++
    summary.byCheck[f.check] = (summary.byCheck[f.check] ?? 0) + 1
  }
  return summary
}

/** Blockers first, then warnings, then info; within a severity by hop, then as found. */
export function orderFindings(findings: UpgradeFinding[]): UpgradeFinding[] {
  const rank = (s: Severity) => SEVERITIES.indexOf(s)
  return findings.map((f, i) => ({f, i}))
    .sort((a, b) => rank(a.f.severity) - rank(b.f.severity) || compareHops(a.f.hop, b.f.hop) || a.i - b.i)
    .map(({f}) => f)
}

function compareHops(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0
  if (a === undefined) return -1
  if (b === undefined) return 1
  return compareVersions(a, b)
}

function removedAction(findings: UpgradeFinding[], idx: number[], hop: string): string {
  const fs = idx.map(i => findings[i]!)
  const apis = uniqueSorted(fs.map(f => `${f.object.apiVersion} ${f.object.kind}`.trim()))
  // Requests counted by the metric are clients, not objects (their "name" is the resource).
  const clients = fs.filter(f => f.sources.every(x => x.type === 'metric')).length
  const objects = fs.length - clients
  const what = [objects ? count(objects, 'object') : '', clients ? count(clients, 'client API', 'client APIs') : ''].filter(Boolean).join(' and ')
  // The step comes before `hop`, with the control plane one minor behind it: a replacement served
  // only from `hop` on cannot be used until then, which the step must say.
  const waits = uniqueSorted(fs.map(f => f.fixFrom ?? '').filter(v => v && compareVersions(v, hop) >= 0))
  const wait = waits.length ? ` (the replacement is served only from ${listNames(waits)}: apply the new version right after that hop)` : ''
  return `Move ${what} off APIs that ${hop} removes: ${listNames(apis, 4)}${wait}`
}

function skewAction(findings: UpgradeFinding[], idx: number[], pool: string): string {
  const fs = idx.map(i => findings[i]!)
  const nodes = uniqueSorted(fs.flatMap(f => f.nodes ?? []))
  const to = fs.map(f => f.upgradeTo).filter((v): v is string => !!v).sort(compareVersions).at(-1)
  const size = nodes.length ? ` (${count(nodes.length, 'node')})` : ''
  return to ? `Upgrade node pool ${pool}${size} to at least ${to}` : `Upgrade node pool ${pool}${size}: ${fs[0]!.fix ?? fs[0]!.message}`
}

function checkNames(findings: UpgradeFinding[], idx: number[]): string {
  const byCheck = groupBy(idx, i => findings[i]!.check)
  return byCheck.map(g => `${g.items.length} ${g.key}`).join(', ')
}

function groupBy<T>(items: T[], key: (t: T) => string): {key: string; items: T[]}[] {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const list = groups.get(k)
    if (list) list.push(item)
    else groups.set(k, [item])
  }
  return [...groups].map(([k, v]) => ({key: k, items: v}))
}
