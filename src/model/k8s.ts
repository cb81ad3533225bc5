// Plain JSON shapes of the Kubernetes objects kubectl-prod reads, exactly as the API
// server (and `kubectl get -o json`) writes them: times are RFC 3339 strings, never Date.
// Only the fields the tool uses are typed; everything else passes through untouched.

export interface ObjectMeta {
  name?: string
  namespace?: string
  uid?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
  creationTimestamp?: string
  deletionTimestamp?: string
  ownerReferences?: OwnerReference[]
  resourceVersion?: string
}

export interface OwnerReference {
  apiVersion: string
  kind: string
  name: string
  uid: string
  controller?: boolean
}

export interface KubeObject {
  apiVersion?: string
  kind?: string
  metadata: ObjectMeta
}

export type ResourceList = Record<string, string>

export interface Condition {
  type: string
  status: 'True' | 'False' | 'Unknown' | string
  reason?: string
  message?: string
  lastTransitionTime?: string
  lastHeartbeatTime?: string
  lastProbeTime?: string | null
}

export interface Taint {
  key: string
  value?: string
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' | string
  timeAdded?: string
}

export interface Toleration {
  key?: string
  operator?: 'Exists' | 'Equal' | string
  value?: string
  effect?: string
  tolerationSeconds?: number
}

export interface LabelSelectorRequirement {
  key: string
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string
  values?: string[]
}

export interface LabelSelector {
  matchLabels?: Record<string, string>
  matchExpressions?: LabelSelectorRequirement[]
}

export interface NodeSelectorRequirement {
  key: string
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt' | string
  values?: string[]
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[]
  matchFields?: NodeSelectorRequirement[]
}

export interface PodAffinityTerm {
  labelSelector?: LabelSelector
  namespaces?: string[]
  namespaceSelector?: LabelSelector
  topologyKey: string
  matchLabelKeys?: string[]
  mismatchLabelKeys?: string[]
}

export interface Affinity {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: {nodeSelectorTerms: NodeSelectorTerm[]}
    preferredDuringSchedulingIgnoredDuringExecution?: unknown[]
  }
  podAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[]
    preferredDuringSchedulingIgnoredDuringExecution?: unknown[]
  }
  podAntiAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[]
    preferredDuringSchedulingIgnoredDuringExecution?: unknown[]
  }
}

export interface TopologySpreadConstraint {
  maxSkew: number
  topologyKey: string
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway' | string
  labelSelector?: LabelSelector
  minDomains?: number
  nodeAffinityPolicy?: 'Honor' | 'Ignore' | string
  nodeTaintsPolicy?: 'Honor' | 'Ignore' | string
  matchLabelKeys?: string[]
}

export interface ContainerPort {
  containerPort: number
  hostPort?: number
  hostIP?: string
  protocol?: string
  name?: string
}

export interface Probe {
  httpGet?: {path?: string; port: number | string}
  tcpSocket?: {port: number | string}
  exec?: {command?: string[]}
  grpc?: {port: number}
  initialDelaySeconds?: number
  periodSeconds?: number
  failureThreshold?: number
}

export interface Container {
  name: string
  image?: string
  resources?: {requests?: ResourceList; limits?: ResourceList}
  ports?: ContainerPort[]
  readinessProbe?: Probe
  livenessProbe?: Probe
  startupProbe?: Probe
  restartPolicy?: string
  env?: {name: string; valueFrom?: {configMapKeyRef?: {name: string; key: string; optional?: boolean}; secretKeyRef?: {name: string; key: string; optional?: boolean}}}[]
  envFrom?: {configMapRef?: {name: string; optional?: boolean}; secretRef?: {name: string; optional?: boolean}}[]
}

export interface Volume {
  name: string
  persistentVolumeClaim?: {claimName: string; readOnly?: boolean}
  configMap?: {name: string; optional?: boolean}
  secret?: {secretName: string; optional?: boolean}
  ephemeral?: unknown
  [other: string]: unknown
}

