import {describe, expect, it} from 'vitest'
import {evaluateNodes, prepareCluster} from '../../../src/scheduling/index.ts'
import {ClusterBuilder} from '../../../src/scheduling/cluster.ts'
import {node, makePod} from '../../fakes/builders.ts'

const nodes = Array.from({length: 6}, (_, i) => node(`n${i}`, {labels: {'topology.kubernetes.io/zone': `z${i % 2}`}}))
const bound = Array.from({length: 40}, (_, i) => makePod(`b${i}`, {
  nodeName: `n${i % 7}`, labels: {app: `app${i % 3}`}, requests: {cpu: '100m', memory: '256Mi'},
  ...(i % 9 === 0 ? {ports: [{containerPort: 80, hostPort: 9100}]} : {}),
  ...(i % 11 === 0 ? {affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {matchLabels: {app: 'web'}}, topologyKey: 'kubernetes.io/hostname'}]}}} : {}),
}))
const incoming = makePod('web', {
  labels: {app: 'web'}, requests: {cpu: '3900m'}, ports: [{containerPort: 80, hostPort: 9100}],
  spread: [{maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: {matchLabels: {app: 'app1'}}}],
})
const verdicts = (cluster: ReturnType<typeof prepareCluster>) => evaluateNodes({pod: incoming, cluster})

describe('ClusterBuilder', () => {
  it('indexes pods as they arrive, before or after the nodes, as prepareCluster does', () => {
    const expected = verdicts(prepareCluster(nodes, bound))
    for (const nodesAfter of [0, 13, 40]) {
      const builder = new ClusterBuilder()
      bound.forEach((pod, i) => {
        if (i === nodesAfter) builder.addNodes(nodes)
        builder.addPod(pod)
      })
      if (nodesAfter === 40) builder.addNodes(nodes)
      const cluster = builder.finish(nodes, bound)
      expect(verdicts(cluster)).toEqual(expected)
      expect(cluster.pods.map(p => p.key)).toEqual(prepareCluster(nodes, bound).pods.map(p => p.key))
    }
  })

  it('indexes anew what it was not fed exactly: other pods, pods twice (a list that started over), other nodes', () => {
    const fed = (pods: typeof bound, list = nodes) => {
      const builder = new ClusterBuilder()
      builder.addNodes(list)
      for (const pod of pods) builder.addPod(pod)
      return builder
    }
    const whole = prepareCluster(nodes, bound)
    for (const builder of [fed(bound.slice(0, 20)), fed([...bound.slice(0, 10), ...bound]), fed(bound, [...nodes])]) {
      const cluster = builder.finish(nodes, bound)
      expect(cluster.pods.map(p => p.pod)).toEqual(whole.pods.map(p => p.pod))
      expect(verdicts(cluster)).toEqual(verdicts(whole))
    }
    // Fed exactly: the index it built is the one handed over.
    const builder = fed(bound)
    expect(builder.finish(nodes, bound)).toBe(builder.finish(nodes, bound))
  })

  it("leaves unbound pods out, as the snapshot's bound pods do", () => {
    const builder = new ClusterBuilder()
    builder.addNodes(nodes)
    const pending = makePod('pending', {requests: {cpu: '1'}})
    for (const pod of [pending, ...bound]) builder.addPod(pod)
    const cluster = builder.finish(nodes, bound)
    expect(cluster.pods.some(p => p.pod === pending)).toBe(false)
    expect(verdicts(cluster)).toEqual(verdicts(prepareCluster(nodes, bound)))
  })
})
