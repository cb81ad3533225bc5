// The one set of fixture builders for unit tests: objects shaped exactly as the API server
// writes them, with only the fields a test cares about set. Times are relative to NOW.
import type {Affinity, Condition, Container, ContainerPort, Event, Node, ObjectMeta, Pod, PodSpec, PodStatus, ResourceList, Taint, Toleration, TopologySpreadConstraint} from '../../src/model/k8s.ts'
import {EventIndex} from '../../src/model/events.ts'
import {emptySnapshot, type ClusterSnapshot} from '../../src/model/snapshot.ts'

export const NOW = new Date('2025-06-01T12:00:00Z')

/** RFC 3339 time this many minutes before NOW. */
export function ago(minutes: number): string {
  return new Date(NOW.getTime() - minutes * 60_000).toISOString().replace('.000Z', 'Z')
}

/** A Pending pod in namespace web; override any part. */
export function pod(p: {name?: string; namespace?: string; uid?: string; meta?: Partial<ObjectMeta>; spec?: Partial<PodSpec>; status?: PodStatus} = {}): Pod {
  return {
    kind: 'Pod',
    metadata: {name: p.name ?? 'web-7d9f-abcde', namespace: p.namespace ?? 'web', uid: p.uid ?? 'uid-pod', creationTimestamp: ago(30), ...p.meta},
    spec: {containers: [{name: 'app', image: 'nginx:1.25'}], ...p.spec},
    status: p.status ?? {phase: 'Pending'},
  }
}

/** A pod described by what the scheduler reads of it (requests, ports, placement rules). */
export interface PodOptions {
  namespace?: string
  labels?: Record<string, string>
  nodeName?: string
  phase?: string
  deleting?: boolean
  uid?: string
  /** Requests of a single container; ignored when containers is given. */
  requests?: ResourceList
  containers?: Container[]
  initContainers?: Container[]
  overhead?: ResourceList
  ports?: ContainerPort[]
  hostNetwork?: boolean
  tolerations?: Toleration[]
  nodeSelector?: Record<string, string>
  affinity?: Affinity
  spread?: TopologySpreadConstraint[]
}

export function makePod(name: string, o: PodOptions = {}): Pod {
  const containers = o.containers ?? [{name: 'app', resources: o.requests ? {requests: o.requests} : {}, ...(o.ports ? {ports: o.ports} : {})}]
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: o.namespace ?? 'default',
      ...(o.uid ? {uid: o.uid} : {}),
      labels: o.labels ?? {},
      ...(o.deleting ? {deletionTimestamp: '2026-01-01T00:00:00Z'} : {}),
    },
    spec: {
      containers,
      ...(o.initContainers ? {initContainers: o.initContainers} : {}),
      ...(o.nodeName ? {nodeName: o.nodeName} : {}),
      ...(o.overhead ? {overhead: o.overhead} : {}),
      ...(o.hostNetwork ? {hostNetwork: true} : {}),
      ...(o.tolerations ? {tolerations: o.tolerations} : {}),
      ...(o.nodeSelector ? {nodeSelector: o.nodeSelector} : {}),
      ...(o.affinity ? {affinity: o.affinity} : {}),
      ...(o.spread ? {topologySpreadConstraints: o.spread} : {}),
    },
    status: {phase: o.phase ?? (o.nodeName ? 'Running' : 'Pending')},
  }
}

export interface NodeOptions {
  labels?: Record<string, string>
  taints?: Taint[]
  unschedulable?: boolean
  cpu?: string
  memory?: string
  pods?: string
  /** Extra allocatable resources, e.g. {'nvidia.com/gpu': '2'}. */
  allocatable?: ResourceList
  /** The Ready condition's status (default True); ignored when conditions is given. */
  ready?: string
  conditions?: Condition[]
  uid?: string
}

/** A node with 4 cpu, 8Gi and 110 pods allocatable, Ready unless told. */
export function node(name: string, o: NodeOptions = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {name, uid: o.uid ?? `uid-${name}`, labels: {'kubernetes.io/hostname': name, ...o.labels}, creationTimestamp: ago(600)},
    spec: {...(o.unschedulable ? {unschedulable: true} : {}), ...(o.taints ? {taints: o.taints} : {})},
    status: {
      allocatable: {cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', ...o.allocatable},
      conditions: o.conditions ?? [{type: 'Ready', status: o.ready ?? 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status'}],
    },
  }
}

let serial = 0

export interface About {kind: string; name: string; namespace?: string; uid?: string; fieldPath?: string}

export function event(about: About, reason: string, message: string, o: {minutesAgo?: number; count?: number; reporter?: string; type?: string} = {}): Event {
  const at = ago(o.minutesAgo ?? 1)
  return {
    metadata: {name: `${about.name}.${reason}.${++serial}`, namespace: about.namespace ?? 'web', creationTimestamp: at},
    involvedObject: {kind: about.kind, name: about.name, namespace: about.namespace ?? 'web', uid: about.uid, fieldPath: about.fieldPath},
    reason, message, type: o.type ?? 'Warning', count: o.count ?? 1,
    firstTimestamp: at, lastTimestamp: at,
    source: {component: o.reporter ?? 'kubelet'},
  }
}

/** An event about a pod built by pod(). */
export function podEvent(p: Pod, reason: string, message: string, o: Parameters<typeof event>[3] & {fieldPath?: string} = {}): Event {
  return event({kind: 'Pod', name: p.metadata.name!, namespace: p.metadata.namespace, uid: p.metadata.uid, fieldPath: o.fieldPath}, reason, message, o)
}

export function index(...events: Event[]): EventIndex {
  return new EventIndex(events)
}

export function snapshot(parts: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return {...emptySnapshot({type: 'dump', path: 'fixture'}, NOW.toISOString()), ...parts}
}
