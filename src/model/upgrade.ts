// What upgrade-plan reads, collected once (live through src/kube/upgrade-snapshot.ts, or from
// files), and the observations its sources make. The analysis is pure over these.
import type {FindingSource} from './reports/upgrade-plan.js'
import type {KubeObject, Node, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass, Workload} from './k8s.js'
import type {LabelSelector} from './k8s.js'

/**
 * One sighting of an API version in use: an object written as apiVersion/kind (a file, a
 * last-applied annotation, a managedFields entry, a Helm manifest), or requests counted by the
 * deprecated-API metric (then `resource` is set and `kind` may be unknown).
 */
export interface ApiUse {
  apiVersion: string
  kind?: string
  /** Plural resource (metric); subresource when the metric names one. */
  resource?: string
  subresource?: string
  namespace?: string
  /** Absent for metric sightings (requests, not an object). */
  name?: string
  source: FindingSource
}

/** The plan's path: the control plane moves one minor per hop. */
export interface UpgradePath {
  current: string | null
  target: string
  /** Every minor after current up to and including target; [target] when current is unknown. */
  hops: string[]
}

export interface PodDisruptionBudget extends KubeObject {
  spec?: {minAvailable?: number | string; maxUnavailable?: number | string; selector?: LabelSelector | null; unhealthyPodEvictionPolicy?: string}
  status?: {disruptionsAllowed?: number; currentHealthy?: number; desiredHealthy?: number; expectedPods?: number}
}

export interface CrdVersion {
  name: string
  served: boolean
  storage: boolean
  deprecated?: boolean
  deprecationWarning?: string
}

export interface CustomResourceDefinition extends KubeObject {
  spec: {group: string; names: {kind: string; plural: string}; scope?: string; versions: CrdVersion[]}
  status?: {storedVersions?: string[]}
}

/** A Helm v3 release as stored (Secret or ConfigMap, label owner=helm): only what the plan reads. Values are never kept. */
export interface HelmRelease {
  namespace: string
  name: string
  revision: number
  status: string
  storage: 'Secret' | 'ConfigMap'
  /** The rendered manifest of this revision. */
  manifest: string
}

/** One series of apiserver_requested_deprecated_apis. */
export interface DeprecatedApiRequest {
  group: string
  version: string
  resource: string
  subresource: string
  removedRelease: string
}

export interface UpgradeSnapshot {
  source: {type: 'live'; context?: string; server?: string} | {type: 'files'}
  /** "1.33", when read from the cluster. */
  serverVersion?: string
  collectedAt: string
  /** "group/version" (core: "v1") the server serves, from discovery; empty offline. */
  servedVersions: string[]
  /** Metadata-only objects of the kinds the removal table names (kind and apiVersion set as listed). */
  apiObjects: KubeObject[]
  helmReleases: HelmRelease[]
  crds: CustomResourceDefinition[]
  /** undefined when /metrics could not be read (then a gap says why). */
  deprecatedRequests?: DeprecatedApiRequest[]
  nodes: Node[]
  pods: Pod[]
  pdbs: PodDisruptionBudget[]
  /** Deployments, StatefulSets, ReplicaSets, DaemonSets, Jobs (kind set). */
  workloads: Workload[]
  pvcs: PersistentVolumeClaim[]
  pvs: PersistentVolume[]
  storageClasses: StorageClass[]
  gaps: string[]
}

export function emptyUpgradeSnapshot(source: UpgradeSnapshot['source'], collectedAt: string): UpgradeSnapshot {
  return {
    source, collectedAt, servedVersions: [], apiObjects: [], helmReleases: [], crds: [], nodes: [], pods: [],
    pdbs: [], workloads: [], pvcs: [], pvs: [], storageClasses: [], gaps: [],
  }
}

/** The annotation `kubectl apply` (client-side) writes: the object as last applied, as JSON. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration'

/**
 * One entry of metadata.managedFields: which manager wrote which fields, through which
 * apiVersion, when. Live upgrade snapshots keep fieldsV1 only when it owns the last-applied
 * annotation (then as just that path), to say who wrote the annotation and when.
 */
export interface ManagedFieldsEntry {
  manager?: string
  operation?: 'Apply' | 'Update' | string
  apiVersion?: string
  time?: string
  subresource?: string
  fieldsType?: string
  fieldsV1?: Record<string, unknown>
}

/** True when a managedFields entry's fields hold the last-applied annotation: its manager wrote it. */
export function holdsLastApplied(entry: ManagedFieldsEntry): boolean {
  const metadata = entry.fieldsV1?.['f:metadata'] as Record<string, unknown> | undefined
  const annotations = metadata?.['f:annotations'] as Record<string, unknown> | undefined
  return annotations?.[`f:${LAST_APPLIED_ANNOTATION}`] !== undefined
}

const APPLIED_HEAD = '{"apiVersion":"'
const APPLIED_KIND = ',"kind":"'
const COMMA = 44, CLOSE_BRACE = 125

/**
 * The apiVersion and kind a last-applied annotation's JSON names; undefined when it is not JSON
 * or names no apiVersion. kubectl writes the annotation with Go's json.Marshal of the object's
 * fields, keys sorted: it begins `{"apiVersion":"...","kind":"...",` unless a key sorts before
 * apiVersion or between the two. Such a start is read as text (the annotation is the whole
 * object again, tens of thousands of times over a cluster); anything else is parsed whole.
 */
export function lastAppliedType(annotation: string): {apiVersion: string; kind?: string} | undefined {
  return appliedHead(annotation) ?? parsedLastAppliedType(annotation)
}

/** lastAppliedType the long way: the whole annotation parsed. */
export function parsedLastAppliedType(annotation: string): {apiVersion: string; kind?: string} | undefined {
  try {
    const o = JSON.parse(annotation) as {apiVersion?: unknown; kind?: unknown} | null
    if (!o || typeof o !== 'object' || typeof o.apiVersion !== 'string' || !o.apiVersion) return undefined
    return {apiVersion: o.apiVersion, ...(typeof o.kind === 'string' && o.kind ? {kind: o.kind} : {})}
  } catch {
    return undefined
  }
}

/** apiVersion and kind from an annotation that begins as kubectl writes it (strings without escapes, an object that ends); else undefined. */
function appliedHead(annotation: string): {apiVersion: string; kind: string} | undefined {
  if (!annotation.startsWith(APPLIED_HEAD)) return undefined
  const end = annotation.endsWith('}\n') ? annotation.length - 1 : annotation.length
  if (annotation.charCodeAt(end - 1) !== CLOSE_BRACE) return undefined
  const versionEnd = annotation.indexOf('"', APPLIED_HEAD.length)
  if (versionEnd <= APPLIED_HEAD.length || !annotation.startsWith(APPLIED_KIND, versionEnd + 1)) return undefined
  const kindStart = versionEnd + 1 + APPLIED_KIND.length
  const kindEnd = annotation.indexOf('"', kindStart)
  const after = annotation.charCodeAt(kindEnd + 1)
  if (kindEnd <= kindStart || (after !== COMMA && after !== CLOSE_BRACE) || kindEnd + 1 >= end) return undefined
  const apiVersion = annotation.slice(APPLIED_HEAD.length, versionEnd)
  const kind = annotation.slice(kindStart, kindEnd)
  if (apiVersion.includes('\\') || kind.includes('\\')) return undefined
  return {apiVersion, kind}
}