export interface PodSpec {
  nodeName?: string
  nodeSelector?: Record<string, string>
  affinity?: Affinity
  tolerations?: Toleration[]
  topologySpreadConstraints?: TopologySpreadConstraint[]
  schedulerName?: string
  schedulingGates?: {name: string}[]
  priority?: number
  priorityClassName?: string
  preemptionPolicy?: string
  containers: Container[]
  initContainers?: Container[]
  overhead?: ResourceList
  volumes?: Volume[]
  readinessGates?: {conditionType: string}[]
  hostNetwork?: boolean
  resources?: {requests?: ResourceList; limits?: ResourceList}
}

export interface ContainerState {
  waiting?: {reason?: string; message?: string}
  running?: {startedAt?: string}
  terminated?: {exitCode: number; reason?: string; message?: string; signal?: number; startedAt?: string; finishedAt?: string}
}

export interface ContainerStatus {
  name: string
  ready: boolean
  started?: boolean
  restartCount: number
  image?: string
  state?: ContainerState
  lastState?: ContainerState
}

export interface PodStatus {
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown' | string
  conditions?: Condition[]
  message?: string
  reason?: string
  nominatedNodeName?: string
  hostIP?: string
  podIP?: string
  startTime?: string
  containerStatuses?: ContainerStatus[]
  initContainerStatuses?: ContainerStatus[]
}

export interface Pod extends KubeObject {
  spec: PodSpec
  status?: PodStatus
}

export interface Node extends KubeObject {
  spec?: {unschedulable?: boolean; taints?: Taint[]; providerID?: string; podCIDR?: string}
  status?: {
    capacity?: ResourceList
    allocatable?: ResourceList
    conditions?: Condition[]
    nodeInfo?: {kubeletVersion?: string; containerRuntimeVersion?: string; osImage?: string; architecture?: string; operatingSystem?: string}
    addresses?: {type: string; address: string}[]
  }
}

/** core/v1 Event; events.k8s.io/v1 events are normalised into this shape on collection. */
export interface Event extends KubeObject {
  involvedObject: {kind?: string; namespace?: string; name?: string; uid?: string; apiVersion?: string; fieldPath?: string}
  reason?: string
  message?: string
  type?: 'Normal' | 'Warning' | string
  count?: number
  firstTimestamp?: string | null
  lastTimestamp?: string | null
  eventTime?: string | null
  series?: {count?: number; lastObservedTime?: string}
  source?: {component?: string; host?: string}
  reportingComponent?: string
  reportingInstance?: string
  action?: string
}

export interface PersistentVolumeClaim extends KubeObject {
  spec: {storageClassName?: string | null; volumeName?: string; accessModes?: string[]; resources?: {requests?: ResourceList}; volumeMode?: string}
  status?: {phase?: 'Pending' | 'Bound' | 'Lost' | string; conditions?: Condition[]}
}

export interface PersistentVolume extends KubeObject {
  spec: {
    storageClassName?: string
    claimRef?: {namespace?: string; name?: string; uid?: string}
    nodeAffinity?: {required?: {nodeSelectorTerms: NodeSelectorTerm[]}}
    capacity?: ResourceList
    accessModes?: string[]
  }
  status?: {phase?: string}
}

export interface StorageClass extends KubeObject {
  provisioner: string
  volumeBindingMode?: 'Immediate' | 'WaitForFirstConsumer' | string
  allowedTopologies?: unknown[]
}

/** Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs: the fields used to name owners and find FailedCreate. */
/** A pod template, as Deployments, StatefulSets, DaemonSets and Jobs carry it. */
export interface PodTemplateSpec {
  metadata?: ObjectMeta
  spec?: PodSpec
}

export interface Workload extends KubeObject {
  spec?: {replicas?: number; selector?: LabelSelector; template?: PodTemplateSpec; [k: string]: unknown}
  status?: {replicas?: number; readyReplicas?: number; availableReplicas?: number; conditions?: Condition[]; [k: string]: unknown}
}

export interface ResourceQuota extends KubeObject {
  spec?: {hard?: ResourceList}
  status?: {hard?: ResourceList; used?: ResourceList}
}

export interface Lease extends KubeObject {
  spec?: {holderIdentity?: string; renewTime?: string; leaseDurationSeconds?: number}
}
