// pkg/scheduler/framework/plugins/nodename/node_name.go: spec.nodeName pins the pod to one node.
import type {FitFilter} from './types.js'

export const nodeNameFilter: FitFilter = (pod) => {
  const wanted = pod.spec.nodeName
  if (!wanted) return null
  return (node, failures) => {
    if (node.name !== wanted) failures.push({
      plugin: 'NodeName',
      category: 'node-name',
      detail: `pod is pinned to node ${wanted} by spec.nodeName`,
      reason: "node(s) didn't match the requested node name",
      unresolvable: true,
    })
  }
}
