// The cluster of `npm run bench -- upgrade-live`: objects of the kinds the removal table names
// (deprecations/kubernetes.yaml, rows and replacements) that a 1.36 API server serves with
// --runtime-config=api/all=true, written the ways real clusters write them, and Helm v3 releases.
//
// - Most objects are namespaced (Deployments, Ingresses, CronJobs, PDBs, HPAs, RBAC, ...), spread
//   over the namespaces; a few hundred of each cluster-scoped kind.
// - A share carries the kubectl.kubernetes.io/last-applied-configuration annotation that
//   `kubectl apply` writes (the object again, as JSON); some of those name an apiVersion the table
//   removes (extensions/v1beta1 Deployments and Ingresses, batch/v1beta1 CronJobs, ...).
// - A share is written by server-side apply (an Apply entry in managedFields), and for the kinds
//   that 1.36 still serves at a beta version (resource.k8s.io v1beta1 and v1beta2,
//   storage.k8s.io/v1beta1, coordination.k8s.io/v1beta1) a share is written through that version,
//   so managedFields name it for real.
// - Everything is inert: Deployments paused at 0 replicas, CronJobs suspended, DaemonSets
//   selecting no node, EndpointSlices managed by no controller, admission policies matching no
//   resource, so the controllers have nothing to do while the bench measures.
// - Helm releases are Secrets as Helm's Secret driver stores them (type helm.sh/release.v1,
//   labels owner=helm, name, status=deployed, version; data.release the base64 of
//   base64(gzip(release JSON))), each with a chart and a manifest of a few objects.
import {gzipSync} from 'node:zlib'
import type {Api} from '../cluster/pools.ts'
import {mapLimit} from '../cluster/pools.ts'

export interface KindSpec {
  group: string
  version: string
  resource: string
  kind: string
  namespaced: boolean
  /** Share of the objects (namespaced kinds); cluster-scoped kinds get CLUSTER_SCOPED_EACH at most. */
  weight: number
  /** Versions the table removes, for last-applied annotations. */
  old?: string[]
  /** Versions the 1.36 server still serves besides `version`, written through for a share of the objects. */
  served?: string[]
  /** The object's fields besides apiVersion, kind and metadata.name/namespace, at an apiVersion. */
  body(name: string, i: number, apiVersion: string, namespace?: string): Record<string, unknown>
}

