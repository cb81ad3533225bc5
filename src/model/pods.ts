import type {Container, Pod} from './k8s.js'

/** Pending, NotReady, or nothing to explain (running and ready, finished, or being deleted). */
export function podProblem(pod: Pod): 'Pending' | 'NotReady' | undefined {
  if (pod.metadata.deletionTimestamp) return undefined
  const phase = pod.status?.phase
  if (phase === 'Pending' || phase === undefined) return 'Pending'
  if (phase === 'Running') {
    const ready = pod.status?.conditions?.find(c => c.type === 'Ready')
    return ready?.status === 'True' ? undefined : 'NotReady'
  }
  return undefined
}

/**
 * A pod with nothing to explain, reduced to what the analysis reads of it: what it requests
 * and holds on its node (requests, host ports), what other pods' affinity and spread match
 * (labels, namespace), its own required pod anti-affinity, its owner and its state. On a
 * large cluster almost every pod is such a pod, and the rest of each object (status,
 * volumes, env, annotations) is most of the memory.
 */
export function compactPod(pod: Pod): Pod {
  if (podProblem(pod) !== undefined) return pod
  // Written out field by field, without spread temporaries: this runs for every pod of a large list.
  const m = pod.metadata
  const s = pod.spec
  const hostNetwork = s.hostNetwork ?? false
  const metadata: Pod['metadata'] = {name: m.name, namespace: m.namespace, uid: m.uid, labels: m.labels, ownerReferences: m.ownerReferences}
  if (m.deletionTimestamp) metadata.deletionTimestamp = m.deletionTimestamp
  const spec = {nodeName: s.nodeName} as Pod['spec']
  if (s.hostNetwork) spec.hostNetwork = true
  spec.containers = s.containers.map(c => compactContainer(c, hostNetwork))
  if (s.initContainers) spec.initContainers = s.initContainers.map(c => compactContainer(c, hostNetwork))
  if (s.overhead) spec.overhead = s.overhead
  if (s.resources) spec.resources = s.resources
  const anti = s.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution
  if (anti) spec.affinity = {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: anti}}
  const status: NonNullable<Pod['status']> = {phase: pod.status?.phase}
  const ready = pod.status?.conditions?.find(c => c.type === 'Ready')
  if (ready) status.conditions = [{type: 'Ready', status: ready.status}]
  return {kind: pod.kind, metadata, spec, status}
}

/** Under hostNetwork every container port is a host port; otherwise only those with hostPort are. */
function compactContainer(c: Container, hostNetwork: boolean): Container {
  const out: Container = {name: c.name}
  if (c.resources) out.resources = c.resources
  let ports = c.ports
  if (ports && !hostNetwork) {
    let held = 0
    for (const p of ports) if (p.hostPort) held++
    ports = held === ports.length ? ports : held === 0 ? undefined : ports.filter(p => p.hostPort)
  }
  if (ports?.length) out.ports = ports
  if (c.restartPolicy) out.restartPolicy = c.restartPolicy
  return out
}
