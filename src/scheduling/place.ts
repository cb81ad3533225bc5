// What-if placement: put these pods (or pods stamped from a template) on these nodes, one at a
// time as the scheduler would, and say where each lands or why it fits nowhere. Pool capacity
// ("can this pool lose a node?"), a drain's preflight and later what-if questions call this.
//
// Filters are the full per-node recomputation (evaluateNodes); among the nodes that fit, the
// pod goes to the least allocated one by cpu and memory, the default score of kube-scheduler
// (noderesources LeastAllocated, pkg/scheduler/framework/plugins/noderesources/least_allocated.go).
// Other scores (preferred affinity, image locality, ScheduleAnyway spread) are not modelled:
// they decide between nodes that all fit, never whether a pod fits. Each placed pod then counts
// against the pods after it: its requests, host ports, labels and anti-affinity.
import type {Node, Pod, PodTemplateSpec} from '../model/k8s.js'
import {bindPod, prepareCluster, type ClusterIndex, type NodeInfo, type PrepareOptions} from './cluster.js'
import {evaluateNodes} from './evaluate.js'
import {podRequestMap} from './resources.js'
import {summarizeVerdicts} from './summarize.js'
import type {FitSummaryLine, NodeVerdict} from './types.js'

export interface PlaceInput {
  nodes: Node[]
  /** Pods already running on those nodes (pods on other nodes are ignored). */
  boundPods: Pod[]
  /** The pods to place; any spec.nodeName they carry is ignored (they are being placed anew). */
  pods: Pod[]
  options?: PrepareOptions
}

export interface PodPlacement {
  pod: Pod
  node: string
}

export interface UnplacedPod {
  pod: Pod
  /** Why it fits nowhere, in why-pending's words, most-excluding first. */
  reasons: FitSummaryLine[]
  verdicts: NodeVerdict[]
}

export interface PlacementResult {
  placed: PodPlacement[]
  unplaced: UnplacedPod[]
}

/**
 * Places the pods in the scheduler's queue order (higher spec.priority first, then as given),
 * each on the least allocated node that passes every filter, or reports why none does.
 */
export function placePods(input: PlaceInput): PlacementResult {
  const cluster = prepareCluster(input.nodes, input.boundPods, input.options)
  const queue = input.pods.map((pod, i) => ({pod: unbound(pod), i}))
    .sort((a, b) => (b.pod.spec.priority ?? 0) - (a.pod.spec.priority ?? 0) || a.i - b.i)
  const result: PlacementResult = {placed: [], unplaced: []}
  for (const {pod} of queue) {
    const verdicts = evaluateNodes({pod, cluster})
    const node = leastAllocated(cluster, pod, verdicts)
    if (!node) {
      result.unplaced.push({pod, reasons: summarizeVerdicts(pod, verdicts), verdicts})
      continue
    }
    bindPod(cluster, {...pod, spec: {...pod.spec, nodeName: node.name}})
    result.placed.push({pod, node: node.name})
  }
  return result
}

/** A pod as a workload's controller would create it from its template (name given; no node yet). */
export function podFromTemplate(template: PodTemplateSpec, o: {namespace: string; name: string; uid?: string}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {...template.metadata, name: o.name, namespace: o.namespace, ...(o.uid ? {uid: o.uid} : {})},
    spec: {containers: [], ...template.spec, nodeName: undefined},
    status: {phase: 'Pending'},
  }
}

function unbound(pod: Pod): Pod {
  if (!pod.spec.nodeName) return pod
  const {nodeName: _, ...spec} = pod.spec
  return {...pod, spec, status: {phase: 'Pending'}}
}

/** LeastAllocated with equal cpu and memory weights; ties go to the first node by name. */
function leastAllocated(cluster: ClusterIndex, pod: Pod, verdicts: NodeVerdict[]): NodeInfo | undefined {
  const wants = podRequestMap(pod)
  let best: NodeInfo | undefined
  let bestScore = -1
  for (const v of verdicts) {
    if (!v.fits) continue
    const node = cluster.nodeByName.get(v.node)
    if (!node) continue
    const score = (free(node, 'cpu', wants) + free(node, 'memory', wants)) / 2
    if (score > bestScore || (score === bestScore && best && node.name < best.name)) {
      best = node
      bestScore = score
    }
  }
  return best
}

/** The share of a resource left free after the pod, 0..1 (least_allocated.go's leastRequestedScore). */
function free(node: NodeInfo, resource: string, wants: Map<string, number>): number {
  const allocatable = node.allocatable.get(resource) ?? 0
  if (allocatable <= 0) return 0
  const requested = (node.requested.get(resource) ?? 0) + (wants.get(resource) ?? 0)
  return Math.max(0, allocatable - requested) / allocatable
}
