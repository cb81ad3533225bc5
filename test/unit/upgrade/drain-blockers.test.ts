import {describe, expect, it} from 'vitest'
import type {Pod} from '../../../src/model/k8s.ts'
import type {UpgradeFinding} from '../../../src/model/reports/upgrade-plan.ts'
import type {UpgradeSnapshot} from '../../../src/model/upgrade.ts'
import {drainBlockers} from '../../../src/upgrade/drain-blockers.ts'
import {groupPools} from '../../../src/upgrade/pools.ts'
import {makePod} from '../../fakes/builders.ts'
import {daemonSet, deployment, mounting, parts, pdb, poolNode, statefulSet, upgradeSnapshot, volume, withEmptyDir} from '../../fixtures/upgrade/cluster.ts'

const nodes = [
  poolNode('n1', {pool: 'general', zone: 'a'}),
  poolNode('n2', {pool: 'general', zone: 'b'}),
  poolNode('n3', {pool: 'general', zone: 'c'}),
]

/** A healthy web tier: a 3-replica Deployment spread over three nodes, with a PDB allowing one disruption. */
function healthy(o: Partial<UpgradeSnapshot> = {}): UpgradeSnapshot {
  const web = deployment('web', ['n1', 'n2', 'n3'])
  return upgradeSnapshot({nodes, ...web, pdbs: [pdb('web-pdb', {maxUnavailable: 1, allowed: 1})], ...o})
}

const checks = (fs: UpgradeFinding[]) => fs.map(f => f.check)

describe('drainBlockers: nothing to say', () => {
  it('says nothing about a 3-replica Deployment under a healthy PDB', () => {
    expect(drainBlockers(healthy())).toEqual([])
  })

  it('leaves DaemonSet, mirror and finished pods out: drain does not evict them', () => {
    const ds = daemonSet('node-exporter', ['n1', 'n2'], {namespace: 'default'})
    ds.pods = ds.pods.map(p => withEmptyDir(p))
    const mirror: Pod = {...makePod('kube-apiserver-n1', {nodeName: 'n1', namespace: 'kube-system'}), metadata: {name: 'kube-apiserver-n1', namespace: 'kube-system', annotations: {'kubernetes.io/config.mirror': 'abc'}}}
    const done = makePod('migrate-once', {nodeName: 'n2', phase: 'Succeeded'})
    const web = deployment('web', ['n1', 'n2', 'n3'])
    const snap = upgradeSnapshot({
      nodes, ...parts(web, ds), pods: [...web.pods, ...ds.pods, mirror, withEmptyDir(done)],
      // A budget over the DaemonSet's pods that allows nothing gates no drain either.
      pdbs: [pdb('web-pdb', {maxUnavailable: 1}), pdb('node-exporter-pdb', {maxUnavailable: 0, allowed: 0})],
    })
    expect(drainBlockers(snap)).toEqual([])
  })
})

