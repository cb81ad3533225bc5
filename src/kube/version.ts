import type {Kube} from './client.js'
import {listAll} from './list.js'
import type {Node} from '../model/k8s.js'
import type {VersionReport} from '../model/reports/version.js'
import {groupByKubelet, minorVersion} from '../model/versions.js'

export interface ServerVersion {gitVersion: string; major: string; minor: string; platform?: string}

/** The server version and the nodes grouped by kubelet version (newest first). */
export async function collectVersions(kube: Kube): Promise<Required<Pick<VersionReport, 'server' | 'kubelets'>>> {
  const [server, nodes] = await Promise.all([
    kube.get<ServerVersion>('/version'),
    listAll<Node>(kube, '/api/v1/nodes'),
  ])
  return {
    server: {gitVersion: server.gitVersion, version: minorVersion(server.major, server.minor), platform: server.platform},
    kubelets: groupByKubelet(nodes),
  }
}
