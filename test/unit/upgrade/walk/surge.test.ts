import {describe, expect, it} from 'vitest'
import type {Node} from '../../../../src/model/k8s.ts'
import {runWalk} from '../../../../src/upgrade/walk/run.ts'
import {decodeKnownNodes, decodeLedger, encodeKnownNodes, encodeLedger, freeSuccessor, owedSuccessors, poolStanding, replacedMessage, successorNamed, takenSuccessors} from '../../../../src/upgrade/walk/surge.ts'
import {Crash, FakeClock, FakePool, walkOptions} from './fakes.ts'

const T0 = Date.parse('2026-03-07T01:00:00Z')

const node = (name: string, uid: string, o: {version?: string; ready?: boolean; created?: number; deleting?: boolean} = {}): Node => ({
  metadata: {name, uid, creationTimestamp: new Date(T0 + (o.created ?? 0) * 1000).toISOString(), ...(o.deleting ? {deletionTimestamp: new Date(T0).toISOString()} : {})},
  status: {conditions: [{type: 'Ready', status: o.ready === false ? 'False' : 'True'}], nodeInfo: {kubeletVersion: o.version ?? 'v1.36.4'}},
})

describe('which nodes are new', () => {
  const known = new Set(['u-a', 'u-b', 'u-c'])

  it('counts new nodes Ready at the target beyond the known nodes gone', () => {
    const nodes = [
      node('a', 'u-a'), node('c', 'u-c'),
      node('x', 'u-x', {version: 'v1.37.0', created: 5}),
      node('y', 'u-y', {version: 'v1.37.1', created: 3}),
      node('slow', 'u-s', {version: 'v1.37.0', ready: false}),
      node('old', 'u-o', {version: 'v1.36.4'}),
      node('going', 'u-g', {version: 'v1.37.0', deleting: true}),
    ]
    const s = poolStanding(known, nodes, '1.37')
    expect(s.joined.map(n => n.metadata.name)).toEqual(['y', 'x'])
    expect(s.gone).toBe(1)
    expect(s.spare).toBe(1)
  })

  it('knows a machine back under a known name by its new UID', () => {
    const s = poolStanding(known, [node('a', 'u-a2', {version: 'v1.37.0'}), node('b', 'u-b'), node('c', 'u-c')], '1.37')
    expect(s).toMatchObject({gone: 1, spare: 0})
    expect(s.joined.map(n => n.metadata.uid)).toEqual(['u-a2'])
  })

  it('takes the oldest new nodes as the successors of the nodes gone, and offers the next one', () => {
    const nodes = [node('c', 'u-c'), node('x', 'u-x', {version: 'v1.37.0', created: 1}), node('y', 'u-y', {version: 'v1.37.0', created: 2}), node('z', 'u-z', {version: 'v1.37.0', created: 3})]
    const taken = takenSuccessors(known, nodes, '1.37')
    expect([...taken]).toEqual(['u-x', 'u-y'])
    expect(freeSuccessor(known, taken, nodes, '1.37')?.metadata.name).toBe('z')
    expect(freeSuccessor(known, new Set([...taken, 'u-z']), nodes, '1.37')).toBeUndefined()
  })

  it('keeps the known set as UIDs on one annotation', () => {
    const text = encodeKnownNodes([node('b', 'u-b'), node('a', 'u-a'), {metadata: {name: 'no-uid'}}])
    expect(text).toBe('u-a,u-b')
    expect(decodeKnownNodes(text)).toEqual(new Set(['u-a', 'u-b']))
    expect(decodeKnownNodes('')).toEqual(new Set())
    expect(decodeKnownNodes(undefined)).toBeUndefined()
  })

  it('reads back the successor a replacement line names', () => {
    expect(successorNamed(replacedMessage('pool-a-0', 'pool-a-new0'))).toBe('pool-a-new0')
    expect(successorNamed('the hook exited 0')).toBeUndefined()
  })
})

describe('runWalk with --replace, resumed', () => {
  it('does not take a new node that already stands in for a node gone as the replacement of another', async () => {
    const pool = new FakePool(new FakeClock(T0), ['n-a', 'n-b', 'n-c'])
    pool.replacing = true
    pool.joinOnDelete = false
    pool.join() // new-0: it will take n-a's place
    pool.hookExit.set('n-b', 3)
    const first = await runWalk(walkOptions(pool, {replace: true}), pool.ops())
    expect(first).toMatchObject({status: 'failed', done: ['new-0', 'n-a']})
    expect(pool.nodes.get('n-b')).toMatchObject({exists: true, record: {step: 'drained'}})

    // Resumed: n-b's place is not new-0's to take; its own replacement never came, so the walk stops there.
    pool.hookExit.clear()
    const again = await runWalk(walkOptions(pool, {replace: true}), pool.ops())
    expect(again.status).toBe('failed')
    expect(again.message).toBe('n-b: no replacement of n-b joined')
    expect(pool.drains).toEqual(['n-a', 'n-b'])
  })
})

