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
  /** In the order they were bound. */
  pods: BoundPod[]
  /** namespace → name → pod */
  podByName: Map<string, Map<string, BoundPod>>
  /** Pods by namespace and label, built on first use (most pods never need it): see podLookup. */
  lookup: PodLookup | undefined
  /** Required anti-affinity terms of bound pods (InterPodAffinity checks them against every incoming pod). */
  existingAntiAffinity: ExistingAntiAffinity[]
  namespaceLabels: NamespaceLabels
}

/** Bound pods by namespace and by label, each list in binding order. */
export interface PodLookup {
  byNamespace: Map<string, BoundPod[]>
  /** label key → label value → pods */
  byLabel: Map<string, Map<string, BoundPod[]>>
  byLabelKey: Map<string, BoundPod[]>
}

export interface PrepareOptions {
  /** Namespace labels for namespaceSelector; every namespace has at least kubernetes.io/metadata.name. */
  namespaceLabels?: Record<string, Labels>
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
    podByName: new Map(),
    lookup: undefined,
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
  const namespace = pod.metadata.namespace ?? 'default'
  const name = pod.metadata.name ?? ''
  let byName = cluster.podByName.get(namespace)
  if (!byName) cluster.podByName.set(namespace, (byName = new Map()))
  else if (byName.has(name)) return undefined
  const key = `${namespace}/${name}`
  const bound: BoundPod = {
    pod,
    key,
    namespace,
    labels: pod.metadata.labels ?? {},
    node,
    terminating: !!pod.metadata.deletionTimestamp,
    requests: podRequestMap(pod),
  }
  cluster.pods.push(bound)
  byName.set(name, bound)
  node.pods.push(bound)
  for (const [resource, value] of bound.requests) node.requested.set(resource, (node.requested.get(resource) ?? 0) + value)
  for (const use of podHostPorts(pod)) node.usedPorts.push({...use, pod: key})
  if (cluster.lookup) addToLookup(cluster.lookup, bound)
  const anti = pod.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution
  if (anti?.length) {
    for (const term of compileAffinityTerms(pod, anti)) cluster.existingAntiAffinity.push({owner: bound, term})
  }
  return bound
}

/** The pods by namespace and label, indexed on first use and kept up to date by bindPod from then on. */
export function podLookup(cluster: ClusterIndex): PodLookup {
  if (!cluster.lookup) {
    const lookup: PodLookup = {byNamespace: new Map(), byLabel: new Map(), byLabelKey: new Map()}
    for (const bound of cluster.pods) addToLookup(lookup, bound)
    cluster.lookup = lookup
  }
  return cluster.lookup
}

function addToLookup(lookup: PodLookup, bound: BoundPod): void {
  pushTo(lookup.byNamespace, bound.namespace, bound)
  for (const [k, v] of Object.entries(bound.labels)) {
    let byValue = lookup.byLabel.get(k)
    if (!byValue) lookup.byLabel.set(k, (byValue = new Map()))
    pushTo(byValue, v, bound)
    pushTo(lookup.byLabelKey, k, bound)
  }
}

/**
 * The index of a snapshot's nodes and bound pods, built while their lists arrive so that little
 * is left to do after the last page: the nodes once their list is complete, each bound pod as it
 * comes (held until the nodes are known). finish() hands the index over only when it was fed
 * exactly the nodes and pods it is asked for, in their order; otherwise (a list that started
 * over, other pods) it indexes those anew.
 */
export class ClusterBuilder {
  private cluster: ClusterIndex | undefined
  private nodes: Node[] | undefined
  private nodeCount = 0
  private readonly fed: Pod[] = []
  private readonly options: PrepareOptions
  /** Fed twice with nodes, or indexing failed: finish() indexes anew (and fails as prepareCluster does). */
  private spoiled = false

  constructor(options: PrepareOptions = {}) {
    this.options = options
  }

  /** The complete node list. */
  addNodes(nodes: Node[]): void {
    if (this.nodes || this.spoiled) { this.spoiled = true; return }
    this.nodes = nodes
    this.nodeCount = nodes.length
    try {
      this.cluster = prepareCluster(nodes, this.fed, this.options)
    } catch {
      this.spoiled = true
    }
  }

  /** A pod as it arrives; only those with spec.nodeName are bound. */
  addPod(pod: Pod): void {
    if (this.spoiled || !pod.spec?.nodeName) return
    this.fed.push(pod)
    try {
      if (this.cluster) bindPod(this.cluster, pod)
    } catch {
      this.spoiled = true
    }
  }

  /** The index of these nodes and bound pods, as prepareCluster makes it. */
  finish(nodes: Node[], boundPods: Pod[]): ClusterIndex {
    const fed = this.fed
    const same = !this.spoiled && this.cluster !== undefined && nodes === this.nodes && nodes.length === this.nodeCount &&
      boundPods.length === fed.length && boundPods.every((pod, i) => pod === fed[i])
    return same ? this.cluster! : prepareCluster(nodes, boundPods, this.options)
  }
}

/** The incoming pod's own entry when it is already bound (a pod with spec.nodeName): it must not count against itself. */
export function selfEntry(cluster: ClusterIndex, pod: Pod): BoundPod | undefined {
  const bound = cluster.podByName.get(pod.metadata.namespace ?? 'default')?.get(pod.metadata.name ?? '')
  if (!bound) return undefined
  const a = bound.pod.metadata.uid
  const b = pod.metadata.uid
  return a && b && a !== b ? undefined : bound
}

const EMPTY: BoundPod[] = []

/** The smallest pod list that surely holds every pod the selector matches, from the label index. */
function labelCandidates(lookup: PodLookup, selector: LabelSelector): BoundPod[] | undefined {
  let best: BoundPod[] | undefined
  const consider = (list: BoundPod[]) => {
    if (!best || list.length < best.length) best = list
  }
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) consider(lookup.byLabel.get(k)?.get(v) ?? EMPTY)
  for (const req of selector.matchExpressions ?? []) {
    if (req.operator === 'In') {
      const byValue = lookup.byLabel.get(req.key)
      consider((req.values ?? []).flatMap((v) => byValue?.get(v) ?? EMPTY))
    } else if (req.operator === 'Exists') {
      consider(lookup.byLabelKey.get(req.key) ?? EMPTY)
    }
  }
  return best
}

/** Bound pods in the namespaces that match the label selector (a missing selector matches none), in index order. */
export function selectPods(cluster: ClusterIndex, selector: LabelSelector | undefined | null, namespaces: NamespaceFilter): BoundPod[] {
  if (!selector) return EMPTY
  const lookup = podLookup(cluster)
  let candidates = labelCandidates(lookup, selector) ?? cluster.pods
  if (!namespaces.selector) {
    const lists = [...namespaces.names].map((ns) => lookup.byNamespace.get(ns) ?? EMPTY)
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
