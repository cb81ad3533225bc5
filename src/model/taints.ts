// The taints that mirror node state, in one table. The node lifecycle controller and the
// kubelet set the first seven (TaintNodesByCondition, k8s.io/api/core/v1/well_known_taints.go);
// cloud providers and cluster-autoscaler set the last two. Everything that classifies a taint
// (the scheduler-message parser, the fit filter, the node explanation) reads this table.
import type {CauseCategory} from './reports/finding.js'

export interface StateTaint {
  /** The node condition or field the taint mirrors: what explains it. */
  state: string
  category: CauseCategory
  /** Who sets it: the control plane's own state taints, or a provider's. */
  setBy: 'node-lifecycle' | 'provider'
}

export const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable'

export const STATE_TAINTS: Readonly<Record<string, StateTaint>> = {
  'node.kubernetes.io/not-ready': {state: 'Ready', category: 'node-not-ready', setBy: 'node-lifecycle'},
  'node.kubernetes.io/unreachable': {state: 'Ready', category: 'node-not-ready', setBy: 'node-lifecycle'},
  'node.kubernetes.io/memory-pressure': {state: 'MemoryPressure', category: 'node-pressure', setBy: 'node-lifecycle'},
  'node.kubernetes.io/disk-pressure': {state: 'DiskPressure', category: 'node-pressure', setBy: 'node-lifecycle'},
  'node.kubernetes.io/pid-pressure': {state: 'PIDPressure', category: 'node-pressure', setBy: 'node-lifecycle'},
  // The node's pod network (CNI or cloud routes) is not configured: pods there get no sandbox network.
  'node.kubernetes.io/network-unavailable': {state: 'NetworkUnavailable', category: 'sandbox-network', setBy: 'node-lifecycle'},
  [UNSCHEDULABLE_TAINT]: {state: 'cordon', category: 'node-unschedulable', setBy: 'node-lifecycle'},
  'node.cloudprovider.kubernetes.io/uninitialized': {state: 'uninitialized', category: 'node-not-ready', setBy: 'provider'},
  'ToBeDeletedByClusterAutoscaler': {state: 'scale-down', category: 'node-unschedulable', setBy: 'provider'},
}

/**
 * The cause category of a taint that keeps a pod off a node: a control-plane state taint is that
 * state's cause; any other taint (providers' included, which a pod may legitimately tolerate) is a
 * placement policy, `taint`.
 */
export function taintCategory(key: string): CauseCategory {
  const known = STATE_TAINTS[key]
  return known && known.setBy === 'node-lifecycle' ? known.category : 'taint'
}
