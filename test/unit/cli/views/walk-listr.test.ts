// The tree drawn by listr2 from a walk's events, on a stream that acts as a terminal: while the
// walk runs, and the last frame that stays once the view is closed (nothing left spinning).
import {PassThrough} from 'node:stream'
import {stripVTControlCharacters} from 'node:util'
import {describe, expect, it} from 'vitest'
import {treeView} from '../../../../src/cli/views/walk-listr.ts'
import type {WalkEvent, WalkEventType} from '../../../../src/model/reports/nodepool.ts'
import {runWalk} from '../../../../src/upgrade/walk/run.ts'
import {FakeClock, FakePool, walkOptions} from '../../upgrade/walk/fakes.ts'

const SPINNER = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/

/** A terminal 100 columns wide that keeps what is written to it. */
function terminal() {
  const stream = Object.assign(new PassThrough(), {isTTY: true, columns: 100, rows: 40}) as unknown as NodeJS.WriteStream & PassThrough
  let text = ''
  stream.on('data', d => { text += String(d) })
  return {stream, text: () => text}
}

/** What stays on screen after the view closed: the last frame, written after the renderer's last erase (the cursor is shown again after it). */
function lastFrame(raw: string): string[] {
  const body = raw.replace(/\x1b\[\?25h$/, '')
  const escapes = [...body.matchAll(/\x1b\[[0-9;?]*[A-Za-z]/g)]
  const last = escapes.at(-1)!
  return body.slice(last.index + last[0].length).trimEnd().split('\n')
}

const T0 = Date.parse('2026-03-07T01:00:00Z')

describe('the listr2 tree of a walk', () => {
  it('draws the engine\'s walk and leaves the last frame, without spinners, once closed', async () => {
    const term = terminal()
    const pool = new FakePool(new FakeClock(T0), ['n-a', 'n-b'])
    const view = await treeView({pool: 'pool-a', target: '1.37', stream: term.stream, now: () => pool.clock.now()})
    const o = walkOptions(pool, {emit: e => view.onEvent(e)})
    expect((await runWalk(o, pool.ops())).status).toBe('done')
    await view.close()
    await view.close()
    const frame = lastFrame(term.text())
    expect(frame).toEqual([
      '✔ pool pool-a to 1.37: every node of pool pool-a is at 1.37 (2 nodes)',
      '  ✔ n-a: done: Ready at 1.37',
      '  ✔ n-b: done: Ready at 1.37',
    ])
    expect(term.text()).toMatch(SPINNER)
  })

  it('a walk that fails keeps its nodes on screen, the failed one marked, and draws nothing after close', async () => {
    const term = terminal()
    const now = () => new Date(T0)
    const view = await treeView({pool: 'pool-a', target: '1.37', stream: term.stream, now})
    const ev = (type: WalkEventType, node: string | undefined, message: string, extra: Partial<WalkEvent> = {}) =>
      view.onEvent({time: now().toISOString(), type, pool: 'pool-a', ...(node ? {node} : {}), message, ...extra})
    ev('node-started', 'n-a', 'starting n-a')
    ev('node-done', 'n-a', 'done: Ready at 1.37')
    ev('node-started', 'n-b', 'starting n-b')
    ev('draining', 'n-b', 'draining')
    ev('drain', 'n-b', 'evicting shop/db-0', {drain: 'evicting', pod: 'shop/db-0'})
    ev('drain', 'n-b', 'shop/db-0 waits: PDB shop/db allows 0 disruptions', {drain: 'blocked', pod: 'shop/db-0'})
    ev('walk-failed', undefined, 'n-b: drain timeout')
    await view.close()
    const written = term.text().length
    ev('node-started', 'n-c', 'starting n-c')
    expect(lastFrame(term.text())).toEqual([
      '✖ pool pool-a to 1.37: n-b: drain timeout',
      '  ✔ n-a: done: Ready at 1.37',
      '  ✖ n-b: draining: stopped here',
      '    ✖ shop/db-0: waits: PDB shop/db allows 0 disruptions',
    ])
    expect(term.text().length).toBe(written)
  })

  it('asks inside the tree, one question at a time, and gives each its answer', async () => {
    const term = terminal()
    const view = await treeView({pool: 'pool-a', target: '1.37', stream: term.stream, now: () => new Date(T0)})
    view.onEvent({time: new Date(T0).toISOString(), type: 'node-started', pool: 'pool-a', node: 'n-a', message: 'starting n-a'})
    const order: string[] = []
    let release!: () => void
    const first = view.ask({node: 'n-a'}, async output => {
      output.write('? first question')
      order.push('first asked')
      await new Promise<void>(r => { release = r })
      return 'one'
    })
    const second = view.ask({pod: 'shop/web-1'}, async output => { output.write('? second question'); order.push('second asked'); return 'two' })
    const withdrawn = new AbortController()
    const third = view.ask({node: 'n-a'}, async () => { order.push('third asked'); return 'three' }, withdrawn.signal)
    await new Promise(r => setTimeout(r, 20))
    expect(order).toEqual(['first asked'])
    expect(stripVTControlCharacters(term.text())).toContain('? first question')
    withdrawn.abort(new Error('seen Ready'))
    await expect(third).rejects.toThrow('seen Ready')
    release()
    expect(await first).toBe('one')
    expect(await second).toBe('two')
    expect(order).toEqual(['first asked', 'second asked'])
    await view.close()
  })
})
