import {describe, expect, it} from 'vitest'
import {ageOf, formatAge} from '../../../src/model/age.ts'

describe('formatAge', () => {
  it('formats ages compactly', () => {
    expect([formatAge(45_000), formatAge(12 * 60_000), formatAge(3 * 3600_000 + 5 * 60_000), formatAge(3 * 3600_000), formatAge(50 * 3600_000)]).toEqual(['45s', '12m', '3h5m', '3h', '2d2h'])
  })
})

describe('one age format everywhere', () => {
  it('writes 30 hours as 1d6h, and guards against unreadable input', () => {
    expect(formatAge(30 * 3600_000)).toBe('1d6h')
    expect(formatAge(48 * 3600_000)).toBe('2d')
    expect(formatAge(-5000)).toBe('0s')
    expect(formatAge(Number.NaN)).toBe('0s')
  })

  it('ages an RFC 3339 time against now', () => {
    const now = new Date('2026-01-02T06:00:00Z')
    expect(ageOf('2026-01-01T00:00:00Z', now)).toBe('1d6h')
    expect(ageOf(undefined, now)).toBeUndefined()
    expect(ageOf('yesterday', now)).toBeUndefined()
  })
})
