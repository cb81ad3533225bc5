import {describe, expect, it} from 'vitest'
import {checkSchedulerName, runningSchedulers} from '../../../../src/diagnose/checks/scheduler-name.ts'
import type {Lease} from '../../../../src/model/k8s.ts'
import {NOW, ago, event, index, pod, podEvent, snapshot} from '../../../fakes/builders.ts'

const lease = (name: string, renewTime: string, holderIdentity = 'cp-1_5f2c'): Lease =>
  ({kind: 'Lease', metadata: {name, namespace: 'kube-system'}, spec: {holderIdentity, renewTime, leaseDurationSeconds: 15}})

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
