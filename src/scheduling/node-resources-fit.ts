// pkg/scheduler/framework/plugins/noderesources/fit.go (fitsRequest): the pod count against
// allocatable pods, then every requested resource against allocatable minus the requests of
// the pods already on the node. All insufficient resources are reported, as upstream does.
import {formatQuantity, formatQuantityPair} from '../model/quantity.js'
import {selfEntry} from './cluster.js'
import {podRequestMap, toBaseUnits} from './resources.js'
import type {FitFilter} from './types.js'

const FIRST = ['cpu', 'memory', 'ephemeral-storage']

function resourceOrder(a: string, b: string): number {
  const ia = FIRST.indexOf(a)
  const ib = FIRST.indexOf(b)
  if (ia !== ib) return (ia < 0 ? FIRST.length : ia) - (ib < 0 ? FIRST.length : ib)
  return a < b ? -1 : a > b ? 1 : 0
}

export const nodeResourcesFitFilter: FitFilter = (pod, cluster) => {
  const wanted = [...podRequestMap(pod)].filter(([name, value]) => value > 0 && name !== 'pods').sort(([a], [b]) => resourceOrder(a, b))
  const self = selfEntry(cluster, pod)
  // Nodes of one shape say the same: each text is made once per resource, free and allocatable.
  const details = new Map<string, string>()
  return (node, failures) => {
    const own = self?.node === node ? self : undefined
    const podCount = node.pods.length - (own ? 1 : 0)
    const allowed = node.allocatable.get('pods') ?? 0
    if (podCount + 1 > allowed) {
      failures.push({
        plugin: 'NodeResourcesFit',
        category: 'too-many-pods',
        detail: `node has ${podCount} of ${allowed} pods`,
        reason: 'Too many pods',
        unresolvable: false,
        resource: {name: 'pods', requested: 1, free: allowed - podCount, allocatable: allowed},
      })
    }
    for (const [name, request] of wanted) {
      const allocatable = node.allocatable.get(name) ?? 0
      const used = (node.requested.get(name) ?? 0) - (own?.requests.get(name) ?? 0)
      const free = allocatable - used
      if (request <= free) continue
      const requested = toBaseUnits(name, request)
      const freeBase = toBaseUnits(name, free)
      const alloc = toBaseUnits(name, allocatable)
      const shape = `${name}\u0000${free}\u0000${allocatable}`
      let detail = details.get(shape)
      if (detail === undefined) {
        const [r, f] = formatQuantityPair(name, requested, Math.max(freeBase, 0))
        detail = allocatable === 0
          ? `needs ${name} ${r}, node has none`
          : `needs ${name} ${r}, ${f} free of ${formatQuantity(name, alloc)}`
        details.set(shape, detail)
      }
      failures.push({
        plugin: 'NodeResourcesFit',
        category: 'insufficient-resources',
        detail,
        reason: `Insufficient ${name}`,
        // More than the node could ever offer: evicting pods (preemption) cannot help.
        unresolvable: request > allocatable,
        resource: {name, requested, free: freeBase, allocatable: alloc},
      })
    }
  }
}
