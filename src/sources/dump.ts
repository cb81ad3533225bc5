// Builds a ClusterSnapshot from files instead of a cluster: a `kubectl get ... -o json|yaml`
// List, a directory of such files, or a `kubectl cluster-info dump --output-directory` tree.
// Reading the objects is manifests.ts's; this file sorts them into a snapshot.
import {statSync} from 'node:fs'
import {InputError} from '../model/errors.js'
import {emptySnapshot, type ClusterSnapshot} from '../model/snapshot.js'
import type {KubeObject} from '../model/k8s.js'
import {readManifestsSync} from './manifests.js'

const WORKLOAD_KINDS = new Set(['ReplicaSet', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicationController'])

export function loadDump(path: string, now: Date): ClusterSnapshot {
  try { statSync(path) } catch { throw new InputError(`dump ${path} does not exist`, 'pass a file or directory written by kubectl get -o json|yaml or kubectl cluster-info dump') }
  // A dump is a file named "-", never standard input.
  const {objects} = readManifestsSync([path === '-' ? './-' : path])
  const snap = emptySnapshot({type: 'dump', path}, now.toISOString())
  let count = 0
  for (const {object} of objects) {
    if (!object.metadata || typeof object.metadata !== 'object') continue
    count++
    add(snap, object as KubeObject)
  }
  if (count === 0) throw new InputError(`no Kubernetes objects found in ${path}`, 'a dump holds JSON or YAML Lists of pods, events and nodes')
  snap.boundPods = snap.pods.filter(p => p.spec?.nodeName && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
  if (snap.nodes.length === 0) snap.gaps.push('nodes: not in the dump')
  if (!snap.events.length) snap.gaps.push('events: not in the dump')
  return snap
}

function add(snap: ClusterSnapshot, obj: KubeObject): void {
  delete (obj.metadata as {managedFields?: unknown}).managedFields
  switch (obj.kind) {
    case 'Pod': snap.pods.push(obj as never); break
    case 'Node': snap.nodes.push(obj as never); break
    case 'Event': snap.events.push(normaliseEvent(obj as never)); break
    case 'PersistentVolumeClaim': snap.pvcs.push(obj as never); break
    case 'PersistentVolume': snap.pvs.push(obj as never); break
    case 'StorageClass': snap.storageClasses.push(obj as never); break
    case 'ResourceQuota': snap.quotas.push(obj as never); break
    case 'Lease': snap.leases.push(obj as never); break
    default: if (obj.kind && WORKLOAD_KINDS.has(obj.kind)) snap.workloads.push(obj as never)
  }
}

/** events.k8s.io/v1 objects name their subject `regarding` and their text `note`. */
function normaliseEvent(e: Record<string, any>): any {
  if (!e.involvedObject && e.regarding) {
    e.involvedObject = e.regarding
    e.message ??= e.note
    e.reportingComponent ??= e.reportingController
    if (e.deprecatedLastTimestamp) e.lastTimestamp ??= e.deprecatedLastTimestamp
    if (e.deprecatedCount) e.count ??= e.deprecatedCount
  }
  e.involvedObject ??= {}
  return e
}
