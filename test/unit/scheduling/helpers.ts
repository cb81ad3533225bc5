// Small fixtures for the fit tests: nodes and pods with only the fields the filters read.
import type {Affinity, Container, ContainerPort, Node, Pod, ResourceList, Taint, Toleration, TopologySpreadConstraint} from '../../../src/model/k8s.ts'
import {evaluateNodes, type FitFailure, type NodeVerdict} from '../../../src/scheduling/index.ts'

export interface NodeOptions {
  labels?: Record<string, string>
  taints?: Taint[]
  unschedulable?: boolean
  cpu?: string
  memory?: string
  pods?: string
  /** Extra allocatable resources, e.g. {'nvidia.com/gpu': '2'}. */
  allocatable?: ResourceList
}

export function makeNode(name: string, o: NodeOptions = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {name, labels: {'kubernetes.io/hostname': name, ...o.labels}},
    spec: {...(o.unschedulable ? {unschedulable: true} : {}), ...(o.taints ? {taints: o.taints} : {})},
    status: {allocatable: {cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', ...o.allocatable}},
  }
}

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

/** Verdicts by node name. */
export function evaluate(pod: Pod, nodes: Node[], boundPods: Pod[] = []): Map<string, NodeVerdict> {
  return new Map(evaluateNodes({pod, nodes, boundPods}).map((v) => [v.node, v]))
}

/** The failures of one plugin on one node. */
export function failuresOf(verdicts: Map<string, NodeVerdict>, node: string, plugin: string): FitFailure[] {
  const v = verdicts.get(node)
  if (!v) throw new Error(`no verdict for node ${node}`)
  return v.failures.filter((f) => f.plugin === plugin)
}
