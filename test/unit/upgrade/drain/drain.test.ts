// The drain engine's decisions over a scripted cluster and a clock that jumps: what it evicts,
// deletes and leaves, how it answers throttling, PDB refusals and misconfiguration, its
// timeout, and that a dry run writes nothing.
import {describe, expect, it} from 'vitest'
import {drainWith} from '../../../../src/upgrade/drain/drain.ts'
import {ClusterError} from '../../../../src/model/errors.ts'
import type {Workload} from '../../../../src/model/k8s.ts'
import {budget, fakeCluster, jumpingClock, managedPod, options, recorder} from './fakes.ts'

const blocked = {outcome: 'blocked' as const, budget: 'web-pdb', needs: 2, has: 2, pending: false, message: 'The disruption budget web-pdb needs 2 healthy pods and has 2 currently', retryAfterMs: 5000}

describe('drainWith', () => {
  it('refuses unmanaged pods and emptyDir data before cordoning or evicting anything', async () => {
    const cluster = fakeCluster([managedPod('web-1'), managedPod('bare', {owner: null}), managedPod('cache', {emptyDir: true})])
    const r = recorder()
    const result = await drainWith(cluster, 'node-a', options(jumpingClock()), r.emit)
    expect(result).toMatchObject({status: 'refused', reason: 'refused', cordonedByUs: false})
    expect(result.remaining.map(p => p.name).sort()).toEqual(['bare', 'cache'])
    expect(cluster.calls).toEqual(['list pods node-a'])
    expect(r.events.filter(e => e.type === 'refused').map(e => e.message)).toEqual([
      'cannot delete pods with local storage (use --delete-emptydir-data to override): shop/cache',
      'cannot delete pods that declare no controller (use --force to override): shop/bare',
    ])
  })

  it('cordons, leaves DaemonSet and mirror pods, deletes finished pods, evicts the rest and waits until they are gone', async () => {
    const cluster = fakeCluster([
      managedPod('web-1'), managedPod('web-2'),
      managedPod('agent', {owner: {kind: 'DaemonSet', name: 'agent'}}),
      managedPod('etcd', {owner: null, mirror: true}),
      managedPod('job-x', {owner: {kind: 'Job', name: 'x', apiVersion: 'batch/v1'}, phase: 'Succeeded'}),
      managedPod('bare', {owner: null}),
    ])
    const r = recorder()
    const result = await drainWith(cluster, 'node-a', options(jumpingClock(), {force: true, gracePeriodSeconds: 0}), r.emit)
    expect(result).toMatchObject({status: 'drained', cordonedByUs: true})
    expect(result.evicted!.map(p => p.name).sort()).toEqual(['job-x', 'web-1', 'web-2', 'bare'].sort())
    expect(cluster.calls.filter(c => /^(cordon|evict|delete)/.test(c))).toEqual([
      'cordon node-a true', 'delete job-x uid-job-x grace=0', 'evict web-1 uid-web-1', 'evict web-2 uid-web-2', 'evict bare uid-bare',
    ])
    expect([...cluster.pods.values()].map(p => p.metadata.name).sort()).toEqual(['agent', 'etcd'])
    expect(r.types()[0]).toBe('cordoned')
    expect(r.types().at(-1)).toBe('drained')
    expect(r.events.filter(e => e.type === 'gone').map(e => e.pod).sort()).toEqual(['shop/bare', 'shop/job-x', 'shop/web-1', 'shop/web-2'])
    expect(r.events.some(e => e.type === 'pod-skipped' && /declares no controller: it is gone for good/.test(e.message))).toBe(true)
  })

  it('does not write when the node is already cordoned, and says so', async () => {
    const cluster = fakeCluster([managedPod('web-1')])
    cluster.unschedulable = true
    const result = await drainWith(cluster, 'node-a', options(jumpingClock()), recorder().emit)
    expect(result).toMatchObject({status: 'drained', cordonedByUs: false})
  })

  it('retries throttling after its Retry-After, doubling its own backoff when none is given', async () => {
    const cluster = fakeCluster([managedPod('web-1')])
    cluster.answers.set('web-1', [{outcome: 'throttled', retryAfterMs: 1000, message: 'slow down'}, {outcome: 'throttled', retryAfterMs: 0, message: 'slow down'}, {outcome: 'throttled', retryAfterMs: 0, message: 'slow down'}])
    const clock = jumpingClock()
    const r = recorder()
    const result = await drainWith(cluster, 'node-a', options(clock), r.emit)
    expect(result.status).toBe('drained')
    expect(clock.slept).toEqual([1000, 1000, 2000])
    expect(r.events.filter(e => e.type === 'throttled').map(e => e.retryAfterMs)).toEqual([1000, 1000, 2000])
    expect(r.types()).not.toContain('blocked')
  })

  it('names the refusing PDB with its numbers and its pods that are not Ready, asks after the patience, and times out', async () => {
    const cluster = fakeCluster([managedPod('web-1'), managedPod('web-2', {node: 'node-b', ready: false})], [budget('web-pdb', {allowed: 0, desired: 2, current: 2, expected: 3})])
    cluster.pods.delete('uid-web-2')
    const notReady = managedPod('web-2', {node: 'node-b', ready: false})
    const listPods = cluster.listPods
    cluster.listPods = async (ns, sel) => [...await listPods(ns, sel), notReady]
    cluster.answers.set('web-1', Array(100).fill(blocked))
    const asked: number[] = []
    const clock = jumpingClock()
    const r = recorder()
    const result = await drainWith(cluster, 'node-a', options(clock, {timeoutMs: 30_000, onBlocked: async (_p, _b, waited) => { asked.push(waited); return 'wait' }}), r.emit)
    expect(result).toMatchObject({status: 'timeout', reason: 'timeout', remaining: [{name: 'web-1'}]})
    expect(result.message).toContain('node node-a stays cordoned')
    // Asked once the PDB had refused for 10 s, then again 10 s later.
    expect(asked).toEqual([10_000, 20_000])
    const first = r.events.find(e => e.type === 'blocked')!
    expect(first.message).toBe('shop/web-1 waits: PDB shop/web-pdb allows 0 disruptions (needs 2 healthy, has 2, expects 3); not Ready: web-2')
    expect(first.budget).toMatchObject({name: 'web-pdb', desiredHealthy: 2, currentHealthy: 2, expectedPods: 3, disruptionsAllowed: 0, unreadyPods: ['web-2']})
    // Said once while the numbers stay the same; asked again every 5 s.
    expect(r.events.filter(e => e.type === 'blocked')).toHaveLength(1)
    expect(clock.slept.every(ms => ms <= 5000)).toBe(true)
  })

  it('asks again within a second of the budget allowing a disruption, one read of it a second for all the pods it holds', async () => {
    const pods = ['web-1', 'web-2', 'web-3'].map(n => managedPod(n))
    const pdb = budget('web-pdb', {allowed: 0})
    const cluster = fakeCluster(pods, [pdb])
    for (const p of pods) cluster.answers.set(p.metadata.name!, [blocked])
    const clock = jumpingClock()
    // The disruption controller allows one at 2.5 s (after the first refusals).
    const getBudget = cluster.getBudget
    cluster.getBudget = async (ns, name) => {
      if (clock.now().getTime() - Date.parse('2026-03-01T02:00:00Z') >= 2500) pdb.status!.disruptionsAllowed = 1
      return getBudget(ns, name)
    }
    const r = recorder()
    const result = await drainWith(cluster, 'node-a', options(clock, {concurrency: 3}), r.emit)
    expect(result.status).toBe('drained')
    // Evicted at 3 s (the first read after 2.5 s), not at the 5 s recheck.
    const evicted = r.events.filter(e => e.type === 'evicted').map(e => Date.parse(e.time) - Date.parse('2026-03-01T02:00:00Z'))
    expect(evicted).toEqual([3000, 3000, 3000])
    // Three pods waiting, one read of the budget a second: at 1, 2 and 3 s (besides the reads that name it).
    const polls = cluster.calls.filter(c => c === 'get pdb web-pdb').length
    expect(polls).toBe(3 + 3)
  })

  it('a failure to read the budget while waiting on it is the drain\'s failure, not a timeout', async () => {
    const cluster = fakeCluster([managedPod('web-1')], [budget('web-pdb', {allowed: 0})])
    cluster.answers.set('web-1', Array(100).fill(blocked))
    let reads = 0
    const getBudget = cluster.getBudget
    cluster.getBudget = async (ns, name) => {
      if (++reads > 1) throw new ClusterError('unreachable', 'cannot reach the API server https://x (ECONNREFUSED)')
      return getBudget(ns, name)
    }
    await expect(drainWith(cluster, 'node-a', options(jumpingClock()), recorder().emit)).rejects.toThrow(/cannot reach the API server/)
  })

  it('skip leaves the pod and calls the node drained; delete bypasses the PDB with the UID; abort stops, naming the PDB', async () => {
    for (const [decision, status] of [['skip', 'drained'], ['delete', 'drained'], ['abort', 'blocked']] as const) {
      const cluster = fakeCluster([managedPod('web-1'), managedPod('web-2')], [budget('web-pdb', {allowed: 0})])
      cluster.answers.set('web-1', Array(100).fill(blocked))
      const r = recorder()
      const result = await drainWith(cluster, 'node-a', options(jumpingClock(), {onBlocked: async () => decision}), r.emit)
      expect(result.status, decision).toBe(status)
      expect(r.events.find(e => e.type === 'decided')?.decision).toBe(decision)
      if (decision === 'skip') expect(result.skipped).toEqual([{namespace: 'shop', name: 'web-1', uid: 'uid-web-1'}])
      if (decision === 'delete') expect(cluster.calls).toContain('delete web-1 uid-web-1 grace=undefined')
      if (decision === 'abort') {
        expect(result.reason).toBe('pdb')
        expect(result.message).toMatch(/stopped: shop\/web-1 refused for 10s by PDB shop\/web-pdb allows 0 disruptions/)
        expect(cluster.calls).not.toContain('evict web-2 uid-web-2')
      }
    }
  })

  it('reports a pod under two PDBs at once, naming them, and asks no more', async () => {
    const cluster = fakeCluster([managedPod('web-1'), managedPod('web-2')], [budget('web-a', {allowed: 1}), budget('web-b', {allowed: 1})])
    cluster.answers.set('web-1', [{outcome: 'misconfigured', message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.'}])
    const clock = jumpingClock()
    const r = recorder()
    const result = await drainWith(cluster, 'node-a', options(clock), r.emit)
    expect(result).toMatchObject({status: 'blocked', reason: 'misconfigured'})
    expect(cluster.calls.filter(c => c.startsWith('evict'))).toEqual(['evict web-1 uid-web-1'])
    expect(r.events.find(e => e.type === 'misconfigured')!.message).toMatch(/^shop\/web-1 is under 2 PDBs \(web-a and web-b\)/)
    expect(clock.slept).toEqual([])
  })

  it('an eviction the user may not make is a cluster error', async () => {
    const cluster = fakeCluster([managedPod('web-1')])
    cluster.answers.set('web-1', [{outcome: 'error', status: 403, message: 'forbidden'}])
    await expect(drainWith(cluster, 'node-a', options(jumpingClock()), recorder().emit)).rejects.toBeInstanceOf(ClusterError)
  })

  it('waits for the workload to have its replicas available elsewhere before calling the node drained', async () => {
    const cluster = fakeCluster([managedPod('web-1')])
    const rs = {kind: 'ReplicaSet', metadata: {name: 'web-7d9f', namespace: 'shop', ownerReferences: [{apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd', controller: true}]}} as Workload
    const deploy = (available: number) => ({kind: 'Deployment', metadata: {name: 'web', namespace: 'shop', generation: 2}, spec: {replicas: 1, selector: {matchLabels: {app: 'web'}}}, status: {observedGeneration: 2, availableReplicas: available}}) as Workload
    cluster.workloads.set('ReplicaSet/web-7d9f', [rs])
    cluster.workloads.set('Deployment/web', [deploy(0), deploy(0), deploy(1)])
    const listPods = cluster.listPods
    const replacement = managedPod('web-9', {node: 'node-b'})
    cluster.listPods = async (ns, sel) => [...await listPods(ns, sel), replacement]
    const r = recorder()
    const result = await drainWith(cluster, 'node-a', options(jumpingClock(), {waitForReplacements: true}), r.emit)
    expect(result.status).toBe('drained')
    expect(r.events.filter(e => e.type === 'waiting-replacements').map(e => e.message)).toEqual(['waiting for replacements: Deployment shop/web: 0/1 available elsewhere'])
    expect(r.events.find(e => e.type === 'replacements-ready')!.message).toBe('replacements available: Deployment shop/web')
  })

  it('a dry run writes nothing and tells, with the PDB arithmetic of this node, what would wait', async () => {
    const cluster = fakeCluster([managedPod('web-1'), managedPod('web-2'), managedPod('web-3')], [budget('web-pdb', {allowed: 1, desired: 2, current: 3, expected: 3})])
    const r = recorder()
    const result = await drainWith(cluster, 'node-a', options(jumpingClock(), {dryRun: true}), r.emit)
    expect(result).toMatchObject({status: 'drained', dryRun: true, cordonedByUs: false})
    expect(cluster.calls.filter(c => /^(cordon|evict|delete)/.test(c))).toEqual([])
    expect(r.events.filter(e => e.type === 'would-evict')).toHaveLength(3)
    expect(r.events.filter(e => e.type === 'would-block').map(e => e.pod)).toEqual(['shop/web-2', 'shop/web-3'])
    expect(result.message).toBe('dry run: node-a would drain (3 pods evicted, 2 after waiting for replacements); nothing was changed')
  })
})
