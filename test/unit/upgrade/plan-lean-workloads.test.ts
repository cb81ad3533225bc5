// The live collector keeps of each workload only what the checks read (leanWorkload, in
// src/kube/upgrade-snapshot.ts). The plan over the cut workloads must be the plan over the whole
// ones: single replicas, owner chains, PDBs counting their controllers' replicas, gitRepo
// volumes in pod templates, emptyDir data, capacity.
import {describe, expect, it} from 'vitest'
import {buildUpgradePlan} from '../../../src/cli/upgrade-plan.ts'
import {loadTable} from '../../../src/deprecations/table.ts'
import {leanWorkload} from '../../../src/kube/upgrade-snapshot.ts'
import type {Workload} from '../../../src/model/k8s.ts'
import {LAST_APPLIED_ANNOTATION} from '../../../src/model/upgrade.ts'
import {deployment, parts, pdb, poolNode, statefulSet, upgradeSnapshot} from '../../fixtures/upgrade/cluster.ts'

/** A workload as the API server returns it: labels, annotations, managedFields, containers, status. */
function asServed(w: Workload): Workload {
  return {
    ...w,
    metadata: {
      ...w.metadata, labels: {app: w.metadata.name ?? ''}, creationTimestamp: '2026-01-01T00:00:00Z', generation: 3,
      annotations: {[LAST_APPLIED_ANNOTATION]: JSON.stringify({apiVersion: 'apps/v1', kind: w.kind, metadata: {name: w.metadata.name}}), 'deployment.kubernetes.io/revision': '2'},
      managedFields: [{manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'apps/v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: {'f:spec': {}}}],
    } as Workload['metadata'],
    spec: {
      ...w.spec, strategy: {type: 'RollingUpdate'}, revisionHistoryLimit: 10,
      template: {
        ...w.spec?.template,
        spec: {
          containers: [{name: 'app', image: 'registry.example/app:1', env: [{name: 'A', valueFrom: {configMapKeyRef: {name: 'c', key: 'k'}}}], resources: {requests: {cpu: '100m'}}}],
          ...w.spec?.template?.spec,
        },
      },
    },
    status: {replicas: w.spec?.replicas ?? 1, readyReplicas: 1, availableReplicas: 1, conditions: [{type: 'Available', status: 'True'}]},
  }
}

describe('the plan over lean workloads', () => {
  it('is the plan over whole ones', () => {
    const nodes = ['n1', 'n2', 'n3'].map(n => poolNode(n, {pool: 'general', kubelet: 'v1.33.2'}))
    const single = deployment('single', ['n1'], {pod: {requests: {cpu: '3500m'}}})
    const web = deployment('web', ['n1', 'n2', 'n3'], {pod: {requests: {cpu: '1'}}})
    const db = statefulSet('db', ['n2'])
    db.pods = db.pods.map(p => ({...p, spec: {...p.spec, volumes: [{name: 'scratch', emptyDir: {}}]}}))
    const clone = deployment('clone', ['n3'], {replicas: 2})
    clone.workloads[0]!.spec!.template = {metadata: {labels: {app: 'clone'}}, spec: {containers: [], volumes: [{name: 'src', gitRepo: {repository: 'https://example.com/x.git'}}]}} as never
    const all = parts(single, web, db, clone)
    const pdbs = [pdb('web-pdb', {minAvailable: '100%', allowed: 0}), pdb('db-pdb', {maxUnavailable: 0, allowed: 0})]
    const served = all.workloads.map(asServed)
    const plan = (workloads: Workload[]) => buildUpgradePlan({
      table: loadTable(), current: '1.35', target: '1.36', userRows: 0,
      snapshot: upgradeSnapshot({nodes, pods: all.pods, workloads, pdbs, serverVersion: '1.35'}),
    })
    const whole = plan(served)
    const lean = plan(served.map(w => leanWorkload(structuredClone(w), w.kind!)))
    expect(lean).toEqual(whole)
    // The cases are there: what each check reads of a workload made a finding.
    const checks = new Set(whole.findings.map(f => f.check))
    for (const c of ['single-replica', 'pdb-never-allows', 'removed-feature', 'pool-capacity']) expect(checks).toContain(c)
  })

  it('keeps kind, name, namespace, uid, owners, replicas and the pod template\'s volumes, and nothing else', () => {
    const [deploy, rs] = deployment('web', ['n1']).workloads
    rs!.spec!.template = {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'app'}], volumes: [{name: 'v', emptyDir: {}}]}} as never
    expect(leanWorkload(asServed(rs!), 'ReplicaSet')).toEqual({
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: {name: 'web-5d8f', namespace: 'default', uid: rs!.metadata.uid, ownerReferences: rs!.metadata.ownerReferences},
      spec: {replicas: 1, template: {spec: {volumes: [{name: 'v', emptyDir: {}}]}}},
    })
    const listed = asServed(deploy!)
    delete listed.apiVersion
    expect(leanWorkload(listed, 'Deployment')).toEqual({kind: 'Deployment', metadata: {name: 'web', namespace: 'default', uid: deploy!.metadata.uid}, spec: {replicas: 1}})
  })
})