describe('the ledger of nodes handed over for replacement', () => {
  const known = new Set(['u-a', 'u-b', 'u-c'])
  const ledger = new Map([['a', 'u-a']])
  const owed = (nodes: Node[], l: Map<string, string> = ledger) => [...owedSuccessors(known, l, nodes, '1.37').keys()]

  it('owes the successor of a node of the ledger that is gone while the pool is short', () => {
    expect(owed([node('b', 'u-b'), node('c', 'u-c')])).toEqual(['a'])
    // Joined but not Ready at the target yet: still owed (the walk waits for it to be Ready).
    expect(owed([node('b', 'u-b'), node('c', 'u-c'), node('x', 'u-x', {version: 'v1.37.0', ready: false})])).toEqual(['a'])
    expect(owed([node('b', 'u-b'), node('c', 'u-c'), node('x', 'u-x', {version: 'v1.36.4'})])).toEqual(['a'])
  })

  it('owes nothing once a new node Ready at the target stands in, or while the node is still in the pool', () => {
    expect(owed([node('b', 'u-b'), node('c', 'u-c'), node('x', 'u-x', {version: 'v1.37.0'})])).toEqual([])
    expect(owed([node('a', 'u-a'), node('b', 'u-b'), node('c', 'u-c')])).toEqual([])
  })

  it('owes only nodes the walk handed over: a node removed by someone else is not waited for', () => {
    // c went (an autoscaler): the pool is two short, but only a is the walk's to wait for.
    expect(owed([node('b', 'u-b')])).toEqual(['a'])
    expect(owed([node('b', 'u-b')], new Map())).toEqual([])
    // One new node Ready: it stands in for one of the two gone; one is still owed.
    expect(owed([node('b', 'u-b'), node('x', 'u-x', {version: 'v1.37.0'})])).toEqual(['a'])
  })

  it('knows a machine back under the handed-over name by its new UID: owed until it is Ready at the target', () => {
    expect(owed([node('a', 'u-a2', {version: 'v1.37.0', ready: false}), node('b', 'u-b'), node('c', 'u-c')])).toEqual(['a'])
    expect(owed([node('a', 'u-a2', {version: 'v1.37.0'}), node('b', 'u-b'), node('c', 'u-c')])).toEqual([])
  })

  it('is kept as name=uid pairs on one annotation; what does not read as one is dropped', () => {
    const text = encodeLedger(new Map([['pool-b', 'u-b'], ['pool-a', 'u-a']]))
    expect(text).toBe('pool-a=u-a,pool-b=u-b')
    expect(decodeLedger(text)).toEqual(new Map([['pool-a', 'u-a'], ['pool-b', 'u-b']]))
    expect(decodeLedger('')).toEqual(new Map())
    expect(decodeLedger(undefined)).toEqual(new Map())
    expect(decodeLedger('x, =u, y=, z=u-z=q ,w=u-w')).toEqual(new Map([['w', 'u-w']]))
  })
})

