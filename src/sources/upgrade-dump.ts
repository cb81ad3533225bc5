// upgrade-plan offline from a dump (`kubectl get ... -A -o json|yaml` Lists, a directory of
// them, or a `kubectl cluster-info dump` tree): the same UpgradeSnapshot the live collector
// builds, from the objects found. What a dump cannot hold (the request metric, what the server
// serves) is said in gaps. Reading the files is manifests.ts's.
import {statSync} from 'node:fs'
import {InputError} from '../model/errors.js'
import {emptyUpgradeSnapshot, LAST_APPLIED_ANNOTATION, type CustomResourceDefinition, type PodDisruptionBudget, type UpgradeSnapshot} from '../model/upgrade.js'
import type {KubeObject} from '../model/k8s.js'
import {decodeHelmRelease, HelmReleaseDecodeError} from './helm-release.js'
import {readManifestsSync} from './manifests.js'

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'DaemonSet', 'Job'])

interface Stored {storage: 'Secret' | 'ConfigMap'; namespace: string; name: string; revision: number; data: string}

export function loadUpgradeDump(path: string, now: Date): UpgradeSnapshot {
  try { statSync(path) } catch { throw new InputError(`dump ${path} does not exist`, 'pass a file or directory written by kubectl get -A -o json|yaml or kubectl cluster-info dump') }
  const {objects} = readManifestsSync([path === '-' ? './-' : path])
  const snap = emptyUpgradeSnapshot({type: 'files'}, now.toISOString())
  const newest = new Map<string, Stored>()
  let count = 0
  for (const {object} of objects) {
    const obj = object as unknown as KubeObject & {data?: Record<string, string>}
    if (!obj.metadata || typeof obj.metadata !== 'object') continue
    count++
    const meta = obj.metadata
    // How it was written: the signals live objects carry (managedFields only with --show-managed-fields).
    if (meta.annotations?.[LAST_APPLIED_ANNOTATION] !== undefined || (meta as {managedFields?: unknown[]}).managedFields?.length) snap.apiObjects.push(obj)
    switch (obj.kind) {
      case 'Node': snap.nodes.push(obj as never); break
      case 'Pod': snap.pods.push(obj as never); break
      case 'PodDisruptionBudget': snap.pdbs.push(obj as PodDisruptionBudget); break
      case 'PersistentVolumeClaim': snap.pvcs.push(obj as never); break
      case 'PersistentVolume': snap.pvs.push(obj as never); break
      case 'StorageClass': snap.storageClasses.push(obj as never); break
      case 'CustomResourceDefinition': snap.crds.push(obj as CustomResourceDefinition); break
      case 'Secret': case 'ConfigMap': keepNewestRelease(obj, newest); break
      default: if (obj.kind && WORKLOADS.has(obj.kind)) snap.workloads.push(obj as never)
    }
  }
  if (count === 0) throw new InputError(`no Kubernetes objects found in ${path}`, 'a dump holds JSON or YAML Lists, as kubectl get -A -o json writes them')
  for (const r of newest.values()) {
    try {
      const {manifest} = decodeHelmRelease(r.data, r.storage)
      snap.helmReleases.push({namespace: r.namespace, name: r.name, revision: r.revision, status: 'deployed', storage: r.storage, manifest})
    } catch (err) {
      if (!(err instanceof HelmReleaseDecodeError)) throw err
      snap.gaps.push(`helm release ${r.namespace}/${r.name} revision ${r.revision}: not read (${err.message})`)
    }
  }
  if (!snap.nodes.length) snap.gaps.push('nodes: not in the dump (no skew or capacity checks)')
  if (!snap.pdbs.length) snap.gaps.push('poddisruptionbudgets: not in the dump')
  snap.gaps.push('the deprecated-API request metric: not in a dump (clients still calling removed APIs are not known)')
  return snap
}

/** Helm v3 storage (label owner=helm): only the newest deployed revision of each release is read. */
function keepNewestRelease(obj: KubeObject & {data?: Record<string, string>}, newest: Map<string, Stored>): void {
  const labels = obj.metadata.labels ?? {}
  if (labels.owner !== 'helm' || labels.status !== 'deployed' || !labels.name || typeof obj.data?.release !== 'string') return
  const storage = obj.kind === 'Secret' ? 'Secret' : 'ConfigMap'
  const namespace = obj.metadata.namespace ?? 'default'
  const revision = Number(labels.version) || 0
  const key = `${storage}/${namespace}/${labels.name}`
  const seen = newest.get(key)
  if (!seen || revision > seen.revision) newest.set(key, {storage, namespace, name: labels.name, revision, data: obj.data.release})
}
