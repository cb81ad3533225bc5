import {InputError} from '../model/errors.js'
import type {ClusterSnapshot} from '../model/snapshot.js'
import type {Target} from './target.js'

/** A named target that does not exist is bad input: say so, with where we looked. */
export function assertTargetExists(snap: ClusterSnapshot, target: Target): void {
  const where = snap.namespace ? `namespace "${snap.namespace}"` : 'any namespace'
  const from = snap.source.type === 'dump' ? ` of the dump ${snap.source.path}` : ''
  switch (target.kind) {
    case 'all': return
    case 'pod':
      if (!snap.pods.some(p => p.metadata.name === target.name)) throw new InputError(`pod "${target.name}" not found in ${where}${from}`, 'check the name, or pass -n NAMESPACE')
      return
    case 'node':
      if (!snap.nodes.some(n => n.metadata.name === target.name)) throw new InputError(`node "${target.name}" not found${from}`, 'list nodes with kubectl get nodes')
      return
    case 'workload':
      if (!snap.workloads.some(w => w.kind === target.workloadKind && w.metadata.name === target.name)) {
        throw new InputError(`${target.workloadKind.toLowerCase()} "${target.name}" not found in ${where}${from}`, 'check the name, or pass -n NAMESPACE')
      }
  }
}
