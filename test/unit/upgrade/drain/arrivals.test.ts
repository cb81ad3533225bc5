// Pods that reach the node after the drain listed it (placed just before the cordon took effect,
// or bound by spec.nodeName) are found by a later list and evicted under the same filters; the
// drain is not called done while one is left, and says so.
import {describe, expect, it} from 'vitest'
import {drainWith} from '../../../../src/upgrade/drain/drain.ts'
import {sortArrivals} from '../../../../src/upgrade/drain/arrivals.ts'
import type {Workload} from '../../../../src/model/k8s.ts'
import {START, fakeCluster, jumpingClock, managedPod, options, recorder, type FakeCluster} from './fakes.ts'

/** Calls `then` once, right after the eviction of `name` was answered. */
function afterEviction(cluster: FakeCluster, name: string, then: () => void | Promise<void>): void {
  const evict = cluster.evict
  let done = false
  cluster.evict = async (pod, o) => {
    const answer = await evict(pod, o)
    if (pod.name === name && !done) { done = true; await then() }
    return answer
  }
}

const evictions = (cluster: FakeCluster) => cluster.calls.filter(c => c.startsWith('evict')).map(c => c.split(' ')[1])

describe('sortArrivals', () => {
  it('keeps only pods it has not seen, sorts them with the drain filters, and remembers them', () => {
    const seen = new Set(['uid-web-1'])
    const listed = [managedPod('web-1'), managedPod('late'), managedPod('agent', {owner: {kind: 'DaemonSet', name: 'agent'}}), managedPod('bare', {owner: null}), managedPod('done', {phase: 'Succeeded'})]
    const found = sortArrivals(listed, seen, {force: false, deleteEmptyDirData: false}, START)
    expect(found.act.map(c => [c.pod.metadata.name, c.decision])).toEqual([['late', 'evict'], ['done', 'delete-finished']])
    expect(found.left.map(c => c.pod.metadata.name)).toEqual(['agent'])
    expect(found.refused.map(c => [c.pod.metadata.name, c.decision])).toEqual([['bare', 'refuse-unmanaged']])
    expect([...seen].sort()).toEqual(['uid-agent', 'uid-bare', 'uid-done', 'uid-late', 'uid-web-1'])
    expect(sortArrivals(listed, seen, {force: false, deleteEmptyDirData: false}, START)).toEqual({act: [], left: [], refused: []})
  })
})

