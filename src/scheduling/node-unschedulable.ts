// pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable.go: a cordoned node
// (spec.unschedulable) is excluded unless the pod tolerates node.kubernetes.io/unschedulable:NoSchedule.
import type {FitFilter} from './types.js'
import {tolerationsTolerateTaint} from './taint-toleration.js'
import {UNSCHEDULABLE_TAINT} from '../model/taints.js'

export const nodeUnschedulableFilter: FitFilter = (pod) => {
  const tolerates = tolerationsTolerateTaint(pod.spec.tolerations, {key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule'})
  if (tolerates) return null
  return (node, failures) => {
    if (!node.node.spec?.unschedulable) return
    failures.push({
      plugin: 'NodeUnschedulable',
      category: 'node-unschedulable',
      detail: 'node is cordoned (spec.unschedulable)',
      reason: 'node(s) were unschedulable',
      unresolvable: true,
    })
  }
}
