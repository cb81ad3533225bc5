import {describe, expect, it} from 'vitest'
import {isInteractive} from '../../../src/cli/tty.ts'

describe('terminal rules', () => {
  it('prompts only with terminals on stdin and stderr and CI unset', () => {
    expect(isInteractive({}, {isTTY: true}, {isTTY: true})).toBe(true)
    expect(isInteractive({CI: 'true'}, {isTTY: true}, {isTTY: true})).toBe(false)
    expect(isInteractive({}, {isTTY: false}, {isTTY: true})).toBe(false)
  })
})
