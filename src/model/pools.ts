// Node pools as the providers label them. A node's pool is the value of the first of these
// labels it carries.

export const POOL_LABELS = [
  'eks.amazonaws.com/nodegroup',
  'cloud.google.com/gke-nodepool',
  'kubernetes.azure.com/agentpool',
  'agentpool',
  'karpenter.sh/nodepool',
  'karpenter.sh/provisioner-name',
] as const

/** Labels operators pair with a taint to reserve nodes for some work ("dedicated=gpu"). */
export const DEDICATION_LABELS = ['dedicated', 'node-role.kubernetes.io/dedicated', 'workload-type'] as const

export function poolOf(labels: Record<string, string> | undefined): {label: string; name: string} | undefined {
  for (const label of POOL_LABELS) {
    const name = labels?.[label]
    if (name) return {label, name}
  }
  return undefined
}
