import type {Event, Node, Pod, PodSpec, PodStatus, ObjectMeta} from '../../../../src/model/k8s.ts'
import {EventIndex} from '../../../../src/model/events.ts'
import {emptySnapshot, type ClusterSnapshot} from '../../../../src/model/snapshot.ts'

export const NOW = new Date('2025-06-01T12:00:00Z')

/** RFC 3339 time this many minutes before NOW. */
export function ago(minutes: number): string {
  return new Date(NOW.getTime() - minutes * 60_000).toISOString().replace('.000Z', 'Z')
}

export function pod(p: {name?: string; namespace?: string; uid?: string; meta?: Partial<ObjectMeta>; spec?: Partial<PodSpec>; status?: PodStatus} = {}): Pod {
  return {
    kind: 'Pod',
    metadata: {name: p.name ?? 'web-7d9f-abcde', namespace: p.namespace ?? 'web', uid: p.uid ?? 'uid-pod', creationTimestamp: ago(30), ...p.meta},
    spec: {containers: [{name: 'app', image: 'nginx:1.25'}], ...p.spec},
    status: p.status ?? {phase: 'Pending'},
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

export function node(name: string, o: {labels?: Record<string, string>; ready?: string; unschedulable?: boolean; uid?: string} = {}): Node {
  return {
    kind: 'Node',
    metadata: {name, uid: o.uid ?? `uid-${name}`, labels: {'kubernetes.io/hostname': name, ...o.labels}, creationTimestamp: ago(600)},
    spec: {unschedulable: o.unschedulable},
    status: {conditions: [{type: 'Ready', status: o.ready ?? 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status'}]},
  }
}