describe('drainWith: pods that arrive during the drain', () => {
  it('a pod bound to the node while the first pods were evicted is evicted too, and the drain says so', async () => {
    const cluster = fakeCluster([managedPod('web-1'), managedPod('web-2')])
    afterEviction(cluster, 'web-1', () => cluster.arrive(managedPod('late')))
    const r = recorder()
    const result = await drainWith(cluster, 'node-a', options(jumpingClock()), r.emit)
    expect(result.status).toBe('drained')
    expect(evictions(cluster)).toEqual(['web-1', 'web-2', 'late'])
    expect(result.evicted!.map(p => p.name)).toEqual(['web-1', 'web-2', 'late'])
    expect(cluster.pods.size).toBe(0)
    expect(r.events.find(e => e.type === 'pods-arrived')).toMatchObject({message: '1 pod arrived on the node during the drain (shop/late): evicting it too', pods: ['shop/late']})
    expect(result.message).toBe('node node-a drained: 3 pods evicted (1 of them arrived during the drain)')
    // The newcomer is evicted once its round starts, after the first round's pods are gone.
    const types = r.types()
    expect(types.lastIndexOf('gone')).toBeGreaterThan(types.indexOf('pods-arrived'))
    expect(types.indexOf('pods-arrived')).toBeGreaterThan(types.indexOf('evicted'))
  })

  it('a pod that arrives while the replacements are waited for is found by the look after them, and evicted', async () => {
    const cluster = fakeCluster([managedPod('web-1')])
    const rs = {kind: 'ReplicaSet', metadata: {name: 'web-7d9f', namespace: 'shop', ownerReferences: [{apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd', controller: true}]}} as Workload
    const deploy = {kind: 'Deployment', metadata: {name: 'web', namespace: 'shop', generation: 2}, spec: {replicas: 1, selector: {matchLabels: {app: 'web'}}}, status: {observedGeneration: 2, availableReplicas: 1}} as Workload
    cluster.workloads.set('ReplicaSet/web-7d9f', [rs])
    cluster.workloads.set('Deployment/web', [deploy])
    const listPods = cluster.listPods
    cluster.listPods = async (ns, sel) => [...(await listPods(ns, sel)).filter(p => p.spec?.nodeName !== 'node-a'), managedPod('web-9', {node: 'node-b'})]
    // The pod is bound while the drain reads the Deployment (the replacement wait).
    const getWorkload = cluster.getWorkload
    let bound = false
    cluster.getWorkload = async (kind, ns, name) => {
      if (kind === 'Deployment' && !bound) { bound = true; cluster.arrive(managedPod('late', {labels: {app: 'web'}})) }
      return getWorkload(kind, ns, name)
    }
    const r = recorder()
    const result = await drainWith(cluster, 'node-a', options(jumpingClock(), {waitForReplacements: true}), r.emit)
    expect(result.status).toBe('drained')
    expect(evictions(cluster)).toEqual(['web-1', 'late'])
    expect(r.types().filter(t => t === 'replacements-ready' || t === 'pods-arrived')).toEqual(['replacements-ready', 'pods-arrived', 'replacements-ready'])
    expect(cluster.pods.size).toBe(0)
  })

  it('a DaemonSet pod that arrives is left, as at the first list', async () => {
    const cluster = fakeCluster([managedPod('web-1')])
    afterEviction(cluster, 'web-1', () => cluster.arrive(managedPod('agent', {owner: {kind: 'DaemonSet', name: 'agent'}})))
    const r = recorder()
    const result = await drainWith(cluster, 'node-a', options(jumpingClock()), r.emit)
    expect(result).toMatchObject({status: 'drained', message: 'node node-a drained: 1 pod evicted'})
    expect(evictions(cluster)).toEqual(['web-1'])
    expect(r.events.find(e => e.pod === 'shop/agent')?.message).toBe('shop/agent arrived during the drain, left: managed by a DaemonSet (it runs on every node)')
    expect(r.types()).not.toContain('pods-arrived')
  })

  it('a pod without a controller that arrives is refused without --force: not evicted, the node stays cordoned, and it is said', async () => {
    const cluster = fakeCluster([managedPod('web-1')])
    afterEviction(cluster, 'web-1', () => cluster.arrive(managedPod('bare', {owner: null})))
    const r = recorder()
    const result = await drainWith(cluster, 'node-a', options(jumpingClock()), r.emit)
    expect(result).toMatchObject({status: 'refused', reason: 'refused', cordonedByUs: true, remaining: [{name: 'bare'}], evicted: [{name: 'web-1'}]})
    expect(result.message).toBe('cannot finish draining node-a: 1 pod arrived on the node during the drain and cannot be evicted safely (shop/bare); node node-a stays cordoned')
    expect(evictions(cluster)).toEqual(['web-1'])
    expect(cluster.unschedulable).toBe(true)
    expect(r.events.find(e => e.type === 'refused')!.message).toBe('arrived during the drain: cannot delete pods that declare no controller (use --force to override): shop/bare')

    // With --force it is evicted like the rest.
    const forced = fakeCluster([managedPod('web-1')])
    afterEviction(forced, 'web-1', () => forced.arrive(managedPod('bare', {owner: null})))
    expect((await drainWith(forced, 'node-a', options(jumpingClock(), {force: true}), recorder().emit)).status).toBe('drained')
    expect(evictions(forced)).toEqual(['web-1', 'bare'])
  })

  it('a pod that arrives when the time is up ends the drain as a timeout that names it', async () => {
    const cluster = fakeCluster([managedPod('web-1')])
    const clock = jumpingClock()
    afterEviction(cluster, 'web-1', async () => { cluster.arrive(managedPod('late')); await clock.sleep(60_000) })
    const r = recorder()
    const result = await drainWith(cluster, 'node-a', options(clock, {timeoutMs: 60_000}), r.emit)
    expect(result).toMatchObject({status: 'timeout', reason: 'timeout', remaining: [{name: 'late'}]})
    expect(result.message).toBe('timed out after 60s with 1 pod that arrived on the node during the drain still there (shop/late); node node-a stays cordoned')
    expect(evictions(cluster)).toEqual(['web-1'])
  })

  it('pods that keep arriving stop the drain after ten rounds, not a drained node', async () => {
    const cluster = fakeCluster([managedPod('p-0')])
    let n = 0
    const evict = cluster.evict
    cluster.evict = async (pod, o) => {
      const answer = await evict(pod, o)
      cluster.arrive(managedPod(`p-${++n}`))
      return answer
    }
    const r = recorder()
    const result = await drainWith(cluster, 'node-a', options(jumpingClock()), r.emit)
    expect(result).toMatchObject({status: 'blocked', reason: 'error', remaining: [{name: 'p-10'}]})
    expect(result.message).toBe('cannot drain node-a: pods keep arriving on it after 10 rounds of evictions (shop/p-10: bound by spec.nodeName, or tolerating node.kubernetes.io/unschedulable, so the cordon does not keep them off); node node-a stays cordoned')
    expect(evictions(cluster)).toHaveLength(10)
    expect(r.types().filter(t => t === 'pods-arrived')).toHaveLength(9)
  })

  it('lists the PDBs of a namespace first seen among the newcomers', async () => {
    const cluster = fakeCluster([managedPod('web-1')])
    const other = managedPod('api-1')
    other.metadata.namespace = 'billing'
    afterEviction(cluster, 'web-1', () => cluster.arrive(other))
    const listBudgets = cluster.listBudgets
    const asked: string[][] = []
    cluster.listBudgets = async namespaces => { asked.push([...namespaces]); return listBudgets(namespaces) }
    const result = await drainWith(cluster, 'node-a', options(jumpingClock()), recorder().emit)
    expect(result.status).toBe('drained')
    expect(asked).toEqual([['shop'], ['billing']])
    expect(evictions(cluster)).toEqual(['web-1', 'api-1'])
  })
})
