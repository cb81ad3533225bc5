// The rules of issue "name only what blocks each pod", one test each, over the scheduler model.
import {describe, expect, it} from 'vitest'
import {evaluateNodes, prepareCluster} from '../../../src/scheduling/index.ts'
import {explainFit} from '../../../src/scheduling/explain.ts'
import type {Node, Pod} from '../../../src/model/k8s.ts'
import {makePod, node} from '../../fakes/builders.ts'

const GPU_TAINT = {key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule'}
const gpuNode = (name: string) => node(name, {labels: {'eks.amazonaws.com/nodegroup': 'gpu'}, taints: [GPU_TAINT], allocatable: {'nvidia.com/gpu': '1'}, cpu: '8', memory: '32Gi'})
const general = (name: string, o: Parameters<typeof node>[1] = {}) => node(name, {labels: {'eks.amazonaws.com/nodegroup': 'general', ...o.labels}, ...o})

function explain(pod: Pod, nodes: Node[], bound: Pod[] = []) {
  const cluster = prepareCluster(nodes, bound)
  return explainFit(pod, evaluateNodes({pod, cluster}), cluster)
}
const categories = (e: ReturnType<typeof explain>) => e.causes.map(c => c.category)

describe('explainFit', () => {
  it('keeps a pool reserved by a GPU taint out of the causes of a pod that needs no GPU', () => {
    const e = explain(makePod('web', {requests: {memory: '20Gi'}}), [general('g-0', {memory: '16Gi'}), general('g-1', {memory: '16Gi'}), gpuNode('gpu-0'), gpuNode('gpu-1')])
    expect(categories(e)).toEqual(['insufficient-resources'])
    expect(e.causes[0]?.nodes).toEqual(['g-0', 'g-1'])
    expect(e.causes[0]?.summary).toMatch(/^needs memory 20Gi, more than any node it can use has: the largest, g-0, has 16Gi allocatable/)
    expect(e.notes).toEqual(['gpu-0 and gpu-1 are reserved for other work by taint nvidia.com/gpu=present:NoSchedule'])
  })

  it('names the taint, and only the taint, for a GPU pod aimed at the GPU pool', () => {
    const trainer = makePod('trainer', {requests: {'nvidia.com/gpu': '1', cpu: '2'}, nodeSelector: {'eks.amazonaws.com/nodegroup': 'gpu'}})
    const e = explain(trainer, [general('g-0'), general('g-1'), gpuNode('gpu-0'), gpuNode('gpu-1')])
    expect(categories(e)).toEqual(['taint'])
    expect(e.causes[0]?.nodes).toEqual(['gpu-0', 'gpu-1'])
    expect(e.notes).toEqual([])
  })

  it('names the taint for a GPU pod without a selector: nodes without GPUs are no candidates', () => {
    const e = explain(makePod('trainer', {requests: {'nvidia.com/gpu': '1'}}), [general('g-0'), gpuNode('gpu-0')])
    expect(categories(e)).toEqual(['taint'])
  })

  it('says the selected nodes have no GPU when none of them has one', () => {
    const e = explain(makePod('trainer', {requests: {'nvidia.com/gpu': '2'}, nodeSelector: {'eks.amazonaws.com/nodegroup': 'general'}}), [general('g-0'), gpuNode('gpu-0')])
    expect(categories(e)).toEqual(['insufficient-resources'])
    expect(e.causes[0]?.summary).toBe('needs nvidia.com/gpu 2, and the node it can use has none; every node fails only on resources, so scale-up would help')
    expect(e.causes[0]?.fix).toBe('add nodes with at least 2 nvidia.com/gpu allocatable, or let the pod select nodes that have it')
  })

  it('treats a taint paired with a dedication label as a reservation unless the pod selects that label', () => {
    const dedicated = node('db-0', {labels: {dedicated: 'db'}, taints: [{key: 'dedicated', value: 'db', effect: 'NoSchedule'}]})
    const small = node('n-0', {cpu: '1'})
    const web = explain(makePod('web', {requests: {cpu: '2'}}), [dedicated, small])
    expect(categories(web)).toEqual(['insufficient-resources'])
    expect(web.notes).toEqual(['db-0 is reserved for other work by taint dedicated=db:NoSchedule'])
    const db = explain(makePod('db', {requests: {cpu: '2'}, nodeSelector: {dedicated: 'db'}}), [dedicated, small])
    expect(categories(db)).toEqual(['taint'])
  })

  it('makes the selection the cause when it matches no node, naming the labels that exist', () => {
    const e = explain(makePod('p', {nodeSelector: {'eks.amazonaws.com/nodegroup': 'gpu-large'}}), [general('g-0'), gpuNode('gpu-0')])
    expect(e.kind).toBe('nothing-selected')
    expect(categories(e)).toEqual(['node-affinity-selector'])
    expect(e.causes[0]?.summary).toBe('2 nodes lack label eks.amazonaws.com/nodegroup=gpu-large (nodes have eks.amazonaws.com/nodegroup: general and gpu)')
  })

  it('names a pool too small for the pod: only the nodes it selects count', () => {
    const pool = [general('small-0', {labels: {pool: 'small'}, cpu: '2'}), general('small-1', {labels: {pool: 'small'}, cpu: '2'})]
    const e = explain(makePod('p', {requests: {cpu: '3'}, nodeSelector: {pool: 'small'}}), [...pool, node('big-0', {cpu: '16'})])
    expect(categories(e)).toEqual(['insufficient-resources'])
    expect(e.causes[0]?.nodes).toEqual(['small-0', 'small-1'])
    expect(e.causes[0]?.summary).toContain('the largest, small-0, has 2 allocatable')
  })

  it('names a NotReady or cordoned node only when the pod would fit there once it is back', () => {
    const notReady = node('sick', {taints: [{key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule'}]})
    const cordoned = node('drained', {unschedulable: true, taints: [{key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule'}]})
    const full = node('full', {cpu: '1'})
    const fits = explain(makePod('p', {requests: {cpu: '2'}}), [notReady, cordoned, full])
    expect(categories(fits).sort()).toEqual(['insufficient-resources', 'node-not-ready', 'node-unschedulable'])

    const sickSmall = node('sick', {cpu: '1', taints: [{key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule'}]})
    const drainedSmall = node('drained', {cpu: '1', unschedulable: true, taints: [{key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule'}]})
    const e = explain(makePod('p', {requests: {cpu: '2'}}), [sickSmall, drainedSmall, full])
    expect(categories(e)).toEqual(['insufficient-resources'])
    expect(e.causes[0]?.nodes).toEqual(['full'])
    expect(e.notes.sort()).toEqual(['drained is cordoned, but the pod would not fit there anyway', 'sick is not ready, but the pod would not fit there anyway'])
  })

  it('ignores node problems on nodes the pod does not select', () => {
    const sick = node('sick', {labels: {pool: 'batch'}, taints: [{key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule'}]})
    const e = explain(makePod('p', {requests: {cpu: '8'}, nodeSelector: {pool: 'web'}}), [sick, node('w-0', {labels: {pool: 'web'}})])
    expect(categories(e)).toEqual(['insufficient-resources'])
    expect(e.notes).toEqual([])
  })

  it('says when a candidate fits now', () => {
    const e = explain(makePod('p', {requests: {cpu: '1'}}), [node('a'), gpuNode('gpu-0')])
    expect(e).toMatchObject({kind: 'fits', fitting: ['a'], causes: []})
  })

  it('lists the causes of the nodes that need the fewest changes, most-opening first', () => {
    // a needs a toleration, b needs cpu, c needs both: c adds nothing.
    const taint = {key: 'team', value: 'x', effect: 'NoSchedule'}
    const nodes = [node('a', {taints: [taint]}), node('b', {cpu: '1'}), node('b2', {cpu: '1'}), node('c', {cpu: '1', taints: [taint]})]
    const e = explain(makePod('p', {requests: {cpu: '2'}}), nodes)
    expect(categories(e)).toEqual(['insufficient-resources', 'taint'])
    expect(e.causes.map(c => c.nodes)).toEqual([['b', 'b2'], ['a']])
    expect(e.causes.map(c => c.opens)).toEqual([2, 1])
  })
})
