import {describe, expect, it} from 'vitest'
import {acquireLease, annotateLease, leaseExpiry, microTime, releaseLease, renewLease, walkLeaseName, type Lease} from '../../../src/kube/lease.ts'
import type {Kube, RequestInit} from '../../../src/kube/client.ts'
import {ClusterError} from '../../../src/model/errors.ts'

/** An API server holding Leases, with resourceVersion preconditions as the real one has. */
function leaseServer() {
  const store = new Map<string, Lease>()
  let version = 0
  const writes: string[] = []
  const kube = {
    get: async (path: string) => kube.request(path),
    request: async (path: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET'
      const body = structuredClone(init.body) as Lease
      if (method === 'GET') {
        const l = store.get(path)
        if (!l) throw new ClusterError('not-found', 'not found', undefined, 404)
        return structuredClone(l)
      }
      writes.push(method)
      if (method === 'POST') {
        const key = `${path}/${body.metadata.name}`
        if (store.has(key)) throw new ClusterError('conflict', 'exists', undefined, 409)
        body.metadata.resourceVersion = String(++version)
        store.set(key, body)
        return structuredClone(body)
      }
      const current = store.get(path)
      if (!current || current.metadata.resourceVersion !== body.metadata.resourceVersion) throw new ClusterError('conflict', 'modified', undefined, 409)
      body.metadata.resourceVersion = String(++version)
      store.set(path, body)
      return structuredClone(body)
    },
  }
  return {kube: kube as unknown as Kube, store, writes}
}

const ref = {namespace: 'kube-system', name: walkLeaseName('pool-a')}
const t0 = new Date('2026-03-07T01:00:00Z')
const later = (s: number) => new Date(t0.getTime() + s * 1000)

describe('the walk Lease', () => {
  it('names one Lease per pool, valid even for pool names that are not', () => {
    expect(walkLeaseName('pool-a')).toBe('kubectl-prod-walk-pool-a')
    expect(walkLeaseName('Pool_A')).toMatch(/^kubectl-prod-walk-pool-a-[0-9a-f]{8}$/)
    expect(walkLeaseName('Pool_A')).not.toBe(walkLeaseName('pool_a'))
  })

  it('writes MicroTime with six fractional digits', () => {
    expect(microTime(t0)).toBe('2026-03-07T01:00:00.000000Z')
  })

  it('is created by the first walk, refused to a second until it expires, then taken over', async () => {
    const {kube} = leaseServer()
    const first = await acquireLease(kube, ref, {holder: 'alice', durationSeconds: 60, now: t0, annotations: {'kubectl-prod.io/walk': 'w1'}})
    expect(first.acquired).toBe(true)
    const second = await acquireLease(kube, ref, {holder: 'bob', durationSeconds: 60, now: later(30)})
    expect(second).toMatchObject({acquired: false, holder: 'alice'})
    expect(second.acquired === false && second.expiresAt.toISOString()).toBe('2026-03-07T01:01:00.000Z')
    const third = await acquireLease(kube, ref, {holder: 'bob', durationSeconds: 60, now: later(61)})
    expect(third).toMatchObject({acquired: true, tookOverFrom: 'alice'})
    expect(third.acquired && third.lease.spec?.leaseTransitions).toBe(1)
    // Annotations written by the first walk stay for the one that resumes it.
    expect(third.acquired && third.lease.metadata.annotations?.['kubectl-prod.io/walk']).toBe('w1')
  })

  it('renewing keeps others out past the first expiry', async () => {
    const {kube} = leaseServer()
    const a = await acquireLease(kube, ref, {holder: 'alice', durationSeconds: 60, now: t0})
    if (!a.acquired) throw new Error('not acquired')
    const renewed = await renewLease(kube, ref, a.lease, later(50))
    expect(leaseExpiry(renewed)?.toISOString()).toBe('2026-03-07T01:01:50.000Z')
    const b = await acquireLease(kube, ref, {holder: 'bob', durationSeconds: 60, now: later(100)})
    expect(b.acquired).toBe(false)
  })

  it('renewing after another walk took it over fails with a conflict', async () => {
    const {kube} = leaseServer()
    const a = await acquireLease(kube, ref, {holder: 'alice', durationSeconds: 10, now: t0})
    if (!a.acquired) throw new Error('not acquired')
    await acquireLease(kube, ref, {holder: 'bob', durationSeconds: 10, now: later(20)})
    await expect(renewLease(kube, ref, a.lease, later(21))).rejects.toThrow(/lost its Lease .* to bob/)
  })

  it('annotated by its holder even after a renewal moved it on; by a former holder, a conflict', async () => {
    const {kube, store} = leaseServer()
    const a = await acquireLease(kube, ref, {holder: 'alice', durationSeconds: 10, now: t0, annotations: {'kubectl-prod.io/walk': 'w1'}})
    if (!a.acquired) throw new Error('not acquired')
    // The copy in hand is older than the Lease (a renewal wrote since): read again and written.
    await renewLease(kube, ref, a.lease, later(3))
    const annotated = await annotateLease(kube, ref, a.lease, {'kubectl-prod.io/walk-replacing': 'n-a=uid-a'}, later(4))
    const key = [...store.keys()][0]!
    expect(store.get(key)!.metadata.annotations).toEqual({'kubectl-prod.io/walk': 'w1', 'kubectl-prod.io/walk-replacing': 'n-a=uid-a'})
    expect(leaseExpiry(annotated)?.toISOString()).toBe('2026-03-07T01:00:14.000Z')
    await acquireLease(kube, ref, {holder: 'bob', durationSeconds: 10, now: later(30)})
    await expect(annotateLease(kube, ref, annotated, {'kubectl-prod.io/walk-replacing': ''}, later(31))).rejects.toThrow(/lost its Lease .* to bob/)
    expect(store.get(key)!.metadata.annotations?.['kubectl-prod.io/walk-replacing']).toBe('n-a=uid-a')
  })

  it('released, it is free at once, and a release by a former holder changes nothing', async () => {
    const {kube, store} = leaseServer()
    const a = await acquireLease(kube, ref, {holder: 'alice', durationSeconds: 600, now: t0})
    if (!a.acquired) throw new Error('not acquired')
    await releaseLease(kube, ref, a.lease, {'kubectl-prod.io/walk-state': 'done'})
    const key = [...store.keys()][0]!
    expect(store.get(key)!.spec?.holderIdentity).toBeNull()
    expect(store.get(key)!.metadata.annotations?.['kubectl-prod.io/walk-state']).toBe('done')
    const b = await acquireLease(kube, ref, {holder: 'bob', durationSeconds: 600, now: later(1)})
    expect(b).toMatchObject({acquired: true})
    await releaseLease(kube, ref, a.lease)
    expect(store.get(key)!.spec?.holderIdentity).toBe('bob')
  })
})
