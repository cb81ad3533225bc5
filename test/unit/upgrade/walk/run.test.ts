import {describe, expect, it} from 'vitest'
import {runWalk} from '../../../../src/upgrade/walk/run.ts'
import {parseWindow, untilWindow} from '../../../../src/upgrade/window.ts'
import {Crash, FakeClock, FakePool, walkNodes, walkOptions} from './fakes.ts'

const T0 = Date.parse('2026-03-07T01:00:00Z') // Saturday 02:00 in Berlin

describe('runWalk', () => {
  it('walks every node to the end, one at a time: cordon, drain, hand over, Ready, uncordon', async () => {
    const pool = new FakePool(new FakeClock(T0), ['n-b', 'n-a', 'n-c'])
    const o = walkOptions(pool)
    const outcome = await runWalk(o, pool.ops())
    expect(outcome).toMatchObject({status: 'done', remaining: []})
    expect(outcome.done).toEqual(['n-a', 'n-b', 'n-c'])
    expect(pool.drains).toEqual(['n-a', 'n-b', 'n-c'])
    expect(pool.hooks).toEqual(['n-a', 'n-b', 'n-c'])
    expect(pool.uncordoned).toEqual(['n-a', 'n-b', 'n-c'])
    for (const n of pool.nodes.values()) {
      expect(n.unschedulable).toBe(false)
      expect(n.record).toMatchObject({walk: 'w1', step: 'done', cordonedByWalk: true, target: '1.37'})
    }
    expect(pool.maxCordonedAtOnce).toBe(1)
    const types = o.events.filter(e => e.node === 'n-a').map(e => e.type)
    expect(types).toEqual(['node-started', 'cordoned', 'draining', 'drain', 'drained', 'hand-over', 'hand-over', 'handed-over', 'waiting-ready', 'ready', 'uncordoned', 'node-done'])
    expect(o.events.find(e => e.type === 'drain')).toMatchObject({drain: 'evicted', pod: 'shop/web-1'})
    expect(o.events.at(-1)?.type).toBe('walk-done')
  })

  it('says how long each drain took, and not the drain\'s own "already cordoned" about the node it cordoned', async () => {
    for (const [ms, said] of [[4000, 'drained in 4s'], [300, 'drained in under a second']] as const) {
      const pool = new FakePool(new FakeClock(T0), ['n-a'])
      pool.drainMs = ms
      const o = walkOptions(pool)
      expect((await runWalk(o, pool.ops())).status).toBe('done')
      expect(o.events.find(e => e.type === 'drained')!.message).toBe(said)
      expect(o.events.filter(e => /already cordoned/.test(e.message))).toEqual([])
      expect(o.events.filter(e => e.type === 'drain').map(e => e.drain)).toEqual(['evicted'])
    }
  })

  it('leaves a node that was cordoned before the walk cordoned, and says so', async () => {
    const pool = new FakePool(new FakeClock(T0), ['n-a', 'n-b'])
    pool.nodes.get('n-a')!.unschedulable = true
    const o = walkOptions(pool)
    expect((await runWalk(o, pool.ops())).status).toBe('done')
    expect(pool.nodes.get('n-a')).toMatchObject({unschedulable: true, record: {step: 'done', cordonedByWalk: false}})
    expect(pool.nodes.get('n-b')!.unschedulable).toBe(false)
    expect(pool.uncordoned).toEqual(['n-b'])
    expect(o.events.some(e => e.node === 'n-a' && e.type === 'left-cordoned')).toBe(true)
  })

  it('skips nodes already Ready at the target', async () => {
    const pool = new FakePool(new FakeClock(T0), ['n-a', 'n-b'])
    pool.nodes.get('n-a')!.version = 'v1.37.0'
    const outcome = await runWalk(walkOptions(pool), pool.ops())
    expect(pool.drains).toEqual(['n-b'])
    expect(outcome.done.sort()).toEqual(['n-a', 'n-b'])
  })

  it('stops when the hook fails: that node stays cordoned, its record says why, no other node starts', async () => {
    const pool = new FakePool(new FakeClock(T0), ['n-a', 'n-b', 'n-c'])
    pool.hookExit.set('n-b', 3)
    const o = walkOptions(pool)
    const outcome = await runWalk(o, pool.ops())
    expect(outcome).toMatchObject({status: 'failed', done: ['n-a'], remaining: ['n-b', 'n-c']})
    expect(outcome.message).toContain('the hook exited 3')
    expect(pool.nodes.get('n-b')).toMatchObject({unschedulable: true, record: {step: 'drained', error: 'the hook exited 3'}})
    expect(pool.drains).toEqual(['n-a', 'n-b'])
    expect(o.events.at(-1)).toMatchObject({type: 'walk-failed'})

    // Fixed, resumed: the hook runs again, the node is not drained again, and the error is cleared.
    pool.hookExit.clear()
    const again = await runWalk(walkOptions(pool), pool.ops())
    expect(again.status).toBe('done')
    expect(pool.drains).toEqual(['n-a', 'n-b', 'n-c'])
    expect(pool.hooks).toEqual(['n-a', 'n-b', 'n-b', 'n-c'])
    expect(pool.nodes.get('n-b')!.record?.error).toBeUndefined()
    expect(pool.drainedTwice).toEqual([])
  })

  it('fails a node that does not come back Ready at the target, leaving it cordoned', async () => {
    const pool = new FakePool(new FakeClock(T0), ['n-a'])
    pool.target = '1.38'
    const ops = pool.ops()
    const outcome = await runWalk(walkOptions(pool, {target: '1.37'}), {...ops, handOver: async () => ({ok: true, node: 'n-a', message: 'ok'})})
    expect(outcome.status).toBe('failed')
    expect(pool.nodes.get('n-a')).toMatchObject({unschedulable: true, record: {step: 'handed-over'}})
  })

  describe('resumed after a crash at any point', () => {
    // Count the operation calls of a walk without a crash, then crash at each of them in turn.
    const names = ['n-a', 'n-b', 'n-c']
    const clean = new FakePool(new FakeClock(T0), names)
    clean.nodes.get('n-b')!.unschedulable = true
    const total = (() => { let n = 0; return {get: () => n, set: (v: number) => { n = v }} })()

    it('counts the calls of an uninterrupted walk', async () => {
      await runWalk(walkOptions(clean), clean.ops())
      total.set(clean.calls)
      expect(total.get()).toBeGreaterThan(20)
    })

    it('never drains a node twice, never uncordons the node cordoned before, and finishes', async () => {
      for (let k = 1; k <= total.get(); k++) {
        const pool = new FakePool(new FakeClock(T0), names)
        pool.nodes.get('n-b')!.unschedulable = true
        pool.crashAt = k
        await expect(runWalk(walkOptions(pool), pool.ops()), `crash at ${k}`).rejects.toBeInstanceOf(Crash)
        pool.crashAt = 0
        const outcome = await runWalk(walkOptions(pool), pool.ops())
        expect(outcome.status, `crash at ${k}`).toBe('done')
        expect(pool.drainedTwice, `crash at ${k}`).toEqual([])
        expect(pool.nodes.get('n-b')!.unschedulable, `crash at ${k}`).toBe(true)
        expect(pool.uncordoned.sort(), `crash at ${k}`).toEqual(['n-a', 'n-c'])
        for (const n of pool.nodes.values()) expect(n.record?.step, `crash at ${k}`).toBe('done')
        // A drain cut short by the crash is the only one that runs again.
        expect(pool.drains.length, `crash at ${k}`).toBeLessThanOrEqual(4)
      }
    })
  })

  it('walks max-unavailable nodes at once, never more', async () => {
    const pool = new FakePool(new FakeClock(T0), ['n-a', 'n-b', 'n-c', 'n-d', 'n-e'])
    const outcome = await runWalk(walkOptions(pool, {maxUnavailable: 2}), pool.ops())
    expect(outcome.status).toBe('done')
    expect(pool.maxCordonedAtOnce).toBe(2)
    expect(pool.drains.sort()).toEqual(['n-a', 'n-b', 'n-c', 'n-d', 'n-e'])
  })

  it('does not start a node that cannot finish before a four-hour window closes, and says when it opens next', async () => {
    const clock = new FakeClock(T0)
    const pool = new FakePool(clock, ['n-a', 'n-b', 'n-c', 'n-d'])
    pool.handOverMs = 80 * 60_000 // each node: 1 min drain + 80 min hand-over
    const o = walkOptions(pool, {window: parseWindow('Sat 02:00-06:00 Europe/Berlin')})
    const outcome = await runWalk(o, pool.ops())
    // 02:00 + 3 x 81 min = 06:03: the third node would end after 06:00.
    expect(outcome.status).toBe('stopped')
    expect(outcome.done).toEqual(['n-a', 'n-b'])
    expect(outcome.remaining).toEqual(['n-c', 'n-d'])
    expect(outcome.nextWindow?.toISOString()).toBe('2026-03-14T01:00:00.000Z')
    expect(pool.drains).toEqual(['n-a', 'n-b'])
    expect(pool.nodes.get('n-c')!.unschedulable).toBe(false)
    expect(pool.nodes.get('n-c')!.record).toBeUndefined()
    expect(o.events.at(-1)?.message).toMatch(/not starting n-c: the window .* closes at 2026-03-07T05:00:00.000Z.*remaining: n-c, n-d; the window opens next at 2026-03-14T01:00:00.000Z/)
  })

  it('starts nothing when the window is already closed', async () => {
    const pool = new FakePool(new FakeClock(T0), ['n-a'])
    const outcome = await runWalk(walkOptions(pool, {window: untilWindow(new Date(T0 - 1000), '2026-03-07T00:59:59Z')}), pool.ops())
    expect(outcome).toMatchObject({status: 'stopped', done: [], remaining: ['n-a']})
    expect(outcome.nextWindow).toBeUndefined()
    expect(pool.writes).toBe(0)
  })

  it('finishes a node it had begun even when the window has closed since', async () => {
    const pool = new FakePool(new FakeClock(T0), ['n-a', 'n-b'])
    pool.crashAt = 6 // n-a read again before starting (3), cordoned (4, 5), crash as it is about to drain
    await expect(runWalk(walkOptions(pool), pool.ops())).rejects.toBeInstanceOf(Crash)
    expect(pool.nodes.get('n-a')!.record?.step).toBe('cordoned')
    pool.crashAt = 0
    const outcome = await runWalk(walkOptions(pool, {window: untilWindow(new Date(T0 - 1000), 'past')}), pool.ops())
    expect(outcome).toMatchObject({status: 'stopped', done: ['n-a'], remaining: ['n-b']})
    expect(pool.nodes.get('n-a')).toMatchObject({unschedulable: false, record: {step: 'done'}})
  })

  it('soaks: waits the soak time on the clock and checks the node is still Ready', async () => {
    const clock = new FakeClock(T0)
    const pool = new FakePool(clock, ['n-a'])
    const o = walkOptions(pool, {soakMs: 10 * 60_000})
    expect((await runWalk(o, pool.ops())).status).toBe('done')
    expect(clock.ms - T0).toBe(60_000 + 5 * 60_000 + 10 * 60_000)
    expect(o.events.some(e => e.type === 'soaking')).toBe(true)
  })

  it('stops at a node that goes not Ready during its soak time, or whose pods are not Ready at its end: left cordoned, the record saying why', async () => {
    for (const [setup, why] of [
      [(p: FakePool) => p.flapping.add('n-a'), 'n-a went not Ready during the soak time'],
      [(p: FakePool) => p.unreadyPods.set('n-a', ['kube-system/cni-x', 'kube-system/proxy-y']), 'after the soak time, 2 pods on n-a are not Ready: kube-system/cni-x, kube-system/proxy-y'],
    ] as const) {
      const pool = new FakePool(new FakeClock(T0), ['n-a', 'n-b'])
      setup(pool)
      const o = walkOptions(pool, {soakMs: 10 * 60_000})
      const outcome = await runWalk(o, pool.ops())
      expect(outcome).toMatchObject({status: 'failed', message: `n-a: ${why}`, remaining: ['n-a', 'n-b']})
      expect(pool.nodes.get('n-a')).toMatchObject({unschedulable: true, record: {step: 'handed-over', error: why}})
      expect(pool.nodes.get('n-b')!.unschedulable).toBe(false)
      expect(pool.uncordoned).toEqual([])
    }
  })

  it('with --replace, waits for the successor and leaves no record on a node that is gone', async () => {
    const pool = new FakePool(new FakeClock(T0), ['n-a', 'n-b'])
    pool.successors.set('n-a', 'n-x').set('n-b', 'n-y')
    const o = walkOptions(pool, {replace: true})
    const outcome = await runWalk(o, pool.ops())
    expect(outcome.status).toBe('done')
    expect(pool.nodes.get('n-a')!.exists).toBe(false)
    expect(pool.nodes.get('n-x')).toMatchObject({exists: true, unschedulable: false})
    expect(o.events.filter(e => e.type === 'node-done').map(e => e.node)).toEqual(['n-x', 'n-y'])
  })

  it('in a dry run, writes nothing and says where the window would stop it', async () => {
    const pool = new FakePool(new FakeClock(T0), ['n-a', 'n-b', 'n-c'])
    const o = walkOptions(pool, {dryRun: true, window: untilWindow(new Date(T0 + 6 * 60_000), '6 minutes'), nodes: walkNodes(['n-a', 'n-b', 'n-c'], [], [0, 0, 0])})
    const outcome = await runWalk(o, pool.ops())
    // Each node: no pods, 2 min hand-over, 30 s Ready: 2.5 min; the third would end at 7.5 min.
    expect(outcome).toMatchObject({status: 'stopped', remaining: ['n-c']})
    expect(pool.writes + pool.drains.length + pool.hooks.length).toBe(0)
    expect(o.events.filter(e => e.type === 'node-started').map(e => e.node)).toEqual(['n-a', 'n-b'])
  })
})
