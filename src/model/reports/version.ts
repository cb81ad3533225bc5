// The version report: a contract (kind Version, apiVersion kubectl-prod/v1).

export interface KubeletVersionGroup {
  version: string
  count: number
  nodes: string[]
}

export interface VersionReport {
  apiVersion: 'kubectl-prod/v1'
  kind: 'Version'
  plugin: {version: string}
  server?: {gitVersion: string; version: string; platform?: string}
  kubelets?: KubeletVersionGroup[]
}
