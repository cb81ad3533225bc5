import {describe, expect, it} from 'vitest'
import {evaluateNodes, prepareCluster} from '../../../src/scheduling/index.ts'
import {node, makePod} from '../../fakes/builders.ts'
import {evaluate} from './helpers.ts'

describe('evaluateNodes', () => {
  it('reports every failing filter on a node, in the scheduler\'s order, past the first one', () => {
    const nodes = [node('gpu-1', {cpu: '2', memory: '4Gi', taints: [{key: 'dedicated', value: 'gpu', effect: 'NoSchedule'}]})]
    const pod = makePod('p', {requests: {cpu: '1', memory: '6Gi'}, nodeSelector: {pool: 'general'}})
    const [verdict] = evaluateNodes({pod, nodes, boundPods: []})
    expect(verdict?.fits).toBe(false)
    expect(verdict?.failures.map((f) => [f.plugin, f.category])).toEqual([
      ['TaintToleration', 'taint'],
      ['NodeAffinity', 'node-affinity-selector'],
      ['NodeResourcesFit', 'insufficient-resources'],
    ])
    expect(verdict?.failures.map((f) => f.detail)).toEqual([
      'taint dedicated=gpu:NoSchedule',
      'nodeSelector pool=general: node has no pool label',
      'needs memory 6Gi, 4Gi free of 4Gi',
    ])
  })

  it('restores taint keys from Node objects when the 1.35 message only says "untolerated taint(s)"', () => {
    // kube-scheduler 1.35 wrote: "0/3 nodes are available: 2 node(s) had untolerated taint(s), 1 Insufficient cpu."
    const nodes = [
      node('infra-1', {taints: [{key: 'node-role.kubernetes.io/infra', effect: 'NoSchedule'}]}),
      node('spot-1', {taints: [{key: 'cloud.example.com/spot', value: 'true', effect: 'NoExecute'}]}),
      node('worker-1', {cpu: '1'}),
    ]
    const verdicts = evaluate(makePod('p', {requests: {cpu: '2'}}), nodes)
    expect(verdicts.get('infra-1')?.failures.map((f) => f.taint)).toEqual([{key: 'node-role.kubernetes.io/infra', effect: 'NoSchedule'}])
    expect(verdicts.get('spot-1')?.failures.map((f) => f.taint)).toEqual([{key: 'cloud.example.com/spot', value: 'true', effect: 'NoExecute'}])
    // The tainted nodes also lack nothing else; worker-1 fails only on cpu.
    expect(verdicts.get('worker-1')?.failures.map((f) => f.reason)).toEqual(['Insufficient cpu'])
  })

  it('gives the same verdicts from a prepared cluster, reused across pods', () => {
    const nodes = Array.from({length: 20}, (_, i) => node(`n${i}`, {
      labels: {'topology.kubernetes.io/zone': `z${i % 3}`},
      ...(i % 5 === 0 ? {taints: [{key: 'dedicated', value: 'db', effect: 'NoSchedule'}]} : {}),
    }))
    const bound = Array.from({length: 200}, (_, i) => makePod(`b${i}`, {
      nodeName: `n${i % 20}`, labels: {app: `app${i % 7}`}, requests: {cpu: '100m', memory: '256Mi'},
      ...(i % 13 === 0 ? {ports: [{containerPort: 80, hostPort: 9100}]} : {}),
    }))
    const pods = Array.from({length: 7}, (_, i) => makePod(`p${i}`, {
      labels: {app: `app${i}`}, requests: {cpu: `${i}`, memory: '1Gi'},
      ports: i === 3 ? [{containerPort: 80, hostPort: 9100}] : undefined,
      spread: [{maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: {matchLabels: {app: `app${i}`}}}],
      affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {matchLabels: {app: `app${(i + 1) % 7}`}}, topologyKey: 'kubernetes.io/hostname'}]}},
    }))
    const cluster = prepareCluster(nodes, bound)
    for (const pod of pods) {
      const prepared = evaluateNodes({pod, cluster})
      expect(prepared).toEqual(evaluateNodes({pod, nodes, boundPods: bound}))
      expect(evaluateNodes({pod, cluster})).toEqual(prepared) // deterministic
    }
    // The index is not changed by evaluation.
    expect(cluster.nodes[0]?.requested.get('cpu')).toBe(1000)
  })
})