describe('drainBlockers: PDBs', () => {
  it('reports a budget at 0 now, with its numbers, nodes and pods', () => {
    const snap = healthy({pdbs: [pdb('web-pdb', {minAvailable: 2, allowed: 0, currentHealthy: 2, desiredHealthy: 2})]})
    const [f, ...rest] = drainBlockers(snap)
    expect(rest).toEqual([])
    expect(f).toMatchObject({
      check: 'pdb-blocks-drain', severity: 'blocker', pool: 'general', nodes: ['n1', 'n2', 'n3'],
      object: {apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', namespace: 'default', name: 'web-pdb'},
      source: {type: 'cluster', signal: 'object'},
    })
    expect(f!.pods?.map(p => p.name)).toEqual(['web-5d8f-0', 'web-5d8f-1', 'web-5d8f-2'])
    expect(f!.message).toContain('allows 0 disruptions now (needs 2 healthy, has 2)')
    expect(f!.fix).toContain('add replicas')
  })

  it('points at the not-Ready pods when they are why the budget is at 0', () => {
    const snap = healthy({pdbs: [pdb('web-pdb', {minAvailable: 2, allowed: 0, currentHealthy: 1, desiredHealthy: 2})]})
    expect(drainBlockers(snap)[0]!.fix).toContain('unhealthyPodEvictionPolicy: AlwaysAllow')
  })

  it.each([
    ['maxUnavailable 0', {maxUnavailable: 0}, 'sets maxUnavailable: 0'],
    ['maxUnavailable "0%"', {maxUnavailable: '0%'}, 'sets maxUnavailable: "0%"'],
    ['minAvailable equal to the pods', {minAvailable: 3}, 'sets minAvailable: 3, and it selects 3 pods'],
    ['minAvailable above the pods', {minAvailable: 5}, 'sets minAvailable: 5, and it selects 3 pods'],
    ['minAvailable 100%', {minAvailable: '100%'}, 'sets minAvailable: 100%, which is 3 of the 3 replicas it covers'],
    ['minAvailable 90%, rounded up', {minAvailable: '90%'}, 'sets minAvailable: 90%, which is 3 of the 3 replicas it covers'],
  ])('reports a budget that can never allow an eviction: %s', (_, spec, words) => {
    const snap = healthy({pdbs: [pdb('web-pdb', {...spec, allowed: 0})]})
    const findings = drainBlockers(snap)
    // Only the structural finding: "0 now" says the same thing less usefully.
    expect(checks(findings)).toEqual(['pdb-never-allows'])
    expect(findings[0]!.severity).toBe('blocker')
    expect(findings[0]!.message).toContain(words)
    expect(findings[0]!.message).toContain('draining 3 nodes (n1, n2 and n3) never completes')
  })

  it.each([
    ['maxUnavailable 1', {maxUnavailable: 1}],
    ['maxUnavailable 10% (rounds up to one pod)', {maxUnavailable: '10%'}],
    ['minAvailable 2 of 3', {minAvailable: 2}],
    ['minAvailable 50%', {minAvailable: '50%'}],
  ])('says nothing of a budget that allows an eviction: %s', (_, spec) => {
    expect(drainBlockers(healthy({pdbs: [pdb('web-pdb', spec)]}))).toEqual([])
  })

  it('scales a percentage by the controller\'s replicas, not by the pods that happen to exist', () => {
    // 4 replicas wanted, 3 pods running: 75% of 4 is 3, one fewer than the scale.
    const web = deployment('web', ['n1', 'n2', 'n3'], {replicas: 4})
    const snap = upgradeSnapshot({nodes, ...web, pdbs: [pdb('web-pdb', {minAvailable: '75%'})]})
    expect(drainBlockers(snap)).toEqual([])
    const three = deployment('web', ['n1', 'n2', 'n3'], {replicas: 3})
    expect(checks(drainBlockers(upgradeSnapshot({nodes, ...three, pdbs: [pdb('web-pdb', {minAvailable: '75%'})]})))).toEqual(['pdb-never-allows'])
  })

  it('counts each pod once per PDB, even when the snapshot repeats it', () => {
    const web = deployment('web', ['n1', 'n2', 'n3'])
    const snap = upgradeSnapshot({nodes, ...web, pods: [...web.pods, ...web.pods], pdbs: [pdb('web-pdb', {minAvailable: 4})]})
    const [f] = drainBlockers(snap)
    expect(f!.message).toContain('sets minAvailable: 4, and it selects 3 pods')
    expect(f!.pods).toHaveLength(3)
  })

  it('reports a PDB whose selector matches nothing in its namespace (as a warning)', () => {
    const other = deployment('api', ['n1'], {namespace: 'other', replicas: 2})
    const snap = healthy({
      pods: [...healthy().pods, ...other.pods],
      pdbs: [
        pdb('web-pdb', {maxUnavailable: 1}),
        pdb('typo-pdb', {selector: {matchLabels: {app: 'wbe'}}}),
        // Pods labelled app=api exist, but in another namespace.
        pdb('api-pdb', {selector: {matchLabels: {app: 'api'}}}),
      ],
    })
    const findings = drainBlockers(snap)
    expect(findings.map(f => [f.check, f.severity, f.object.name])).toEqual([
      ['pdb-selects-nothing', 'warning', 'typo-pdb'],
      ['pdb-selects-nothing', 'warning', 'api-pdb'],
    ])
    expect(findings[0]!.message).toBe('PDB default/typo-pdb selects no running pod in namespace default (selector app=wbe), so what it was meant to protect has no budget during the upgrade')
  })

  it('reads a null selector as selecting nothing, and the policy/v1beta1 empty selector too', () => {
    const sentinel = {matchExpressions: [{key: 'pdb.kubernetes.io/deprecated-v1beta1-empty-selector-match', operator: 'Exists'}]}
    const snap = healthy({pdbs: [pdb('web-pdb', {maxUnavailable: 1}), pdb('none-pdb', {selector: null}), pdb('old-pdb', {selector: sentinel})]})
    const findings = drainBlockers(snap)
    expect(findings.map(f => [f.check, f.object.name])).toEqual([['pdb-selects-nothing', 'none-pdb'], ['pdb-selects-nothing', 'old-pdb']])
    expect(findings[0]!.message).toContain('has no selector, which selects no pod')
    expect(findings[1]!.message).toContain('written with an empty selector through policy/v1beta1')
  })

  it('reads an empty selector {} as every pod of the namespace, so it overlaps any other PDB there', () => {
    const snap = healthy({pdbs: [pdb('web-pdb', {maxUnavailable: 1}), pdb('all-pdb', {selector: {}, maxUnavailable: 1})]})
    const findings = drainBlockers(snap)
    expect(checks(findings)).toEqual(['pdb-overlap'])
    const [f] = findings
    expect(f).toMatchObject({severity: 'blocker', object: {name: 'all-pdb'}, nodes: ['n1', 'n2', 'n3'], pool: 'general'})
    expect(f!.pods).toHaveLength(3)
    expect(f!.message).toBe('3 pods (default/web-5d8f-0, default/web-5d8f-1 and default/web-5d8f-2) are under 2 PDBs (all-pdb and web-pdb): eviction answers 500 "This pod has more than one PodDisruptionBudget" and the drain of n1, n2 and n3 fails')
  })

  it('groups overlapping pods by the PDBs over them', () => {
    const web = deployment('web', ['n1', 'n2'])
    const api = deployment('api', ['n3'], {replicas: 2, labels: {app: 'api', tier: 'front'}})
    const snap = upgradeSnapshot({
      nodes, ...parts(web, api),
      pdbs: [
        pdb('web-pdb'), pdb('api-pdb'),
        pdb('front-pdb', {selector: {matchExpressions: [{key: 'app', operator: 'In', values: ['web', 'api']}]}}),
      ],
    })
    const findings = drainBlockers(snap)
    expect(findings.map(f => [f.check, f.message.split(':')[0]])).toEqual([
      ['pdb-overlap', '2 pods (default/web-5d8f-0 and default/web-5d8f-1) are under 2 PDBs (front-pdb and web-pdb)'],
      ['pdb-overlap', '1 pod (default/api-5d8f-0) is under 2 PDBs (api-pdb and front-pdb)'],
    ])
  })
})

describe('drainBlockers: pods', () => {
  it('reports a pod without a controller as a blocker (drain needs --force and loses it)', () => {
    const bare = makePod('debug', {nodeName: 'n2'})
    // An owner that is not the controller does not make the pod managed (metav1.GetControllerOf).
    const owned = {...makePod('owned', {nodeName: 'n3'}), metadata: {name: 'owned', namespace: 'default', ownerReferences: [{apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'u'}]}}
    const pending = makePod('pending')
    const snap = healthy({pods: [...healthy().pods, bare, owned, pending]})
    const findings = drainBlockers(snap)
    expect(findings.map(f => [f.check, f.severity, f.object.name, f.nodes])).toEqual([
      ['unmanaged-pod', 'blocker', 'debug', ['n2']],
      ['unmanaged-pod', 'blocker', 'owned', ['n3']],
    ])
    expect(findings[0]!.object).toEqual({apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'debug'})
  })

  it('reports emptyDir data once per workload, Memory medium included', () => {
    const cache = deployment('cache', ['n1', 'n2'])
    cache.pods = cache.pods.map((p, i) => withEmptyDir(p, i ? 'scratch' : 'data', i ? 'Memory' : undefined))
    const snap = healthy({...parts(healthy(), cache)})
    const findings = drainBlockers(snap)
    expect(findings.map(f => [f.check, f.severity, f.object])).toEqual([
      ['local-storage', 'warning', {apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'cache'}],
    ])
    expect(findings[0]!.pods).toHaveLength(2)
    expect(findings[0]!.message).toBe('Deployment default/cache keeps data in emptyDir volumes data and scratch (2 pods): a drain deletes it (kubectl drain needs --delete-emptydir-data)')
  })

  it('reports single-replica Deployments and StatefulSets, not bigger ones', () => {
    const one = deployment('solo', ['n2'])
    const db = statefulSet('db', ['n3'])
    const three = statefulSet('kafka', ['n1', 'n2', 'n3'])
    const snap = healthy({...parts(healthy(), one, db, three)})
    const findings = drainBlockers(snap)
    expect(findings.map(f => [f.check, f.severity, f.object.kind, f.object.name, f.nodes])).toEqual([
      ['single-replica', 'warning', 'Deployment', 'solo', ['n2']],
      ['single-replica', 'warning', 'StatefulSet', 'db', ['n3']],
    ])
    expect(findings[0]!.message).toBe('Deployment default/solo runs 1 replica (on n2): draining that node takes it down until its replacement is Ready')
  })
})

describe('drainBlockers: volumes that cannot follow the pod', () => {
  function withVolume(v: ReturnType<typeof volume>, node = 'n1', o: {nodes?: typeof nodes} = {}): UpgradeSnapshot {
    const db = statefulSet('db', [node], {replicas: 2})
    db.pods = db.pods.map(p => mounting(p, v.pvc.metadata.name!))
    return upgradeSnapshot({nodes: o.nodes ?? nodes, ...db, pvcs: [v.pvc], pvs: [v.pv]})
  }

  it('reports a pod on a local PV, a hostPath PV or a PV pinned to its host', () => {
    for (const v of [volume('data-local', {local: true, hostname: 'n1'}), volume('data-hp', {hostPath: true}), volume('data-host', {hostname: 'n1'})]) {
      const findings = drainBlockers(withVolume(v))
      expect(findings.map(f => [f.check, f.severity, f.object.name, f.nodes])).toEqual([['zonal-volume', 'warning', 'db-0', ['n1']]])
      expect(findings[0]!.message).toContain('keeps its data on node n1')
    }
    expect(drainBlockers(withVolume(volume('data-local', {local: true, hostname: 'n1'})))[0]!.message)
      .toBe('pod default/db-0 keeps its data on node n1 (claim data-local (local volume pvc-data-local)): draining n1 leaves it Pending until n1 is back, and replacing n1 loses the data')
  })

  it('reports a zonal volume when no other node the pod may use is in its zone', () => {
    const findings = drainBlockers(withVolume(volume('data', {zone: 'a', zoneKey: 'topology.ebs.csi.aws.com/zone'})))
    expect(findings.map(f => [f.check, f.object.name, f.pool])).toEqual([['zonal-volume', 'db-0', 'general']])
    expect(findings[0]!.message).toBe('pod default/db-0 uses claim data (volume in a pvc-data), and no other node it may use is in a: draining n1 leaves it Pending')
  })

  it('says nothing when another node in the zone can take the pod, in any pool', () => {
    const more = [...nodes, poolNode('m1', {pool: 'other', zone: 'a', labels: {'topology.ebs.csi.aws.com/zone': 'a'}})]
    expect(drainBlockers(withVolume(volume('data', {zone: 'a'}), 'n1', {nodes: more}))).toEqual([])
  })

  it('does not count a node of that zone the pod may not use (tainted or cordoned)', () => {
    const tainted = [...nodes, poolNode('m1', {pool: 'gpu', zone: 'a', taints: [{key: 'nvidia.com/gpu', effect: 'NoSchedule'}]})]
    expect(checks(drainBlockers(withVolume(volume('data', {zone: 'a'}), 'n1', {nodes: tainted})))).toEqual(['zonal-volume'])
    const cordoned = [...nodes, poolNode('m1', {pool: 'general', zone: 'a', unschedulable: true})]
    expect(checks(drainBlockers(withVolume(volume('data', {zone: 'a'}), 'n1', {nodes: cordoned})))).toEqual(['zonal-volume'])
  })

  it('names pools by the plan\'s pools when they are given', () => {
    const snap = withVolume(volume('data', {zone: 'a'}))
    const labelled = snap.nodes.map(n => ({...n, metadata: {...n.metadata, labels: {...n.metadata.labels, tier: 'storage'}}}))
    const [f] = drainBlockers({...snap, nodes: labelled}, groupPools(labelled, 'tier'))
    expect(f!.pool).toBe('storage')
  })
})