describe('runWalk with --replace, stopped after the cloud deleted a node and before its successor joined', () => {
  const names = ['n-a', 'n-b', 'n-c']
  const fresh = () => {
    const pool = new FakePool(new FakeClock(T0), names)
    pool.replacing = true
    return pool
  }
  /** As the command plans a resumed walk: from the pool as it is now, with the successors the ledger still owes. */
  const resumed = (pool: FakePool, owed = pool.owed()) =>
    walkOptions(pool, {replace: true, owed, nodes: walkOptions(pool).nodes.filter(n => pool.nodes.get(n.name)!.exists)})
  /** Stopped at the first moment n-a is gone and its successor has not joined. */
  const stoppedAfterDelete = async () => {
    for (let k = 1; ; k++) {
      const pool = fresh()
      pool.crashAt = k
      await expect(runWalk(resumed(pool), pool.ops())).rejects.toBeInstanceOf(Crash)
      pool.crashAt = 0
      if (!pool.nodes.get('n-a')!.exists) return pool
    }
  }

  it('resumed, waits for that successor and sees it Ready before it takes another node down', async () => {
    const pool = await stoppedAfterDelete()
    expect(pool.owed()).toEqual(['n-a'])
    expect(pool.joined).toEqual([])
    const o = resumed(pool)
    const outcome = await runWalk(o, pool.ops())
    expect(outcome.status).toBe('done')
    expect(outcome.done).toContain('n-a')
    expect(pool.log.indexOf('join new-0')).toBeLessThan(pool.log.indexOf('cordon n-b'))
    expect(pool.maxDown).toBe(1)
    expect(o.events.find(e => e.type === 'walk-started')?.message).toContain('first the successor of n-a, handed over before the walk stopped')
    expect(o.events.filter(e => e.node === 'n-a').map(e => e.type)).toEqual(['node-started', 'hand-over', 'handed-over'])
    expect(o.events.find(e => e.type === 'handed-over' && e.node === 'n-a')?.message).toBe('n-a was replaced by new-0')
    expect(o.events.filter(e => e.node === 'new-0').map(e => e.type)).toEqual(['waiting-ready', 'ready', 'node-done'])
    expect(pool.ledger.size).toBe(0)
  })

  it('without the ledger, the resumed walk would take a second node down while the first is still missing', async () => {
    const pool = await stoppedAfterDelete()
    expect((await runWalk(resumed(pool, []), pool.ops())).status).toBe('done')
    expect(pool.maxDown).toBe(2)
  })

  it('never more than max-unavailable nodes down, none drained twice, one successor per node, at a crash at any point', async () => {
    const clean = fresh()
    expect((await runWalk(resumed(clean), clean.ops())).status).toBe('done')
    expect(clean.maxDown).toBe(1)
    let owing = 0
    for (let k = 1; k <= clean.calls; k++) {
      const pool = fresh()
      pool.crashAt = k
      await expect(runWalk(resumed(pool), pool.ops()), `crash at ${k}`).rejects.toBeInstanceOf(Crash)
      pool.crashAt = 0
      if (pool.owed().length) owing++
      const outcome = await runWalk(resumed(pool), pool.ops())
      expect(outcome.status, `crash at ${k}`).toBe('done')
      expect(pool.maxDown, `crash at ${k}`).toBeLessThanOrEqual(1)
      expect(pool.drainedTwice, `crash at ${k}`).toEqual([])
      expect(pool.joined, `crash at ${k}`).toHaveLength(3)
      for (const n of names) expect(pool.nodes.get(n)!.exists, `crash at ${k}: ${n}`).toBe(false)
      expect(new Set(pool.drains).size, `crash at ${k}`).toBe(3)
      expect(pool.ledger.size, `crash at ${k}`).toBe(0)
    }
    // One crash point for each node: after it was deleted, before its successor joined.
    expect(owing).toBe(3)
  })

  it('stops failed when the successor does not come, keeping the ledger, with no other node touched', async () => {
    const pool = await stoppedAfterDelete()
    pool.joinOnDelete = false
    const outcome = await runWalk(resumed(pool), pool.ops())
    expect(outcome).toMatchObject({status: 'failed', message: 'n-a: no replacement of n-a joined'})
    expect(outcome.remaining).toEqual(['n-a', 'n-b', 'n-c'])
    expect(pool.ledger.has('n-a')).toBe(true)
    expect(pool.nodes.get('n-b')!.unschedulable).toBe(false)
    expect(pool.drains).toEqual(['n-a'])
  })

  it('in a dry run, says it would wait for that successor first', async () => {
    const pool = await stoppedAfterDelete()
    const o = {...resumed(pool), dryRun: true}
    const outcome = await runWalk(o, pool.ops())
    expect(outcome.status).toBe('dry-run')
    expect(outcome.remaining).toEqual(['n-a', 'n-b', 'n-c'])
    expect(o.events.find(e => e.node === 'n-a')?.message).toMatch(/^would wait for the successor of n-a \(handed over before the walk stopped, and gone\) to join and be Ready at 1\.37: about \d+ min from /)
    expect(pool.joined).toEqual([])
  })
})

