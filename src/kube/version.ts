import type {Kube} from './client.js'
import {listAll} from './list.js'
import type {Node} from '../model/k8s.js'

export interface ServerVersion {gitVersion: string; major: string; minor: string; platform?: string}

/** The server version and the nodes grouped by kubelet version (newest first). */
export async function collectVersions(kube: Kube): Promise<{server: {gitVersion: string; version: string; platform?: string}; kubelets: {version: string; count: number; nodes: string[]}[]}> {
  const [server, nodes] = await Promise.all([
    kube.get<ServerVersion>('/version'),
    listAll<Node>(kube, '/api/v1/nodes'),
  ])
  const groups = new Map<string, string[]>()
  for (const n of nodes) {
    const v = n.status?.nodeInfo?.kubeletVersion || 'unknown'
    const list = groups.get(v) ?? []
    list.push(n.metadata.name ?? '')
    groups.set(v, list)
  }
  const kubelets = [...groups].map(([version, names]) => ({version, count: names.length, nodes: names.sort()}))
    .sort((a, b) => compareVersions(b.version, a.version))
  return {
    server: {gitVersion: server.gitVersion, version: `${server.major}.${server.minor.replace(/\D+$/, '')}`, platform: server.platform},
    kubelets,
  }
}

function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split(/[.+-]/).map(x => Number(x) || 0)
  const pb = b.replace(/^v/, '').split(/[.+-]/).map(x => Number(x) || 0)
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0)
  return 0
}
