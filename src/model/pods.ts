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
  const m = pod.metadata
  const s = pod.spec
  const anti = s.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution
  const ready = pod.status?.conditions?.find(c => c.type === 'Ready')
  return {
    kind: pod.kind,
    metadata: {
      name: m.name, namespace: m.namespace, uid: m.uid, labels: m.labels, ownerReferences: m.ownerReferences,
      ...(m.deletionTimestamp ? {deletionTimestamp: m.deletionTimestamp} : {}),
    },
    spec: {
      nodeName: s.nodeName,
      ...(s.hostNetwork ? {hostNetwork: true} : {}),
      containers: s.containers.map(c => compactContainer(c, s.hostNetwork ?? false)),
      ...(s.initContainers ? {initContainers: s.initContainers.map(c => compactContainer(c, s.hostNetwork ?? false))} : {}),
      ...(s.overhead ? {overhead: s.overhead} : {}),
      ...(s.resources ? {resources: s.resources} : {}),
      ...(anti ? {affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: anti}}} : {}),
    },
    status: {phase: pod.status?.phase, ...(ready ? {conditions: [{type: 'Ready', status: ready.status}]} : {})},
  }
}

/** Under hostNetwork every container port is a host port; otherwise only those with hostPort are. */
function compactContainer(c: Container, hostNetwork: boolean): Container {
  const ports = hostNetwork ? c.ports : c.ports?.filter(p => p.hostPort)
  return {
    name: c.name,
    ...(c.resources ? {resources: c.resources} : {}),
    ...(ports?.length ? {ports} : {}),
    ...(c.restartPolicy ? {restartPolicy: c.restartPolicy} : {}),
  }
}
