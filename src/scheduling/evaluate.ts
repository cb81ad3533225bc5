// Per-node recomputation of the scheduler's filters. kube-scheduler reports, per node, only
// the first filter that fails; this runs every filter on every node, so that a node excluded
// by a taint is also known to lack memory, and taint keys the 1.35 message no longer prints
// come back from the Node objects. Volume filters live elsewhere.
import type {Pod} from '../model/k8s.js'
import {prepareCluster, type ClusterIndex} from './cluster.js'
import {interPodAffinityFilter} from './inter-pod-affinity.js'
import {nodeAffinityFilter} from './node-affinity.js'
import {nodeNameFilter} from './node-name.js'
import {nodePortsFilter} from './node-ports.js'
import {nodeResourcesFitFilter} from './node-resources-fit.js'
import {nodeUnschedulableFilter} from './node-unschedulable.js'
import {podTopologySpreadFilter} from './pod-topology-spread.js'
import {taintTolerationFilter} from './taint-toleration.js'
import type {FitFailure, FitFilter, FitInput, NodeCheck, NodeVerdict, PreparedFitInput} from './types.js'

/** The default filters in the scheduler's order (pkg/scheduler/apis/config/v1/default_plugins.go), volume filters left out. */
const FILTERS: FitFilter[] = [
  nodeUnschedulableFilter,
  nodeNameFilter,
  taintTolerationFilter,
  nodeAffinityFilter,
  nodePortsFilter,
  nodeResourcesFitFilter,
  podTopologySpreadFilter,
  interPodAffinityFilter,
]

function isPrepared(input: FitInput | PreparedFitInput): input is PreparedFitInput {
  return 'cluster' in input
}

/**
 * Every filter on every node, without stopping at the first failure. Pass a cluster from
 * prepareCluster to evaluate many pods against one index; nodes come back in input order.
 */
export function evaluateNodes(input: FitInput | PreparedFitInput): NodeVerdict[] {
  const cluster: ClusterIndex = isPrepared(input) ? input.cluster : prepareCluster(input.nodes, input.boundPods)
  return evaluatePrepared(input.pod, cluster)
}

function evaluatePrepared(pod: Pod, cluster: ClusterIndex): NodeVerdict[] {
  const checks = FILTERS.map((filter) => filter(pod, cluster)).filter((check): check is NodeCheck => check !== null)
  return cluster.nodes.map((node) => {
    const failures: FitFailure[] = []
    for (const check of checks) check(node, failures)
    return {node: node.name, fits: failures.length === 0, failures}
  })
}
