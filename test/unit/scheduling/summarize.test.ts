import {describe, expect, it} from 'vitest'
import {describeVerdicts, evaluateNodes, summarizeVerdicts, type FitSummaryLine} from '../../../src/scheduling/index.ts'
import type {Node, Pod} from '../../../src/model/k8s.ts'
import {node, makePod} from '../../fakes/builders.ts'

function summarize(pod: Pod, nodes: Node[], boundPods: Pod[] = []): FitSummaryLine[] {
  return summarizeVerdicts(pod, evaluateNodes({pod, nodes, boundPods}))
}

describe('summarizeVerdicts', () => {
  // 3 GPU nodes (tainted, and also short of memory) and 9 general nodes short of memory.
  const gpu = ['gpu-1', 'gpu-2', 'gpu-3'].map((n) => node(n, {memory: '8Gi', taints: [{key: 'dedicated', value: 'gpu', effect: 'NoSchedule'}]}))
  const pool = Array.from({length: 9}, (_, i) => node(`pool-a-${i + 1}`, {memory: '8Gi'}))
  const bound = [
    ...pool.map((n) => makePod(`fill-${n.metadata.name}`, {nodeName: n.metadata.name, requests: {memory: n.metadata.name === 'pool-a-2' ? '6.8Gi' : '7Gi'}})),
    ...gpu.map((n) => makePod(`fill-${n.metadata.name}`, {nodeName: n.metadata.name, requests: {memory: '7.5Gi'}})),
  ]
  const pod = makePod('api', {requests: {memory: '4Gi'}})

  it('writes a mixed cluster as one line per cause, most-excluding first', () => {
    const lines = summarize(pod, [...gpu, ...pool], bound)
    expect(lines.map((l) => [l.category, l.nodes.length])).toEqual([['insufficient-resources', 12], ['taint', 3]])
    expect(lines[0]?.summary).toBe('needs memory 4Gi; the most free on a node it can use is 1.2Gi (pool-a-2); 12 nodes lack memory; 9 of them fail only on resources, the other 3 are also excluded by constraints')
    expect(lines[0]?.details.map((d) => d.resource?.name)).toEqual(Array(12).fill('memory'))
    expect(describeVerdicts(evaluateNodes({pod, nodes: [...gpu, ...pool], boundPods: bound})).text)
      .toBe('9 nodes fail only on resources (more capacity would help there); 3 nodes are excluded by constraints regardless of capacity')
    expect(lines[1]).toMatchObject({
      plugin: 'TaintToleration',
      nodes: ['gpu-1', 'gpu-2', 'gpu-3'],
      summary: '3 nodes have taint dedicated=gpu:NoSchedule that the pod does not tolerate',
      fix: 'add a toleration for dedicated=gpu:NoSchedule, or remove the taint',
    })
  })

  it('says "the other one is" when a single node short of the resource is also excluded by constraints', () => {
    const lines = summarize(pod, [gpu[0]!, ...pool.slice(0, 2)], bound)
    expect(lines[0]?.summary).toMatch(/; 2 of them fail only on resources, the other one is also excluded by constraints$/)
  })

  it('names as best the roomiest node the pod could otherwise use, not a tainted one', () => {
    const tainted = node('gpu-big', {memory: '16Gi', taints: [{key: 'dedicated', value: 'gpu', effect: 'NoSchedule'}]})
    const plain = node('plain', {memory: '8Gi'})
    const fill = [makePod('f1', {nodeName: 'gpu-big', requests: {memory: '13Gi'}}), makePod('f2', {nodeName: 'plain', requests: {memory: '7Gi'}})]
    const lines = summarize(makePod('api', {requests: {memory: '4Gi'}}), [tainted, plain], fill)
    expect(lines[0]?.summary).toMatch(/^needs memory 4Gi; the most free on a node it can use is 1Gi \(plain\)/)
  })

  it('says when every node fails only on resources, so scale-up would help', () => {
    const lines = summarize(makePod('big', {requests: {cpu: '4'}}), [node('n1', {cpu: '1'}), node('n2', {cpu: '8'})], [makePod('x', {nodeName: 'n2', requests: {cpu: '6500m'}})])
    expect(lines).toHaveLength(1)
    expect(lines[0]?.summary).toBe('needs cpu 4; the most free on a node it can use is 1500m (n2); 2 nodes lack cpu; every node fails only on resources, so scale-up would help')
    expect(lines[0]?.fix).toBe('add nodes (scale-up), free cpu by removing or shrinking pods, or lower the request')
    expect(describeVerdicts(evaluateNodes({pod: makePod('big', {requests: {cpu: '4'}}), nodes: [node('n1', {cpu: '2'})], boundPods: []})).kind).toBe('resources-only')
  })

  it('says when no node is big enough', () => {
    const [line] = summarize(makePod('huge', {requests: {cpu: '16'}}), [node('n1', {cpu: '4'}), node('n2', {cpu: '8'})])
    expect(line?.summary).toBe('needs cpu 16, more than any node it can use has: the largest, n2, has 8 allocatable, 8 free; every node fails only on resources, so scale-up would help')
    expect(line?.fix).toBe('lower the cpu request to at most 8, or add nodes with at least 16 cpu allocatable')
  })

  it('names the label values nodes have when a node selector matches none', () => {
    const nodes = [
      ...Array.from({length: 8}, (_, i) => node(`h${i}`, {labels: {disktype: 'hdd'}})),
      ...Array.from({length: 3}, (_, i) => node(`v${i}`, {labels: {disktype: 'nvme'}})),
      node('bare'),
    ]
    const [line] = summarize(makePod('db', {nodeSelector: {disktype: 'ssd'}}), nodes)
    expect(line).toMatchObject({
      category: 'node-affinity-selector',
      summary: '12 nodes lack label disktype=ssd (nodes have disktype: hdd and nvme; 1 has no disktype label)',
      fix: "label the nodes meant for this pod (kubectl label node NODE disktype=ssd), or change the pod's nodeSelector",
    })
    expect(describeVerdicts(evaluateNodes({pod: makePod('db', {nodeSelector: {disktype: 'ssd'}}), nodes, boundPods: []})).kind).toBe('constraints-only')
  })

  it('names the pods that anti-affinity conflicts with, capped', () => {
    const nodes = Array.from({length: 5}, (_, i) => node(`n${i}`))
    const bound = nodes.map((n, i) => makePod(`web-${i}`, {nodeName: n.metadata.name, labels: {app: 'web'}}))
    const pod = makePod('web-5', {labels: {app: 'web'}, affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {matchLabels: {app: 'web'}}, topologyKey: 'kubernetes.io/hostname'}]}}})
    const [line] = summarize(pod, nodes, bound)
    expect(line?.summary).toBe("5 nodes are excluded by the pod's anti-affinity (app=web per kubernetes.io/hostname): conflicting pods default/web-0, default/web-1, default/web-2 and 2 more")
    expect(line?.fix).toBe('add nodes, reduce replicas, or make the anti-affinity preferred')
  })

  it('names the domains and counts of a topology spread constraint and the domains that could take the pod', () => {
    const zone = 'topology.kubernetes.io/zone'
    const nodes = [node('a1', {labels: {[zone]: 'a'}}), node('b1', {labels: {[zone]: 'b'}}), node('c1', {labels: {[zone]: 'c'}, cpu: '1'})]
    const bound = [
      ...['w1', 'w2'].map((n) => makePod(n, {nodeName: 'a1', labels: {app: 'web'}})),
      ...['w3', 'w4'].map((n) => makePod(n, {nodeName: 'b1', labels: {app: 'web'}})),
    ]
    const pod = makePod('w5', {labels: {app: 'web'}, requests: {cpu: '2'}, spread: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: 'DoNotSchedule', labelSelector: {matchLabels: {app: 'web'}}}]})
    const lines = summarize(pod, nodes, bound)
    const spread = lines.find((l) => l.category === 'topology-spread')
    expect(spread?.summary).toBe(`2 nodes would break topology spread on ${zone} (maxSkew 1, pods app=web): matching pods per domain a 2, b 2, c 0`)
    expect(spread?.fix).toBe(`only ${zone} c can take the pod; make room there (its nodes fail other filters), or raise maxSkew / use whenUnsatisfiable: ScheduleAnyway`)
    expect(lines.find((l) => l.category === 'insufficient-resources')?.nodes).toEqual(['c1'])
  })

  it('says cordoned nodes once, and names not-ready nodes', () => {
    const nodes = [
      node('drained', {unschedulable: true, taints: [{key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule'}]}),
      node('dead', {taints: [{key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule'}]}),
    ]
    const lines = summarize(makePod('p'), nodes)
    expect(lines.map((l) => [l.category, l.summary])).toEqual([
      ['node-unschedulable', '1 node is cordoned (spec.unschedulable): drained'],
      ['node-not-ready', '1 node is not ready (taint node.kubernetes.io/not-ready:NoSchedule): dead'],
    ])
  })

  it('says when spec.nodeName names a node that does not exist', () => {
    const [line] = summarize(makePod('p', {nodeName: 'ghost', phase: 'Pending'}), [node('a'), node('b')])
    expect(line).toMatchObject({category: 'node-name', summary: 'spec.nodeName is ghost, which is not a node of the cluster', nodes: ['a', 'b']})
  })

  it('writes full nodes and the anti-affinity of existing pods', () => {
    const nodes = [node('full', {pods: '1'}), node('zoned', {labels: {zone: 'z1'}})]
    const bound = [
      makePod('filler', {nodeName: 'full'}),
      makePod('db', {nodeName: 'zoned', affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {matchLabels: {app: 'web'}}, topologyKey: 'zone'}]}}}),
    ]
    const lines = summarize(makePod('web', {labels: {app: 'web'}}), nodes, bound)
    expect(lines.map((l) => [l.category, l.summary])).toEqual([
      ['too-many-pods', '1 node has reached its limit of 1 pod; it fails only on resources'],
      ['pod-affinity-anti-affinity', '1 node is excluded by the required anti-affinity of existing pods default/db'],
    ])
  })

  it('writes host port conflicts with the pods that hold the port', () => {
    const nodes = [node('a'), node('b')]
    const bound = [makePod('ds-a', {nodeName: 'a', ports: [{containerPort: 9100, hostPort: 9100}]}), makePod('ds-b', {nodeName: 'b', ports: [{containerPort: 9100, hostPort: 9100}]})]
    const [line] = summarize(makePod('exporter', {ports: [{containerPort: 9100, hostPort: 9100}]}), nodes, bound)
    expect(line?.summary).toBe('2 nodes already use host port TCP/9100 (by default/ds-a and default/ds-b)')
  })
})
