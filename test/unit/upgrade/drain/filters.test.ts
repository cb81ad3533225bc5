// kubectl drain's filter chain (kubernetes/kubectl pkg/drain/filters.go), pod by pod.
import {describe, expect, it} from 'vitest'
import {classifyPod, type FilterOptions} from '../../../../src/upgrade/drain/filters.ts'
import {START, managedPod} from './fakes.ts'

const none: FilterOptions = {force: false, deleteEmptyDirData: false}
const decide = (pod: ReturnType<typeof managedPod>, o: FilterOptions = none, now = START) => classifyPod(pod, o, now).decision

describe('classifyPod', () => {
  it('evicts managed pods and leaves DaemonSet (apps/v1 only) and mirror pods', () => {
    expect(decide(managedPod('web-1'))).toBe('evict')
    expect(decide(managedPod('agent', {owner: {kind: 'DaemonSet', name: 'agent'}}))).toBe('skip-daemonset')
    // kubectl 1.34+: a DaemonSet of another group is not the DaemonSet controller's.
    expect(decide(managedPod('agent', {owner: {kind: 'DaemonSet', name: 'agent', apiVersion: 'example.com/v1'}}))).toBe('evict')
    expect(decide(managedPod('etcd', {owner: null, mirror: true}))).toBe('skip-mirror')
  })

  it('deletes finished pods, even without a controller or with emptyDir data, and a finished DaemonSet pod', () => {
    expect(decide(managedPod('job', {phase: 'Succeeded', owner: null, emptyDir: true}))).toBe('delete-finished')
    expect(decide(managedPod('agent', {phase: 'Failed', owner: {kind: 'DaemonSet', name: 'agent'}}))).toBe('delete-finished')
  })

  it('refuses emptyDir data before a missing controller, each unless its flag is given', () => {
    const both = managedPod('x', {owner: null, emptyDir: true})
    expect(classifyPod(both, none, START)).toMatchObject({decision: 'refuse-local-storage', reason: expect.stringContaining('--delete-emptydir-data')})
    expect(classifyPod(both, {...none, deleteEmptyDirData: true}, START)).toMatchObject({decision: 'refuse-unmanaged', reason: expect.stringContaining('--force')})
    expect(decide(both, {force: true, deleteEmptyDirData: true})).toBe('evict')
  })

  it('leaves pods deleted longer ago than --skip-wait-for-delete-timeout, and only those', () => {
    const pod = managedPod('slow')
    pod.metadata.deletionTimestamp = new Date(START.getTime() - 120_000).toISOString()
    expect(decide(pod, {...none, skipWaitForDeleteTimeoutMs: 60_000})).toBe('skip-deleted')
    expect(decide(pod, {...none, skipWaitForDeleteTimeoutMs: 300_000})).toBe('evict')
    expect(decide(pod)).toBe('evict')
  })
})
