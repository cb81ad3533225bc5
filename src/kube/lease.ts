// One walk per pool at a time: a coordination.k8s.io/v1 Lease, as client-go's leader election
// keeps one (tools/leaderelection/resourcelock/leaselock.go). A walk creates it, or takes it over
// only when its holder stopped renewing it for longer than its duration; renews it while it
// runs; and releases it (no holder) at the end. Every write carries the resourceVersion read,
// so two walks racing for one Lease cannot both win: the loser's update answers 409.
import {createHash} from 'node:crypto'
import type {Kube} from './client.js'
import type {KubeObject} from '../model/k8s.js'
import {ClusterError} from '../model/errors.js'

export interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string | null
    leaseDurationSeconds?: number
    acquireTime?: string | null
    renewTime?: string | null
    leaseTransitions?: number
  }
}

export interface LeaseRef {namespace: string; name: string}

/** The Lease of a pool's walks: kubectl-prod-walk-<pool>, made a valid name (a hash keeps changed names apart). */
export function walkLeaseName(pool: string): string {
  const clean = pool.toLowerCase().replace(/[^a-z0-9.-]/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
  const suffix = clean === pool ? '' : `-${createHash('sha256').update(pool).digest('hex').slice(0, 8)}`
  return `kubectl-prod-walk-${clean.slice(0, 200)}${suffix}`
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')
}

/** When the Lease stops protecting its holder; undefined when no one holds it. */
export function leaseExpiry(lease: Lease): Date | undefined {
  const s = lease.spec
  if (!s?.holderIdentity) return undefined
  const renewed = Date.parse(s.renewTime ?? s.acquireTime ?? '')
  if (Number.isNaN(renewed)) return new Date(0)
  return new Date(renewed + (s.leaseDurationSeconds ?? 0) * 1000)
}

export type LeaseAnswer =
  | {acquired: true; lease: Lease; tookOverFrom?: string}
  | {acquired: false; holder: string; expiresAt: Date; lease: Lease}

const leasePath = (ref: LeaseRef, name?: string) =>
  `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(ref.namespace)}/leases${name ? `/${encodeURIComponent(name)}` : ''}`

export interface AcquireOptions {
  holder: string
  durationSeconds: number
  now: Date
  /** Kept on the Lease (the walk's id and target), for a walk resumed elsewhere. */
  annotations?: Record<string, string>
}

export async function readLease(kube: Kube, ref: LeaseRef): Promise<Lease | undefined> {
  try {
    return await kube.get<Lease>(leasePath(ref, ref.name))
  } catch (err) {
    if (err instanceof ClusterError && err.kind === 'not-found') return undefined
    throw err
  }
}

const isConflict = (err: unknown) => err instanceof ClusterError && (err.kind === 'conflict' || err.status === 409)

/** The written object, or undefined when the server answered 409 (someone else wrote first). */
async function writeLease(kube: Kube, path: string, method: 'POST' | 'PUT', body: Lease): Promise<Lease | undefined> {
  try {
    return await kube.request<Lease>(path, {method, body, noRetry: true})
  } catch (err) {
    if (isConflict(err)) return undefined
    throw err
  }
}

/** Creates the Lease, or takes it over when it is free or expired; otherwise says who holds it and until when. */
export async function acquireLease(kube: Kube, ref: LeaseRef, o: AcquireOptions): Promise<LeaseAnswer> {
  const now = microTime(o.now)
  const existing = await readLease(kube, ref)
  if (!existing) {
    const body: Lease = {
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
      metadata: {name: ref.name, namespace: ref.namespace, labels: {'app.kubernetes.io/name': 'kubectl-prod'}, annotations: o.annotations ?? {}},
      spec: {holderIdentity: o.holder, leaseDurationSeconds: o.durationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0},
    }
    const created = await writeLease(kube, leasePath(ref), 'POST', body)
    return created ? {acquired: true, lease: created} : acquireLease(kube, ref, o)
  }
  const expiry = leaseExpiry(existing)
  const holder = existing.spec?.holderIdentity ?? ''
  if (expiry && expiry.getTime() > o.now.getTime() && holder !== o.holder) return {acquired: false, holder, expiresAt: expiry, lease: existing}
  const next: Lease = {
    ...existing,
    metadata: {...existing.metadata, annotations: {...existing.metadata.annotations, ...o.annotations}},
    spec: {
      ...existing.spec, holderIdentity: o.holder, leaseDurationSeconds: o.durationSeconds, acquireTime: now, renewTime: now,
      leaseTransitions: (existing.spec?.leaseTransitions ?? 0) + (holder && holder !== o.holder ? 1 : 0),
    },
  }
  const updated = await writeLease(kube, leasePath(ref, ref.name), 'PUT', next)
  if (!updated) {
    // Someone else wrote it since it was read: look again (they may hold it now).
    const again = await readLease(kube, ref)
    const againExpiry = again && leaseExpiry(again)
    if (again && againExpiry && againExpiry.getTime() > o.now.getTime()) return {acquired: false, holder: again.spec?.holderIdentity ?? '', expiresAt: againExpiry, lease: again}
    return acquireLease(kube, ref, o)
  }
  return {acquired: true, lease: updated, ...(holder && expiry ? {tookOverFrom: holder} : {})}
}

/** Moves renewTime on. Throws a conflict ClusterError when another walk took the Lease. */
export async function renewLease(kube: Kube, ref: LeaseRef, lease: Lease, now: Date): Promise<Lease> {
  const next: Lease = {...lease, spec: {...lease.spec, renewTime: microTime(now)}}
  const renewed = await writeLease(kube, leasePath(ref, ref.name), 'PUT', next)
  if (!renewed) {
    const current = await readLease(kube, ref)
    if (current?.spec?.holderIdentity === lease.spec?.holderIdentity) return renewLease(kube, ref, current!, now)
    throw new ClusterError('conflict', `the walk lost its Lease ${ref.namespace}/${ref.name} to ${current?.spec?.holderIdentity || 'no one'}`, 'another walk of this pool may be running; check the pool before going on')
  }
  return renewed
}

/**
 * Merges annotations into the Lease its holder holds (and moves renewTime on). Throws a conflict
 * ClusterError when another walk took the Lease.
 */
export async function annotateLease(kube: Kube, ref: LeaseRef, lease: Lease, annotations: Record<string, string>, now: Date): Promise<Lease> {
  const next: Lease = {
    ...lease,
    metadata: {...lease.metadata, annotations: {...lease.metadata.annotations, ...annotations}},
    spec: {...lease.spec, renewTime: microTime(now)},
  }
  const written = await writeLease(kube, leasePath(ref, ref.name), 'PUT', next)
  if (!written) {
    const current = await readLease(kube, ref)
    if (current?.spec?.holderIdentity === lease.spec?.holderIdentity) return annotateLease(kube, ref, current!, annotations, now)
    throw new ClusterError('conflict', `the walk lost its Lease ${ref.namespace}/${ref.name} to ${current?.spec?.holderIdentity || 'no one'}`, 'another walk of this pool may be running; check the pool before going on')
  }
  return written
}

/** Frees the Lease (no holder), keeping or updating its annotations. Quiet when another walk holds it by now. */
export async function releaseLease(kube: Kube, ref: LeaseRef, lease: Lease, annotations: Record<string, string> = {}): Promise<void> {
  const current = await readLease(kube, ref)
  if (!current || current.spec?.holderIdentity !== lease.spec?.holderIdentity) return
  const next: Lease = {
    ...current,
    metadata: {...current.metadata, annotations: {...current.metadata.annotations, ...annotations}},
    spec: {...current.spec, holderIdentity: null, acquireTime: null, renewTime: null},
  }
  await kube.request<Lease>(leasePath(ref, ref.name), {method: 'PUT', body: next})
}
