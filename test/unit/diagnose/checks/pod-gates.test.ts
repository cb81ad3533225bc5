import {describe, expect, it} from 'vitest'
import {checkGates, checkKubeletRejection, checkNodeName, checkPreemption, checkSchedulerName, runningSchedulers} from '../../../../src/diagnose/checks/pod-gates.ts'
import type {Lease, Node} from '../../../../src/model/k8s.ts'
import {NOW, ago, event, index, node, pod, podEvent, snapshot} from './helpers.ts'

const lease = (name: string, renewTime: string, holderIdentity = 'cp-1_5f2c'): Lease =>
  ({kind: 'Lease', metadata: {name, namespace: 'kube-system'}, spec: {holderIdentity, renewTime, leaseDurationSeconds: 15}})

describe('scheduling gates', () => {
  it('names the gates', () => {
    const [cause] = checkGates(pod({spec: {schedulingGates: [{name: 'example.com/quota-check'}, {name: 'example.com/warmup'}]}}))
    expect(cause).toMatchObject({category: 'scheduling-gate', summary: 'the scheduler ignores the pod until scheduling gates example.com/quota-check, example.com/warmup are removed'})
  })

  it('explains the Kueue admission gate', () => {
    const p = pod({spec: {schedulingGates: [{name: 'kueue.x-k8s.io/admission'}]}, status: {phase: 'Pending', conditions: [{type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates'}]}})
    const [cause] = checkGates(p)
    expect(cause?.summary).toBe('Kueue holds the pod (gate kueue.x-k8s.io/admission) until its Workload is admitted to a ClusterQueue')
    expect(cause?.fix).toContain('kubectl get workloads -n web')
    expect(cause?.evidence[1]?.message).toBe('Scheduling is blocked due to non-empty scheduling gates')
  })

  it('is silent without gates', () => {
    expect(checkGates(pod())).toEqual([])
  })
})

describe('runningSchedulers', () => {
  it('serves default-scheduler from a renewed kube-scheduler lease and custom ones from recent events', () => {
    const recent = event({kind: 'Pod', name: 'a'}, 'Scheduled', 'Successfully assigned web/a to node-a', {reporter: 'batch-scheduler', minutesAgo: 5, type: 'Normal'})
    const old = event({kind: 'Pod', name: 'b'}, 'Scheduled', 'Successfully assigned web/b to node-a', {reporter: 'gone-scheduler', minutesAgo: 90, type: 'Normal'})
    const names = runningSchedulers(snapshot({leases: [lease('kube-scheduler', new Date(NOW.getTime() - 4000).toISOString())], events: [recent, old]}))
    expect([...names].sort()).toEqual(['batch-scheduler', 'default-scheduler'])
  })

  it('does not count an expired lease', () => {
    expect(runningSchedulers(snapshot({leases: [lease('kube-scheduler', ago(5))]})).has('default-scheduler')).toBe(false)
  })
})

describe('checkSchedulerName', () => {
  const custom = () => pod({spec: {schedulerName: 'volcano'}})

  it('reports a schedulerName nobody serves', () => {
    const [cause] = checkSchedulerName(custom(), new Set(['default-scheduler']), index(), NOW)
    expect(cause?.category).toBe('scheduler-missing')
    expect(cause?.summary).toBe('the pod asks for scheduler volcano (spec.schedulerName) and no running scheduler of that name was found; running: default-scheduler')
  })

  it('is silent once any scheduler wrote about the pod, or for a pod seconds old', () => {
    const p = custom()
    expect(checkSchedulerName(p, new Set(['default-scheduler']), index(podEvent(p, 'FailedScheduling', 'x', {reporter: 'volcano'})), NOW)).toEqual([])
    const young = pod({spec: {schedulerName: 'volcano'}, meta: {creationTimestamp: new Date(NOW.getTime() - 5000).toISOString()}})
    expect(checkSchedulerName(young, new Set(['default-scheduler']), index(), NOW)).toEqual([])
  })

  it('gives default-scheduler the benefit of the doubt when nothing is known', () => {
    expect(checkSchedulerName(pod(), new Set(), index(), NOW)).toEqual([])
    expect(checkSchedulerName(pod(), new Set(['batch-scheduler']), index(), NOW)[0]?.category).toBe('scheduler-missing')
  })
})

describe('preemption', () => {
  it('is a wait while the nominated node frees up', () => {
    const verdict = checkPreemption(pod({status: {phase: 'Pending', nominatedNodeName: 'node-b'}}))
    expect(verdict.waiting).toBe(true)
    expect(verdict.causes[0]).toMatchObject({category: 'preemption', summary: 'the scheduler preempted lower-priority pods on node node-b for this pod and waits for them to terminate'})
  })

  it('reads the terminating-victim tail of FailedScheduling', () => {
    const p = pod()
    const e = podEvent(p, 'FailedScheduling', '0/3 nodes are available: 3 Insufficient memory. preemption: not eligible due to a terminating pod on the nominated node.', {reporter: 'default-scheduler'})
    expect(checkPreemption(p, index(e)).causes[0]?.evidence[0]?.reason).toBe('FailedScheduling')
  })
})

describe('checkNodeName', () => {
  it('reports a nodeName that names no node', () => {
    const nodes = new Map<string, Node>([['node-a', node('node-a')]])
    const [cause] = checkNodeName(pod({spec: {nodeName: 'node-gone'}}), nodes)
    expect(cause).toMatchObject({category: 'node-name', summary: 'the pod is bound to node node-gone (spec.nodeName), which does not exist, so no kubelet will ever run it'})
    expect(checkNodeName(pod({spec: {nodeName: 'node-a'}}), nodes)).toEqual([])
  })
})

describe('kubelet admission', () => {
  it('maps OutOfcpu, OutOfpods and NodeAffinity', () => {
    const rejected = (reason: string, message: string) => checkKubeletRejection(pod({spec: {nodeName: 'node-a'}, status: {phase: 'Failed', reason, message}}))[0]
    const cpu = rejected('OutOfcpu', "Pod was rejected: Node didn't have enough resource: cpu, requested: 200, used: 825, capacity: 1000")
    expect(cpu).toMatchObject({category: 'insufficient-resources', summary: "the kubelet on node node-a rejected the pod (OutOfcpu): Node didn't have enough resource: cpu, requested: 200, used: 825, capacity: 1000"})
    expect(rejected('OutOfpods', 'Pod was rejected: Node didn\'t have enough resource: pods, requested: 1, used: 110, capacity: 110')?.category).toBe('too-many-pods')
    expect(rejected('NodeAffinity', "Pod was rejected: Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector")?.category).toBe('other')
    expect(checkKubeletRejection(pod({status: {phase: 'Failed', reason: 'Error'}}))).toEqual([])
  })
})
