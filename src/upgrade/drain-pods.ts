// Which pods a drain evicts, as kubectl drain sorts them (kubernetes/kubectl pkg/drain/filters.go,
// makeFilters: skipDeleted, daemonSet, mirrorPod, localStorage, unreplicated, in that order).
// Every managed upgrade (EKS, GKE, AKS, Karpenter) sorts them the same way.
import type {KubeObject, OwnerReference, Pod, Workload} from '../model/k8s.js'
import type {ObjectRef} from '../model/reports/finding.js'

export const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror'

/** Succeeded or Failed: a drain deletes it without a PDB check, and nothing is lost. */
export function isFinishedPod(pod: Pod): boolean {
  const phase = pod.status?.phase
  return phase === 'Succeeded' || phase === 'Failed'
}

/**
 * A static pod's mirror: the API object the kubelet writes for a pod it runs from a file. It
 * cannot be deleted through the API (the kubelet recreates it), so drain skips it silently; it
 * stops and starts with the kubelet, never moves, and no check here can change that.
 */
export function isMirrorPod(pod: Pod): boolean {
  return Object.hasOwn(pod.metadata.annotations ?? {}, MIRROR_ANNOTATION)
}

/**
 * Controlled by an apps/v1 DaemonSet (kubectl 1.34+ checks the apiVersion too). Drain never
 * evicts these (with --ignore-daemonsets it only warns): the DaemonSet controller would put them
 * straight back, and they are meant to run on every node, the new ones included. So they block
 * no drain and need no room elsewhere.
 */
export function isDaemonSetPod(pod: Pod): boolean {
  const ref = controllerRef(pod)
  return ref?.kind === 'DaemonSet' && ref.apiVersion === 'apps/v1'
}

/** metav1.GetControllerOf: the owner reference with controller: true, not merely the first owner. */
export function controllerRef(pod: Pod) {
  return (pod.metadata.ownerReferences ?? []).find(r => r.controller === true)
}

/** The pods a drain of their node evicts: bound, running or about to, not being deleted, not DaemonSet or mirror pods. */
export function isEvictedByDrain(pod: Pod): boolean {
  return !!pod.spec.nodeName && !pod.metadata.deletionTimestamp && !isFinishedPod(pod) && !isMirrorPod(pod) && !isDaemonSetPod(pod)
}

/** emptyDir volumes: kubectl counts every one as local storage, medium Memory included. */
export function emptyDirVolumes(pod: Pod): string[] {
  return (pod.spec.volumes ?? []).filter(v => v.emptyDir !== undefined).map(v => v.name)
}

/** Pods by namespace/name, the first copy kept (a snapshot merged from several reads may repeat one). */
export function dedupePods(pods: Pod[]): Pod[] {
  const seen = new Set<string>()
  return pods.filter(p => {
    const key = `${p.metadata.namespace ?? 'default'}/${p.metadata.name ?? ''}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** A pod's top-level controller (Pod -> ReplicaSet -> Deployment), with the workload when the snapshot has it. */
export interface TopController {
  kind: string
  name: string
  namespace: string
  workload?: Workload
}

/**
 * Top controllers looked up through an index of the workloads by uid (and by kind and name when a
 * reference has no uid): src/model/owners.ts topOwner scans the list at each step, which is too
 * slow for every pod of a large cluster.
 */
export function indexControllers(workloads: Workload[]): (obj: KubeObject) => TopController | null {
  const byUid = new Map<string, Workload>()
  const byName = new Map<string, Workload>()
  for (const w of workloads) {
    if (w.metadata.uid) byUid.set(w.metadata.uid, w)
    byName.set(`${w.kind}/${w.metadata.namespace ?? 'default'}/${w.metadata.name}`, w)
  }
  return (obj) => {
    const namespace = obj.metadata.namespace ?? 'default'
    const first = (obj.metadata.ownerReferences ?? []).find(r => r.controller === true)
    if (!first) return null
    let ref: OwnerReference = first
    let workload: Workload | undefined
    for (let depth = 0; depth < 8; depth++) {
      const current: OwnerReference = ref
      workload = (current.uid ? byUid.get(current.uid) : undefined) ?? byName.get(`${current.kind}/${namespace}/${current.name}`)
      const next: OwnerReference | undefined = workload?.metadata.ownerReferences?.find(r => r.controller === true)
      if (!next) break
      ref = next
      workload = undefined
    }
    return {kind: ref.kind, name: ref.name, namespace, ...(workload ? {workload} : {})}
  }
}

export function controllerObjectRef(c: TopController): ObjectRef {
  return {...(c.workload?.apiVersion ? {apiVersion: c.workload.apiVersion} : {}), kind: c.kind, namespace: c.namespace, name: c.name}
}
