import {describe, expect, it} from 'vitest'
import {compactPod, podProblem} from '../../../src/model/pods.ts'
import {evaluateNodes} from '../../../src/scheduling/index.ts'
import type {Node, Pod} from '../../../src/model/k8s.ts'

const node = (name: string, zone: string): Node => ({kind: 'Node', metadata: {name, labels: {'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': zone}},
  status: {allocatable: {cpu: '4', memory: '8Gi', pods: '110'}, conditions: [{type: 'Ready', status: 'True'}]}})

// A running pod as the API server returns it: most of it is of no use to the analysis.
const running = (name: string, nodeName: string, extra: Partial<Pod['spec']> = {}): Pod => ({
  kind: 'Pod',
  metadata: {name, namespace: 'shop', uid: `u-${name}`, labels: {app: 'db'}, annotations: {'kubectl.kubernetes.io/last-applied-configuration': 'x'.repeat(2000)},
    ownerReferences: [{apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'db-1', uid: 'rs', controller: true}]},
  spec: {
    nodeName,
    containers: [{name: 'db', image: 'db:1', resources: {requests: {cpu: '1500m', memory: '2Gi'}}, ports: [{containerPort: 5432, hostPort: 5432}, {containerPort: 9090}],
      env: [{name: 'A'}], readinessProbe: {tcpSocket: {port: 5432}}}],
    initContainers: [{name: 'sidecar', restartPolicy: 'Always', resources: {requests: {cpu: '250m'}}}],
    volumes: [{name: 'kube-api-access', projected: {}}],
    affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: 'kubernetes.io/hostname', labelSelector: {matchLabels: {app: 'web'}}}]}},
    ...extra,
  },
  status: {phase: 'Running', podIP: '10.0.0.9', conditions: [{type: 'Ready', status: 'True'}, {type: 'PodScheduled', status: 'True'}],
    containerStatuses: [{name: 'db', ready: true, restartCount: 0, state: {running: {startedAt: '2026-11-21T10:00:00Z'}}}]},
})

describe('compactPod', () => {
  const full = [running('db-a', 'n1'), running('db-b', 'n2'), running('db-c', 'n3')]
  const compact = full.map(p => compactPod(structuredClone(p)))

  it('keeps pods with something to explain whole', () => {
    const pending: Pod = {metadata: {name: 'p'}, spec: {containers: [{name: 'c', env: [{name: 'X'}]}]}, status: {phase: 'Pending'}}
    expect(compactPod(pending)).toBe(pending)
    const unready = running('u', 'n1')
    unready.status!.conditions![0]!.status = 'False'
    expect(compactPod(unready)).toBe(unready)
  })

  it('drops what the analysis never reads and keeps what it does', () => {
    const c = compact[0]!
    expect(JSON.stringify(c).length).toBeLessThan(JSON.stringify(full[0]).length / 3)
    expect(c.metadata.annotations).toBeUndefined()
    expect(c.spec.volumes).toBeUndefined()
    expect(c.spec.containers[0]!.env).toBeUndefined()
    expect(c.spec.containers[0]!.ports).toEqual([{containerPort: 5432, hostPort: 5432}])
    expect(c.metadata.ownerReferences?.[0]?.name).toBe('db-1')
    expect(podProblem(c)).toBeUndefined()
  })

  it('gives the per-node recomputation the same verdicts as the whole objects', () => {
    const nodes = [node('n1', 'a'), node('n2', 'b'), node('n3', 'c'), node('n4', 'c')]
    const incoming: Pod[] = [
      {metadata: {name: 'web', namespace: 'shop', labels: {app: 'web'}}, spec: {containers: [{name: 'w', resources: {requests: {cpu: '3'}}}]}},
      {metadata: {name: 'port', namespace: 'shop'}, spec: {containers: [{name: 'p', ports: [{containerPort: 5432, hostPort: 5432}]}]}},
      {metadata: {name: 'near-db', namespace: 'shop'}, spec: {containers: [{name: 'x'}], affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: 'topology.kubernetes.io/zone', labelSelector: {matchLabels: {app: 'db'}}}]}}}},
    ]
    for (const pod of incoming) {
      const a = evaluateNodes({pod, nodes, boundPods: full})
      const b = evaluateNodes({pod, nodes, boundPods: compact})
      expect(b).toEqual(a)
      expect(a.some(v => !v.fits)).toBe(true)
    }
  })
})
