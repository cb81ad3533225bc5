// Owner references: which controller made an object, up to the top (Pod -> ReplicaSet ->
// Deployment, Job -> CronJob), found among the workloads of a snapshot.
import type {KubeObject, OwnerReference, Workload} from './k8s.js'

/**
 * Workloads looked up by uid, and by kind, name and namespace, in one step each. Where several
 * match a reference, the first in the list is the one, as a scan of the list would find it.
 */
export interface OwnerIndex {
  /** uid → position of the first workload with it */
  byUid: Map<string, number>
  /** kind/namespace/name → position of the first workload with them */
  byName: Map<string, number>
  /** the same, among workloads without a uid */
  byNameWithoutUid: Map<string, number>
  workloads: Workload[]
}

export function indexOwners(workloads: Workload[]): OwnerIndex {
  const index: OwnerIndex = {byUid: new Map(), byName: new Map(), byNameWithoutUid: new Map(), workloads}
  workloads.forEach((w, i) => {
    const uid = w.metadata.uid
    const key = ownerKey(w.kind, w.metadata.namespace, w.metadata.name)
    if (uid && !index.byUid.has(uid)) index.byUid.set(uid, i)
    if (!index.byName.has(key)) index.byName.set(key, i)
    if (!uid && !index.byNameWithoutUid.has(key)) index.byNameWithoutUid.set(key, i)
  })
  return index
}

/** The top-level controller of an object: Pod -> ReplicaSet -> Deployment, Job -> CronJob. Null when it has no controller. */
export function topOwner(obj: KubeObject, workloads: Workload[] | OwnerIndex): {kind: string; name: string} | null {
  let ref = controllerOf(obj)
  if (!ref) return null
  const index = Array.isArray(workloads) ? indexOwners(workloads) : workloads
  for (let depth = 0; depth < 8; depth++) {
    const owner = findOwner(index, ref, obj.metadata.namespace)
    const next = owner && controllerOf(owner)
    if (!next) break
    ref = next
  }
  return {kind: ref.kind, name: ref.name}
}

/**
 * The workload a reference names: by uid when both have one, else by kind and name in the
 * object's namespace; the first in the list that matches either way.
 */
function findOwner(index: OwnerIndex, ref: OwnerReference, namespace: string | undefined): Workload | undefined {
  const key = ownerKey(ref.kind, namespace, ref.name)
  let at: number | undefined
  if (ref.uid) {
    const byUid = index.byUid.get(ref.uid)
    const byName = index.byNameWithoutUid.get(key)
    at = byUid === undefined ? byName : byName === undefined ? byUid : Math.min(byUid, byName)
  } else {
    at = index.byName.get(key)
  }
  return at === undefined ? undefined : index.workloads[at]
}

/** Kinds and names hold no NUL; an absent namespace differs from an empty one. */
function ownerKey(kind: string | undefined, namespace: string | undefined, name: string | undefined): string {
  return `${kind ?? '\u0001'}\u0000${namespace ?? '\u0001'}\u0000${name ?? '\u0001'}`
}

/** The controller reference (controller: true), else the first owner. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  const refs = obj.metadata.ownerReferences ?? []
  return refs.find(r => r.controller) ?? refs[0]
}
