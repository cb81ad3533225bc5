// The drain's calls made patient: a call that fails because the API server does not answer is
// tried again with backoff while the drain has time, the outage said once and its end said;
// refusals and other errors pass at once; the drain ends within its --timeout when the server
// never comes back.
import {describe, expect, it} from 'vitest'
import {patientDrainOps, type Patience} from '../../../../src/upgrade/drain/patient.ts'
import {drainWith} from '../../../../src/upgrade/drain/drain.ts'
import {ClusterError} from '../../../../src/model/errors.ts'
import {fakeCluster, jumpingClock, managedPod, options, recorder} from './fakes.ts'

const DOWN = () => new ClusterError('unreachable', 'cannot reach the API server https://127.0.0.1:6443 (ECONNREFUSED)')

/** Patience with `budget` ms of time: pause() says false once it is spent. Past 100 pauses it throws (a broken retry fails, not hangs). */
function patience(budget = Infinity) {
  const paused: number[] = []
  const said: string[] = []
  let spent = 0
  let asked = 0
  const p: Patience = {
    pause: async ms => {
      if (++asked > 100) throw new Error('paused 100 times')
      const wait = Math.min(ms, budget - spent)
      if (wait <= 0) return false
      paused.push(wait)
      spent += wait
      return spent < budget
    },
    lost: message => { said.push(`lost: ${message}`) },
    regained: () => { said.push('regained') },
  }
  return {p, paused, said}
}

/** A call that fails `times` times with the given error, then answers. */
function flaky<R>(times: number, error: () => unknown, answer: R) {
  let calls = 0
  const call = async () => { calls++; if (calls <= times) throw error(); return answer }
  return {call, calls: () => calls}
}

describe('patientDrainOps', () => {
  it('tries a transient failure again, 500 ms doubling to 5 s, says the outage once and its end once', async () => {
    const cluster = fakeCluster([managedPod('web-1')])
    const list = flaky(7, DOWN, [managedPod('web-1')])
    cluster.listNodePods = list.call
    const {p, paused, said} = patience()
    const pods = await patientDrainOps(cluster, p).listNodePods('node-a')
    expect(pods.map(x => x.metadata.name)).toEqual(['web-1'])
    expect(list.calls()).toBe(8)
    expect(paused).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000])
    expect(said).toEqual(['lost: cannot reach the API server https://127.0.0.1:6443 (ECONNREFUSED)', 'regained'])
  })

  it('one outage across several calls is said once; the next outage is said again', async () => {
    const cluster = fakeCluster([managedPod('web-1')])
    let down = true
    cluster.getNode = async () => { if (down) throw DOWN(); return undefined }
    const {p, said} = patience()
    const ops = patientDrainOps(cluster, p)
    // Two calls wait on the same outage; it ends while they wait.
    const pause = p.pause
    let pauses = 0
    p.pause = async ms => { if (++pauses === 4) down = false; return pause(ms) }
    await Promise.all([ops.getNode('node-a'), ops.getNode('node-b')])
    expect(said).toEqual([expect.stringMatching(/^lost: /), 'regained'])
    down = true
    pauses = 0
    await ops.getNode('node-a')
    expect(said).toEqual([expect.stringMatching(/^lost: /), 'regained', expect.stringMatching(/^lost: /), 'regained'])
  })

  it('retries every kind of transient failure: timeouts, throttling, 5xx', async () => {
    for (const error of [
      () => new ClusterError('timeout', 'no answer within 30s'),
      () => new ClusterError('too-many-requests', 'the API server kept answering 429', undefined, 429),
      () => new ClusterError('server', 'etcdserver: request timed out', undefined, 503),
    ]) {
      const cluster = fakeCluster([])
      const budgets = flaky(2, error, [])
      cluster.listBudgets = budgets.call
      const {p, paused} = patience()
      await expect(patientDrainOps(cluster, p).listBudgets(['shop'])).resolves.toEqual([])
      expect(budgets.calls(), error().message).toBe(3)
      expect(paused).toEqual([500, 1000])
    }
  })

  it('passes a refusal or any other error through at once: no pause, no outage said', async () => {
    for (const error of [
      () => new ClusterError('forbidden', 'pods "web-1" is forbidden', undefined, 403),
      () => new ClusterError('not-found', 'nodes "x" not found', undefined, 404),
      () => new ClusterError('conflict', 'the object has been modified', undefined, 409),
      () => new ClusterError('server', 'not implemented', undefined, 501),
      () => new ClusterError('unreachable', 'cannot verify the TLS certificate of https://127.0.0.1:6443'),
      () => new TypeError('a bug'),
    ]) {
      const cluster = fakeCluster([])
      const cordon = flaky(1, error, {changed: true})
      cluster.setUnschedulable = cordon.call
      const {p, paused, said} = patience()
      await expect(patientDrainOps(cluster, p).setUnschedulable('node-a', true)).rejects.toThrow(error().message)
      expect(cordon.calls(), error().message).toBe(1)
      expect(paused).toEqual([])
      expect(said).toEqual([])
    }
  })

  it('stops when the drain has no more time: the last failure is thrown, after a bounded number of tries', async () => {
    const cluster = fakeCluster([])
    const evict = flaky(Infinity, DOWN, {outcome: 'evicted' as const})
    cluster.evict = evict.call
    const {p, paused} = patience(12_000)
    await expect(patientDrainOps(cluster, p).evict({namespace: 'shop', name: 'web-1'}, {})).rejects.toMatchObject({kind: 'unreachable'})
    // 500 + 1000 + 2000 + 4000 + 4500 (what was left): at the deadline, no more tries.
    expect(paused).toEqual([500, 1000, 2000, 4000, 4500])
    expect(evict.calls()).toBe(5)
  })

  it('wraps every call but the watch (which re-establishes itself)', async () => {
    const cluster = fakeCluster([managedPod('web-1')])
    const names = Object.keys(cluster).filter(k => typeof (cluster as unknown as Record<string, unknown>)[k] === 'function' && k !== 'arrive')
    for (const name of names) {
      const fresh = fakeCluster([managedPod('web-1')])
      let calls = 0
      ;(fresh as unknown as Record<string, unknown>)[name] = () => { calls++; if (calls === 1) throw DOWN(); return name === 'watchNodePods' ? (async function* () {})() : Promise.resolve(undefined) }
      const {p, paused} = patience()
      const ops = patientDrainOps(fresh, p) as unknown as Record<string, (...a: unknown[]) => unknown>
      if (name === 'watchNodePods') {
        expect(() => ops[name]!('node-a', new AbortController().signal)).toThrow(/ECONNREFUSED/)
        continue
      }
      await ops[name]!({namespace: 'shop', name: 'web-1'}, {})
      expect(calls, name).toBe(2)
      expect(paused, name).toEqual([500])
    }
    expect(names.sort()).toEqual(['delete', 'evict', 'getBudget', 'getNode', 'getWorkload', 'listBudgets', 'listNodePods', 'listPods', 'setUnschedulable', 'watchNodePods'])
  })
})

