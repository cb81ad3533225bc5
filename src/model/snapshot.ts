import type {Event, Lease, Node, PersistentVolume, PersistentVolumeClaim, Pod, ResourceQuota, StorageClass, Workload} from './k8s.js'

/**
 * Everything a diagnosis reads, collected once (live through src/kube, or from a dump).
 * Checks are pure functions of a snapshot and the time: none of them calls the API.
 */
export interface ClusterSnapshot {
  /** Where the data came from, for the report header. */
  source: {type: 'live'; context?: string; server?: string} | {type: 'dump'; path: string}
  /** The namespace the question is about; undefined for the whole cluster. */
  namespace?: string
  /** The server's version ("1.36"), when known: the scheduler's message grammar depends on it. */
  serverVersion?: string
  collectedAt: string
  pods: Pod[]
  /** Every node of the cluster: per-node recomputation needs all of them. */
  nodes: Node[]
  /**
   * Pods bound to nodes, across all namespaces, used for free capacity, host ports,
   * anti-affinity and topology spread. May hold only the fields those checks need.
   */
  boundPods: Pod[]
  events: Event[]
  pvcs: PersistentVolumeClaim[]
  pvs: PersistentVolume[]
  storageClasses: StorageClass[]
  workloads: Workload[]
  quotas: ResourceQuota[]
  /** Leader-election leases of kube-system: which schedulers run. */
  leases: Lease[]
  /** What the snapshot could not read (forbidden, absent in a dump): said in the report. */
  gaps: string[]
}

export function emptySnapshot(source: ClusterSnapshot['source'], collectedAt: string): ClusterSnapshot {
  return {
    source, collectedAt, pods: [], nodes: [], boundPods: [], events: [], pvcs: [], pvs: [],
    storageClasses: [], workloads: [], quotas: [], leases: [], gaps: [],
  }
}
