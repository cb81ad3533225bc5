import {describe, expect, it} from 'vitest'
import {indexVolumes, pinnedVolumes, strandedByVolumes, withVolumeAffinity} from '../../../src/upgrade/volumes.ts'
import {makePod} from '../../fakes/builders.ts'
import {mounting, poolNode, volume} from '../../fixtures/upgrade/cluster.ts'
import {evaluateNodes} from '../../../src/scheduling/index.ts'

describe('pinnedVolumes', () => {
  const vols = [
    volume('zonal', {zone: 'us-east-1a', zoneKey: 'topology.ebs.csi.aws.com/zone'}),
    volume('local', {local: true, hostname: 'n1'}),
    volume('host', {hostname: 'n1'}),
    volume('hp', {hostPath: true}),
    volume('free', {}),
  ]
  const index = indexVolumes({pvcs: vols.map(v => v.pvc), pvs: vols.map(v => v.pv)})

  it('sorts bound volumes by what they tie the pod to, and ignores the others', () => {
    let pod = makePod('p', {nodeName: 'n1'})
    for (const v of vols) pod = mounting(pod, v.pvc.metadata.name!)
    pod = mounting(pod, 'missing-claim')
    expect(pinnedVolumes(pod, index).map(p => [p.claim, p.scope, p.zones])).toEqual([
      ['zonal', 'zone', ['us-east-1a']],
      ['local', 'node', []],
      ['host', 'node', []],
      ['hp', 'node', []],
    ])
  })

  it('finds a generic ephemeral volume\'s claim by its <pod>-<volume> name', () => {
    const eph = volume('p-scratch', {zone: 'b'})
    const pod = {...makePod('p', {nodeName: 'n1'}), spec: {containers: [], nodeName: 'n1', volumes: [{name: 'scratch', ephemeral: {}}]}}
    expect(pinnedVolumes(pod, indexVolumes({pvcs: [eph.pvc], pvs: [eph.pv]})).map(p => p.claim)).toEqual(['p-scratch'])
  })

  it('does not look for a claim in another namespace', () => {
    const other = volume('zonal', {zone: 'a', namespace: 'other'})
    const pod = mounting(makePod('p', {nodeName: 'n1'}), 'zonal')
    expect(pinnedVolumes(pod, indexVolumes({pvcs: [other.pvc], pvs: [other.pv]}))).toEqual([])
  })
})

describe('withVolumeAffinity', () => {
  it('ANDs the volume\'s terms into every term of the pod\'s own required node affinity', () => {
    const v = volume('zonal', {zone: 'a'})
    const pod = makePod('p', {affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [
      {matchExpressions: [{key: 'pool', operator: 'In', values: ['x']}]},
      {matchExpressions: [{key: 'pool', operator: 'In', values: ['y']}]},
    ]}}}})
    const index = indexVolumes({pvcs: [v.pvc], pvs: [v.pv]})
    const merged = withVolumeAffinity(mounting(pod, 'zonal'), pinnedVolumes(mounting(pod, 'zonal'), index))
    const nodes = [
      poolNode('x-a', {zone: 'a', labels: {pool: 'x'}}),
      poolNode('y-a', {zone: 'a', labels: {pool: 'y'}}),
      poolNode('x-b', {zone: 'b', labels: {pool: 'x'}}),
      poolNode('z-a', {zone: 'a', labels: {pool: 'z'}}),
    ]
    const fits = evaluateNodes({pod: merged, nodes, boundPods: []}).filter(v => v.fits).map(v => v.node)
    expect(fits).toEqual(['x-a', 'y-a'])
  })

  it('uses the volume\'s terms alone when the pod has none, and leaves a pod without pinned volumes as it is', () => {
    const v = volume('zonal', {zone: 'a'})
    const pod = mounting(makePod('p'), 'zonal')
    const pins = pinnedVolumes(pod, indexVolumes({pvcs: [v.pvc], pvs: [v.pv]}))
    expect(withVolumeAffinity(pod, pins).spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms)
      .toEqual(v.pv.spec.nodeAffinity?.required?.nodeSelectorTerms)
    expect(withVolumeAffinity(pod, [])).toBe(pod)
  })
})

describe('strandedByVolumes', () => {
  const v = volume('zonal', {zone: 'a'})
  const index = indexVolumes({pvcs: [v.pvc], pvs: [v.pv]})

  it('honours the pod\'s own node selector when looking for another node in the zone', () => {
    const pod = mounting(makePod('p', {nodeName: 'n1', nodeSelector: {disk: 'ssd'}}), 'zonal')
    const pins = pinnedVolumes(pod, index)
    const nodes = [poolNode('n1', {zone: 'a', labels: {disk: 'ssd'}}), poolNode('n2', {zone: 'a'})]
    expect(strandedByVolumes(pod, pins, nodes)?.scope).toBe('zone')
    const withSsd = [...nodes, poolNode('n3', {zone: 'a', labels: {disk: 'ssd'}})]
    expect(strandedByVolumes(pod, pins, withSsd)).toBeUndefined()
  })

  it('lets a tolerated taint through', () => {
    const pod = mounting(makePod('p', {nodeName: 'n1', tolerations: [{key: 'dedicated', operator: 'Exists'}]}), 'zonal')
    const nodes = [poolNode('n1', {zone: 'a'}), poolNode('n2', {zone: 'a', taints: [{key: 'dedicated', value: 'db', effect: 'NoSchedule'}]})]
    expect(strandedByVolumes(pod, pinnedVolumes(pod, index), nodes)).toBeUndefined()
  })
})
