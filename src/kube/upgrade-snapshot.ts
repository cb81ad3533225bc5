// Collects what upgrade-plan reads of a live cluster, once: the server's version and what it
// serves; how the objects of every kind the removal table names were written (metadata-only
// lists, managedFields kept: they are a signal); the newest deployed revision of each Helm
// release; CRDs; the deprecated-API request metric; and the nodes, pods, PDBs, workloads and
// volumes the skew, drain and capacity checks read. Lists are paged and run a few at a time;
// each item is cut down to what the analysis reads as it arrives, so 50,000 objects stay small.
// A collection both needs (Deployments, ReplicaSets, StatefulSets, DaemonSets, PDBs, CRDs,
// StorageClasses: the table names them, the checks read them whole) is listed once, whole,
// each item giving both its write signals and what the checks read.
// What may not be read (forbidden) becomes a line in `gaps`, not a failure.
import type {Kube} from './client.js'
import {listAll, listMetadata} from './list.js'
import {discoverResources, type Discovery} from './discovery.js'
import {readDeprecatedApiRequests} from './metrics.js'
import {ClusterError} from '../model/errors.js'
import type {KubeObject, Node, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass, Workload} from '../model/k8s.js'
import {
  emptyUpgradeSnapshot, holdsLastApplied, LAST_APPLIED_ANNOTATION, lastAppliedType,
  type CustomResourceDefinition, type HelmRelease, type ManagedFieldsEntry, type PodDisruptionBudget, type UpgradeSnapshot,
} from '../model/upgrade.js'
import {minorVersion} from '../model/versions.js'

/** What the collector needs of the removal table: the kinds its rows and their replacements name. */
export interface KindsTable {
  rows: readonly {group: string; kind: string; replacement: {group: string; kind: string} | null}[]
}

/** Turns a Helm storage object's data.release into the release's manifest (see src/sources/helm-release.ts). */
export type HelmReleaseDecoder = (data: string, storage: 'Secret' | 'ConfigMap') => {manifest: string}

export interface UpgradeCollectOptions {
  table: KindsTable
  now: Date
  /** Without it, Helm releases are not read (a gap says so). */
  decodeHelmRelease?: HelmReleaseDecoder
  /** Lists in flight at once (default 4). */
  concurrency?: number
}

/** One collection of live objects to list: a served group/version/resource of a kind the table names. */
export interface ApiList {
  group: string
  version: string
  resource: string
  kind: string
}

/** Every (group, kind) the table names, in rows and replacements, once each, in table order. */
export function tableKinds(table: KindsTable): {group: string; kind: string}[] {
  const seen = new Set<string>()
  const out: {group: string; kind: string}[] = []
  const add = (group: string, kind: string) => {
    const key = `${group}/${kind}`
    if (!seen.has(key)) { seen.add(key); out.push({group, kind}) }
  }
  for (const r of table.rows) {
    add(r.group, r.kind)
    if (r.replacement) add(r.replacement.group, r.replacement.kind)
  }
  return out
}

/**
 * For each kind, the one served collection to list it from: a top-level resource of its group
 * with the list verb, at the group's preferred version when that serves it, else at the first
 * version discovery names. Any version returns every object of the kind (the server converts),
 * and managedFields say how each was written. Kinds the server does not serve, or cannot list
 * (reviews, subresources such as Scale and Eviction), have nothing to list.
 */
