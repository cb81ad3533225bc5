// Can each pool lose a node (or its max-unavailable batch) and still run that node's pods? A
// pool walked N nodes at a time (upgrade-plan and nodepool upgrade --max-unavailable N) has N
// nodes down together, so it needs room for the pods of N nodes at once. The
// removed nodes leave the model, their pods are placed anew by the shared scheduler model
// (placePods: requests, taints, selectors, node affinity, pod (anti-)affinity, spread, host
// ports) on every other node of the cluster, whose own pods stay counted. What a drain does not
// evict (DaemonSet and mirror pods, finished pods) is not placed. A bound volume's node affinity
// is added to its pod, so a zonal disk keeps its pod in its zone; a pod whose volume cannot
// leave its node at all is the drain check's finding (zonal-volume), not placed here.
//
// The worst case, within bounds: removing an empty node proves nothing, so nodes are tried
// hardest first, by what their pods ask of the rest of the cluster (requests relative to an
// average node, plus each placement constraint). A pool of up to MAX_TRIES nodes is tried node
// by node; a larger one by its MAX_TRIES hardest nodes, which keeps a pool of thousands of nodes
// to MAX_TRIES placements (each one a pass over the cluster's nodes per pod). A batch
// (maxUnavailable > 1) is tried as the hardest nodes together, then as the hardest of each zone
// together (losing one zone's nodes at once is what strands zonal pods). The first removal
// that strands a pod is the pool's finding.
import type {Node, Pod} from '../model/k8s.js'
import type {UpgradeFinding} from '../model/reports/upgrade-plan.js'
import type {UpgradeSnapshot} from '../model/upgrade.js'
import {count, listNames} from '../model/text.js'
import {placePods, type UnplacedPod} from '../scheduling/place.js'
import {podRequestMap, resourceListToMap} from '../scheduling/resources.js'
import {dedupePods, isEvictedByDrain} from './drain-pods.js'
import {clusterSource, podName, podRef} from './findings.js'
import {nodeZone, poolRef, type Pool} from './pools.js'
import {indexVolumes, pinnedVolumes, strandedByVolumes, withVolumeAffinity} from './volumes.js'

/** Removals tried per pool at most. */
export const MAX_TRIES = 16

export interface CapacityOptions {
  /** Nodes a pool upgrade takes down at once (EKS maxUnavailable, AKS/GKE surge batches); 1 by default. */
  maxUnavailable?: number
}

interface NodeLoad {
  node: Node
  name: string
  /** The pods to place when it goes, with their volumes' node affinity added. */
  pods: Pod[]
  hardness: number
}

export function poolCapacity(snapshot: UpgradeSnapshot, pools: Pool[], o: CapacityOptions = {}): UpgradeFinding[] {
  const pods = dedupePods(snapshot.pods)
  const loads = nodeLoads(snapshot, pods)
  const findings: UpgradeFinding[] = []
  const asked = Math.max(1, Math.floor(o.maxUnavailable ?? 1))
  for (const pool of pools) {
    const members = pool.nodes.map(n => loads.get(n.metadata.name ?? '')).filter((l): l is NodeLoad => !!l)
    // A walk never takes down more nodes than the pool has.
    const size = Math.min(asked, members.length)
    for (const batch of removals(members, size)) {
      const removed = new Set(batch.map(l => l.name))
      const result = placePods({
        nodes: snapshot.nodes.filter(n => !removed.has(n.metadata.name ?? '')),
        boundPods: pods,
        pods: batch.flatMap(l => l.pods),
      })
      if (result.unplaced.length) {
        findings.push(capacityFinding(pool, batch, result.unplaced, result.placed.length + result.unplaced.length, asked))
        break
      }
    }
  }
  return findings
}

/** Each node with the pods a drain would move and how hard they are to place elsewhere. */
function nodeLoads(snapshot: UpgradeSnapshot, pods: Pod[]): Map<string, NodeLoad> {
  const volumes = indexVolumes(snapshot)
  const average = averageAllocatable(snapshot.nodes)
  const loads = new Map<string, NodeLoad>()
  for (const node of snapshot.nodes) loads.set(node.metadata.name ?? '', {node, name: node.metadata.name ?? '', pods: [], hardness: 0})
  for (const pod of pods) {
    if (!isEvictedByDrain(pod)) continue
    const load = loads.get(pod.spec.nodeName ?? '')
    if (!load) continue
    const pins = pinnedVolumes(pod, volumes)
    if (strandedByVolumes(pod, pins, snapshot.nodes)) continue
    const placed = withVolumeAffinity(pod, pins)
    load.pods.push(placed)
    load.hardness += hardness(placed, average) + (pins.length ? 1 : 0)
  }
  return loads
}

