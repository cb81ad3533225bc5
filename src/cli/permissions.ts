// What each command reads or changes in the cluster, as RBAC rules. `kubectl prod rbac
// <command>` prints them as a ClusterRole, and the e2e tests run each command as a user
// bound to exactly that role, so a rule missing here fails a test.

export interface PolicyRule {
  apiGroups: string[]
  resources: string[]
  verbs: string[]
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
}

export function clusterRoleFor(command: string): object {
  const p = PERMISSIONS[command]
  if (!p) throw new Error(`no permissions recorded for ${command}`)
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: {
      name: `kubectl-prod-${command}`,
      labels: {'app.kubernetes.io/name': 'kubectl-prod'},
      annotations: {'kubectl-prod.io/summary': p.summary},
    },
    rules: p.rules,
  }
}
