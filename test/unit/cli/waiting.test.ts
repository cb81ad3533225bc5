// The 5 s notice, on a fake terminal with fake time: when it appears, what it says, that it is
// erased when the answer comes, and that nothing at all is written when stderr is not a terminal.
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest'
import {WaitingNotice} from '../../../src/cli/waiting.ts'

const SERVER = 'https://10.0.0.1:6443'
const ERASE = '\r\x1b[K'

/** A stream that records what was written; `screen` is what a terminal would show on its last line. */
function fakeStream(isTTY: boolean) {
  const writes: string[] = []
  return {
    isTTY, writes,
    write(s: string) { writes.push(s); return true },
    screen() {
      let line = ''
      for (const w of writes) {
        for (const part of w.split(/(\r\x1b\[K)/)) {
          if (part === ERASE) line = ''
          else line = (line + part).split('\n').pop()!
        }
      }
      return line
    },
  }
}

beforeEach(() => { vi.useFakeTimers() })
afterEach(() => { vi.useRealTimers() })

describe('WaitingNotice', () => {
  it('says nothing for the first 5 s, then what it waits for, counting the seconds', () => {
    const tty = fakeStream(true)
    const notice = new WaitingNotice(tty, SERVER)
    const end = notice.start('list pods in namespace "web"')
    vi.advanceTimersByTime(4999)
    expect(tty.writes).toEqual([])
    vi.advanceTimersByTime(1)
    expect(tty.screen()).toBe(`waiting for the API server ${SERVER}: list pods in namespace "web" (5s)…`)
    vi.advanceTimersByTime(2000)
    expect(tty.screen()).toBe(`waiting for the API server ${SERVER}: list pods in namespace "web" (7s)…`)
    end()
    expect(tty.screen()).toBe('')
    expect(tty.writes.at(-1)).toBe(ERASE)
    // Nothing more once the answer came.
    const written = tty.writes.length
    vi.advanceTimersByTime(10_000)
    expect(tty.writes).toHaveLength(written)
  })

  it('names the oldest call and counts the others', () => {
    const tty = fakeStream(true)
    const notice = new WaitingNotice(tty, SERVER)
    const endPods = notice.start('list pods at the cluster scope')
    vi.advanceTimersByTime(1000)
    const endNodes = notice.start('list nodes at the cluster scope')
    vi.advanceTimersByTime(5000)
    expect(tty.screen()).toBe(`waiting for the API server ${SERVER}: list pods at the cluster scope and 1 more (6s)…`)
    endPods()
    // The one left has waited 5 s too: it takes the line at once.
    expect(tty.screen()).toBe(`waiting for the API server ${SERVER}: list nodes at the cluster scope (5s)…`)
    endNodes()
    expect(tty.screen()).toBe('')
  })

  it('erases itself when the one still waiting is younger than 5 s', () => {
    const tty = fakeStream(true)
    const notice = new WaitingNotice(tty, SERVER)
    const endOld = notice.start('list pods at the cluster scope')
    vi.advanceTimersByTime(5000)
    notice.start('list events at the cluster scope')
    endOld()
    expect(tty.screen()).toBe('')
  })

  it('writes nothing at all when stderr is not a terminal', () => {
    const pipe = fakeStream(false)
    const notice = new WaitingNotice(pipe, SERVER)
    const end = notice.start('list pods at the cluster scope')
    vi.advanceTimersByTime(60_000)
    end()
    notice.write('GET https://x/api 200 OK in 1 milliseconds\n')
    notice.stop()
    // -v lines still go through; the notice itself never appears.
    expect(pipe.writes).toEqual(['GET https://x/api 200 OK in 1 milliseconds\n'])
  })

  it('keeps -v lines off the notice\'s line, and comes back on the next tick', () => {
    const tty = fakeStream(true)
    const notice = new WaitingNotice(tty, SERVER)
    notice.start('list pods at the cluster scope')
    vi.advanceTimersByTime(5000)
    notice.write('GET https://x/version 200 OK in 3 milliseconds\n')
    expect(tty.writes.slice(-2)).toEqual([ERASE, 'GET https://x/version 200 OK in 3 milliseconds\n'])
    expect(tty.screen()).toBe('')
    vi.advanceTimersByTime(1000)
    expect(tty.screen()).toMatch(/^waiting for the API server .* \(6s\)…$/)
  })

  it('is erased for good by stop(), before an answer or an error is printed', () => {
    const tty = fakeStream(true)
    const notice = new WaitingNotice(tty, SERVER)
    notice.start('list pods at the cluster scope')
    vi.advanceTimersByTime(8000)
    notice.stop()
    expect(tty.screen()).toBe('')
    notice.start('list nodes at the cluster scope')
    vi.advanceTimersByTime(60_000)
    expect(tty.screen()).toBe('')
  })

  it('does not keep the process alive', () => {
    const notice = new WaitingNotice(fakeStream(true), SERVER)
    const spy = vi.spyOn(globalThis, 'setInterval')
    notice.start('x')
    const timer = spy.mock.results[0]!.value as NodeJS.Timeout
    expect(timer.hasRef()).toBe(false)
    notice.stop()
  })
})
