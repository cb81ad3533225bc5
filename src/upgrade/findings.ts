// Small pieces every cluster-state finding of the upgrade plan is made of.
import type {Pod} from '../model/k8s.js'
import type {ObjectRef} from '../model/reports/finding.js'
import type {FindingSource, Signal} from '../model/reports/upgrade-plan.js'

/** A finding read from the cluster's state: node status (kubelet versions) or the objects themselves. */
export function clusterSource(signal: Extract<Signal, 'node-status' | 'object'>): FindingSource {
  return {type: 'cluster', signal}
}

export function podRef(pod: Pod): ObjectRef {
  return {apiVersion: 'v1', kind: 'Pod', namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name ?? ''}
}

/** "namespace/name". */
export function podName(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''}`
}
