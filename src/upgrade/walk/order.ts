// The order nodes are walked in. `zone` takes one node of each zone in turn (zones by name), so
// the zones stay balanced while the walk runs, as managed node groups spread a rolling update;
// `fewest-pods` starts with the nodes that move the fewest pods; `name` is plain. Nodes the walk
// has already begun on (a resumed walk) always come first: they are cordoned now.
import type {WalkNode, WalkOrder} from './types.js'

export function orderWalkNodes(nodes: WalkNode[], order: WalkOrder, inProgress: ReadonlySet<string> = new Set()): WalkNode[] {
  const byName = [...nodes].sort((a, b) => a.name.localeCompare(b.name))
  let ordered: WalkNode[]
  if (order === 'fewest-pods') {
    ordered = byName.sort((a, b) => a.podGraceSeconds.length - b.podGraceSeconds.length || a.name.localeCompare(b.name))
  } else if (order === 'zone') {
    const zones = new Map<string, WalkNode[]>()
    for (const n of byName) {
      const z = n.zone ?? ''
      zones.set(z, [...(zones.get(z) ?? []), n])
    }
    const queues = [...zones.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, q]) => q)
    ordered = []
    for (let i = 0; ordered.length < byName.length; i++) for (const q of queues) if (q[i]) ordered.push(q[i]!)
  } else {
    ordered = byName
  }
  return [...ordered.filter(n => inProgress.has(n.name)), ...ordered.filter(n => !inProgress.has(n.name))]
}
