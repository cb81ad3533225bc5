import {describe, expect, it} from 'vitest'
import {parseDuration} from '../../../src/cli/base.ts'
import {InputError} from '../../../src/model/errors.ts'

describe('parseDuration', () => {
  it('reads kubectl durations', () => {
    expect(parseDuration('0', '--request-timeout')).toBe(0)
    expect(parseDuration('5', '--request-timeout')).toBe(5000)
    expect(parseDuration('500ms', '--request-timeout')).toBe(500)
    expect(parseDuration('1m30s', '--request-timeout')).toBe(90_000)
    expect(parseDuration('2h', '--request-timeout')).toBe(7_200_000)
  })
  it('rejects anything else with a one-line error naming the flag', () => {
    expect(() => parseDuration('soon', '--request-timeout')).toThrow(/--request-timeout "soon" is not a duration/)
    expect(() => parseDuration('5x', '--request-timeout')).toThrow(InputError)
  })
})
