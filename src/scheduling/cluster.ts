// The cluster indexed once for many pods: per-node aggregates (requests, pod count, host ports)
// and pods by namespace and label, so that evaluating 500 pending pods does not rescan 20,000
// bound pods each time. Mirrors the scheduler's NodeInfo (pkg/scheduler/framework/types.go).
import type {LabelSelector, Node, Pod, Taint} from '../model/k8s.js'
import {compileLabelSelector, type Labels} from '../model/labels.js'
import {pushTo} from '../model/collections.js'
import {compileAffinityTerms, namespaceMatches, type AffinityTerm, type NamespaceFilter, type NamespaceLabels} from './affinity-terms.js'
import {podRequestMap, resourceListToMap, type ResourceMap} from './resources.js'

export interface HostPortUse {
  ip: string
  protocol: string
  port: number
  pod: string
}

export interface BoundPod {
  pod: Pod
  /** namespace/name */
  key: string
  namespace: string
  labels: Labels
  node: NodeInfo
  /** deletionTimestamp set: still holds resources, but topology spread skips it. */
  terminating: boolean
  requests: ResourceMap
}

export interface NodeInfo {
  name: string
  node: Node
  labels: Labels
  taints: Taint[]
  allocatable: ResourceMap
  /** Sum of the requests of the non-terminated pods bound to the node. */
  requested: ResourceMap
  pods: BoundPod[]
  usedPorts: HostPortUse[]
}

export interface ExistingAntiAffinity {
  owner: BoundPod
  term: AffinityTerm
}

export interface ClusterIndex {
  nodes: NodeInfo[]
  nodeByName: Map<string, NodeInfo>
  pods: BoundPod[]
  podByKey: Map<string, BoundPod>
  byNamespace: Map<string, BoundPod[]>
  /** label key → label value → pods */
  byLabel: Map<string, Map<string, BoundPod[]>>
  byLabelKey: Map<string, BoundPod[]>
  /** Required anti-affinity terms of bound pods (InterPodAffinity checks them against every incoming pod). */
  existingAntiAffinity: ExistingAntiAffinity[]
  namespaceLabels: NamespaceLabels
}

export interface PrepareOptions {
  /** Namespace labels for namespaceSelector; every namespace has at least kubernetes.io/metadata.name. */
  namespaceLabels?: Record<string, Labels>
}