describe('drainWith through an API server that stops answering', () => {
  it('waits for it within the drain\'s time, says so, and goes on when it answers', async () => {
    const cluster = fakeCluster([managedPod('web-1'), managedPod('web-2')])
    const evict = cluster.evict
    let failing = 3
    cluster.evict = async (pod, o) => { if (pod.name === 'web-2' && failing-- > 0) throw DOWN(); return evict(pod, o) }
    const clock = jumpingClock()
    const r = recorder()
    const result = await drainWith(cluster, 'node-a', options(clock, {timeoutMs: 60_000}), r.emit)
    expect(result.status).toBe('drained')
    expect(cluster.pods.size).toBe(0)
    expect(clock.slept).toEqual([500, 1000, 2000])
    expect(r.events.filter(e => e.type === 'reconnecting' || e.type === 'reconnected').map(e => e.message)).toEqual([
      'the API server does not answer (cannot reach the API server https://127.0.0.1:6443 (ECONNREFUSED)); waiting for it for up to 60s',
      'the API server answers again',
    ])
  })

  it('one that never comes back ends the drain by its --timeout with the cluster error, the node left cordoned', async () => {
    const cluster = fakeCluster([managedPod('web-1')])
    // Past 1000 tries the fake gives up differently (a drain that ignored its time fails, not hangs).
    let tries = 0
    cluster.evict = async () => { if (++tries > 1000) throw new Error('asked 1000 times'); throw DOWN() }
    const clock = jumpingClock()
    const r = recorder()
    await expect(drainWith(cluster, 'node-a', options(clock, {timeoutMs: 20_000}), r.emit)).rejects.toMatchObject({kind: 'unreachable'})
    const waited = clock.slept.reduce((a, b) => a + b, 0)
    expect(waited).toBe(20_000)
    expect(clock.slept).toEqual([500, 1000, 2000, 4000, 5000, 5000, 2500])
    expect(cluster.unschedulable).toBe(true)
    expect(r.types().filter(t => t === 'reconnecting')).toHaveLength(1)
  })
})
