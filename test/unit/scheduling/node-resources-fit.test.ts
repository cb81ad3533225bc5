import {describe, expect, it} from 'vitest'
import {podRequests} from '../../../src/scheduling/index.ts'
import {node, makePod} from '../../fakes/builders.ts'
import {evaluate, failuresOf} from './helpers.ts'

const Gi = 2 ** 30

describe('podRequests', () => {
  it('sums containers and treats a container without requests as asking 0', () => {
    const pod = makePod('p', {containers: [
      {name: 'a', resources: {requests: {cpu: '500m', memory: '1Gi'}}},
      {name: 'b', resources: {requests: {cpu: '250m'}}},
      {name: 'c'},
    ]})
    expect(podRequests(pod)).toEqual({cpu: 0.75, memory: Gi})
  })

  it('takes the larger of the running containers and the peak init container', () => {
    const pod = makePod('p', {
      containers: [{name: 'app', resources: {requests: {cpu: '1', memory: '1Gi'}}}],
      initContainers: [{name: 'migrate', resources: {requests: {cpu: '2', memory: '512Mi'}}}],
    })
    expect(podRequests(pod)).toEqual({cpu: 2, memory: Gi})
  })

  it('adds restartable (sidecar) init containers to the running sum and to later init containers', () => {
    const sidecar = {name: 'proxy', restartPolicy: 'Always', resources: {requests: {cpu: '200m', memory: '128Mi'}}}
    const job = {name: 'job', resources: {requests: {cpu: '2'}}}
    const app = {name: 'app', resources: {requests: {cpu: '500m', memory: '1Gi'}}}
    // The init job starts after the sidecar, so both run at once: 2 + 0.2.
    expect(podRequests(makePod('p', {containers: [app], initContainers: [sidecar, job]}))).toEqual({cpu: 2.2, memory: Gi + 128 * 2 ** 20})
    // Before the sidecar, the job runs alone.
    expect(podRequests(makePod('p', {containers: [app], initContainers: [job, sidecar]}))).toEqual({cpu: 2, memory: Gi + 128 * 2 ** 20})
  })

  it('adds overhead, and uses pod-level requests for cpu and memory when set', () => {
    const pod = makePod('p', {requests: {cpu: '1', 'nvidia.com/gpu': '1'}, overhead: {cpu: '100m', memory: '64Mi'}})
    expect(podRequests(pod)).toEqual({cpu: 1.1, 'nvidia.com/gpu': 1, memory: 64 * 2 ** 20})
    const podLevel = makePod('p', {requests: {cpu: '1'}})
    podLevel.spec.resources = {requests: {cpu: '3'}}
    expect(podRequests(podLevel)).toEqual({cpu: 3})
  })

  it('takes a missing request from the limit, as API defaulting does for templates', () => {
    const pod = makePod('p', {containers: [{name: 'a', resources: {limits: {cpu: '2', memory: '1Gi'}, requests: {cpu: '1'}}}]})
    expect(podRequests(pod)).toEqual({cpu: 1, memory: Gi})
  })
})

describe('NodeResourcesFit', () => {
  it('reports every insufficient resource with requested, free and allocatable', () => {
    const nodes = [node('small', {cpu: '4', memory: '8Gi'})]
    const bound = [makePod('busy', {nodeName: 'small', requests: {cpu: '2500m', memory: '6.8Gi'}})]
    const f = failuresOf(evaluate(makePod('p', {requests: {cpu: '2', memory: '4Gi'}}), nodes, bound), 'small', 'NodeResourcesFit')
    expect(f.map((x) => x.resource)).toEqual([
      {name: 'cpu', requested: 2, free: 1.5, allocatable: 4},
      {name: 'memory', requested: 4 * Gi, free: 8 * Gi - Math.ceil(6.8 * Gi), allocatable: 8 * Gi},
    ])
    expect(f.map((x) => x.detail)).toEqual(['needs cpu 2, 1500m free of 4', 'needs memory 4Gi, 1.2Gi free of 8Gi'])
    expect(f.map((x) => x.reason)).toEqual(['Insufficient cpu', 'Insufficient memory'])
    expect(f.every((x) => x.category === 'insufficient-resources' && !x.unresolvable)).toBe(true)
  })

  it('does not count terminated pods, and does count terminating ones', () => {
    const nodes = [node('n', {cpu: '4'})]
    const pod = makePod('p', {requests: {cpu: '3'}})
    const done = [makePod('job-1', {nodeName: 'n', phase: 'Succeeded', requests: {cpu: '3'}}), makePod('job-2', {nodeName: 'n', phase: 'Failed', requests: {cpu: '3'}})]
    expect(evaluate(pod, nodes, done).get('n')?.fits).toBe(true)
    const leaving = [makePod('old', {nodeName: 'n', deleting: true, requests: {cpu: '2'}})]
    expect(failuresOf(evaluate(pod, nodes, leaving), 'n', 'NodeResourcesFit')[0]?.resource).toEqual({name: 'cpu', requested: 3, free: 2, allocatable: 4})
  })

  it('checks extended resources, which a node without them lacks entirely', () => {
    const nodes = [node('gpu', {allocatable: {'nvidia.com/gpu': '2'}}), node('cpu-only')]
    const bound = [makePod('train', {nodeName: 'gpu', requests: {'nvidia.com/gpu': '1'}})]
    const v = evaluate(makePod('p', {requests: {'nvidia.com/gpu': '2'}}), nodes, bound)
    expect(failuresOf(v, 'gpu', 'NodeResourcesFit')[0]).toMatchObject({detail: 'needs nvidia.com/gpu 2, 1 free of 2', unresolvable: false})
    expect(failuresOf(v, 'cpu-only', 'NodeResourcesFit')[0]).toMatchObject({detail: 'needs nvidia.com/gpu 2, node has none', unresolvable: true, reason: 'Insufficient nvidia.com/gpu'})
  })

  it('counts pods against allocatable pods, even for a pod that requests nothing', () => {
    const nodes = [node('full', {pods: '2'}), node('room', {pods: '3'})]
    const bound = ['a', 'b'].flatMap((n) => [makePod(`${n}-full`, {nodeName: 'full'}), makePod(`${n}-room`, {nodeName: 'room'})])
    const v = evaluate(makePod('p'), nodes, bound)
    expect(failuresOf(v, 'full', 'NodeResourcesFit')).toEqual([expect.objectContaining({
      category: 'too-many-pods', reason: 'Too many pods', detail: 'node has 2 of 2 pods', resource: {name: 'pods', requested: 1, free: 0, allocatable: 2},
    })])
    expect(v.get('room')?.fits).toBe(true)
  })

  it('fits a request equal to the free amount', () => {
    const nodes = [node('n', {cpu: '2', memory: '2Gi'})]
    const bound = [makePod('b', {nodeName: 'n', requests: {cpu: '1', memory: '1Gi'}})]
    expect(evaluate(makePod('p', {requests: {cpu: '1', memory: '1Gi'}}), nodes, bound).get('n')?.fits).toBe(true)
  })
})