const container = (name: string, i: number) => ({
  name, image: `registry.example/${name}:1.${i % 40}.0`,
  ports: [{name: 'http', containerPort: 8080, protocol: 'TCP'}],
  env: [{name: 'LOG_LEVEL', value: 'info'}, {name: 'PORT', value: '8080'}, {name: 'POD_NAME', valueFrom: {fieldRef: {fieldPath: 'metadata.name'}}}],
  resources: {requests: {cpu: '100m', memory: '128Mi'}, limits: {memory: '256Mi'}},
  readinessProbe: {httpGet: {path: '/healthz', port: 8080}, periodSeconds: 10},
})
const podTemplate = (app: string, i: number, extra: Record<string, unknown> = {}) => ({
  metadata: {labels: {app}}, spec: {containers: [container(app, i)], ...extra},
})
const rules = [{apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: ['get', 'list', 'watch']}, {apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list']}]
const claimSpec = (apiVersion: string) => ({
  devices: {requests: [apiVersion === 'resource.k8s.io/v1beta1' ? {name: 'gpu', deviceClassName: 'bench-gpu'} : {name: 'gpu', exactly: {deviceClassName: 'bench-gpu'}}]},
})
const DRIVER = 'gpu.bench.example'

/**
 * Thirty kinds the table names (19 namespaced, 11 cluster-scoped), in the order `--kinds N`
 * takes them. Each kind is listed once by upgrade-plan: metadata only, or whole when its checks
 * read it whole (workloads, PDBs).
 */
export const KINDS: KindSpec[] = [
  {group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true, weight: 6, old: ['extensions/v1beta1', 'apps/v1beta1', 'apps/v1beta2'],
    body: (n, i) => ({spec: {paused: true, replicas: 0, selector: {matchLabels: {app: n}}, template: podTemplate(n, i)}})},
  {group: 'networking.k8s.io', version: 'v1', resource: 'ingresses', kind: 'Ingress', namespaced: true, weight: 4, old: ['extensions/v1beta1', 'networking.k8s.io/v1beta1'],
    body: n => ({spec: {ingressClassName: 'nginx', tls: [{hosts: [`${n}.example.com`], secretName: `${n}-tls`}], rules: [{host: `${n}.example.com`, http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: n, port: {number: 80}}}}]}}]}})},
  {group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob', namespaced: true, weight: 3, old: ['batch/v1beta1'],
    body: (n, i) => ({spec: {schedule: `${i % 60} ${i % 24} * * *`, suspend: true, jobTemplate: {spec: {template: podTemplate(n, i, {restartPolicy: 'OnFailure'})}}}})},
  {group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', namespaced: true, weight: 3, old: ['policy/v1beta1'],
    body: (n, i) => ({spec: {...(i % 2 ? {minAvailable: 1} : {maxUnavailable: '25%'}), selector: {matchLabels: {app: n}}}})},
  {group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', namespaced: true, weight: 2, old: ['autoscaling/v2beta1', 'autoscaling/v2beta2'],
    body: n => ({spec: {scaleTargetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: n}, minReplicas: 1, maxReplicas: 5, metrics: [{type: 'Resource', resource: {name: 'cpu', target: {type: 'Utilization', averageUtilization: 80}}}]}})},
  {group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', namespaced: true, weight: 6, old: ['extensions/v1beta1', 'apps/v1beta2'],
    body: (n, i) => ({spec: {replicas: 0, selector: {matchLabels: {app: n}}, template: podTemplate(n, i)}})},
  {group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet', namespaced: true, weight: 2, old: ['apps/v1beta1', 'apps/v1beta2'],
    body: (n, i) => ({spec: {replicas: 0, serviceName: n, selector: {matchLabels: {app: n}}, template: podTemplate(n, i)}})},
  {group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', namespaced: true, weight: 2, old: ['extensions/v1beta1', 'apps/v1beta2'],
    body: (n, i) => ({spec: {selector: {matchLabels: {app: n}}, template: podTemplate(n, i, {nodeSelector: {'bench.example/none': 'true'}})}})},
  {group: 'apps', version: 'v1', resource: 'controllerrevisions', kind: 'ControllerRevision', namespaced: true, weight: 3, old: ['apps/v1beta1', 'apps/v1beta2'],
    body: (n, i) => ({revision: 1 + (i % 5), data: {spec: {template: podTemplate(n, i)}}})},
  {group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true, weight: 3, old: ['extensions/v1beta1'],
    body: n => ({spec: {podSelector: {matchLabels: {app: n}}, policyTypes: ['Ingress'], ingress: [{from: [{podSelector: {matchLabels: {role: 'frontend'}}}], ports: [{protocol: 'TCP', port: 8080}]}]}})},
  {group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', kind: 'Role', namespaced: true, weight: 3, old: ['rbac.authorization.k8s.io/v1beta1'],
    body: () => ({rules})},
  {group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'rolebindings', kind: 'RoleBinding', namespaced: true, weight: 4, old: ['rbac.authorization.k8s.io/v1beta1'],
    body: n => ({roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: n}, subjects: [{kind: 'ServiceAccount', name: n}]})},
  {group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', kind: 'EndpointSlice', namespaced: true, weight: 4, old: ['discovery.k8s.io/v1beta1'],
    body: (n, i) => ({addressType: 'IPv4', endpoints: [{addresses: [`10.${(i >> 8) & 255}.${i & 255}.10`], conditions: {ready: true}}], ports: [{name: 'http', port: 8080, protocol: 'TCP'}]})},
  {group: 'events.k8s.io', version: 'v1', resource: 'events', kind: 'Event', namespaced: true, weight: 3, old: ['events.k8s.io/v1beta1'],
    body: (n, i, _v, ns) => ({eventTime: new Date(Date.UTC(2026, 0, 1, 0, 0, i % 3600)).toISOString().replace(/\.\d+Z$/, '.000000Z'), reportingController: 'bench.example/controller', reportingInstance: 'bench-1', action: 'Sync', reason: 'Synced', type: 'Normal', note: `synced ${n}`, regarding: {kind: 'Deployment', apiVersion: 'apps/v1', namespace: ns, name: n}})},
  {group: 'coordination.k8s.io', version: 'v1', resource: 'leases', kind: 'Lease', namespaced: true, weight: 2, old: ['coordination.k8s.io/v1beta1'],
    body: n => ({spec: {holderIdentity: `${n}-0`, leaseDurationSeconds: 15}})},
  {group: 'resource.k8s.io', version: 'v1', resource: 'resourceclaimtemplates', kind: 'ResourceClaimTemplate', namespaced: true, weight: 1, served: ['resource.k8s.io/v1beta1', 'resource.k8s.io/v1beta2'],
    body: (_n, _i, v) => ({spec: {spec: claimSpec(v)}})},
  {group: 'resource.k8s.io', version: 'v1', resource: 'resourceclaims', kind: 'ResourceClaim', namespaced: true, weight: 1, served: ['resource.k8s.io/v1beta1', 'resource.k8s.io/v1beta2'],
    body: (_n, _i, v) => ({spec: claimSpec(v)})},
  {group: 'coordination.k8s.io', version: 'v1beta1', resource: 'leasecandidates', kind: 'LeaseCandidate', namespaced: true, weight: 1,
    body: n => ({spec: {leaseName: n, binaryVersion: '1.36.0', emulationVersion: '1.36.0', strategy: 'OldestEmulationVersion'}})},
  {group: 'storage.k8s.io', version: 'v1', resource: 'csistoragecapacities', kind: 'CSIStorageCapacity', namespaced: true, weight: 1, old: ['storage.k8s.io/v1beta1'],
    body: (_n, i) => ({storageClassName: `bench-${i % 10}`, capacity: `${100 + (i % 900)}Gi`, nodeTopology: {matchLabels: {'topology.kubernetes.io/zone': `zone-${'abc'[i % 3]}`}}})},
  {group: 'networking.k8s.io', version: 'v1', resource: 'ingressclasses', kind: 'IngressClass', namespaced: false, weight: 0, old: ['networking.k8s.io/v1beta1'],
    body: (_n, i) => ({spec: {controller: `bench.example/ingress-${i}`}})},
  {group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', kind: 'ClusterRole', namespaced: false, weight: 0, old: ['rbac.authorization.k8s.io/v1beta1'],
    body: () => ({rules})},
  {group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false, weight: 0, old: ['rbac.authorization.k8s.io/v1beta1'],
    body: n => ({roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: n}, subjects: [{kind: 'ServiceAccount', name: n, namespace: 'default'}]})},
  {group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses', kind: 'PriorityClass', namespaced: false, weight: 0, old: ['scheduling.k8s.io/v1beta1'],
    body: (_n, i) => ({value: 1000 + i, globalDefault: false, description: 'bench'})},
  {group: 'storage.k8s.io', version: 'v1', resource: 'storageclasses', kind: 'StorageClass', namespaced: false, weight: 0, old: ['storage.k8s.io/v1beta1'],
    body: () => ({provisioner: 'csi.bench.example', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer', parameters: {type: 'ssd'}})},
  {group: 'storage.k8s.io', version: 'v1', resource: 'csidrivers', kind: 'CSIDriver', namespaced: false, weight: 0, old: ['storage.k8s.io/v1beta1'],
    body: () => ({spec: {attachRequired: false, podInfoOnMount: true}})},
  {group: 'storage.k8s.io', version: 'v1', resource: 'volumeattributesclasses', kind: 'VolumeAttributesClass', namespaced: false, weight: 0, served: ['storage.k8s.io/v1beta1'],
    body: (_n, i) => ({driverName: 'csi.bench.example', parameters: {iops: String(1000 + i)}})},
  {group: 'node.k8s.io', version: 'v1', resource: 'runtimeclasses', kind: 'RuntimeClass', namespaced: false, weight: 0, old: ['node.k8s.io/v1beta1'],
    body: (_n, i) => ({handler: `runc-${i}`})},
  {group: 'resource.k8s.io', version: 'v1', resource: 'deviceclasses', kind: 'DeviceClass', namespaced: false, weight: 0, served: ['resource.k8s.io/v1beta1', 'resource.k8s.io/v1beta2'],
    body: () => ({spec: {selectors: [{cel: {expression: `device.driver == "${DRIVER}"`}}]}})},
  {group: 'resource.k8s.io', version: 'v1', resource: 'resourceslices', kind: 'ResourceSlice', namespaced: false, weight: 0, served: ['resource.k8s.io/v1beta1', 'resource.k8s.io/v1beta2'],
    body: (n, _i, v) => ({spec: {driver: DRIVER, pool: {name: n, generation: 1, resourceSliceCount: 1}, allNodes: true, devices: [v === 'resource.k8s.io/v1beta1' ? {name: 'gpu-0', basic: {}} : {name: 'gpu-0'}]}})},
  {group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingadmissionpolicies', kind: 'ValidatingAdmissionPolicy', namespaced: false, weight: 0, old: ['admissionregistration.k8s.io/v1beta1'],
    body: () => ({spec: {failurePolicy: 'Ignore', matchConstraints: {resourceRules: [{apiGroups: ['bench.example'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['widgets']}]}, validations: [{expression: 'true'}]}})},
]

/** At most this many objects of each cluster-scoped kind: clusters hold few of them. */
export const CLUSTER_SCOPED_EACH = 150

export interface UpgradeDataOptions {
  objects: number
  kinds: number
  releases: number
  namespaces: number
  /** Requests in flight while creating. */
  concurrency?: number
  log?: (line: string) => void
}

export interface UpgradeData {
  kinds: KindSpec[]
  namespaces: string[]
  /** Objects created, by resource.group. */
  created: Record<string, number>
  /** Objects whose last-applied annotation names a removed apiVersion. */
  oldLastApplied: number
  lastApplied: number
  serverSideApplied: number
  /** Objects written through a served beta version. */
  betaWrites: number
  releases: number
  /** Helm releases whose manifest holds a removed apiVersion. */
  oldReleases: number
  releaseBytes: number
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'
const gv = (k: KindSpec) => (k.group ? `${k.group}/${k.version}` : k.version)
const collection = (apiVersion: string, resource: string, ns?: string) =>
  `${apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`}${ns ? `/namespaces/${ns}` : ''}/${resource}`

/** What each kind gets of `objects`: cluster-scoped kinds a few each, the rest by weight. */
export function plan(kinds: KindSpec[], objects: number): Map<KindSpec, number> {
  const cluster = kinds.filter(k => !k.namespaced)
  const each = Math.min(CLUSTER_SCOPED_EACH, Math.floor(objects * 0.04 / Math.max(1, cluster.length)))
  const out = new Map<KindSpec, number>()
  for (const k of cluster) out.set(k, each)
  const rest = objects - each * cluster.length
  const namespaced = kinds.filter(k => k.namespaced)
  const total = namespaced.reduce((s, k) => s + k.weight, 0)
  let given = 0
  namespaced.forEach((k, i) => {
    const n = i === namespaced.length - 1 ? rest - given : Math.round(rest * k.weight / total)
    out.set(k, n)
    given += n
  })
  return out
}

/** Creates the namespaces, the objects and the Helm release Secrets. */
export async function createUpgradeData(client: Api, o: UpgradeDataOptions): Promise<UpgradeData> {
  const log = o.log ?? (() => {})
  const kinds = KINDS.slice(0, o.kinds)
  const namespaces = Array.from({length: o.namespaces}, (_, i) => `team-${i.toString().padStart(3, '0')}`)
  await mapLimit(namespaces, 8, ns => client.post('/api/v1/namespaces', {metadata: {name: ns, labels: {'bench.example/team': ns}}}))
  const data: UpgradeData = {kinds, namespaces, created: {}, oldLastApplied: 0, lastApplied: 0, serverSideApplied: 0, betaWrites: 0, releases: 0, oldReleases: 0, releaseBytes: 0}

  interface Todo {kind: KindSpec; i: number}
  const todo: Todo[] = []
  for (const [kind, n] of plan(kinds, o.objects)) for (let i = 0; i < n; i++) todo.push({kind, i})
  const started = Date.now()
  let done = 0
  await mapLimit(todo, o.concurrency ?? 32, async ({kind, i}) => {
    const ns = kind.namespaced ? namespaces[i % namespaces.length] : undefined
    const name = kind.namespaced ? `app-${Math.floor(i / namespaces.length).toString().padStart(5, '0')}` : `bench-${i.toString().padStart(4, '0')}`
    const labels = {app: name, 'app.kubernetes.io/part-of': ns ?? 'platform', 'app.kubernetes.io/managed-by': i % 3 ? 'kubectl' : 'argocd'}
    // Every 5th object through a beta version that 1.36 still serves, where the kind has one.
    const served = kind.served?.length && i % 5 === 1 ? kind.served[i % kind.served.length]! : gv(kind)
    const object = {apiVersion: served, kind: kind.kind, metadata: {name, ...(ns ? {namespace: ns} : {}), labels}, ...kind.body(name, i, served, ns)}
    // Two objects in five applied with kubectl (client side); one in three of those from a file that
    // still names an apiVersion the table removes.
    let manager = 'bench-controller'
    if (i % 5 === 0 || i % 5 === 3) {
      const old = kind.old?.length && i % 3 === 0 ? kind.old[i % kind.old.length]! : undefined
      const applied = old ? {...object, apiVersion: old} : object
      ;(object.metadata as {annotations?: Record<string, string>}).annotations = {[LAST_APPLIED]: JSON.stringify(applied) + '\n'}
      data.lastApplied++
      if (old) data.oldLastApplied++
      manager = 'kubectl-client-side-apply'
    }
    const path = collection(served, kind.resource, ns)
    if (served !== gv(kind)) data.betaWrites++
    if (i % 10 === 4) {
      // Server-side apply, as Argo CD and Flux write: an Apply entry in managedFields.
      const r = await client.raw('PATCH', `${path}/${name}?fieldManager=argocd-controller&force=true`, object, 'application/apply-patch+yaml')
      if (r.status >= 300) throw new Error(`apply ${path}/${name}: ${r.status} ${r.body?.message ?? ''}`)
      data.serverSideApplied++
    } else {
      const r = await client.raw('POST', `${path}?fieldManager=${manager}`, object)
      if (r.status >= 300) throw new Error(`POST ${path}: ${r.status} ${r.body?.message ?? ''}`)
    }
    const key = `${kind.resource}.${kind.group}`
    data.created[key] = (data.created[key] ?? 0) + 1
    if (++done % 5000 === 0) log(`  ${done} of ${todo.length} objects after ${((Date.now() - started) / 1000).toFixed(0)} s`)
  })

  // Helm v3 releases, one deployed revision each (a release's older revisions are
  // status=superseded, which upgrade-plan does not list).
  await mapLimit(Array.from({length: o.releases}, (_, i) => i), 16, async i => {
    const ns = namespaces[i % namespaces.length]!
    const name = `release-${i.toString().padStart(4, '0')}`
    const revision = 1 + (i % 7)
    const old = i % 4 === 0
    const release = helmRelease(name, ns, revision, old)
    const stored = gzipSync(Buffer.from(JSON.stringify(release))).toString('base64')
    data.releaseBytes += stored.length
    await client.post(`/api/v1/namespaces/${ns}/secrets`, {
      apiVersion: 'v1', kind: 'Secret', type: 'helm.sh/release.v1',
      metadata: {name: `sh.helm.release.v1.${name}.v${revision}`, labels: {owner: 'helm', name, status: 'deployed', version: String(revision), modifiedAt: '1767225600'}},
      data: {release: Buffer.from(stored).toString('base64')},
    })
    data.releases++
    if (old) data.oldReleases++
  })
  return data
}

/** A Helm v3 release (helm/helm pkg/release): chart, values and the manifest of a few objects. */
function helmRelease(name: string, namespace: string, version: number, old: boolean): object {
  const docs = [
    {apiVersion: 'v1', kind: 'Service', metadata: {name, labels: {'app.kubernetes.io/instance': name}}, spec: {ports: [{port: 80, targetPort: 8080}], selector: {app: name}}},
    {apiVersion: old ? 'extensions/v1beta1' : 'apps/v1', kind: 'Deployment', metadata: {name}, spec: {replicas: 2, selector: {matchLabels: {app: name}}, template: podTemplate(name, version)}},
    old
      ? {apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: {name}, spec: {rules: [{host: `${name}.example.com`, http: {paths: [{path: '/', backend: {serviceName: name, servicePort: 80}}]}}]}}
      : {apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: {name}, spec: {rules: [{host: `${name}.example.com`, http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name, port: {number: 80}}}}]}}]}},
    {apiVersion: old ? 'policy/v1beta1' : 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name}, spec: {minAvailable: 1, selector: {matchLabels: {app: name}}}},
    {apiVersion: old ? 'batch/v1beta1' : 'batch/v1', kind: 'CronJob', metadata: {name: `${name}-backup`}, spec: {schedule: '0 3 * * *', jobTemplate: {spec: {template: podTemplate(name, version, {restartPolicy: 'OnFailure'})}}}},
  ]
  const manifest = docs.map(d => `---\n# Source: ${name}/templates/${d.kind.toLowerCase()}.yaml\n${JSON.stringify(d)}\n`).join('')
  const templates = docs.map(d => ({name: `templates/${d.kind.toLowerCase()}.yaml`, data: Buffer.from(`# {{ .Release.Name }}\n${JSON.stringify(d)}\n{{- include "chart.labels" . }}\n`).toString('base64')}))
  const values = {replicaCount: 2, image: {repository: `registry.example/${name}`, tag: '1.0.0'}, ingress: {enabled: true, hosts: [`${name}.example.com`]}, resources: {requests: {cpu: '100m', memory: '128Mi'}}}
  return {
    name, namespace, version,
    info: {first_deployed: '2026-01-01T00:00:00Z', last_deployed: '2026-01-02T00:00:00Z', deleted: '', description: version === 1 ? 'Install complete' : 'Upgrade complete', status: 'deployed'},
    chart: {
      metadata: {name: 'app', version: `1.${version}.0`, appVersion: '1.0.0', apiVersion: 'v2', description: 'An application chart', type: 'application'},
      lock: null, templates, values, schema: null,
      files: [{name: 'README.md', data: Buffer.from(`# app\n\nDeploys ${name}.\n`.repeat(20)).toString('base64')}],
    },
    config: {image: {tag: `1.${version}.0`}},
    manifest,
  }
}