export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''}`
}

/** Succeeded and Failed pods release their resources; the scheduler cache drops them. */
export function isTerminated(pod: Pod): boolean {
  const phase = pod.status?.phase
  return phase === 'Succeeded' || phase === 'Failed'
}

/** Host ports a pod holds: containers only (not init containers), hostPort defaulted to containerPort under hostNetwork. */
export function podHostPorts(pod: Pod): {ip: string; protocol: string; port: number}[] {
  const out: {ip: string; protocol: string; port: number}[] = []
  for (const container of pod.spec.containers ?? []) {
    for (const p of container.ports ?? []) {
      const port = p.hostPort || (pod.spec.hostNetwork ? p.containerPort : 0)
      if (!port || port <= 0) continue
      out.push({ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port})
    }
  }
  return out
}

export function prepareCluster(nodes: Node[], boundPods: Pod[], options: PrepareOptions = {}): ClusterIndex {
  const nodeInfos: NodeInfo[] = []
  const nodeByName = new Map<string, NodeInfo>()
  for (const node of nodes) {
    const name = node.metadata.name ?? ''
    if (nodeByName.has(name)) continue
    const info: NodeInfo = {
      name,
      node,
      labels: node.metadata.labels ?? {},
      taints: node.spec?.taints ?? [],
      allocatable: resourceListToMap(node.status?.allocatable ?? node.status?.capacity),
      requested: new Map(),
      pods: [],
      usedPorts: [],
    }
    nodeInfos.push(info)
    nodeByName.set(name, info)
  }

  const cluster: ClusterIndex = {
    nodes: nodeInfos,
    nodeByName,
    pods: [],
    podByKey: new Map(),
    byNamespace: new Map(),
    byLabel: new Map(),
    byLabelKey: new Map(),
    existingAntiAffinity: [],
    namespaceLabels: (ns) => ({'kubernetes.io/metadata.name': ns, ...options.namespaceLabels?.[ns]}),
  }

  for (const pod of boundPods) bindPod(cluster, pod)
  return cluster
}

/**
 * Adds a pod to the index on its spec.nodeName, as the scheduler's cache does when it binds:
 * its requests, host ports, labels and required anti-affinity count from then on. Returns the
 * entry, or undefined when the pod is finished, bound to a node the index does not know, or
 * already indexed under its namespace/name.
 */
export function bindPod(cluster: ClusterIndex, pod: Pod): BoundPod | undefined {
  const nodeName = pod.spec?.nodeName
  if (!nodeName || isTerminated(pod)) return undefined
  // Pods on nodes we do not know are invisible to the scheduler too.
  const node = cluster.nodeByName.get(nodeName)
  if (!node) return undefined
  const key = podKey(pod)
  if (cluster.podByKey.has(key)) return undefined
  const bound: BoundPod = {
    pod,
    key,
    namespace: pod.metadata.namespace ?? 'default',
    labels: pod.metadata.labels ?? {},
    node,
    terminating: !!pod.metadata.deletionTimestamp,
    requests: podRequestMap(pod),
  }
  cluster.pods.push(bound)
  cluster.podByKey.set(key, bound)
  node.pods.push(bound)
  for (const [name, value] of bound.requests) node.requested.set(name, (node.requested.get(name) ?? 0) + value)
  for (const use of podHostPorts(pod)) node.usedPorts.push({...use, pod: key})
  pushTo(cluster.byNamespace, bound.namespace, bound)
  for (const [k, v] of Object.entries(bound.labels)) {
    let byValue = cluster.byLabel.get(k)
    if (!byValue) cluster.byLabel.set(k, (byValue = new Map()))
    pushTo(byValue, v, bound)
    pushTo(cluster.byLabelKey, k, bound)
  }
  const anti = pod.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution
  if (anti?.length) {
    for (const term of compileAffinityTerms(pod, anti)) cluster.existingAntiAffinity.push({owner: bound, term})
  }
  return bound
}

/** The incoming pod's own entry when it is already bound (a pod with spec.nodeName): it must not count against itself. */
export function selfEntry(cluster: ClusterIndex, pod: Pod): BoundPod | undefined {
  const bound = cluster.podByKey.get(podKey(pod))
  if (!bound) return undefined
  const a = bound.pod.metadata.uid
  const b = pod.metadata.uid
  return a && b && a !== b ? undefined : bound
}

const EMPTY: BoundPod[] = []

/** The smallest pod list that surely holds every pod the selector matches, from the label index. */
function labelCandidates(cluster: ClusterIndex, selector: LabelSelector): BoundPod[] | undefined {
  let best: BoundPod[] | undefined
  const consider = (list: BoundPod[]) => {
    if (!best || list.length < best.length) best = list
  }
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) consider(cluster.byLabel.get(k)?.get(v) ?? EMPTY)
  for (const req of selector.matchExpressions ?? []) {
    if (req.operator === 'In') {
      const byValue = cluster.byLabel.get(req.key)
      consider((req.values ?? []).flatMap((v) => byValue?.get(v) ?? EMPTY))
    } else if (req.operator === 'Exists') {
      consider(cluster.byLabelKey.get(req.key) ?? EMPTY)
    }
  }
  return best
}

/** Bound pods in the namespaces that match the label selector (a missing selector matches none), in index order. */
export function selectPods(cluster: ClusterIndex, selector: LabelSelector | undefined | null, namespaces: NamespaceFilter): BoundPod[] {
  if (!selector) return EMPTY
  let candidates = labelCandidates(cluster, selector) ?? cluster.pods
  if (!namespaces.selector) {
    const lists = [...namespaces.names].map((ns) => cluster.byNamespace.get(ns) ?? EMPTY)
    const size = lists.reduce((n, list) => n + list.length, 0)
    if (size < candidates.length) candidates = lists.length === 1 ? (lists[0] as BoundPod[]) : lists.flat()
  }
  // Namespace checks are cached per call: namespaceSelector matching is not free.
  const nsCache = new Map<string, boolean>()
  const matches = compileLabelSelector(selector)
  const out: BoundPod[] = []
  for (const bound of candidates) {
    let nsOk = nsCache.get(bound.namespace)
    if (nsOk === undefined) nsCache.set(bound.namespace, (nsOk = namespaceMatches(cluster.namespaceLabels, namespaces, bound.namespace)))
    if (nsOk && matches(bound.labels)) out.push(bound)
  }
  return out
}