function averageAllocatable(nodes: Node[]): {cpu: number; memory: number} {
  let cpu = 0
  let memory = 0
  for (const node of nodes) {
    const a = resourceListToMap(node.status?.allocatable ?? node.status?.capacity)
    cpu += a.get('cpu') ?? 0
    memory += a.get('memory') ?? 0
  }
  const n = Math.max(1, nodes.length)
  return {cpu: cpu / n || 1, memory: memory / n || 1}
}

/** Requests as a share of an average node, plus one for each rule that narrows where the pod may go. */
function hardness(pod: Pod, average: {cpu: number; memory: number}): number {
  const wants = podRequestMap(pod)
  let score = (wants.get('cpu') ?? 0) / average.cpu + (wants.get('memory') ?? 0) / average.memory
  for (const [name, value] of wants) if (name !== 'cpu' && name !== 'memory' && name !== 'ephemeral-storage' && value > 0) score += 1
  const spec = pod.spec
  if (Object.keys(spec.nodeSelector ?? {}).length || spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution) score += 1
  if (spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length) score += 1
  if (spec.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length) score += 1
  if (spec.topologySpreadConstraints?.some(c => c.whenUnsatisfiable === 'DoNotSchedule')) score += 1
  if (spec.hostNetwork || spec.containers.some(c => c.ports?.some(p => p.hostPort))) score += 1
  return score
}

/** The batches to try, hardest first, at most MAX_TRIES; batches with nothing to place are skipped. */
function removals(members: NodeLoad[], size: number): NodeLoad[][] {
  const hardest = members.filter(l => l.pods.length)
    .sort((a, b) => b.hardness - a.hardness || a.name.localeCompare(b.name))
  if (!hardest.length) return []
  if (size === 1) return hardest.slice(0, MAX_TRIES).map(l => [l])
  // A batch takes the hardest nodes first, then fills up with the others (which have nothing to place).
  const fill = (chosen: NodeLoad[]) => [...chosen, ...members.filter(m => !chosen.includes(m))].slice(0, size)
  const batches: NodeLoad[][] = [fill(hardest.slice(0, size))]
  const zones = new Map<string, NodeLoad[]>()
  for (const l of hardest) {
    const zone = nodeZone(l.node)
    if (!zone) continue
    const list = zones.get(zone)
    if (list) list.push(l)
    else zones.set(zone, [l])
  }
  const seen = new Set([batchKey(batches[0]!)])
  for (const zoneLoads of zones.values()) {
    const batch = fill(zoneLoads.slice(0, size))
    const key = batchKey(batch)
    if (!seen.has(key)) { seen.add(key); batches.push(batch) }
  }
  return batches.slice(0, MAX_TRIES)
}

function batchKey(batch: NodeLoad[]): string {
  return batch.map(l => l.name).sort().join(',')
}

function capacityFinding(pool: Pool, batch: NodeLoad[], unplaced: UnplacedPod[], total: number, maxUnavailable: number): UpgradeFinding {
  const nodes = batch.map(l => l.name).sort()
  const source = clusterSource('object')
  const why = unplaced.slice(0, 3).map(u => `${podName(u.pod)} (${u.reasons[0]?.summary ?? 'no node fits'})`)
  const more = unplaced.length > 3 ? ` and ${unplaced.length - 3} more` : ''
  const losing = nodes.length === 1 ? `node ${nodes[0]}` : `${count(nodes.length, 'node')} at once (${listNames(nodes)})`
  // Walked one node at a time, a pool needs room for one node's pods; N at a time, for N nodes'.
  const walked = maxUnavailable > 1
    ? `, walked ${count(maxUnavailable, 'node')} at a time (--max-unavailable ${maxUnavailable}${maxUnavailable > pool.nodes.length ? `; it has ${count(pool.nodes.length, 'node')}` : ''}),`
    : ''
  const fix = maxUnavailable > 1
    ? `walk pool ${pool.name} fewer nodes at a time (a smaller --max-unavailable), add nodes to it (surge nodes) before draining, or make room for these pods elsewhere`
    : `add a node to pool ${pool.name} (a surge node) before draining, or make room for these pods elsewhere`
  return {
    check: 'pool-capacity',
    severity: 'blocker',
    object: poolRef(pool.name),
    source,
    sources: [source],
    message: `pool ${pool.name}${walked} cannot lose ${losing}: ${unplaced.length} of the ${count(total, 'pod')} it runs would have nowhere to go: ${why.join('; ')}${more}`,
    fix,
    pool: pool.name,
    nodes,
    pods: unplaced.map(u => podRef(u.pod)),
  }
}
