import {describe, expect, it} from 'vitest'
import {awaitOperator, type OperatorAnswer} from '../../../../src/upgrade/walk/operator.ts'
import {runWalk} from '../../../../src/upgrade/walk/run.ts'
import type {HandOverResult} from '../../../../src/upgrade/walk/types.ts'
import {FakeClock, FakePool, walkOptions} from './fakes.ts'

const T0 = Date.parse('2026-03-07T01:00:00Z')

/** A question that answers when told, and says whether it was withdrawn. */
function question() {
  let answer!: (a: OperatorAnswer) => void
  let fail!: (e: Error) => void
  const state = {withdrawn: false}
  const ask = (signal: AbortSignal) => new Promise<OperatorAnswer>((res, rej) => {
    answer = res
    fail = rej
    signal.addEventListener('abort', () => { state.withdrawn = true; rej(new Error('withdrawn')) }, {once: true})
  })
  return {ask, answer: (a: OperatorAnswer) => answer(a), fail: (e: Error) => fail(e), state}
}

/** A watch that sees a node when told, ends empty-handed when told, and says whether it was called off. */
function watcher() {
  let see!: (node: string | undefined) => void
  const state = {stopped: false}
  const watch = (signal: AbortSignal) => new Promise<string | undefined>((res, rej) => {
    see = res
    signal.addEventListener('abort', () => { state.stopped = true; rej(new Error('stopped')) }, {once: true})
  })
  return {watch, see: (n: string | undefined) => see(n), state}
}

const tick = () => new Promise(r => setTimeout(r, 1))

describe('awaitOperator', () => {
  it('takes the answer, and stops watching', async () => {
    const q = question(), w = watcher()
    const settled = awaitOperator(q.ask, w.watch)
    await tick()
    q.answer('skip')
    expect(await settled).toEqual({by: 'answer', answer: 'skip'})
    expect(w.state.stopped).toBe(true)
    expect(q.state.withdrawn).toBe(false)
  })

  it('goes on without an answer once the node is seen Ready, withdrawing the question', async () => {
    const q = question(), w = watcher()
    const settled = awaitOperator(q.ask, w.watch)
    await tick()
    w.see('pool-a-0')
    expect(await settled).toEqual({by: 'seen', node: 'pool-a-0'})
    expect(q.state.withdrawn).toBe(true)
  })

  it('keeps asking when the watch ends without seeing anything (its time is up)', async () => {
    const q = question(), w = watcher()
    const settled = awaitOperator(q.ask, w.watch)
    await tick()
    w.see(undefined)
    await tick()
    expect(q.state.withdrawn).toBe(false)
    q.answer('done')
    expect(await settled).toEqual({by: 'answer', answer: 'done'})
  })

  it('throws what the question throws (Ctrl-C), and stops watching', async () => {
    const q = question(), w = watcher()
    const settled = awaitOperator(q.ask, w.watch)
    await tick()
    q.fail(new Error('interrupted'))
    await expect(settled).rejects.toThrow('interrupted')
    expect(w.state.stopped).toBe(true)
  })
})

describe('runWalk with the operator', () => {
  /** The fake pool's hand-over, replaced by what the operator does with each node. */
  const byOperator = (pool: FakePool, answers: Record<string, 'upgrade' | 'skip' | 'abort'>) => {
    const ops = pool.ops()
    return {...ops, handOver: async (name: string): Promise<HandOverResult> => {
      const what = answers[name] ?? 'upgrade'
      if (what === 'skip') return {ok: false, decision: 'skip', message: 'skipped by the operator'}
      if (what === 'abort') return {ok: false, decision: 'abort', message: 'the operator stopped the walk'}
      pool.nodes.get(name)!.version = 'v1.37.0'
      return {ok: true, node: name, message: 'the operator says it is done'}
    }}
  }

  it('goes on past a node the operator skips, leaving it drained and cordoned, and ends stopped', async () => {
    const pool = new FakePool(new FakeClock(T0), ['n-a', 'n-b', 'n-c'])
    const o = walkOptions(pool, {operator: true})
    const outcome = await runWalk(o, byOperator(pool, {'n-b': 'skip'}))
    expect(outcome).toMatchObject({status: 'stopped', done: ['n-a', 'n-c'], remaining: ['n-b']})
    expect(outcome.message).toBe('skipped by the operator: n-b (drained and left cordoned; --resume asks again)')
    expect(pool.nodes.get('n-b')).toMatchObject({unschedulable: true, record: {step: 'drained', error: 'skipped by the operator'}})
    expect(o.events.find(e => e.node === 'n-b' && e.type === 'node-skipped')?.message).toBe('skipped by the operator: drained and left cordoned (--resume asks again)')
    expect(o.events.find(e => e.node === 'n-a' && e.type === 'hand-over')?.message).toBe('handing over to the operator')

    // Resumed: asked again about n-b only, which is not drained again.
    const again = await runWalk(walkOptions(pool, {operator: true}), byOperator(pool, {}))
    expect(again).toMatchObject({status: 'done'})
    expect(pool.drains).toEqual(['n-a', 'n-b', 'n-c'])
    expect(pool.nodes.get('n-b')).toMatchObject({unschedulable: false, record: {step: 'done'}})
  })

  it('stops when the operator stops the walk: no further node starts', async () => {
    const pool = new FakePool(new FakeClock(T0), ['n-a', 'n-b', 'n-c'])
    const outcome = await runWalk(walkOptions(pool, {operator: true}), byOperator(pool, {'n-a': 'abort'}))
    expect(outcome).toMatchObject({status: 'stopped', done: [], remaining: ['n-a', 'n-b', 'n-c'], message: 'n-a: the operator stopped the walk'})
    expect(pool.drains).toEqual(['n-a'])
    expect(pool.nodes.get('n-b')!.record).toBeUndefined()
    expect(pool.nodes.get('n-a')).toMatchObject({unschedulable: true, record: {step: 'drained'}})
  })
})
