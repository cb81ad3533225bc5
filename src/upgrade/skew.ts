// The kubelet skew policy, per pool and per control-plane hop
// (kubernetes/website content/en/releases/version-skew-policy.md):
//   "kubelet must not be newer than kube-apiserver."
//   "kubelet may be up to three minor versions older than kube-apiserver (kubelet < 1.25 may
//    only be up to two minor versions older than kube-apiserver)."
// Said from the API server's side, as below: three minors from kube-apiserver 1.28 on, two before.
// The two readings agree: a kubelet >= 1.25 three minors behind means an API server >= 1.28, and a
// kubelet < 1.25 three minors behind means one < 1.28. The page also warns that kubelets left
// three minors behind "must be upgraded before the control plane can be upgraded", which is the
// finding this file makes, hop by hop.
import type {UpgradeFinding} from '../model/reports/upgrade-plan.js'
import type {UpgradePath} from '../model/upgrade.js'
import {compareVersions} from '../model/versions.js'
import {count, listNames} from '../model/text.js'
import {clusterSource} from './findings.js'
import {poolRef, type KubeletMinorGroup, type Pool} from './pools.js'

/** How many minors a kubelet may lag behind an API server of this minor ("1.N"). */
export function maxKubeletLag(apiServer: string): number {
  return minorNumber(apiServer) >= 28 ? 3 : 2
}

/** The oldest kubelet minor an API server of this minor supports. */
export function oldestSupportedKubelet(apiServer: string): string {
  return `1.${minorNumber(apiServer) - maxKubeletLag(apiServer)}`
}

/** The newest API server minor a kubelet of this minor may talk to. */
export function newestApiServerFor(kubelet: string): string {
  let n = minorNumber(kubelet)
  while (minorNumber(oldestSupportedKubelet(`1.${n + 1}`)) <= minorNumber(kubelet)) n++
  return `1.${n}`
}

function minorNumber(version: string): number {
  return Number(version.replace(/^v?1\./, '').split('.')[0])
}

/**
 * For each pool: a blocker when a kubelet is newer than the current API server (an error now),
 * when a kubelet is already too old for it, and at the first hop whose API server its oldest
 * kubelets would lag beyond the policy. One finding per pool: once the pool is upgraded as said,
 * the plan is read again.
 */
export function skewFindings(pools: Pool[], path: UpgradePath): UpgradeFinding[] {
  const findings: UpgradeFinding[] = []
  for (const pool of pools) {
    const known = pool.kubelets.filter(g => g.minor !== 'unknown')
    if (!known.length) continue
    if (path.current) {
      const newer = known.filter(g => compareVersions(g.minor, path.current!) > 0)
      if (newer.length) findings.push(newerThanServer(pool, newer, path.current))
    }
    const behind = firstViolation(known, path)
    if (behind) findings.push(tooOld(pool, behind.groups, behind.apiServer, behind.hop, path))
  }
  return findings
}

/** The first API server (the current one, then each hop) that the pool's oldest kubelets lag beyond the policy. */
function firstViolation(groups: KubeletMinorGroup[], path: UpgradePath): {apiServer: string; hop?: string; groups: KubeletMinorGroup[]} | undefined {
  const servers = [...(path.current ? [{apiServer: path.current, hop: undefined}] : []), ...path.hops.map(h => ({apiServer: h, hop: h}))]
  for (const {apiServer, hop} of servers) {
    const floor = oldestSupportedKubelet(apiServer)
    const lagging = groups.filter(g => compareVersions(g.minor, floor) < 0)
    if (lagging.length) return {apiServer, ...(hop ? {hop} : {}), groups: lagging}
  }
  return undefined
}

function skewedNodes(groups: KubeletMinorGroup[]): string[] {
  return groups.flatMap(g => g.nodes).sort()
}

function versionsText(groups: KubeletMinorGroup[]): string {
  return groups.map(g => `${count(g.nodes.length, 'node')} at ${g.minor}`).join(', ')
}

function newerThanServer(pool: Pool, groups: KubeletMinorGroup[], current: string): UpgradeFinding {
  const nodes = skewedNodes(groups)
  const source = clusterSource('node-status')
  return {
    check: 'version-skew',
    severity: 'blocker',
    object: poolRef(pool.name),
    source,
    sources: [source],
    message: `pool ${pool.name} runs kubelets newer than the API server (${current}): ${versionsText(groups)} (${listNames(nodes)}); the skew policy never allows a kubelet newer than kube-apiserver`,
    fix: `move the control plane to ${groups[groups.length - 1]!.minor} first, or replace those nodes with kubelets at ${current} or older`,
    pool: pool.name,
    nodes,
  }
}

function tooOld(pool: Pool, groups: KubeletMinorGroup[], apiServer: string, hop: string | undefined, path: UpgradePath): UpgradeFinding {
  const nodes = skewedNodes(groups)
  const floor = oldestSupportedKubelet(apiServer)
  const lag = maxKubeletLag(apiServer)
  const source = clusterSource('node-status')
  // Before the hop the control plane is one minor behind it; the pool can go that far, which
  // keeps it within the policy for as many hops as possible.
  const ceiling = hop ? `1.${minorNumber(hop) - 1}` : apiServer
  const lasts = newestApiServerFor(ceiling)
  const coversTarget = compareVersions(lasts, path.target) >= 0
  const reach = ceiling === floor ? '' : ` (${ceiling}, the control plane's version then, keeps it within the policy ${coversTarget ? `up to the target ${path.target}` : `through ${lasts}`})`
  return {
    check: 'version-skew',
    severity: 'blocker',
    object: poolRef(pool.name),
    source,
    sources: [source],
    ...(hop ? {hop} : {}),
    message: hop
      ? `pool ${pool.name} must be upgraded before the control plane goes to ${hop}: ${versionsText(groups)} would be more than ${lag} minors behind kube-apiserver ${hop}`
      : `pool ${pool.name} is already outside the skew policy: ${versionsText(groups)} ${nodes.length === 1 ? 'is' : 'are'} more than ${lag} minors behind kube-apiserver ${apiServer}`,
    fix: `upgrade the kubelets of pool ${pool.name} to at least ${floor}${reach}${hop ? ` before the control plane goes to ${hop}` : ' now'}`,
    pool: pool.name,
    upgradeTo: floor,
    nodes,
  }
}
