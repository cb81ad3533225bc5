// What stands in the way of draining the nodes an upgrade replaces, computed across all pods at
// once (a server dry-run checks one pod at a time and cannot see overlapping or exhausted budgets).
//
// Severity: a blocker when the drain cannot complete without someone acting first (a budget
// that refuses every eviction, two budgets over one pod, a pod without a controller that kubectl
// refuses without --force and that --force deletes for good); a warning when the drain
// completes but a workload goes down or data is lost (emptyDir contents, a single replica, a
// volume that cannot follow the pod); a PDB that selects nothing is a warning too: it blocks
// nothing, but what it was meant to protect is unprotected.
//
// DaemonSet pods and mirror (static) pods are left out of every check: drain does not evict them
// (src/upgrade/drain-pods.ts says why), so they cannot block it and need no room elsewhere.
import type {Pod} from '../model/k8s.js'
import type {UpgradeFinding} from '../model/reports/upgrade-plan.js'
import type {UpgradeSnapshot} from '../model/upgrade.js'
import {count, listNames, uniqueSorted} from '../model/text.js'
import {controllerObjectRef, controllerRef, dedupePods, emptyDirVolumes, indexControllers, isEvictedByDrain, type TopController} from './drain-pods.js'
import {clusterSource, podName, podRef} from './findings.js'
import {budgetFindings, coverPods, overlapFindings, type PoolOfNodes} from './pdbs.js'
import {groupPools, poolByNode, type Pool} from './pools.js'
import {indexVolumes, pinnedVolumes, strandedByVolumes, type PinnedVolume} from './volumes.js'

/** Every drain blocker of the snapshot. `pools` defaults to the provider labels' pools; pass the plan's (with --pool-label) to name the same ones. */
export function drainBlockers(snapshot: UpgradeSnapshot, pools: Pool[] = groupPools(snapshot.nodes)): UpgradeFinding[] {
  const pods = dedupePods(snapshot.pods)
  const byNode = poolByNode(pools)
  const poolOf: PoolOfNodes = (nodes) => {
    const names = new Set(nodes.map(n => byNode.get(n)?.name))
    return names.size === 1 ? [...names][0] : undefined
  }
  const controllerOf = indexControllers(snapshot.workloads)
  const coverage = coverPods(snapshot.pdbs, pods)
  const evicted = pods.filter(isEvictedByDrain)
  return [
    ...budgetFindings(coverage, controllerOf, poolOf),
    ...overlapFindings(coverage, poolOf),
    ...unmanagedFindings(evicted, poolOf),
    ...localStorageFindings(evicted, controllerOf, poolOf),
    ...volumeFindings(evicted, snapshot, poolOf),
    ...singleReplicaFindings(evicted, controllerOf, poolOf),
  ]
}

function placement(pods: Pod[], poolOf: PoolOfNodes): Pick<UpgradeFinding, 'nodes' | 'pods' | 'pool'> {
  const nodes = uniqueSorted(pods.map(p => p.spec.nodeName ?? '').filter(Boolean))
  const pool = poolOf(nodes)
  return {nodes, pods: pods.map(podRef), ...(pool ? {pool} : {})}
}

function objectFinding(f: Omit<UpgradeFinding, 'source' | 'sources'>): UpgradeFinding {
  const source = clusterSource('object')
  return {...f, source, sources: [source]}
}

/**
 * No controller (metav1.GetControllerOf: an owner reference with controller: true). kubectl drain
 * refuses the node without --force, and --force deletes the pod for good: nothing recreates it.
 */
function unmanagedFindings(pods: Pod[], poolOf: PoolOfNodes): UpgradeFinding[] {
  return pods.filter(p => !controllerRef(p)).map(pod => objectFinding({
    check: 'unmanaged-pod',
    severity: 'blocker',
    object: podRef(pod),
    message: `pod ${podName(pod)} on ${pod.spec.nodeName} has no controller: kubectl drain refuses the node without --force, and --force deletes the pod for good`,
    fix: `run it under a Deployment, StatefulSet or Job, or move it away yourself before the drain`,
    ...placement([pod], poolOf),
  }))
}

/** Pods grouped by their top controller (an unmanaged pod is its own group), in first-seen order. */
function byController(pods: Pod[], controllerOf: (p: Pod) => TopController | null): {owner: TopController | null; pods: Pod[]}[] {
  const groups = new Map<string, {owner: TopController | null; pods: Pod[]}>()
  for (const pod of pods) {
    const owner = controllerOf(pod)
    const key = owner ? `${owner.kind}/${owner.namespace}/${owner.name}` : `Pod/${podName(pod)}`
    const group = groups.get(key)
    if (group) group.pods.push(pod)
    else groups.set(key, {owner, pods: [pod]})
  }
  return [...groups.values()]
}