describe('runWalk with surge', () => {
  it('cordons the nodes walked at once, waits until the new nodes joined, then drains them', async () => {
    const pool = new FakePool(new FakeClock(T0), ['n-a', 'n-b', 'n-c', 'n-d'])
    pool.replacing = true
    const o = walkOptions(pool, {replace: true, surge: 2, maxUnavailable: 2})
    const outcome = await runWalk(o, pool.ops())
    expect(outcome.status).toBe('done')
    // Both cordoned before the two new nodes joined, and neither drained before.
    expect(pool.log.slice(0, 4)).toEqual(['cordon n-a', 'cordon n-b', 'join new-0', 'join new-1'])
    expect(pool.log.slice(4, 6).sort()).toEqual(['drain n-a', 'drain n-b'])
    expect(pool.drainedTwice).toEqual([])
    expect(pool.nodes.get('n-a')!.exists).toBe(false)
    // The surge nodes took the first two nodes' places; the next two waited for two more.
    const pairs = o.events.filter(e => e.type === 'handed-over').map(e => /^(\S+) was replaced by (\S+)$/.exec(e.message)!.slice(1))
    const batch = (from: number, i: number) => pairs.slice(from, from + 2).map(p => p[i]).sort()
    expect([batch(0, 0), batch(0, 1), batch(2, 0), batch(2, 1)]).toEqual([['n-a', 'n-b'], ['new-0', 'new-1'], ['n-c', 'n-d'], ['new-2', 'new-3']])
    expect(pool.log.indexOf('join new-2')).toBeLessThan(pool.log.indexOf('drain n-c'))
    expect(pool.joined).toHaveLength(4)
    const surge = o.events.filter(e => e.node === 'n-a' && e.type === 'hand-over').map(e => e.message)
    expect(surge[0]).toBe('surge: waiting for 2 new nodes Ready at 1.37 to join pool pool-a before draining')
  })

  it('drains at once when the pool already has the new nodes', async () => {
    const pool = new FakePool(new FakeClock(T0), ['n-a', 'n-b'])
    pool.replacing = true
    pool.join()
    const outcome = await runWalk(walkOptions(pool, {replace: true, surge: 1}), pool.ops())
    expect(outcome.status).toBe('done')
    expect(pool.log.slice(0, 2)).toEqual(['join new-0', 'cordon n-a'])
    expect(pool.log[2]).toBe('drain n-a')
    // new-0 replaced n-a; n-b waited for a node of its own.
    expect(pool.joined).toHaveLength(2)
  })

  it('stops with the node cordoned and undrained when too few new nodes join; the record says why', async () => {
    const pool = new FakePool(new FakeClock(T0), ['n-a', 'n-b'])
    pool.replacing = true
    pool.surging = false
    const outcome = await runWalk(walkOptions(pool, {replace: true, surge: 1}), pool.ops())
    expect(outcome).toMatchObject({status: 'failed', done: [], remaining: ['n-a', 'n-b']})
    expect(pool.drains).toEqual([])
    expect(pool.nodes.get('n-a')).toMatchObject({unschedulable: true, record: {step: 'cordoned', error: 'fewer than 1 new nodes joined'}})
    expect(pool.nodes.get('n-b')!.unschedulable).toBe(false)
  })

  describe('resumed after a crash at any point', () => {
    const names = ['n-a', 'n-b', 'n-c']
    const fresh = () => {
      const pool = new FakePool(new FakeClock(T0), names)
      pool.replacing = true
      pool.nodes.get('n-b')!.unschedulable = true
      return pool
    }
    const options = (pool: FakePool) => walkOptions(pool, {replace: true, surge: 1, nodes: walkOptions(pool).nodes.filter(n => pool.nodes.get(n.name)!.exists)})

    it('never drains a node twice, never uncordons a node cordoned before, and never waits again for nodes that joined', async () => {
      const clean = fresh()
      expect((await runWalk(options(clean), clean.ops())).status).toBe('done')
      const calls = clean.calls
      expect(clean.joined).toHaveLength(3)
      for (let k = 1; k <= calls; k++) {
        const pool = fresh()
        pool.crashAt = k
        await expect(runWalk(options(pool), pool.ops()), `crash at ${k}`).rejects.toBeInstanceOf(Crash)
        pool.crashAt = 0
        // As the command does on --resume: the walk is planned from the pool as it is now.
        const outcome = await runWalk(options(pool), pool.ops())
        expect(outcome.status, `crash at ${k}`).toBe('done')
        expect(pool.drainedTwice, `crash at ${k}`).toEqual([])
        expect(pool.uncordoned, `crash at ${k}`).not.toContain('n-b')
        // One new node per old node, as without the crash: nodes that joined were counted, not waited for again.
        expect(pool.joined, `crash at ${k}`).toHaveLength(3)
        for (const n of names) expect(pool.nodes.get(n)!.exists, `crash at ${k}: ${n}`).toBe(false)
        expect(new Set(pool.drains).size, `crash at ${k}`).toBe(3)
      }
    })
  })
})
