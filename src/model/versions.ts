// Kubernetes versions: "v1.36.4", "1.36", "v1.31.2-eks-1234"; compared by number, not as text.
import type {Node} from './k8s.js'
import type {KubeletVersionGroup} from './reports/version.js'

/** Negative when a is older than b; compares major, minor, patch and ignores build suffixes. */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split(/[.+-]/).map(x => Number(x) || 0)
  const pb = b.replace(/^v/, '').split(/[.+-]/).map(x => Number(x) || 0)
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0)
  return 0
}

/** "1.36" from /version's major and minor ("36+" on some managed clusters). */
export function minorVersion(major: string, minor: string): string {
  return `${major}.${minor.replace(/\D+$/, '')}`
}

/** Nodes grouped by kubelet version, newest first; node names sorted. */
export function groupByKubelet(nodes: Node[]): KubeletVersionGroup[] {
  const groups = new Map<string, string[]>()
  for (const n of nodes) {
    const v = n.status?.nodeInfo?.kubeletVersion || 'unknown'
    const list = groups.get(v) ?? []
    list.push(n.metadata.name ?? '')
    groups.set(v, list)
  }
  return [...groups].map(([version, names]) => ({version, count: names.length, nodes: names.sort()}))
    .sort((a, b) => compareVersions(b.version, a.version))
}

/** True for a Kubernetes minor written "1.N" (the form of the removal table and the reports). */
export function isMinorVersion(v: unknown): v is string {
  return typeof v === 'string' && /^1\.\d+$/.test(v)
}
