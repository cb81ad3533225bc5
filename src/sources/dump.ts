// Builds a ClusterSnapshot from files instead of a cluster: a `kubectl get ... -o json|yaml`
// List, a directory of such files, or a `kubectl cluster-info dump --output-directory` tree.
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join, extname} from 'node:path'
import {loadAll} from 'js-yaml'
import {InputError} from '../model/errors.js'
import {emptySnapshot, type ClusterSnapshot} from '../model/snapshot.js'
import type {KubeObject} from '../model/k8s.js'

const WORKLOAD_KINDS = new Set(['ReplicaSet', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicationController'])

export function loadDump(path: string, now: Date): ClusterSnapshot {
  let stat
  try { stat = statSync(path) } catch { throw new InputError(`dump ${path} does not exist`, 'pass a file or directory written by kubectl get -o json|yaml or kubectl cluster-info dump') }
  const files = stat.isDirectory() ? walk(path) : [path]
  const snap = emptySnapshot({type: 'dump', path}, now.toISOString())
  let count = 0
  for (const file of files) {
    for (const obj of readObjects(file)) {
      count++
      add(snap, obj)
    }
  }
  if (count === 0) throw new InputError(`no Kubernetes objects found in ${path}`, 'a dump holds JSON or YAML Lists of pods, events and nodes')
  snap.boundPods = snap.pods.filter(p => p.spec?.nodeName && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
  if (snap.nodes.length === 0) snap.gaps.push('nodes: not in the dump')
  if (!snap.events.length) snap.gaps.push('events: not in the dump')
  return snap
}

function walk(dir: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir, {withFileTypes: true}).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...walk(p))
    else if (['.json', '.yaml', '.yml'].includes(extname(entry.name).toLowerCase())) out.push(p)
  }
  return out
}

function readObjects(file: string): KubeObject[] {
  let text: string
  try { text = readFileSync(file, 'utf8') } catch (err) { throw new InputError(`cannot read ${file}: ${(err as Error).message}`) }
  if (text.trim() === '') return []
  let docs: unknown[]
  try {
    docs = extname(file).toLowerCase() === '.json' ? parseJsonStream(text) : loadAll(text)
  } catch (err) {
    throw new InputError(`${file} is not valid ${extname(file).toLowerCase() === '.json' ? 'JSON' : 'YAML'} (${(err as Error).message.split('\n')[0]})`)
  }
  const out: KubeObject[] = []
  for (const doc of docs) flatten(doc, undefined, out)
  return out
}

/** `kubectl get -o json` writes one document; cluster-info dump may write several in a file. */
function parseJsonStream(text: string): unknown[] {
  try { return [JSON.parse(text)] } catch { /* fall through to a stream of documents */ }
  const docs: unknown[] = []
  let depth = 0, start = -1, inString = false, escaped = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inString) { if (escaped) escaped = false; else if (c === '\\') escaped = true; else if (c === '"') inString = false; continue }
    if (c === '"') inString = true
    else if (c === '{') { if (depth++ === 0) start = i }
    else if (c === '}' && --depth === 0) docs.push(JSON.parse(text.slice(start, i + 1)))
  }
  if (docs.length === 0) throw new Error('no JSON object found')
  return docs
}

/** Unwraps Lists (List, PodList, ...) and gives items the kind their list implies. */
function flatten(doc: unknown, impliedKind: string | undefined, out: KubeObject[]): void {
  if (!doc || typeof doc !== 'object') return
  const o = doc as {kind?: string; items?: unknown[]; metadata?: unknown}
  if (Array.isArray(o.items)) {
    const kind = o.kind && o.kind !== 'List' && o.kind.endsWith('List') ? o.kind.slice(0, -4) : undefined
    for (const item of o.items) flatten(item, kind, out)
    return
  }
  if (!o.metadata) return
  const obj = o as KubeObject
  if (!obj.kind && impliedKind) obj.kind = impliedKind
  out.push(obj)
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
