import {describe, expect, it} from 'vitest'
import {shouldColor} from '../../../src/render/style.ts'

describe('terminal rules', () => {
  it('colours only when asked or on a terminal without NO_COLOR', () => {
    expect(shouldColor('always', {isTTY: false}, {})).toBe(true)
    expect(shouldColor('never', {isTTY: true}, {})).toBe(false)
    expect(shouldColor('auto', {isTTY: true}, {})).toBe(true)
    expect(shouldColor('auto', {isTTY: true}, {NO_COLOR: '1'})).toBe(false)
    expect(shouldColor('auto', {isTTY: false}, {})).toBe(false)
  })
})
