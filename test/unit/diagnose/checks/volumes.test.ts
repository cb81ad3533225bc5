import {describe, expect, it} from 'vitest'
import {checkVolumes, claimNames} from '../../../../src/diagnose/checks/volumes.ts'
import type {PersistentVolume, PersistentVolumeClaim, Pod, StorageClass} from '../../../../src/model/k8s.ts'
import {event, index, node, pod, snapshot} from '../../../fakes/builders.ts'

const withClaim = (extra: Partial<Pod['spec']> = {}) => pod({spec: {volumes: [{name: 'data', persistentVolumeClaim: {claimName: 'data-db-0'}}], ...extra}})
const claim = (storageClassName?: string | null, phase = 'Pending', volumeName?: string): PersistentVolumeClaim =>
  ({kind: 'PersistentVolumeClaim', metadata: {name: 'data-db-0', namespace: 'web', uid: 'uid-pvc', creationTimestamp: '2025-06-01T11:00:00Z'}, spec: {storageClassName, volumeName}, status: {phase}})
const sc = (name: string, provisioner: string, o: {mode?: string; isDefault?: boolean} = {}): StorageClass =>
  ({kind: 'StorageClass', metadata: {name, annotations: o.isDefault ? {'storageclass.kubernetes.io/is-default-class': 'true'} : {}}, provisioner, volumeBindingMode: o.mode ?? 'Immediate'})
const pvcEvent = (reason: string, message: string, reporter = 'persistentvolume-controller', uid = 'uid-pvc') =>
  event({kind: 'PersistentVolumeClaim', name: 'data-db-0', uid}, reason, message, {reporter, type: reason === 'ExternalProvisioning' ? 'Normal' : 'Warning'})

describe('claims of a Pending pod', () => {
  it('reports a claim that does not exist', () => {
    const {causes} = checkVolumes(withClaim(), snapshot(), index())
    expect(causes).toHaveLength(1)
    expect(causes[0]).toMatchObject({category: 'pvc-unbound', summary: 'PersistentVolumeClaim data-db-0 used by the pod does not exist in namespace web'})
  })

  it('names the claim of a generic ephemeral volume', () => {
    expect(claimNames(pod({name: 'job-x', spec: {volumes: [{name: 'scratch', ephemeral: {}}]}}))).toEqual(['job-x-scratch'])
  })

  it('reports a claim without class when no StorageClass is default', () => {
    const {causes} = checkVolumes(withClaim(), snapshot({pvcs: [claim(undefined)], storageClasses: [sc('gp3', 'ebs.csi.aws.com')]}),
      index(pvcEvent('FailedBinding', 'no persistent volumes available for this claim and no storage class is set')))
    expect(causes[0]?.summary).toBe('claim data-db-0 sets no storageClassName and the cluster has no default StorageClass, so nothing provisions it')
    expect(causes[0]?.fix).toContain('storageclass.kubernetes.io/is-default-class=true')
    expect(causes[0]?.evidence.map(e => e.reason)).toEqual(['Pending', 'FailedBinding'])
  })

  it('explains FailedBinding for a claim with storageClassName ""', () => {
    const {causes} = checkVolumes(withClaim(), snapshot({pvcs: [claim('')], storageClasses: [sc('gp3', 'ebs.csi.aws.com', {isDefault: true})]}),
      index(pvcEvent('FailedBinding', 'no persistent volumes available for this claim and no storage class is set')))
    expect(causes[0]?.summary).toBe('no PersistentVolume is available for claim data-db-0 and it has no storage class to provision one')
  })

  it('reports a StorageClass that does not exist', () => {
    const {causes} = checkVolumes(withClaim(), snapshot({pvcs: [claim('fast-ssd')], storageClasses: [sc('gp3', 'ebs.csi.aws.com')]}), index())
    expect(causes[0]).toMatchObject({category: 'pvc-unbound', summary: 'StorageClass fast-ssd named by claim data-db-0 does not exist'})
  })

  it('names the external provisioner in the <=1.27 wording', () => {
    const e = pvcEvent('ExternalProvisioning', 'waiting for a volume to be created, either by external provisioner "ebs.csi.aws.com" or manually created by system administrator')
    const {causes, waiting} = checkVolumes(withClaim(), snapshot({pvcs: [claim('gp3')], storageClasses: [sc('gp3', 'ebs.csi.aws.com')]}), index(e))
    expect(causes[0]?.summary).toMatch(/^claim data-db-0 waits for external provisioner ebs\.csi\.aws\.com to create its volume/)
    expect(waiting).toBe(false)
  })

  it('names the external provisioner in the 1.28+ wording', () => {
    const e = pvcEvent('ExternalProvisioning', "Waiting for a volume to be created either by the external provisioner 'disk.csi.azure.com' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.")
    const {causes} = checkVolumes(withClaim(), snapshot({pvcs: [claim('managed')], storageClasses: [sc('managed', 'other.example.com')]}), index(e))
    expect(causes[0]?.fix).toBe('check that provisioner disk.csi.azure.com (its CSI controller pods) is running and registered, and read its logs')
  })

  it('quotes a provisioning failure', () => {
    const e = pvcEvent('ProvisioningFailed', 'failed to provision volume with StorageClass "rook-ceph-block": rpc error: code = DeadlineExceeded desc = context deadline exceeded', 'rook-ceph.rbd.csi.ceph.com_csi-rbdplugin-provisioner-0')
    const {causes} = checkVolumes(withClaim(), snapshot({pvcs: [claim('rook-ceph-block')], storageClasses: [sc('rook-ceph-block', 'rook-ceph.rbd.csi.ceph.com')]}), index(e))
    expect(causes[0]?.summary).toBe('provisioner rook-ceph.rbd.csi.ceph.com fails to create the volume of claim data-db-0: rpc error: code = DeadlineExceeded desc = context deadline exceeded')
  })

  it('ignores events about an older claim of the same name', () => {
    const e = pvcEvent('ProvisioningFailed', 'failed to provision volume with StorageClass "gp3": old', 'ebs', 'uid-older-pvc')
    const {causes} = checkVolumes(withClaim(), snapshot({pvcs: [claim('gp3')], storageClasses: [sc('gp3', 'ebs.csi.aws.com')]}), index(e))
    expect(causes[0]?.summary).toMatch(/^claim data-db-0 is Pending with no events/)
  })
})

