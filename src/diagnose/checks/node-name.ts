// A pod bound (spec.nodeName) to a node that does not exist: no kubelet will ever run it,
// and nothing writes an event to say so.
import type {Node, Pod} from '../../model/k8s.js'
import type {Cause} from '../../model/reports/finding.js'

/** spec.nodeName naming a node that does not exist: nothing ever runs the pod, and no event says so. */
export function checkNodeName(pod: Pod, nodesByName: ReadonlyMap<string, Node>): Cause[] {
  const node = pod.spec.nodeName
  if (!node || pod.status?.phase === 'Running' || nodesByName.size === 0 || nodesByName.has(node)) return []
  return [{
    category: 'node-name',
    summary: `the pod is bound to node ${node} (spec.nodeName), which does not exist, so no kubelet will ever run it`,
    fix: `recreate the pod without spec.nodeName (use a nodeSelector on kubernetes.io/hostname instead), or let its controller replace it`,
    evidence: [{kind: 'PodSpec', reason: 'nodeName', message: node, source: 'pod.spec'}],
  }]
}
