// What each command reads or changes in the cluster, as RBAC rules. `kubectl prod rbac
// <command>` prints them as a ClusterRole, and the e2e tests run each command as a user
// bound to exactly that role, so a rule missing here fails a test.
import {loadBuiltinTable, type RemovalTable} from '../deprecations/table.js'

/** An RBAC rule: resources in API groups, or non-resource URLs (ClusterRoles only). */
export interface PolicyRule {
  apiGroups?: string[]
  resources?: string[]
  nonResourceURLs?: string[]
  verbs: string[]
  /** Why the rule is there. RBAC rules have no such field: the role carries it as an annotation. */
  comment?: string
}

export interface CommandPermissions {
  summary: string
  rules: PolicyRule[]
}

export const PERMISSIONS: Record<string, CommandPermissions> = {
  version: {
    summary: 'read-only: the server version and the nodes\' kubelet versions',
    rules: [{apiGroups: [''], resources: ['nodes'], verbs: ['list']}],
  },
  'why-pending': {
    summary: 'read-only: pods, nodes, events, volumes, workloads, quotas, scheduler leases, and whether a namespace exists',
    rules: [
      // Lists only: every collection is read once, in pages (the e2e test compares this role with the requests made).
      {apiGroups: [''], resources: ['pods', 'nodes', 'events', 'persistentvolumeclaims', 'persistentvolumes', 'resourcequotas'], verbs: ['list']},
      {apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['list']},
      {apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'], verbs: ['list']},
      {apiGroups: ['batch'], resources: ['jobs'], verbs: ['list']},
      {apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['list']},
      // Only to tell a namespace that does not exist from one with no pods in it.
      {apiGroups: [''], resources: ['namespaces'], verbs: ['get']},
    ],
  },
  'nodepool-list': {
    summary: 'read-only: the nodes, to group them into pools',
    rules: [{apiGroups: [''], resources: ['nodes'], verbs: ['list']}],
  },
  drain: {
    summary: 'cordons nodes and evicts their pods: nodes get and patch, pods list, watch and evict, PDBs and workloads read; pods delete only for finished pods and a bypass the operator typed',
    rules: [
      // get: does the node exist (before anything is cordoned), is it cordoned already; patch: spec.unschedulable.
      {apiGroups: [''], resources: ['nodes'], verbs: ['get', 'patch']},
      // The node's pods (field selector spec.nodeName), watched until the evicted ones are gone; a PDB's or a workload's pods by selector.
      {apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch']},
      {apiGroups: [''], resources: ['pods/eviction'], verbs: ['create']},
      {
        apiGroups: [''], resources: ['pods'], verbs: ['delete'],
        comment: 'Only for finished (Succeeded or Failed) pods, which nothing needs any more, and for a pod the operator chose at the terminal to delete bypassing its PDB after typing its name. Every other pod goes through the Eviction API, which enforces PDBs.',
      },
      // list: which PDBs cover the node's pods; get: a refusing PDB's current numbers, and its recovery.
      {apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['get', 'list']},
      // Whether the evicted pods' workloads have their replicas available again (a ReplicaSet is read to find its Deployment).
      {apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets'], verbs: ['get']},
    ],
  },
  'nodepool-upgrade': {
    summary: 'walks a node pool: nodes get, list, watch and patch (cordon, walk state annotations), pods list, watch and evict, PDBs and workloads read, the preflight\'s lists, and the pool\'s Lease',
    rules: [
      // list: the pools; get and watch: each node's state and its return to Ready (or its replacement); patch: cordon, uncordon and the kubectl-prod.io/ walk annotations.
      {apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch', 'patch']},
      // The preflight lists every pod (drain blockers, capacity); the drain lists and watches each node's pods.
      {apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch']},
      {apiGroups: [''], resources: ['pods/eviction'], verbs: ['create']},
      {
        apiGroups: [''], resources: ['pods'], verbs: ['delete'],
        comment: 'Only for finished (Succeeded or Failed) pods, which nothing needs any more. Every other pod goes through the Eviction API, which enforces PDBs.',
      },
      {apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['get', 'list']},
      // The preflight's view of workloads (listed) and the drain's wait for their replicas (get).
      {apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets'], verbs: ['get', 'list']},
      // The preflight only: DaemonSet pods stay on their node.
      {apiGroups: ['apps'], resources: ['daemonsets'], verbs: ['list']},
      {apiGroups: ['batch'], resources: ['jobs'], verbs: ['list']},
      // The preflight: volumes that pin pods to a node or a zone.
      {apiGroups: [''], resources: ['persistentvolumeclaims', 'persistentvolumes'], verbs: ['list']},
      {apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['list']},
      {
        apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'],
        comment: 'The pool\'s lock, kubectl-prod-walk-<pool>, in the namespace of --lease-namespace (kube-system by default): to confine it there, grant this rule with a RoleBinding in that namespace instead of the ClusterRoleBinding.',
      },
    ],
  },
  'upgrade-plan': {
    summary: 'read-only: lists of the kinds the removal table names (metadata only), nodes, pods, PDBs, workloads, volumes and CRDs; Helm releases in Secrets and ConfigMaps; the /metrics endpoint',
    // Computed when asked for: the table is read from disk only by `rbac upgrade-plan`.
    get rules() { return upgradePlanRules(loadBuiltinTable()) },
  },
}

/**
 * Kinds of the removal table that are not objects kept in the cluster, so never listed: reviews
 * (create-only), subresources (Scale, the Eviction of a pod, DeploymentRollback), the job
 * template embedded in a CronJob and the aggregated discovery document.
 */
const NOT_LISTED = new Set(['Scale', 'DeploymentRollback', 'JobTemplate', 'APIGroupDiscovery', 'policy/Eviction', 'extensions/Eviction'])
const isListedKind = (group: string, kind: string) => !kind.endsWith('Review') && !NOT_LISTED.has(kind) && !NOT_LISTED.has(`${group}/${kind}`)

/** What upgrade-plan reads besides the table's kinds: the cluster's state for the skew, drain and capacity checks, and CRDs. */
const UPGRADE_STATE: Record<string, string[]> = {
  '': ['nodes', 'pods', 'persistentvolumeclaims', 'persistentvolumes'],
  apps: ['deployments', 'statefulsets', 'replicasets', 'daemonsets'],
  batch: ['jobs'],
  policy: ['poddisruptionbudgets'],
  'storage.k8s.io': ['storageclasses'],
  'apiextensions.k8s.io': ['customresourcedefinitions'],
}

/**
 * The upgrade-plan role: list (and nothing else) on every resource of a kind the table names, in
 * every group it names, removed groups included (a cluster old enough still serves them, and then
 * its objects are listed there); a kind named only as a replacement takes the resource a row of
 * the same kind has (in another group: extensions/v1beta1 NetworkPolicy for networking.k8s.io/v1). Rows a user adds with --table are not in it:
 * listing their kinds needs a rule of one's own, and without it the plan says so in gaps.
 * Secrets, ConfigMaps and /metrics are rules of their own, each with why it is there.
 */
export function upgradePlanRules(table: RemovalTable): PolicyRule[] {
  const byGroup = new Map<string, Set<string>>()
  const add = (group: string, resource: string) => {
    const set = byGroup.get(group) ?? new Set<string>()
    set.add(resource)
    byGroup.set(group, set)
  }
  for (const [group, resources] of Object.entries(UPGRADE_STATE)) for (const r of resources) add(group, r)
  const resourceOf = new Map(table.rows.map(r => [r.kind, r.resource]))
  for (const r of table.rows) {
    if (isListedKind(r.group, r.kind)) add(r.group, r.resource)
    const p = r.replacement
    const resource = p && resourceOf.get(p.kind)
    if (p && resource && isListedKind(p.group, p.kind)) add(p.group, resource)
  }
  const groups = [...byGroup.keys()].sort()
  return [
    ...groups.map(group => ({apiGroups: [group], resources: [...byGroup.get(group)!].sort(), verbs: ['list']})),
    {
      apiGroups: [''], resources: ['secrets'], verbs: ['list'],
      comment: 'Helm v3 releases kept in Secrets (the default driver): only Secrets labelled owner=helm,status=deployed are asked for, and only the manifest of the newest deployed revision of each release is read; values are never kept or shown. Without it the plan says so in its gaps.',
    },
    {
      apiGroups: [''], resources: ['configmaps'], verbs: ['list'],
      comment: 'Helm v3 releases kept in ConfigMaps (HELM_DRIVER=configmap): only ConfigMaps labelled owner=helm,status=deployed are asked for, and only the manifest is read. Without it the plan says so in its gaps.',
    },
    {
      nonResourceURLs: ['/metrics'], verbs: ['get'],
      comment: 'The API server metric apiserver_requested_deprecated_apis: which deprecated APIs clients still call. Without it the plan says so in its gaps.',
    },
  ]
}

export function clusterRoleFor(command: string): object {
  const p = PERMISSIONS[command]
  if (!p) throw new Error(`no permissions recorded for ${command}`)
  const rules = p.rules
  // RBAC rules have no room for a comment: each is an annotation named after the rule's index.
  const comments = Object.fromEntries(rules.flatMap((r, i) => r.comment ? [[`kubectl-prod.io/rule-${i}`, r.comment]] : []))
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: {
      name: `kubectl-prod-${command}`,
      labels: {'app.kubernetes.io/name': 'kubectl-prod'},
      annotations: {'kubectl-prod.io/summary': p.summary, ...comments},
    },
    rules: rules.map(({comment: _comment, ...rule}) => rule),
  }
}