describe('WaitForFirstConsumer', () => {
  const snap = () => snapshot({pvcs: [claim('gp3-wffc')], storageClasses: [sc('gp3-wffc', 'ebs.csi.aws.com', {mode: 'WaitForFirstConsumer'})]})

  it('is an expected wait before scheduling', () => {
    const {causes, waiting} = checkVolumes(withClaim(), snap(), index(pvcEvent('WaitForFirstConsumer', 'waiting for first consumer to be created before binding')))
    expect(waiting).toBe(true)
    expect(causes[0]?.category).toBe('volume-binding')
  })

  it('never ends when spec.nodeName bypasses the scheduler', () => {
    const {causes, waiting} = checkVolumes(withClaim({nodeName: 'node-a'}), snap(), index())
    expect(waiting).toBe(false)
    expect(causes[0]?.summary).toBe('the pod sets spec.nodeName, which bypasses the scheduler, so WaitForFirstConsumer claim data-db-0 is never bound')
  })
})

describe('bound volumes and node affinity', () => {
  const pv = (zone: string): PersistentVolume => ({kind: 'PersistentVolume', metadata: {name: 'pvc-9f8e'}, spec: {
    claimRef: {namespace: 'web', name: 'data-db-0'},
    nodeAffinity: {required: {nodeSelectorTerms: [{matchExpressions: [{key: 'topology.kubernetes.io/zone', operator: 'In', values: [zone]}]}]}},
  }})
  const nodes = [node('node-b1', {labels: {'topology.kubernetes.io/zone': 'us-east-1b'}}), node('node-c1', {labels: {'topology.kubernetes.io/zone': 'us-east-1c'}})]

  it('reports a volume whose zone has no node', () => {
    const {causes} = checkVolumes(withClaim(), snapshot({pvcs: [claim('gp3', 'Bound', 'pvc-9f8e')], pvs: [pv('us-east-1a')], nodes}), index())
    expect(causes).toHaveLength(1)
    expect(causes[0]?.category).toBe('volume-node-affinity')
    expect(causes[0]?.summary).toBe('volume pvc-9f8e of claim data-db-0 can only be used on nodes with zone us-east-1a, and no node has that (nodes are in zones us-east-1b, us-east-1c)')
  })

  it('reports a volume in another zone than the pod allows', () => {
    const p = withClaim({nodeSelector: {'topology.kubernetes.io/zone': 'us-east-1c'}})
    const {causes} = checkVolumes(p, snapshot({pvcs: [claim('gp3', 'Bound', 'pvc-9f8e')], pvs: [pv('us-east-1b')], nodes}), index())
    expect(causes[0]?.summary).toBe("volume pvc-9f8e of claim data-db-0 needs nodes with zone us-east-1b, but the pod's nodeSelector/affinity allows only nodes in zones us-east-1c")
  })

  it('says nothing when a node in the volume zone can take the pod', () => {
    const {causes} = checkVolumes(withClaim(), snapshot({pvcs: [claim('gp3', 'Bound', 'pvc-9f8e')], pvs: [pv('us-east-1b')], nodes}), index())
    expect(causes).toEqual([])
  })

  it('matches node selectors as the scheduler does: Gt compares integers only', () => {
    // A label value Go's strconv.ParseInt rejects ("1e3") never satisfies Gt, though Number() reads it as 1000.
    const gt: PersistentVolume = {kind: 'PersistentVolume', metadata: {name: 'pvc-local'}, spec: {
      claimRef: {namespace: 'web', name: 'data-db-0'},
      nodeAffinity: {required: {nodeSelectorTerms: [{matchExpressions: [{key: 'example.com/disk-gen', operator: 'Gt', values: ['3']}]}]}},
    }}
    const odd = [node('node-x', {labels: {'example.com/disk-gen': '1e3'}})]
    const {causes} = checkVolumes(withClaim(), snapshot({pvcs: [claim('local', 'Bound', 'pvc-local')], pvs: [gt], nodes: odd}), index())
    expect(causes[0]?.category).toBe('volume-node-affinity')
    const fine = [node('node-y', {labels: {'example.com/disk-gen': '4'}})]
    expect(checkVolumes(withClaim(), snapshot({pvcs: [claim('local', 'Bound', 'pvc-local')], pvs: [gt], nodes: fine}), index()).causes).toEqual([])
  })
})
