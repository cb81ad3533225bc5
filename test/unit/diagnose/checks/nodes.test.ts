import {describe, expect, it} from 'vitest'
import {explainNode, splitKubeletMessage} from '../../../../src/diagnose/checks/nodes.ts'
import type {Condition, Node, Taint} from '../../../../src/model/k8s.ts'
import {NOW, ago, event, index} from '../../../fakes/builders.ts'

const healthy: Condition[] = [
  {type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available'},
  {type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure'},
  {type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available'},
  {type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status'},
]
function nodeWith(o: {conditions?: Condition[]; replace?: Condition[]; taints?: Taint[]; unschedulable?: boolean} = {}): Node {
  const replaced = healthy.map(c => o.replace?.find(r => r.type === c.type) ?? c)
  return {kind: 'Node', metadata: {name: 'ip-10-0-1-23', uid: 'uid-node', creationTimestamp: ago(600)}, spec: {taints: o.taints, unschedulable: o.unschedulable}, status: {conditions: [...replaced, ...(o.conditions ?? [])]}}
}
const notReady = (message: string): Condition => ({type: 'Ready', status: 'False', reason: 'KubeletNotReady', message, lastTransitionTime: ago(20)})

describe('healthy nodes and conditions of unknown polarity', () => {
  it('flags nothing, including EKS conditions that are healthy when True', () => {
    const n = nodeWith({conditions: [
      {type: 'ContainerRuntimeReady', status: 'True', reason: 'ContainerRuntimeIsReady', message: 'Monitoring for the ContainerRuntime system is active'},
      {type: 'StorageReady', status: 'True', reason: 'DiskIsReady', message: 'Monitoring for the Disk system is active'},
      {type: 'KernelDeadlock', status: 'False', reason: 'KernelHasNoDeadlock', message: 'kernel has no deadlock'},
    ]})
    expect(explainNode(n, index(), NOW)).toEqual({ready: 'True', causes: []})
  })

  it('never judges an unknown condition, whatever its status', () => {
    const n = nodeWith({conditions: [{type: 'NetworkingReady', status: 'False', reason: 'Unknown'}]})
    expect(explainNode(n, index(), NOW).causes).toEqual([])
  })

  it('flags node-problem-detector conditions that are True', () => {
    const n = nodeWith({conditions: [{type: 'KernelDeadlock', status: 'True', reason: 'DockerHung', message: 'task docker:7 blocked for more than 120 seconds.'}]})
    const [cause] = explainNode(n, index(), NOW).causes
    expect(cause).toMatchObject({category: 'other', fix: 'drain node ip-10-0-1-23 and reboot or replace it'})
  })
})

describe('Unknown: the kubelet stopped posting status', () => {
  it('reports one cause for four Unknown conditions, with since and the last heartbeat', () => {
    const unknown = (type: string): Condition => ({type, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: ago(42), lastHeartbeatTime: ago(43)})
    const n = nodeWith({replace: ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'].map(unknown), taints: [
      {key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: ago(42)},
      {key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: ago(42)},
    ]})
    const {ready, causes} = explainNode(n, index(), NOW)
    expect(ready).toBe('Unknown')
    expect(causes).toHaveLength(1)
    expect(causes[0]?.category).toBe('node-not-ready')
    expect(causes[0]?.summary).toBe(`the kubelet on node ip-10-0-1-23 stopped posting node status since ${ago(42)}; last heartbeat ${ago(43)}`)
    expect(causes[0]?.evidence.filter(e => e.kind === 'Condition')).toHaveLength(4)
    expect(causes[0]?.evidence.filter(e => e.kind === 'Taint')).toHaveLength(2)
  })

  it('says when the kubelet never posted status', () => {
    const n = nodeWith({replace: [{type: 'Ready', status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.'}]})
    expect(explainNode(n, index(), NOW).causes[0]?.summary).toBe(`the kubelet on node ip-10-0-1-23 never posted node status since the node registered at ${ago(600)}`)
  })
})

describe('KubeletNotReady', () => {
  it('splits the old comma form and rounds the PLEG duration', () => {
    const n = nodeWith({replace: [notReady('container runtime is down,PLEG is not healthy: pleg was last seen active 1h56m24.276794343s ago; threshold is 3m0s')]})
    const {ready, causes} = explainNode(n, index(), NOW)
    expect(ready).toBe('False')
    expect(causes.map(c => c.category)).toEqual(['node-not-ready', 'node-not-ready'])
    expect(causes[0]?.summary).toBe(`the container runtime on node ip-10-0-1-23 is down or not answering since ${ago(20)}: container runtime is down`)
    expect(causes[1]?.summary).toContain('(PLEG) on node ip-10-0-1-23 last ran 1h56m24s ago (threshold 3m0s)')
  })

  it('splits the bracketed aggregate form', () => {
    expect(splitKubeletMessage('[container runtime status check may not have completed yet, PLEG is not healthy: pleg has yet to be successful]'))
      .toEqual(['container runtime status check may not have completed yet', 'PLEG is not healthy: pleg has yet to be successful'])
  })

  it('keeps commas inside one message', () => {
    expect(splitKubeletMessage('[missing node capacity for resources: nvidia.com/gpu, example.com/fpga, PLEG is not healthy: pleg has yet to be successful]'))
      .toEqual(['missing node capacity for resources: nvidia.com/gpu, example.com/fpga', 'PLEG is not healthy: pleg has yet to be successful'])
  })

  it('recognises an uninitialised CNI', () => {
    const n = nodeWith({replace: [notReady('container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized')]})
    const [cause] = explainNode(n, index(), NOW).causes
    expect(cause?.summary).toMatch(/^the container network \(CNI\) is not initialised on node ip-10-0-1-23/)
  })

  it('attaches the kubelet\'s node events (uid = node name) and drops an older node\'s', () => {
    const n = nodeWith({replace: [notReady('container runtime is down')]})
    const rebooted = event({kind: 'Node', name: 'ip-10-0-1-23', namespace: '', uid: 'ip-10-0-1-23'}, 'Rebooted', 'Node ip-10-0-1-23 has been rebooted, boot id: 7c1f', {reporter: 'kubelet'})
    const older = event({kind: 'Node', name: 'ip-10-0-1-23', namespace: '', uid: 'uid-previous-node'}, 'NodeNotReady', 'Node ip-10-0-1-23 status is now: NodeNotReady', {reporter: 'node-controller'})
    const [cause] = explainNode(n, index(rebooted, older), NOW).causes
    expect(cause?.evidence.map(e => e.reason)).toEqual(['Ready=False KubeletNotReady', 'Rebooted'])
  })
})

describe('pressure, network, cordon and taints', () => {
  it('reports disk pressure once, with its taint as evidence', () => {
    const n = nodeWith({replace: [{type: 'DiskPressure', status: 'True', reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure', lastTransitionTime: ago(5)}], taints: [{key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule'}]})
    const {ready, causes} = explainNode(n, index(), NOW)
    expect(ready).toBe('True')
    expect(causes).toHaveLength(1)
    expect(causes[0]).toMatchObject({category: 'node-pressure', summary: `node ip-10-0-1-23 is under disk pressure since ${ago(5)}: kubelet has disk pressure`})
    expect(causes[0]?.evidence[1]).toEqual({kind: 'Taint', reason: 'node.kubernetes.io/disk-pressure', message: 'node.kubernetes.io/disk-pressure:NoSchedule', source: 'node.spec'})
  })

  it('reports NetworkUnavailable as a sandbox-network cause', () => {
    const n = nodeWith({conditions: [{type: 'NetworkUnavailable', status: 'True', reason: 'NoRouteCreated', message: 'Node created without a route'}]})
    expect(explainNode(n, index(), NOW).causes[0]).toMatchObject({category: 'sandbox-network', summary: 'the network of node ip-10-0-1-23 is not configured: NoRouteCreated Node created without a route'})
  })

  it('reports a cordon and a cluster-autoscaler scale-down', () => {
    const n = nodeWith({unschedulable: true, taints: [
      {key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule'},
      {key: 'ToBeDeletedByClusterAutoscaler', value: '1748778000', effect: 'NoSchedule'},
    ]})
    const causes = explainNode(n, index(), NOW).causes
    expect(causes.map(c => c.category)).toEqual(['node-unschedulable', 'node-unschedulable'])
    expect(causes[0]?.fix).toBe('run kubectl uncordon ip-10-0-1-23 once its maintenance is done')
    expect(causes[1]?.summary).toBe('cluster-autoscaler is removing node ip-10-0-1-23 since 2025-06-01T11:40:00.000Z')
  })

  it('reports a node the cloud-controller-manager has not initialised', () => {
    const n = nodeWith({taints: [{key: 'node.cloudprovider.kubernetes.io/uninitialized', value: 'true', effect: 'NoSchedule'}]})
    expect(explainNode(n, index(), NOW).causes[0]).toMatchObject({category: 'node-not-ready', summary: 'the cloud-controller-manager has not initialised node ip-10-0-1-23 yet'})
  })

  it('accepts the node\'s own events instead of the index', () => {
    const n = nodeWith({replace: [{type: 'MemoryPressure', status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available'}]})
    const oom = event({kind: 'Node', name: 'ip-10-0-1-23', namespace: '', uid: 'ip-10-0-1-23'}, 'SystemOOM', 'System OOM encountered, victim process: java, pid: 4242')
    expect(explainNode(n, [oom], NOW).causes[0]?.evidence.map(e => e.reason)).toEqual(['MemoryPressure=True KubeletHasInsufficientMemory', 'SystemOOM'])
  })
})