/** emptyDir data, per workload: drain needs --delete-emptydir-data and the data is gone (kubectl counts medium: Memory too). */
function localStorageFindings(pods: Pod[], controllerOf: (p: Pod) => TopController | null, poolOf: PoolOfNodes): UpgradeFinding[] {
  const withData = pods.filter(p => emptyDirVolumes(p).length)
  return byController(withData, controllerOf).map(({owner, pods: group}) => {
    const volumes = uniqueSorted(group.flatMap(emptyDirVolumes))
    const who = owner ? `${owner.kind} ${owner.namespace}/${owner.name}` : `pod ${podName(group[0]!)}`
    return objectFinding({
      check: 'local-storage',
      severity: 'warning',
      object: owner ? controllerObjectRef(owner) : podRef(group[0]!),
      message: `${who} keeps data in emptyDir ${volumes.length === 1 ? 'volume' : 'volumes'} ${listNames(volumes)}${owner ? ` (${count(group.length, 'pod')})` : ''}: a drain deletes it (kubectl drain needs --delete-emptydir-data)`,
      fix: `move what must survive to a PersistentVolume, or accept its loss and drain with --delete-emptydir-data`,
      ...placement(group, poolOf),
    })
  })
}

function describePins(pins: PinnedVolume[]): string {
  return pins.map(p => {
    const local = (p.pv.spec as {local?: {path?: string}; hostPath?: {path?: string}})
    const kind = local.local ? 'local volume' : local.hostPath ? 'hostPath volume' : p.scope === 'zone' ? `volume in ${listNames(p.zones)}` : 'volume'
    return `claim ${p.claim} (${kind} ${p.pv.metadata.name})`
  }).join(', ')
}

/**
 * Pods whose volumes cannot follow them: data on the node itself (local and hostPath PVs, an
 * affinity to one hostname), or a zonal volume where no other node the pod may use exists.
 * Checked against every node of the cluster, not only the pod's pool: a pod that may run in
 * another pool of the same zone can go there. A warning: the drain completes, the pod waits.
 */
function volumeFindings(pods: Pod[], snapshot: UpgradeSnapshot, poolOf: PoolOfNodes): UpgradeFinding[] {
  const index = indexVolumes(snapshot)
  const findings: UpgradeFinding[] = []
  for (const pod of pods) {
    if (!pod.spec.volumes?.length) continue
    const stranded = strandedByVolumes(pod, pinnedVolumes(pod, index), snapshot.nodes)
    if (!stranded) continue
    const node = pod.spec.nodeName
    const zones = uniqueSorted(stranded.pins.flatMap(p => p.zones))
    const onNode = stranded.scope === 'node'
    findings.push(objectFinding({
      check: 'zonal-volume',
      severity: 'warning',
      object: podRef(pod),
      message: onNode
        ? `pod ${podName(pod)} keeps its data on node ${node} (${describePins(stranded.pins)}): draining ${node} leaves it Pending until ${node} is back, and replacing ${node} loses the data`
        : `pod ${podName(pod)} uses ${describePins(stranded.pins)}, and no other node it may use is ${zones.length ? `in ${listNames(zones)}` : 'where the volume is'}: draining ${node} leaves it Pending`,
      fix: onNode
        ? `copy the data off ${node} (or rely on the application's replication) before the node is replaced; an in-place kubelet upgrade keeps it`
        : `have a node the pod may use ${zones.length ? `in ${listNames(zones)}` : 'where the volume is'} (a surge node of the same pool there) before draining ${node}`,
      ...placement([pod], poolOf),
    }))
  }
  return findings
}

/** A Deployment or StatefulSet of one replica goes down while its node drains (the API server defaults replicas to 1). */
function singleReplicaFindings(pods: Pod[], controllerOf: (p: Pod) => TopController | null, poolOf: PoolOfNodes): UpgradeFinding[] {
  const findings: UpgradeFinding[] = []
  for (const {owner, pods: group} of byController(pods, controllerOf)) {
    const workload = owner?.workload
    if (!owner || !workload || (owner.kind !== 'Deployment' && owner.kind !== 'StatefulSet')) continue
    if ((workload.spec?.replicas ?? 1) !== 1) continue
    const nodes = uniqueSorted(group.map(p => p.spec.nodeName ?? ''))
    findings.push(objectFinding({
      check: 'single-replica',
      severity: 'warning',
      object: controllerObjectRef(owner),
      message: `${owner.kind} ${owner.namespace}/${owner.name} runs 1 replica (on ${listNames(nodes)}): draining that node takes it down until ${owner.kind === 'StatefulSet' ? 'the pod, recreated only once the old one is gone,' : 'its replacement'} is Ready`,
      fix: `run 2 replicas or more (spread over nodes, with a PDB allowing 1 disruption), or accept the downtime`,
      ...placement(group, poolOf),
    }))
  }
  return findings
}
