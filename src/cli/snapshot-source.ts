// Where a command's ClusterSnapshot comes from: the live cluster through src/kube, or files
// written by kubectl (--from-dump). Both give the same type, so the analysis never knows.
import {InputError} from '../model/errors.js'
import type {ClusterSnapshot} from '../model/snapshot.js'
import type {Node, Pod} from '../model/k8s.js'
import type {Kube} from '../kube/client.js'
import type {ClusterBuilder} from '../scheduling/cluster.js'

export interface SnapshotRequest {
  /** --from-dump PATH; live when absent. */
  dump?: string
  /** The namespace asked about (-n); undefined with -A or for a cluster-scoped question. */
  namespace?: string
  allNamespaces: boolean
  /** Cluster-scoped question (a node): every namespace is read. */
  clusterScoped: boolean
  labelSelector?: string
  now: Date
}

export interface SnapshotSource {
  snap: ClusterSnapshot
  /** "namespace web", "all namespaces", "the dump ./x": what the answer covers, for people. */
  scope: string
  /** The index of the snapshot's nodes and bound pods, begun while they were listed (live only). */
  indexing?: ClusterBuilder
}

export async function loadSnapshot(req: SnapshotRequest, kube: () => Promise<Kube>): Promise<SnapshotSource> {
  if (req.dump) {
    if (req.labelSelector) throw new InputError('--selector cannot be used with --from-dump', 'filter the dump with kubectl get -l when making it')
    const {loadDump} = await import('../sources/dump.js')
    const snap = loadDump(req.dump, req.now)
    if (req.namespace && !req.allNamespaces) snap.namespace = req.namespace
    return {snap, scope: `${snap.namespace ? `namespace ${snap.namespace} of ` : ''}the dump ${req.dump}`}
  }
  const client = await kube()
  const [{collectSnapshot}, {ClusterBuilder}] = await Promise.all([import('../kube/snapshot.js'), import('../scheduling/cluster.js')])
  const namespace = req.allNamespaces || req.clusterScoped ? undefined : client.namespace
  const indexing = new ClusterBuilder()
  const observe = {nodes: (nodes: Node[]) => indexing.addNodes(nodes), boundPod: (pod: Pod) => indexing.addPod(pod)}
  const snap = await collectSnapshot(client, {namespace, labelSelector: req.labelSelector, now: req.now, observe})
  return {snap, scope: namespace ? `namespace ${namespace}` : 'all namespaces', indexing}
}
