// Owner references: which controller made an object, up to the top (Pod -> ReplicaSet ->
// Deployment, Job -> CronJob), found among the workloads of a snapshot.
import type {KubeObject, OwnerReference, Workload} from './k8s.js'

/** The top-level controller of an object: Pod -> ReplicaSet -> Deployment, Job -> CronJob. Null when it has no controller. */
export function topOwner(obj: KubeObject, workloads: Workload[]): {kind: string; name: string} | null {
  let ref = controllerOf(obj)
  if (!ref) return null
  for (let depth = 0; depth < 8; depth++) {
    const current: OwnerReference = ref
    const owner = workloads.find(w => current.uid && w.metadata.uid ? w.metadata.uid === current.uid
      : w.kind === current.kind && w.metadata.name === current.name && w.metadata.namespace === obj.metadata.namespace)
    const next = owner && controllerOf(owner)
    if (!next) break
    ref = next
  }
  return {kind: ref.kind, name: ref.name}
}

/** The controller reference (controller: true), else the first owner. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  const refs = obj.metadata.ownerReferences ?? []
  return refs.find(r => r.controller) ?? refs[0]
}
