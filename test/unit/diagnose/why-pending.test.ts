import {describe, expect, it} from 'vitest'
import {diagnose, isStuck} from '../../../src/diagnose/why-pending.ts'
import {renderWhyPending} from '../../../src/render/why-pending.ts'
import {makeStyle} from '../../../src/render/style.ts'
import {emptySnapshot} from '../../../src/model/snapshot.ts'
import type {Condition, Event, Node, Pod, Workload} from '../../../src/model/k8s.ts'

const now = new Date('2026-11-21T12:00:00Z')
const ago = (s: number) => new Date(now.getTime() - s * 1000).toISOString()

const node = (name: string, extra: Partial<Node['spec']> = {}, conditions: Condition[] = [{type: 'Ready', status: 'True', reason: 'KubeletReady'}]): Node => ({
  kind: 'Node', metadata: {name, uid: `uid-${name}`, labels: {'kubernetes.io/hostname': name}},
  spec: {...extra}, status: {allocatable: {cpu: '2', memory: '4Gi', pods: '110'}, capacity: {cpu: '2', memory: '4Gi', pods: '110'}, conditions},
})
const rs: Workload = {kind: 'ReplicaSet', metadata: {name: 'web-abc', namespace: 'shop', uid: 'rs-uid', ownerReferences: [{apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-uid', controller: true}]}, spec: {replicas: 2}, status: {replicas: 2}}
const deploy: Workload = {kind: 'Deployment', metadata: {name: 'web', namespace: 'shop', uid: 'd-uid'}, spec: {replicas: 2}, status: {replicas: 2}}
const webPod = (name: string): Pod => ({
  kind: 'Pod',
  metadata: {name, namespace: 'shop', uid: `uid-${name}`, creationTimestamp: ago(600), labels: {app: 'web', 'pod-template-hash': 'abc'}, ownerReferences: [{apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-uid', controller: true}]},
  spec: {containers: [{name: 'web', image: 'web:1', resources: {requests: {cpu: '3'}}}]},
  status: {phase: 'Pending', conditions: [{type: 'PodScheduled', status: 'False', reason: 'Unschedulable', lastTransitionTime: ago(590),
    message: '0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.'}]},
})

function snapshot() {
  const snap = emptySnapshot({type: 'dump', path: 'fixture'}, now.toISOString())
  snap.nodes = [node('n1', {taints: [{key: 'dedicated', value: 'gpu', effect: 'NoSchedule'}]}), node('n2'), node('n3'),
    node('n4', {}, [{type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized'}])]
  snap.workloads = [rs, deploy]
  snap.pods = [webPod('web-abc-1'), webPod('web-abc-2'),
    {kind: 'Pod', metadata: {name: 'gated', namespace: 'shop', uid: 'uid-gated', creationTimestamp: ago(60)}, spec: {schedulingGates: [{name: 'example.com/hold'}], containers: [{name: 'c'}]},
      status: {phase: 'Pending', conditions: [{type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates'}]}},
    {kind: 'Pod', metadata: {name: 'api', namespace: 'shop', uid: 'uid-api', creationTimestamp: ago(900)}, spec: {nodeName: 'n2', containers: [{name: 'api', readinessProbe: {httpGet: {port: 8080}}}]},
      status: {phase: 'Running', conditions: [{type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [api]', lastTransitionTime: ago(300)}],
        containerStatuses: [{name: 'api', ready: false, restartCount: 0, state: {running: {startedAt: ago(800)}}}]}},
  ]
  snap.boundPods = snap.pods.filter(p => p.spec.nodeName)
  const ev: Event = {kind: 'Event', metadata: {name: 'api.1', namespace: 'shop', uid: 'e1'}, involvedObject: {kind: 'Pod', name: 'api', namespace: 'shop', uid: 'uid-api'}, reason: 'Unhealthy', type: 'Warning',
    message: 'Readiness probe failed: HTTP probe failed with statuscode: 503', count: 40, lastTimestamp: ago(5), source: {component: 'kubelet'}}
  snap.events = [ev]
  return snap
}

describe('diagnose', () => {
  const report = diagnose(snapshot(), {target: {kind: 'all'}, now})
  const item = (name: string) => report.items.find(i => i.object.name === name)!

  it('names only what blocks the pod: no node has 3 cpu, so the taint on one of them is no cause', () => {
    const web = item('web-abc-1')
    expect(web.status).toBe('Pending')
    expect(web.owner).toEqual({kind: 'Deployment', name: 'web'})
    expect(web.causes.map(c => c.category)).toEqual(['insufficient-resources'])
    const cpu = web.causes[0]!
    expect(cpu.summary).toBe('needs cpu 3, more than any node it can use has: the largest, n2, has 2 allocatable, 2 free; every node fails only on resources, so scale-up would help')
    expect(cpu.fix).toBe('lower the cpu request to at most 2, or add nodes with at least 3 cpu allocatable')
    // The scheduler's message is split: this cause carries only its own part.
    expect(cpu.evidence[0]).toMatchObject({source: 'pod.status', message: '2 Insufficient cpu'})
    expect(web.notes).toEqual([])
    expect(web.since).toBe(ago(590))
  })
  it('reports gates, readiness and NotReady nodes', () => {
    expect(item('gated').causes.map(c => c.category)).toEqual(['scheduling-gate'])
    const api = item('api')
    expect(api.status).toBe('NotReady')
    expect(api.causes.some(c => c.category === 'readiness-probe' && JSON.stringify(c).includes('503'))).toBe(true)
    const n4 = report.nodes.find(n => n.name === 'n4')!
    expect(n4.ready).toBe('False')
    expect(n4.causes[0]!.category).toBe('node-not-ready')
    expect(report.nodes.map(n => n.name)).not.toContain('n2')
  })
  it('counts by status and category, and is stuck', () => {
    expect(report.summary.byStatus).toMatchObject({Pending: 3, NotReady: 1})
    expect(report.summary.byCategory.taint).toBeUndefined()
    expect(report.summary.byCategory['insufficient-resources']).toBe(2)
    expect(isStuck(report)).toBe(true)
  })
  it('limits a workload target to its pods', () => {
    const r = diagnose(snapshot(), {target: {kind: 'workload', workloadKind: 'Deployment', name: 'web'}, now})
    expect(r.items.map(i => i.object.name)).toEqual(['web-abc-1', 'web-abc-2'])
    expect(r.nodes).toEqual([])
  })
  it('renders one summary line with the pods grouped by workload', () => {
    const text = renderWhyPending(report, {details: false, style: makeStyle(false), now, scope: 'all namespaces'})
    const first = text.split('\n')[0]!
    expect(first).toBe('4 pods not running or not ready, 1 node with problems in all namespaces:')
    const rows = text.split('\n').slice(1, text.indexOf('\n\n') === -1 ? 1 : text.split('\n\n')[0]!.split('\n').length)
    expect(rows.every(r => r.length <= 100)).toBe(true)
    expect(rows.some(r => /^\s+2 Pending\s+web\s+insufficient-resources: needs cpu 3/.test(r))).toBe(true)
    expect(text).toContain('Deployment shop/web  2 pods Pending, since 9m ago')
    expect(text).toContain('Node n4  Ready=False')
    expect(text).not.toContain('\u001b[')
  })
  it('lists nodes on their own only for a whole-cluster question', () => {
    const snap = snapshot()
    snap.namespace = 'other'
    const r = diagnose(snap, {target: {kind: 'all'}, now})
    expect(r.nodes).toEqual([])
    expect(r.items).toEqual([])
    expect(isStuck(r)).toBe(false)
  })
  it('names only the taint for a GPU pod aimed at its tainted pool', () => {
    const snap = snapshot()
    const gpuNode = (name: string): Node => ({...node(name, {taints: [{key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule'}]}), metadata: {name, uid: name, labels: {pool: 'gpu'}}})
    snap.nodes = [gpuNode('g1'), gpuNode('g2'), node('n2'), node('n3'), node('n5')]
    snap.nodes.forEach(n => { if (n.metadata.labels?.pool === 'gpu') n.status!.allocatable!['nvidia.com/gpu'] = '1' })
    const trainer = webPod('trainer-1')
    trainer.spec = {nodeSelector: {pool: 'gpu'}, containers: [{name: 't', resources: {requests: {'nvidia.com/gpu': '1'}}}]}
    trainer.metadata.labels = {}
    trainer.status!.conditions![0]!.message = '0/5 nodes are available: 2 node(s) had untolerated taint(s), 3 node(s) didn\'t match Pod\'s node affinity/selector. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.'
    snap.pods = [trainer]
    const r = diagnose(snap, {target: {kind: 'all'}, now})
    const causes = r.items[0]!.causes
    expect(causes.map(c => c.category)).toEqual(['taint'])
    expect(causes[0]!.summary).toBe('2 nodes have taint nvidia.com/gpu=present:NoSchedule that the pod does not tolerate')
    expect(causes[0]!.nodes?.names).toEqual(['g1', 'g2'])
  })
  it('leads with an unbound claim when the scheduler rejected the pod before looking at nodes', () => {
    const snap = snapshot()
    const db = webPod('db-1')
    db.metadata.labels = {}
    db.spec = {containers: [{name: 'db'}], volumes: [{name: 'd', persistentVolumeClaim: {claimName: 'data'}}]}
    db.status!.conditions![0]!.message = '0/4 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.'
    snap.pods = [db]
    snap.pvcs = [{kind: 'PersistentVolumeClaim', metadata: {name: 'data', namespace: 'shop', uid: 'pvc'}, spec: {accessModes: ['ReadWriteOnce']}, status: {phase: 'Pending'}}]
    const r = diagnose(snap, {target: {kind: 'all'}, now})
    const causes = r.items[0]!.causes
    expect(causes.map(c => c.category)).toEqual(['pvc-unbound'])
    expect(causes[0]!.summary).toContain('data')
    expect(r.items[0]!.notes).toEqual([])
  })
  it('takes a pre-1.20 predicate error as the whole answer, even when the claims were not read', () => {
    const snap = snapshot()
    const db = webPod('db-1')
    db.metadata.labels = {}
    db.spec = {containers: [{name: 'db'}], volumes: [{name: 'd', persistentVolumeClaim: {claimName: 'data'}}]}
    db.status!.conditions![0]!.message = 'PersistentVolumeClaim is not bound: "data" (repeated 3 times)'
    snap.pods = [db]
    snap.gaps = ['persistentvolumeclaims: forbidden']
    const r = diagnose(snap, {target: {kind: 'all'}, now})
    expect(r.items[0]!.causes.map(c => c.category)).toEqual(['pvc-unbound'])
  })
  it('prints each piece of evidence once per group with --details', () => {
    const text = renderWhyPending(report, {details: true, style: makeStyle(false), now, scope: 'all namespaces'})
    expect(text.match(/Pod Unschedulable \(pod\.status\): 2 Insufficient cpu/g)).toHaveLength(1)
    expect(text).toContain('nodes: n2, n3, n4')
  })
  it('is not stuck when nothing is', () => {
    const snap = snapshot()
    snap.pods = []
    snap.nodes = snap.nodes.slice(1, 3)
    const r = diagnose(snap, {target: {kind: 'all'}, now})
    expect(isStuck(r)).toBe(false)
    expect(renderWhyPending(r, {details: false, style: makeStyle(false), now, scope: 'namespace shop'})).toBe('Nothing is Pending or NotReady in namespace shop.\n')
  })
})
