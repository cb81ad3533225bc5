// Puts the upgrade plan together: the path, then every source the command was given (files,
// the live cluster), each turned into findings by its pure reader, merged per object, ordered
// into steps. Reading happens here and in src/kube; everything after it is pure.
import type {RemovalTable} from '../deprecations/table.js'
import {upgradePath} from '../deprecations/path.js'
import {classifyUses, rowFilter} from '../deprecations/match.js'
import {mergeFindings} from '../deprecations/merge.js'
import {fileUses} from '../deprecations/sources/files.js'
import {liveUses} from '../deprecations/sources/live.js'
import {helmUses} from '../deprecations/sources/helm.js'
import {crdFindings} from '../deprecations/sources/crd.js'
import {metricUses} from '../deprecations/sources/metric.js'
import {loadOtherTable, otherFindings} from '../deprecations/other.js'
import {groupPools} from '../upgrade/pools.js'
import {skewFindings} from '../upgrade/skew.js'
import {drainBlockers} from '../upgrade/drain-blockers.js'
import {poolCapacity} from '../upgrade/capacity.js'
import {orderFindings, planSteps, summarizeFindings} from '../upgrade/plan.js'
import type {Manifests} from '../sources/manifests.js'
import type {ApiUse, UpgradeSnapshot} from '../model/upgrade.js'
import type {UpgradeFinding, UpgradePlan} from '../model/reports/upgrade-plan.js'

export interface PlanSources {
  table: RemovalTable
  /** From --current, or the cluster's version when it was read. */
  current: string | null
  target?: string
  manifests?: Manifests
  /** The live cluster, when it was read. */
  snapshot?: UpgradeSnapshot
  poolLabel?: string
  /** Nodes a pool upgrade takes down at once (--max-unavailable): the capacity check needs room for that many nodes' pods. */
  maxUnavailable?: number
  userRows: number
}

export function buildUpgradePlan(src: PlanSources): UpgradePlan {
  const {path, warnings} = upgradePath({current: src.current, target: src.target, coversThrough: src.table.coversThrough})
  const uses: ApiUse[] = []
  if (src.manifests) for (const u of fileUses(src.manifests)) uses.push(u)
  const snap = src.snapshot
  const skipped = (src.manifests?.skipped ?? []).map(s => ({path: s.path, line: s.line, reason: s.reason}))
  let findings: UpgradeFinding[] = []
  if (snap) {
    // Sightings of kinds the table has no row for make no finding: not made at all (there are
    // as many as the cluster has objects).
    for (const u of liveUses(snap.apiObjects, {wanted: rowFilter(src.table)})) uses.push(u)
    for (const u of helmUses(snap.helmReleases, {skipped})) uses.push(u)
    if (snap.deprecatedRequests) uses.push(...metricUses(snap.deprecatedRequests))
  }
  findings.push(...classifyUses(src.table, path, uses))
  if (snap) {
    findings.push(...crdFindings(snap.crds, path))
    findings.push(...otherFindings(loadOtherTable(), path, snap))
    const pools = groupPools(snap.nodes, src.poolLabel)
    findings.push(...skewFindings(pools, path), ...drainBlockers(snap, pools), ...poolCapacity(snap, pools, {maxUnavailable: src.maxUnavailable}))
  }
  findings = orderFindings(mergeFindings(findings))
  return {
    apiVersion: 'kubectl-prod/v1',
    kind: 'UpgradePlan',
    current: path.current,
    target: path.target,
    hops: path.hops,
    table: {coversThrough: src.table.coversThrough, prerelease: src.table.prerelease, userRows: src.userRows},
    scanned: {
      files: src.manifests?.files.length ?? 0,
      objects: (src.manifests?.objects.length ?? 0) + (snap?.apiObjects.length ?? 0),
      helmReleases: snap?.helmReleases.length ?? 0,
      crds: snap?.crds.length ?? 0,
      nodes: snap?.nodes.length ?? 0,
      pods: snap?.pods.length ?? 0,
      live: snap?.source.type === 'live',
    },
    findings,
    steps: planSteps({path, findings}),
    skipped,
    gaps: snap?.gaps ?? [],
    warnings,
    summary: summarizeFindings(findings),
  }
}
