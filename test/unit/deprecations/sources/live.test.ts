// How live objects were written: the last-applied annotation and every managedFields entry,
// from objects as a real 1.36 API server returns them.
import {describe, expect, it} from 'vitest'
import {liveUses} from '../../../../src/deprecations/sources/live.ts'
import {leanApiObject} from '../../../../src/kube/upgrade-snapshot.ts'
import type {KubeObject} from '../../../../src/model/k8s.ts'
import type {ManagedFieldsEntry} from '../../../../src/model/upgrade.ts'

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'
const OWNS_ANNOTATION = {'f:metadata': {'f:annotations': {'.': {}, [`f:${LAST_APPLIED}`]: {}}}}

type Obj = KubeObject & {metadata: KubeObject['metadata'] & {managedFields?: ManagedFieldsEntry[]}}

// `kubectl apply` of a storage.k8s.io/v1beta1 VolumeAttributesClass, listed at storage.k8s.io/v1 (as returned by v1.36.4).
const applied: Obj = {
  apiVersion: 'storage.k8s.io/v1', kind: 'VolumeAttributesClass',
  metadata: {
    name: 'vac-old', uid: 'bc3b0330-0eb8-4f26-bcb4-3287f473d824', creationTimestamp: '2026-12-03T11:53:23Z',
    annotations: {[LAST_APPLIED]: '{"apiVersion":"storage.k8s.io/v1beta1","driverName":"example.csi.k8s.io","kind":"VolumeAttributesClass","metadata":{"annotations":{},"name":"vac-old"},"parameters":{"iops":"3000"}}\n'},
    managedFields: [{manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'storage.k8s.io/v1beta1', time: '2026-12-03T11:53:23Z', fieldsType: 'FieldsV1',
      fieldsV1: {'f:driverName': {}, ...OWNS_ANNOTATION, 'f:parameters': {'.': {}, 'f:iops': {}}}}],
  },
}

// `kubectl apply --server-side --field-manager=argocd-controller` of a coordination.k8s.io/v1beta1 LeaseCandidate.
const serverSide: Obj = {
  apiVersion: 'coordination.k8s.io/v1beta1', kind: 'LeaseCandidate',
  metadata: {
    name: 'lc-ssa', namespace: 'default', uid: '34d5d28d',
    managedFields: [{manager: 'argocd-controller', operation: 'Apply', apiVersion: 'coordination.k8s.io/v1beta1', time: '2026-12-03T11:53:24Z', fieldsType: 'FieldsV1', fieldsV1: {'f:spec': {'f:leaseName': {}}}}],
  },
}

