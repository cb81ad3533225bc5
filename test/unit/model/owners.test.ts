import {describe, expect, it} from 'vitest'
import {topOwner} from '../../../src/model/owners.ts'
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
})

