import type {Style} from './style.js'
import type {VersionReport} from '../model/reports/version.js'

export function renderVersion(r: VersionReport, s: Style): string {
  const lines = [`Plugin version: ${r.plugin.version}`]
  if (r.server) lines.push(`Server version: ${r.server.gitVersion}`)
  if (r.kubelets) {
    const total = r.kubelets.reduce((n, k) => n + k.count, 0)
    lines.push(`Kubelet versions (${total} node${total === 1 ? '' : 's'}):`)
    if (total === 0) lines.push('  no nodes')
    const width = Math.max(...r.kubelets.map(k => k.version.length), 7)
    for (const k of r.kubelets) {
      const sample = k.nodes.slice(0, 3).join(', ') + (k.nodes.length > 3 ? `, and ${k.nodes.length - 3} more` : '')
      lines.push(`  ${s.bold(k.version.padEnd(width))}  ${String(k.count).padStart(5)} node${k.count === 1 ? ' ' : 's'}  ${s.dim(sample)}`)
    }
  }
  return lines.join('\n') + '\n'
}