describe('liveUses', () => {
  it('reads the last-applied annotation (its kind, the manager that wrote it and when) and each managedFields apiVersion', () => {
    expect(liveUses([applied])).toEqual([
      {apiVersion: 'storage.k8s.io/v1beta1', kind: 'VolumeAttributesClass', name: 'vac-old',
        source: {type: 'live', signal: 'last-applied', manager: 'kubectl-client-side-apply', time: '2026-12-03T11:53:23Z'}},
      {apiVersion: 'storage.k8s.io/v1beta1', kind: 'VolumeAttributesClass', name: 'vac-old',
        source: {type: 'live', signal: 'managed-fields', manager: 'kubectl-client-side-apply', time: '2026-12-03T11:53:23Z'}},
    ])
  })

  it('finds a server-side-applied object from its managedFields alone', () => {
    expect(liveUses([serverSide])).toEqual([
      {apiVersion: 'coordination.k8s.io/v1beta1', kind: 'LeaseCandidate', namespace: 'default', name: 'lc-ssa',
        source: {type: 'live', signal: 'managed-fields', manager: 'argocd-controller', time: '2026-12-03T11:53:24Z'}},
    ])
  })

  it('gives one sighting per distinct apiVersion, naming every manager that wrote through it, newest first', () => {
    const obj: Obj = {kind: 'HorizontalPodAutoscaler', metadata: {name: 'web', namespace: 'shop', managedFields: [
      {manager: 'helm', operation: 'Update', apiVersion: 'autoscaling/v2', time: '2026-01-01T00:00:00Z'},
      {manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'autoscaling/v2', time: '2026-03-01T00:00:00Z', subresource: 'status'},
      {manager: 'old-operator', operation: 'Update', apiVersion: 'autoscaling/v2beta2', time: '2025-06-01T00:00:00Z'},
      {manager: 'argocd-controller', operation: 'Apply', apiVersion: 'autoscaling/v2', time: '2026-02-01T00:00:00Z'},
    ]}}
    expect(liveUses([obj]).map(u => [u.apiVersion, u.source.manager, u.source.time])).toEqual([
      ['autoscaling/v2', 'kube-controller-manager, argocd-controller, helm', '2026-03-01T00:00:00Z'],
      ['autoscaling/v2beta2', 'old-operator', '2025-06-01T00:00:00Z'],
    ])
  })

  it('says when the annotation may be stale: another manager wrote the object later, through another apiVersion', () => {
    const cron: Obj = {kind: 'CronJob', metadata: {name: 'report', namespace: 'jobs',
      annotations: {[LAST_APPLIED]: '{"apiVersion":"batch/v1beta1","kind":"CronJob","metadata":{"name":"report"}}'},
      managedFields: [
        {manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'batch/v1beta1', time: '2024-01-01T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: OWNS_ANNOTATION},
        {manager: 'argocd-controller', operation: 'Apply', apiVersion: 'batch/v1', time: '2025-05-01T10:00:00Z'},
        {manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'batch/v1', time: '2026-01-01T10:00:00Z', subresource: 'status'},
      ]}}
    const [lastApplied] = liveUses([cron])
    expect(lastApplied).toMatchObject({apiVersion: 'batch/v1beta1', kind: 'CronJob', source: {signal: 'last-applied', manager: 'kubectl-client-side-apply', time: '2024-01-01T10:00:00Z'}})
    expect(lastApplied!.source.stale).toBe('the annotation was written at 2024-01-01T10:00:00Z by kubectl-client-side-apply; argocd-controller wrote the object later, through batch/v1, at 2025-05-01T10:00:00Z')
  })

  it('says so when no manager holds the annotation any more and the object was written through another version (kubectl apply --server-side after kubectl apply)', () => {
    // As v1.36.4 returns it after `kubectl apply` through v1beta1, then `kubectl apply --server-side --field-manager=argocd-controller` through v1.
    const migrated: Obj = {kind: 'VolumeAttributesClass', metadata: {name: 'vac-stale', uid: '68dd01f8',
      annotations: {[LAST_APPLIED]: '{"apiVersion":"storage.k8s.io/v1beta1","driverName":"example.csi.k8s.io","kind":"VolumeAttributesClass","metadata":{"annotations":{},"name":"vac-stale"},"parameters":{"iops":"3000"}}\n'},
      managedFields: [{apiVersion: 'storage.k8s.io/v1', fieldsType: 'FieldsV1', fieldsV1: {'f:driverName': {}, 'f:metadata': {'f:labels': {'f:synced': {}}}, 'f:parameters': {'f:iops': {}}},
        manager: 'argocd-controller', operation: 'Apply', time: '2026-12-03T12:00:39Z'}]}}
    const [lastApplied, managed] = liveUses([migrated])
    expect(lastApplied).toEqual({apiVersion: 'storage.k8s.io/v1beta1', kind: 'VolumeAttributesClass', name: 'vac-stale', source: {type: 'live', signal: 'last-applied',
      stale: 'no field manager holds the annotation any more; argocd-controller last wrote the object, through storage.k8s.io/v1, at 2026-12-03T12:00:39Z'}})
    expect(managed).toMatchObject({apiVersion: 'storage.k8s.io/v1', source: {signal: 'managed-fields', manager: 'argocd-controller'}})
    // Without managedFields (objects older than field tracking, or stripped) nothing can be said either way.
    const stripped: Obj = {...migrated, metadata: {...migrated.metadata, managedFields: []}}
    expect(liveUses([stripped])[0]!.source.stale).toBeUndefined()
    // An unheld annotation that the writes since confirm is not stale.
    const confirmed: Obj = {...migrated, metadata: {...migrated.metadata, managedFields: [{...migrated.metadata.managedFields![0]!, apiVersion: 'storage.k8s.io/v1beta1'}]}}
    expect(liveUses([confirmed])[0]!.source.stale).toBeUndefined()
  })

  it('does not call the annotation stale for later writes to a subresource or through the same apiVersion', () => {
    const mf = (extra: ManagedFieldsEntry[]): Obj => ({kind: 'CronJob', metadata: {name: 'report', namespace: 'jobs',
      annotations: {[LAST_APPLIED]: '{"apiVersion":"batch/v1beta1","kind":"CronJob"}'},
      managedFields: [{manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'batch/v1beta1', time: '2024-01-01T10:00:00Z', fieldsV1: OWNS_ANNOTATION}, ...extra]}})
    const stale = (o: Obj) => liveUses([o]).find(u => u.source.signal === 'last-applied')!.source.stale
    expect(stale(mf([{manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'batch/v1', time: '2026-01-01T10:00:00Z', subresource: 'status'}]))).toBeUndefined()
    expect(stale(mf([{manager: 'kubectl-edit', operation: 'Update', apiVersion: 'batch/v1beta1', time: '2026-01-01T10:00:00Z'}]))).toBeUndefined()
    expect(stale(mf([{manager: 'kubectl-edit', operation: 'Update', apiVersion: 'batch/v1', time: '2023-01-01T10:00:00Z'}]))).toBeUndefined()
    expect(stale(mf([{manager: 'kubectl-edit', operation: 'Update', apiVersion: 'batch/v1', time: '2026-01-01T10:00:00Z'}]))).toMatch(/kubectl-edit wrote the object later, through batch\/v1/)
  })

  it('takes the kind from the annotation when it names one, else the object\'s; reads nothing from an annotation without apiVersion', () => {
    const noKind: Obj = {kind: 'Ingress', metadata: {name: 'a', namespace: 'n', annotations: {[LAST_APPLIED]: '{"apiVersion":"extensions/v1beta1"}'}}}
    expect(liveUses([noKind])).toEqual([{apiVersion: 'extensions/v1beta1', kind: 'Ingress', namespace: 'n', name: 'a', source: {type: 'live', signal: 'last-applied'}}])
    for (const annotation of ['not json', '{"kind":"Ingress"}', '[]', 'null', '']) {
      expect(liveUses([{kind: 'Ingress', metadata: {name: 'a', annotations: {[LAST_APPLIED]: annotation}}}]), annotation).toEqual([])
    }
  })

  it('reads the objects the collector keeps (leanApiObject) as it reads whole ones', () => {
    const many: Obj = {...applied, metadata: {...applied.metadata, managedFields: [
      ...applied.metadata.managedFields!,
      {manager: 'argocd-controller', operation: 'Apply', apiVersion: 'storage.k8s.io/v1', time: '2026-12-04T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: {'f:parameters': {'f:iops': {}}}},
    ]}}
    const lean = leanApiObject(many, 'storage.k8s.io/v1', 'VolumeAttributesClass')
    expect(liveUses([lean])).toEqual(liveUses([many]))
    expect(liveUses([lean])[0]!.source.stale).toMatch(/argocd-controller wrote the object later/)
  })

  it('reads an object with one managedFields entry as it reads one whose entries all say the same', () => {
    // One entry takes a shorter way; the same entry twice takes the general one: the same sightings.
    const entries: ManagedFieldsEntry[] = [
      {manager: 'kubectl', operation: 'Update', apiVersion: 'apps/v1', time: '2026-01-01T00:00:00Z'},
      {manager: '', operation: 'Apply', apiVersion: 'apps/v1beta1', time: ''},
      {operation: 'Update', apiVersion: 'apps/v1beta2'},
      {manager: 'helm', operation: 'Update', time: '2026-01-01T00:00:00Z'},
      {manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'extensions/v1beta1', time: '2026-01-02T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: OWNS_ANNOTATION},
    ]
    for (const e of entries) {
      for (const kind of ['Deployment', undefined]) {
        const obj = (managedFields: ManagedFieldsEntry[]): Obj => ({
          ...(kind ? {kind} : {}),
          metadata: {name: 'web', namespace: 'shop', annotations: {[LAST_APPLIED]: '{"apiVersion":"extensions/v1beta1","kind":"Deployment"}'}, managedFields},
        })
        expect(liveUses([obj([e])])).toEqual(liveUses([obj([e, {...e}])]))
      }
    }
  })

  it('gives only the sightings asked for, and the same as it gives unasked', () => {
    const objects = [applied, serverSide]
    const wanted = (apiVersion: string, kind: string | undefined) => apiVersion.endsWith('v1beta1') && kind !== 'LeaseCandidate'
    const all = liveUses(objects)
    const some = liveUses(objects, {wanted})
    expect(some).toEqual(all.filter(u => wanted(u.apiVersion, u.kind)))
    expect(some.length).toBeGreaterThan(0)
    expect(some.length).toBeLessThan(all.length)
  })
})