export function planApiLists(kinds: readonly {group: string; kind: string}[], discovery: Discovery): ApiList[] {
  const out: ApiList[] = []
  const seen = new Set<string>()
  for (const {group, kind} of kinds) {
    const candidates = discovery.resources.filter(r => r.group === group && r.kind === kind && !r.resource.includes('/') && r.verbs.includes('list'))
    const pick = candidates.find(r => r.version === discovery.preferredVersions[group]) ?? candidates[0]
    if (!pick) continue
    const key = `${group}/${pick.resource}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push({group, version: pick.version, resource: pick.resource, kind})
  }
  return out
}

const collectionPath = (group: string, version: string, resource: string) => group ? `/apis/${group}/${version}/${resource}` : `/api/${version}/${resource}`
const resourceName = (group: string, resource: string) => group ? `${resource}.${group}` : resource

/** A collection the checks read whole; `kind` for those the removal table may name too. */
export interface WholeList {group: string; version: string; resource: string; kind?: string}

const whole = (group: string, resource: string, kind?: string): WholeList => ({group, version: 'v1', resource, ...(kind ? {kind} : {})})
/** Every collection listed whole (the rest is listed metadata-only, or not at all). */
export const WHOLE_LISTS = {
  nodes: whole('', 'nodes'), pods: whole('', 'pods'), pdbs: whole('policy', 'poddisruptionbudgets', 'PodDisruptionBudget'),
  deployments: whole('apps', 'deployments', 'Deployment'), statefulsets: whole('apps', 'statefulsets', 'StatefulSet'),
  replicasets: whole('apps', 'replicasets', 'ReplicaSet'), daemonsets: whole('apps', 'daemonsets', 'DaemonSet'), jobs: whole('batch', 'jobs', 'Job'),
  pvcs: whole('', 'persistentvolumeclaims'), pvs: whole('', 'persistentvolumes'), storageClasses: whole('storage.k8s.io', 'storageclasses', 'StorageClass'),
  crds: whole('apiextensions.k8s.io', 'customresourcedefinitions', 'CustomResourceDefinition'),
} as const satisfies Record<string, WholeList>

/** The collection path of a list. */
export const listPath = (l: {group: string; version: string; resource: string}) => collectionPath(l.group, l.version, l.resource)

/** Repeated strings (managers, apiVersions, times) kept once. */
function stringPool(): (s: string | undefined) => string | undefined {
  const pool = new Map<string, string>()
  return s => {
    if (s === undefined) return undefined
    const have = pool.get(s)
    if (have !== undefined) return have
    pool.set(s, s)
    return s
  }
}

const OWNS_LAST_APPLIED = Object.freeze({'f:metadata': Object.freeze({'f:annotations': Object.freeze({[`f:${LAST_APPLIED_ANNOTATION}`]: Object.freeze({})})})})

/**
 * An object of a table kind, reduced to what its signals need: name, namespace, uid, creation
 * time; the last-applied annotation cut to its apiVersion and kind (the rest of it is the whole
 * object again); each managedFields entry's manager, operation, apiVersion, time and
 * subresource, and its fields only when they hold the last-applied annotation (to say who wrote
 * it and when). kind and apiVersion are the collection's it was listed from.
 */
export function leanApiObject(item: KubeObject, apiVersion: string, kind: string, keep: (s: string | undefined) => string | undefined = s => s): KubeObject {
  const m = item.metadata as KubeObject['metadata'] & {managedFields?: ManagedFieldsEntry[]}
  const metadata: KubeObject['metadata'] & {managedFields?: ManagedFieldsEntry[]} = {name: m.name, uid: m.uid}
  if (m.namespace) metadata.namespace = keep(m.namespace)
  if (m.creationTimestamp) metadata.creationTimestamp = m.creationTimestamp
  const applied = m.annotations?.[LAST_APPLIED_ANNOTATION]
  if (applied !== undefined) {
    const written = lastAppliedType(applied)
    if (written) metadata.annotations = {[LAST_APPLIED_ANNOTATION]: JSON.stringify(written)}
  }
  if (m.managedFields?.length) {
    metadata.managedFields = m.managedFields.map(e => {
      const entry: ManagedFieldsEntry = {manager: keep(e.manager), operation: keep(e.operation), apiVersion: keep(e.apiVersion), time: keep(e.time)}
      if (e.subresource) entry.subresource = keep(e.subresource)
      if (holdsLastApplied(e)) { entry.fieldsType = 'FieldsV1'; entry.fieldsV1 = OWNS_LAST_APPLIED }
      return entry
    })
  }
  return {apiVersion, kind, metadata}
}

/** Pod annotations the drain checks read: mirror pods (static pods) and the autoscaler's eviction hint. */
const POD_ANNOTATIONS = ['kubernetes.io/config.mirror', 'cluster-autoscaler.kubernetes.io/safe-to-evict']

/**
 * A pod without what no upgrade check reads: containers keep name, image, resources, ports and
 * restartPolicy (env, commands, probes and mounts are the bulk); status keeps phase and the
 * Ready condition. Placement (selectors, affinity, tolerations, spread), volumes and owners stay whole.
 */
export function leanUpgradePod(pod: Pod): Pod {
  const m = pod.metadata
  const annotations = Object.fromEntries(POD_ANNOTATIONS.filter(k => m.annotations?.[k] !== undefined).map(k => [k, m.annotations![k]!]))
  const container = (c: Pod['spec']['containers'][number]) => ({
    name: c.name, ...(c.image ? {image: c.image} : {}), ...(c.resources ? {resources: c.resources} : {}),
    ...(c.ports?.length ? {ports: c.ports} : {}), ...(c.restartPolicy ? {restartPolicy: c.restartPolicy} : {}),
  })
  const ready = pod.status?.conditions?.find(c => c.type === 'Ready')
  return {
    kind: 'Pod',
    metadata: {
      name: m.name, namespace: m.namespace, uid: m.uid, labels: m.labels, ownerReferences: m.ownerReferences,
      creationTimestamp: m.creationTimestamp, ...(m.deletionTimestamp ? {deletionTimestamp: m.deletionTimestamp} : {}),
      ...(Object.keys(annotations).length ? {annotations} : {}),
    },
    spec: {
      ...pod.spec,
      containers: (pod.spec.containers ?? []).map(container),
      ...(pod.spec.initContainers ? {initContainers: pod.spec.initContainers.map(container)} : {}),
    },
    status: {phase: pod.status?.phase, ...(ready ? {conditions: [{type: 'Ready', status: ready.status}]} : {})},
  }
}

/**
 * A workload cut to what the drain, capacity and volume checks read of it: kind and apiVersion,
 * name, namespace, uid and owners; spec.replicas and the pod template's volumes. Annotations,
 * labels, managedFields, the pod template's containers and the status are the bulk, and unread.
 */
export function leanWorkload(w: Workload, kind: string): Workload {
  const m = w.metadata
  const spec = w.spec
  const volumes = spec?.template?.spec?.volumes
  return {
    ...(w.apiVersion ? {apiVersion: w.apiVersion} : {}), kind,
    metadata: {
      name: m.name, namespace: m.namespace, uid: m.uid,
      ...(m.ownerReferences ? {ownerReferences: m.ownerReferences} : {}),
    },
    ...(spec ? {spec: {
      ...(spec.replicas !== undefined ? {replicas: spec.replicas} : {}),
      ...(volumes ? {template: {spec: {volumes}}} as Pick<NonNullable<Workload['spec']>, 'template'> : {}),
    }} : {}),
  }
}

/** An object without its managedFields (listed whole with them when its write signals are read from the same list). */
function dropManagedFields<T extends KubeObject>(item: T): T {
  const m = item.metadata as KubeObject['metadata'] & {managedFields?: unknown}
  if (m.managedFields !== undefined) delete m.managedFields
  return item
}

/** A PDB without managedFields and without the last-applied annotation (the object again): the drain checks read neither. */
function leanPdb(pdb: PodDisruptionBudget): PodDisruptionBudget {
  dropManagedFields(pdb)
  const annotations = pdb.metadata.annotations
  if (annotations?.[LAST_APPLIED_ANNOTATION] !== undefined) {
    delete annotations[LAST_APPLIED_ANNOTATION]
    if (!Object.keys(annotations).length) delete pdb.metadata.annotations
  }
  return pdb
}

/** A node without its image list and attached-volume lists (the bulk of a node's status). */
function leanUpgradeNode(node: Node): Node {
  const status = node.status as (Node['status'] & {images?: unknown; volumesInUse?: unknown; volumesAttached?: unknown}) | undefined
  if (status) { delete status.images; delete status.volumesInUse; delete status.volumesAttached }
  node.kind = 'Node'
  return node
}

/** A CRD reduced to its group, names, scope, versions (served, storage, deprecation) and stored versions: no schemas. */
export function leanCrd(crd: CustomResourceDefinition): CustomResourceDefinition {
  const s = crd.spec
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
    metadata: {name: crd.metadata.name, uid: crd.metadata.uid},
    spec: {
      group: s.group, names: {kind: s.names?.kind, plural: s.names?.plural}, ...(s.scope ? {scope: s.scope} : {}),
      versions: (s.versions ?? []).map(v => ({
        name: v.name, served: v.served, storage: v.storage,
        ...(v.deprecated !== undefined ? {deprecated: v.deprecated} : {}),
        ...(v.deprecationWarning !== undefined ? {deprecationWarning: v.deprecationWarning} : {}),
      })),
    },
    status: {storedVersions: crd.status?.storedVersions ?? []},
  }
}

/** Runs at most `limit` tasks at once, in the order they are given. */
function runBounded(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0
  const waiting: (() => void)[] = []
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>(r => waiting.push(r))
    running++
    try {
      return await task()
    } finally {
      running--
      waiting.shift()?.()
    }
  }
}

/** A 403 or 404: the collection is skipped and said in gaps. */
const isGap = (err: unknown): err is ClusterError => err instanceof ClusterError && (err.kind === 'forbidden' || err.kind === 'not-found')

interface StoredRelease {namespace: string; name: string; revision: number; data: string}

/** The label selector of Helm v3 release storage objects whose revision is deployed (pkg/storage/driver labels). */
export const HELM_DEPLOYED_SELECTOR = 'owner=helm,status=deployed'

export async function collectUpgradeSnapshot(kube: Kube, o: UpgradeCollectOptions): Promise<UpgradeSnapshot> {
  const snap = emptyUpgradeSnapshot({type: 'live', context: kube.context, server: kube.server}, o.now.toISOString())
  const gaps: string[] = []
  const bounded = runBounded(o.concurrency ?? 4)
  const keep = stringPool()

  /** A list that may be refused: [] and a gap line, then (`needs` says what a refusal costs). */
  const optional = <T>(what: string, list: () => Promise<T[]>, needs?: string): Promise<T[]> => bounded(async () => {
    try {
      return await list()
    } catch (err) {
      if (isGap(err)) { gaps.push(`${what}: ${err.kind}${needs && err.kind === 'forbidden' ? ` (${needs})` : ''}`); return [] }
      throw err
    }
  })
  // The table's kinds are known now; which version of each is listed, only after discovery.
  const kinds = tableKinds(o.table)
  const named = new Set(kinds.map(k => `${k.group}/${k.kind}`))
  /** The write signals of the items of whole lists whose kind the table names, by collection path. */
  const fromWhole = new Map<string, Promise<KubeObject[]>>()
  /**
   * A whole list. When the table names its kind, each item also gives its write signals
   * (managedFields are then read too), which stand in for the metadata-only list of the same
   * collection when discovery picks that one (below).
   */
  const full = <T extends KubeObject>(l: WholeList, map?: (item: T) => T): Promise<T[]> => {
    const path = listPath(l)
    if (!l.kind || !named.has(`${l.group}/${l.kind}`)) return optional(resourceName(l.group, l.resource), () => listAll<T>(kube, path, {skipManagedFields: true, map}))
    const apiVersion = l.group ? `${l.group}/${l.version}` : l.version
    // By item as the list keeps it: a list started over (an expired continue token) keeps only its last reading.
    const signalOf = new Map<T, KubeObject>()
    const listed = optional(resourceName(l.group, l.resource), () => listAll<T>(kube, path, {
      leanFieldsV1: true,
      map: item => {
        const signal = leanApiObject(item, apiVersion, l.kind!, keep)
        const kept = map ? map(item) : item
        signalOf.set(kept, signal)
        return kept
      },
    }))
    const signals = listed.then(items => items.map(i => signalOf.get(i)!))
    // Awaited only when discovery picks this collection: its failure is the list's, said there.
    signals.catch(() => undefined)
    fromWhole.set(path, signals)
    return listed
  }

  const version = kube.get<{major: string; minor: string}>('/version').then(v => minorVersion(v.major, v.minor)).catch(() => undefined)
  const discovery = discoverResources(kube)
  // The metric only adds to the plan: any failure to read it (403, a 404 on servers that do not
  // expose it, a timeout on a slow link) is a gap.
  const metrics = readDeprecatedApiRequests(kube).catch((err: unknown) => {
    if (!(err instanceof ClusterError)) throw err
    gaps.push(err.kind === 'forbidden' ? 'metrics: forbidden (the deprecated-API request metric needs get on /metrics)' : `metrics: ${err.kind}`)
    return undefined
  })

  // The cluster's state; these need no discovery and start at once.
  const W = WHOLE_LISTS
  const nodes = full<Node>(W.nodes, leanUpgradeNode)
  const pods = full<Pod>(W.pods, leanUpgradePod)
  const pdbs = full<PodDisruptionBudget>(W.pdbs, leanPdb)
  const workloads = [W.deployments, W.statefulsets, W.replicasets, W.daemonsets, W.jobs].map(l => full<Workload>(l, w => leanWorkload(w, l.kind!)))
  const pvcs = full<PersistentVolumeClaim>(W.pvcs)
  const pvs = full<PersistentVolume>(W.pvs)
  const classes = full<StorageClass>(W.storageClasses, dropManagedFields)
  const crds = full<CustomResourceDefinition>(W.crds, leanCrd)
  const helm = (['Secret', 'ConfigMap'] as const).map(storage => readHelmReleases(storage))

  // Only the newest deployed revision of each release keeps its data, as the items arrive.
  function readHelmReleases(storage: 'Secret' | 'ConfigMap'): Promise<HelmRelease[]> {
    const resource = storage === 'Secret' ? 'secrets' : 'configmaps'
    if (!o.decodeHelmRelease) {
      gaps.push(`helm releases in ${resource}: not read`)
      return Promise.resolve([])
    }
    const decode = o.decodeHelmRelease
    const newest = new Map<string, StoredRelease>()
    return optional(`helm releases in ${resource}`, async () => {
      await listAll<KubeObject & {data?: {release?: string}}>(kube, `/api/v1/${resource}`, {
        labelSelector: HELM_DEPLOYED_SELECTOR, skipManagedFields: true,
        map: item => {
          const labels = item.metadata.labels ?? {}
          const revision = Number(labels.version)
          const data = item.data?.release
          const namespace = item.metadata.namespace ?? ''
          const name = labels.name ?? ''
          const key = `${namespace}/${name}`
          if (name && Number.isInteger(revision) && typeof data === 'string' && revision > (newest.get(key)?.revision ?? -Infinity)) {
            newest.set(key, {namespace, name, revision, data})
          }
          // Nothing of the object is kept in the list itself.
          return {metadata: {}} as typeof item
        },
      })
      const out: HelmRelease[] = []
      for (const r of newest.values()) {
        try {
          out.push({namespace: r.namespace, name: r.name, revision: r.revision, status: 'deployed', storage, manifest: decode(r.data, storage).manifest})
        } catch (err) {
          // The decoder's own errors say nothing of the content; anything else is not repeated.
          const why = (err as Error).name === 'HelmReleaseDecodeError' ? (err as Error).message : 'it could not be decoded'
          gaps.push(`helm release ${r.namespace}/${r.name} revision ${r.revision} (${storage}): ${why}`)
        }
      }
      return out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name))
    }, `reading the Helm releases kept in ${storage}s needs list on ${resource}`)
  }

  // Should discovery fail, the lists already under way fail or finish unobserved, not unhandled.
  for (const p of [version, metrics, nodes, pods, pdbs, ...workloads, pvcs, pvs, classes, crds, ...helm]) p.catch(() => undefined)

  // How the objects of the table's kinds were written: from the whole list of the same
  // collection when there is one (it has the same items, metadata included), else metadata only.
  const served = await discovery
  const lists = planApiLists(kinds, served)
  const listed = lists.map(l => {
    const path = listPath(l)
    const signals = fromWhole.get(path)
    if (signals) return signals
    return optional(resourceName(l.group, l.resource), () => listMetadata(kube, path, {
      leanFieldsV1: true,
      map: item => leanApiObject(item, l.group ? `${l.group}/${l.version}` : l.version, l.kind, keep),
    }))
  })

  const [apiLists, helmLists, nodeList, podList, pdbList, workloadLists, pvcList, pvList, classList, crdList, requests, serverVersion] = await Promise.all([
    Promise.all(listed), Promise.all(helm), nodes, pods, pdbs, Promise.all(workloads), pvcs, pvs, classes, crds, metrics, version,
  ])
  // Two served groups may hold the same objects (extensions and networking.k8s.io Ingresses on
  // old servers): each object once, from the first collection in the table's order.
  const uids = new Set<string>()
  for (const items of apiLists) {
    for (const item of items) {
      const uid = item.metadata.uid
      if (uid) { if (uids.has(uid)) continue; uids.add(uid) }
      snap.apiObjects.push(item)
    }
  }
  snap.serverVersion = serverVersion
  snap.servedVersions = served.servedVersions
  snap.helmReleases = helmLists.flat()
  snap.crds = crdList
  snap.deprecatedRequests = requests
  snap.nodes = nodeList
  snap.pods = podList
  snap.pdbs = pdbList.map(p => ({...p, kind: 'PodDisruptionBudget', apiVersion: 'policy/v1'}))
  snap.workloads = workloadLists.flat()
  snap.pvcs = pvcList.map(p => ({...p, kind: 'PersistentVolumeClaim'}))
  snap.pvs = pvList.map(p => ({...p, kind: 'PersistentVolume'}))
  snap.storageClasses = classList.map(c => ({...c, kind: 'StorageClass'}))
  // A group the table names whose API server is down: its objects could not be listed.
  const tableGroups = new Set(kinds.map(k => k.group))
  for (const gv of served.unavailable) {
    const group = gv.includes('/') ? gv.slice(0, gv.indexOf('/')) : ''
    if (tableGroups.has(group)) gaps.push(`${gv}: unavailable in discovery (its objects were not listed)`)
  }
  snap.gaps = gaps
  return snap
}
