// The plain views of a walk and the choice between them and the tree.
import {PassThrough} from 'node:stream'
import {describe, expect, it} from 'vitest'
import {jsonView, lineView, wantsTree} from '../../../../src/cli/views/walk.ts'
import type {WalkEvent} from '../../../../src/model/reports/nodepool.ts'

const event = (message: string, node = 'n-a'): WalkEvent => ({time: '2026-03-07T01:02:03.000Z', type: 'hand-over', pool: 'pool-a', node, message})

function sink() {
  const stream = new PassThrough()
  let text = ''
  stream.on('data', d => { text += String(d) })
  return {stream, text: () => text}
}

describe('lineView', () => {
  it('writes one timestamped line per event, and holds lines back while a question is asked', async () => {
    const out = sink()
    const view = lineView(out.stream)
    view.onEvent(event('over to you'))
    let answer!: (a: string) => void
    const asked = view.ask({node: 'n-a'}, async output => {
      output.write('? what now\n')
      return new Promise<string>(r => { answer = r })
    })
    await new Promise(r => setTimeout(r, 5))
    view.onEvent(event('hook: upgrading', 'n-b'))
    expect(out.text()).toBe('01:02:03 n-a  over to you\n? what now\n')
    answer('done')
    expect(await asked).toBe('done')
    expect(out.text()).toBe('01:02:03 n-a  over to you\n? what now\n01:02:03 n-b  hook: upgrading\n')
  })

  it('asks one question at a time; a question withdrawn before its turn is never asked', async () => {
    const view = lineView(sink().stream)
    const asked: string[] = []
    let release!: () => void
    const first = view.ask({}, async () => { asked.push('first'); await new Promise<void>(r => { release = r }); return 1 })
    const withdraw = new AbortController()
    const second = view.ask({}, async () => { asked.push('second'); return 2 }, withdraw.signal)
    const third = view.ask({}, async () => { asked.push('third'); return 3 })
    await new Promise(r => setTimeout(r, 5))
    withdraw.abort(new Error('the node came back'))
    await expect(second).rejects.toThrow('the node came back')
    release()
    expect([await first, await third]).toEqual([1, 3])
    expect(asked).toEqual(['first', 'third'])
  })
})

describe('jsonView', () => {
  it('writes each event as one JSON object on a line', () => {
    const out = sink()
    jsonView(out.stream, sink().stream).onEvent(event('x'))
    expect(out.text()).toBe(JSON.stringify(event('x')) + '\n')
  })
})

describe('wantsTree', () => {
  const tty = {isTTY: true}
  it.each([
    [{format: 'text', dryRun: false, verbose: 0, stderr: tty, env: {}}, true],
    [{format: 'yaml', dryRun: false, verbose: 0, stderr: tty, env: {}}, true],
    [{format: 'json', dryRun: false, verbose: 0, stderr: tty, env: {}}, false],
    [{format: 'text', dryRun: true, verbose: 0, stderr: tty, env: {}}, false],
    [{format: 'text', dryRun: false, verbose: 1, stderr: tty, env: {}}, false],
    [{format: 'text', dryRun: false, verbose: 0, stderr: {}, env: {}}, false],
    [{format: 'text', dryRun: false, verbose: 0, stderr: tty, env: {CI: 'true'}}, false],
    [{format: 'text', dryRun: false, verbose: 0, stderr: tty, env: {TERM: 'dumb'}}, false],
  ])('%j: %s', (o, tree) => {
    expect(wantsTree(o)).toBe(tree)
  })
})
