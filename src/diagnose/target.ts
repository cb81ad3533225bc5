import {InputError} from '../model/errors.js'
import type {ClusterSnapshot} from '../model/snapshot.js'

/** What the question is about: `pod/NAME`, `NAME`, `deploy/NAME`, `sts/NAME`, `job/NAME`, `node/NAME`, or everything. */
export type Target =
  | {kind: 'all'}
  | {kind: 'pod'; name: string}
  | {kind: 'workload'; workloadKind: 'Deployment' | 'StatefulSet' | 'Job' | 'DaemonSet' | 'ReplicaSet'; name: string}
  | {kind: 'node'; name: string}

const KINDS: Record<string, Target['kind'] | 'Deployment' | 'StatefulSet' | 'Job' | 'DaemonSet' | 'ReplicaSet'> = {
  pod: 'pod', pods: 'pod', po: 'pod',
  node: 'node', nodes: 'node', no: 'node',
  deploy: 'Deployment', deployment: 'Deployment', deployments: 'Deployment',
  sts: 'StatefulSet', statefulset: 'StatefulSet', statefulsets: 'StatefulSet',
  job: 'Job', jobs: 'Job',
  ds: 'DaemonSet', daemonset: 'DaemonSet', daemonsets: 'DaemonSet',
  rs: 'ReplicaSet', replicaset: 'ReplicaSet', replicasets: 'ReplicaSet',
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/

export function parseTarget(arg: string | undefined): Target {
  if (!arg) return {kind: 'all'}
  const slash = arg.indexOf('/')
  const kindText = slash === -1 ? 'pod' : arg.slice(0, slash).toLowerCase().replace(/\.(apps|batch)$/, '')
  const name = slash === -1 ? arg : arg.slice(slash + 1)
  const kind = KINDS[kindText]
  if (!kind) throw new InputError(`cannot explain "${arg}": unknown kind "${kindText}"`, 'use pod/NAME, deploy/NAME, sts/NAME, job/NAME, ds/NAME, node/NAME or a pod name')
  if (!NAME.test(name)) throw new InputError(`"${name}" is not a valid object name`, 'names are lowercase letters, digits, "-" and "."')
  if (kind === 'pod') return {kind: 'pod', name}
  if (kind === 'node') return {kind: 'node', name}
  return {kind: 'workload', workloadKind: kind as 'Deployment', name}
}

export function describeTarget(t: Target): string {
  switch (t.kind) {
    case 'all': return 'all'
    case 'pod': return `pod/${t.name}`
    case 'node': return `node/${t.name}`
    case 'workload': return `${t.workloadKind.toLowerCase()}/${t.name}`
  }
}

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
