import {describe, expect, it} from 'vitest'
import {indexOwners, topOwner} from '../../../src/model/owners.ts'
import type {Workload} from '../../../src/model/k8s.ts'
import {pod} from '../../fakes/builders.ts'

const ref = (kind: string, name: string, uid: string) => ({apiVersion: 'apps/v1', kind, name, uid, controller: true})
const deployment: Workload = {kind: 'Deployment', metadata: {name: 'api', namespace: 'web', uid: 'uid-d'}, spec: {replicas: 3}, status: {replicas: 0}}
const rs = (o: Partial<Workload['status']> = {}): Workload => ({kind: 'ReplicaSet', metadata: {name: 'api-7d9f', namespace: 'web', uid: 'uid-rs', ownerReferences: [ref('Deployment', 'api', 'uid-d')]}, spec: {replicas: 3}, status: {replicas: 0, ...o}})

describe('topOwner', () => {
  it('follows Pod -> ReplicaSet -> Deployment', () => {
    const p = pod({meta: {ownerReferences: [ref('ReplicaSet', 'api-7d9f', 'uid-rs')]}})
    expect(topOwner(p, [deployment, rs()])).toEqual({kind: 'Deployment', name: 'api'})
  })

  it('follows Job -> CronJob even when the CronJob was not collected', () => {
    const job: Workload = {kind: 'Job', metadata: {name: 'report-28610', namespace: 'web', uid: 'uid-j', ownerReferences: [{apiVersion: 'batch/v1', kind: 'CronJob', name: 'report', uid: 'uid-cj', controller: true}]}}
    const p = pod({meta: {ownerReferences: [{apiVersion: 'batch/v1', kind: 'Job', name: 'report-28610', uid: 'uid-j', controller: true}]}})
    expect(topOwner(p, [job])).toEqual({kind: 'CronJob', name: 'report'})
  })

  it('is null for a bare pod', () => {
    expect(topOwner(pod(), [deployment])).toBeNull()
  })

  it('finds the same owner through an index as by scanning the list: the first that matches by uid, or by kind and name without one', () => {
    const ns = (w: Workload, namespace: string | undefined, uid?: string): Workload => ({...w, metadata: {...w.metadata, namespace, uid}})
    const lists: Workload[][] = [
      [deployment, rs()],
      // An older ReplicaSet of the same name without a uid comes first: it matches a reference with a uid too.
      [ns(rs(), 'web', undefined), rs(), deployment],
      [rs(), ns(rs(), 'web', undefined), deployment],
      // The same names in another namespace, or none, do not match.
      [ns(rs(), 'other'), ns(rs(), undefined), ns(deployment, 'other', 'uid-d')],
      [],
    ]
    const pods = [
      pod({meta: {ownerReferences: [ref('ReplicaSet', 'api-7d9f', 'uid-rs')]}}),
      pod({meta: {ownerReferences: [{apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'api-7d9f', uid: ''}]}}),
      pod({meta: {ownerReferences: [ref('ReplicaSet', 'api-7d9f', 'uid-other')]}}),
    ]
    for (const list of lists) {
      const index = indexOwners(list)
      for (const p of pods) expect(topOwner(p, index)).toEqual(topOwner(p, list))
    }
    expect(topOwner(pods[1]!, indexOwners(lists[0]!))).toEqual({kind: 'Deployment', name: 'api'})
    expect(topOwner(pods[2]!, indexOwners(lists[0]!))).toEqual({kind: 'ReplicaSet', name: 'api-7d9f'})
  })
})
