// Collects the ClusterSnapshot that why-pending analyzes: each collection is listed once,
// in pages, a few at a time, and nothing else is asked of the API afterwards.
import type {Kube} from './client.js'
import {listAll} from './list.js'
import {ClusterError} from '../model/errors.js'
import {emptySnapshot, type ClusterSnapshot} from '../model/snapshot.js'
import type {Event, KubeObject, Node, Pod} from '../model/k8s.js'
import {compactPod} from '../model/pods.js'

export interface CollectOptions {
  /** undefined: every namespace. */
  namespace?: string
  /** Restrict the pods of interest (label selector, as -l). */
  labelSelector?: string
  now: Date
  /**
   * Told of what will be the snapshot's nodes and bound pods while their lists arrive, so that
   * they can be indexed before the last page (each bound pod as it is read, the nodes once their
   * list is complete). A list that starts over repeats pods: what is told may then differ from
   * the snapshot, which stays the reference. Neither may throw.
   */
  observe?: {nodes(nodes: Node[]): void; boundPod(pod: Pod): void}
}

/** Dropped on arrival (and never parsed, see skipManagedFields): managedFields are the bulk of a large list and nothing reads them. */
function slim<T extends KubeObject>(items: T[]): T[] {
  for (const item of items) delete (item.metadata as {managedFields?: unknown}).managedFields
  return items
}

/** Pods with nothing to explain keep only what the analysis reads of them (see compactPod). */
function lean(pod: Pod): Pod {
  delete (pod.metadata as {managedFields?: unknown}).managedFields
  return compactPod(pod)
}

const ns = (namespace: string | undefined, resource: string, group = '') => {
  const prefix = group ? `/apis/${group}` : '/api/v1'
  return namespace ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${resource}` : `${prefix}/${resource}`
}

export async function collectSnapshot(kube: Kube, opts: CollectOptions): Promise<ClusterSnapshot> {
  const snap = emptySnapshot({type: 'live', context: kube.context, server: kube.server}, opts.now.toISOString())
  snap.namespace = opts.namespace
  const gaps: string[] = []
  // Optional collections make answers better but are not required: a 403 becomes a gap, said in the report.
  const optional = async <T extends KubeObject>(what: string, path: string, query: {fieldSelector?: string} = {}): Promise<T[]> => {
    try {
      return slim(await listAll<T>(kube, path, {...query, skipManagedFields: true}))
    } catch (err) {
      if (err instanceof ClusterError && (err.kind === 'forbidden' || err.kind === 'not-found')) { gaps.push(`${what}: ${err.kind}`); return [] }
      throw err
    }
  }

  const version = kube.get<{major: string; minor: string}>('/version').then(v => `${v.major}.${v.minor.replace(/\D+$/, '')}`).catch(() => undefined)
  const observe = opts.observe
  // A whole-cluster question's pods are also its bound pods (see below).
  const wholeCluster = !opts.namespace && !opts.labelSelector
  const observed = (pod: Pod): Pod => {
    const p = lean(pod)
    observe!.boundPod(p)
    return p
  }
  const scopePods = listAll<Pod>(kube, ns(opts.namespace, 'pods'), {labelSelector: opts.labelSelector, map: observe && wholeCluster ? observed : lean, skipManagedFields: true})
  const nodes = listAll<Node>(kube, '/api/v1/nodes', {skipManagedFields: true}).then(slim)
  if (observe) nodes.then(list => observe.nodes(list)).catch(() => undefined)
  const events = listAll<Event>(kube, ns(opts.namespace, 'events'), {skipManagedFields: true}).then(slim)
  // Node events are written to the "default" namespace; a namespaced question still needs them.
  const nodeEvents = opts.namespace ? optional<Event>('node events', '/api/v1/events', {fieldSelector: 'involvedObject.kind=Node'}) : Promise.resolve([])

  const [pods, nodeList, eventList, nodeEventList] = await Promise.all([scopePods, nodes, events, nodeEvents])
  snap.serverVersion = await version
  snap.pods = pods
  snap.nodes = nodeList
  const seen = new Set(eventList.map(e => e.metadata.uid))
  snap.events = [...eventList, ...nodeEventList.filter(e => !seen.has(e.metadata.uid))]

  // Per-node recomputation needs every pod bound to a node, in every namespace; only fetched
  // when some pod waits for the scheduler (a whole-cluster question already has them).
  const unscheduled = pods.some(p => p.status?.phase === 'Pending' && !p.spec.nodeName)
  if (wholeCluster) snap.boundPods = pods.filter(p => p.spec.nodeName)
  else if (unscheduled) snap.boundPods = await listAll<Pod>(kube, '/api/v1/pods', {fieldSelector: 'spec.nodeName!=,status.phase!=Succeeded,status.phase!=Failed', map: observe ? observed : lean, skipManagedFields: true})

  const claims = pods.some(p => p.spec.volumes?.some(v => v.persistentVolumeClaim))
  const [pvcs, pvs, classes, rs, deploys, sts, ds, jobs, quotas, leases] = await Promise.all([
    claims ? optional(`persistentvolumeclaims`, ns(opts.namespace, 'persistentvolumeclaims')) : [],
    claims ? optional('persistentvolumes', '/api/v1/persistentvolumes') : [],
    claims ? optional('storageclasses', '/apis/storage.k8s.io/v1/storageclasses') : [],
    optional('replicasets', ns(opts.namespace, 'replicasets', 'apps/v1')),
    optional('deployments', ns(opts.namespace, 'deployments', 'apps/v1')),
    optional('statefulsets', ns(opts.namespace, 'statefulsets', 'apps/v1')),
    optional('daemonsets', ns(opts.namespace, 'daemonsets', 'apps/v1')),
    optional('jobs', ns(opts.namespace, 'jobs', 'batch/v1')),
    optional('resourcequotas', ns(opts.namespace, 'resourcequotas')),
    optional('leases in kube-system', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases'),
  ])
  snap.pvcs = pvcs as ClusterSnapshot['pvcs']
  snap.pvs = pvs as ClusterSnapshot['pvs']
  snap.storageClasses = classes as ClusterSnapshot['storageClasses']
  snap.workloads = [
    ...tagKind(rs, 'ReplicaSet'), ...tagKind(deploys, 'Deployment'), ...tagKind(sts, 'StatefulSet'),
    ...tagKind(ds, 'DaemonSet'), ...tagKind(jobs, 'Job'),
  ] as ClusterSnapshot['workloads']
  snap.quotas = quotas as ClusterSnapshot['quotas']
  snap.leases = leases as ClusterSnapshot['leases']
  snap.gaps = gaps
  for (const p of snap.pods) p.kind ??= 'Pod'
  for (const n of snap.nodes) n.kind ??= 'Node'
  return snap
}

/** List items come without kind; the analysis needs it to follow owner references. */
function tagKind<T extends KubeObject>(items: T[], kind: string): T[] {
  for (const item of items) item.kind ??= kind
  return items
}
