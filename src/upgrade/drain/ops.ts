// What the drain asks of the cluster, as one small interface: the engine (drain.ts) decides,
// these calls act. kubeDrainOps builds it on src/kube; unit tests give the engine a fake.
import type {Kube} from '../../kube/client.js'
import {deletePod, evictPod, type EvictionAnswer} from '../../kube/evict.js'
import {getNode, setUnschedulable} from '../../kube/cordon.js'
import {listNodePods, listPodsMatching, watchNodePods} from '../../kube/pods-watch.js'
import {listAll} from '../../kube/list.js'
import type {Node, Pod, Workload} from '../../model/k8s.js'
import type {PodDisruptionBudget} from '../../model/upgrade.js'
import {formatLabelSelector} from '../../model/labels.js'
import type {LabelSelector} from '../../model/k8s.js'
import type {Clock} from '../../model/clock.js'
import type {PodKey} from './types.js'
import type {PresenceEvent} from './presence.js'
import type {OwnerKind} from './replacements.js'

export interface DrainOps {
  getNode(name: string): Promise<Node | undefined>
  setUnschedulable(node: string, value: boolean): Promise<{changed: boolean}>
  listNodePods(node: string, labelSelector?: string): Promise<Pod[]>
  /** The node's pods, listed and then watched, until the signal aborts. */
  watchNodePods(node: string, signal: AbortSignal): AsyncIterable<PresenceEvent>
  /** Every PDB of the namespaces given. */
  listBudgets(namespaces: string[]): Promise<PodDisruptionBudget[]>
  getBudget(namespace: string, name: string): Promise<PodDisruptionBudget | undefined>
  /** Pods of a namespace a selector takes (a PDB's, a workload's). */
  listPods(namespace: string, selector: LabelSelector | null | undefined): Promise<Pod[]>
  evict(pod: PodKey, o: {gracePeriodSeconds?: number}): Promise<EvictionAnswer>
  delete(pod: PodKey, o: {gracePeriodSeconds?: number}): Promise<'deleted' | 'gone' | {status: number; message: string}>
  getWorkload(kind: OwnerKind, namespace: string, name: string): Promise<Workload | undefined>
}

const WORKLOADS: Record<OwnerKind, string> = {Deployment: 'deployments', StatefulSet: 'statefulsets', ReplicaSet: 'replicasets'}

export function kubeDrainOps(kube: Kube, signal?: AbortSignal, clock?: Clock): DrainOps {
  const getOr404 = async <T>(path: string): Promise<T | undefined> => {
    const answer = await kube.send(path, {signal})
    if (answer.status === 404) return undefined
    return answer.status >= 200 && answer.status < 300 ? answer.body as T : kube.request<T>(path, {signal})
  }
  return {
    getNode: name => getNode(kube, name, signal),
    setUnschedulable: (node, value) => setUnschedulable(kube, node, value, signal),
    listNodePods: (node, labelSelector) => listNodePods(kube, node, {labelSelector, signal}),
    watchNodePods: (node, s) => watchNodePods(kube, node, s, clock ? {sleep: clock.sleep} : {}),
    // One list across the cluster: the role needs list on PDBs anyway, and it is one request.
    listBudgets: async namespaces => {
      const wanted = new Set(namespaces)
      const all = await listAll<PodDisruptionBudget>(kube, '/apis/policy/v1/poddisruptionbudgets', {signal, skipManagedFields: true})
      return all.filter(p => wanted.has(p.metadata.namespace ?? 'default'))
    },
    getBudget: (namespace, name) => getOr404<PodDisruptionBudget>(`/apis/policy/v1/namespaces/${encodeURIComponent(namespace)}/poddisruptionbudgets/${encodeURIComponent(name)}`),
    listPods: async (namespace, selector) => {
      if (!selector) return []
      const text = formatLabelSelector(selector)
      return listPodsMatching(kube, namespace, text === '<all>' ? '' : text, signal)
    },
    evict: (pod, o) => evictPod(kube, pod, {...o, signal}),
    delete: (pod, o) => deletePod(kube, pod, {...o, signal}),
    getWorkload: (kind, namespace, name) => getOr404<Workload>(`/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/${WORKLOADS[kind]}/${encodeURIComponent(name)}`),
  }
}
