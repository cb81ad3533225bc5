import {describe, expect, it} from 'vitest'
import {parseUntil, parseWindow, parseWindowSpec, zonedInstant} from '../../../src/upgrade/window.ts'
import {InputError} from '../../../src/model/errors.ts'

const at = (iso: string) => new Date(iso)
const iso = (d: Date | undefined) => d?.toISOString()

describe('parseWindowSpec', () => {
  it('reads days, range and zone', () => {
    const s = parseWindowSpec('Sat 02:00-06:00 Europe/Berlin')
    expect([...s.days]).toEqual([6])
    expect(s.startMinute).toBe(120)
    expect(s.endMinute).toBe(360)
    expect(s.zone).toBe('Europe/Berlin')
  })

  it('reads day ranges, lists, wrapping ranges, and every day when omitted', () => {
    expect([...parseWindowSpec('Mon-Fri 22:00-04:00 UTC').days].sort()).toEqual([1, 2, 3, 4, 5])
    expect([...parseWindowSpec('Sat,Sun 01:00-05:00 UTC').days].sort()).toEqual([0, 6])
    expect([...parseWindowSpec('Fri-Mon 01:00-05:00 UTC').days].sort()).toEqual([0, 1, 5, 6])
    expect([...parseWindowSpec('01:00-05:00 UTC').days].sort()).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(parseWindowSpec('sunday 01:00-05:00 UTC').days.has(0)).toBe(true)
  })

  it('defaults the zone to the one given', () => {
    expect(parseWindowSpec('02:00-03:00', 'Asia/Tokyo').zone).toBe('Asia/Tokyo')
  })

  it.each([
    ['', 'has no time range'],
    ['Sat', 'has no time range'],
    ['Sat 2-6 UTC', 'has no time range'],
    ['Sat 02:00-06:00 UTC extra', 'is not DAYS HH:MM-HH:MM ZONE'],
    ['Caturday 02:00-06:00 UTC', 'unknown day "Caturday"'],
    ['Mon-Fri-Sat 02:00-06:00 UTC', 'day range'],
    ['Sat 25:00-06:00 UTC', 'time "25:00"'],
    ['Sat 02:00-06:60 UTC', 'time "06:60"'],
    ['Sat 02:00-02:00 UTC', 'same time'],
  ])('refuses %j with one line saying what to write', (text, why) => {
    let err: unknown
    try { parseWindowSpec(text) } catch (e) { err = e }
    expect(err).toBeInstanceOf(InputError)
    expect((err as InputError).message).toContain(why)
    expect((err as InputError).hint).toContain("'Sat 02:00-06:00 Europe/Berlin'")
    expect((err as InputError).message).not.toContain('\n')
  })

  it('refuses an unknown time zone, naming it', () => {
    let err: unknown
    try { parseWindowSpec('Sat 02:00-06:00 Europe/Berln') } catch (e) { err = e }
    expect(err).toBeInstanceOf(InputError)
    expect((err as InputError).message).toBe('unknown time zone "Europe/Berln"')
    expect((err as InputError).hint).toContain('IANA')
  })
})

describe('a weekly window', () => {
  // 2026-03-07 is a Saturday; Berlin is UTC+1 then.
  const w = parseWindow('Sat 02:00-06:00 Europe/Berlin')

  it('is open inside the range, in the zone\'s time', () => {
    expect(w.isOpen(at('2026-03-07T01:00:00Z'))).toBe(true) // 02:00 Berlin
    expect(w.isOpen(at('2026-03-07T00:59:59Z'))).toBe(false)
    expect(w.isOpen(at('2026-03-07T04:59:59Z'))).toBe(true)
    expect(w.isOpen(at('2026-03-07T05:00:00Z'))).toBe(false) // 06:00 Berlin: the end is not inside
    expect(w.isOpen(at('2026-03-08T02:00:00Z'))).toBe(false) // Sunday
  })

  it('says when it closes, only while open', () => {
    expect(iso(w.closesAt(at('2026-03-07T02:00:00Z')))).toBe('2026-03-07T05:00:00.000Z')
    expect(w.closesAt(at('2026-03-07T06:00:00Z'))).toBeUndefined()
  })

  it('says when it opens next: the next Saturday once this one has started', () => {
    expect(iso(w.nextOpening(at('2026-03-05T12:00:00Z')))).toBe('2026-03-07T01:00:00.000Z')
    expect(iso(w.nextOpening(at('2026-03-07T02:00:00Z')))).toBe('2026-03-14T01:00:00.000Z')
    expect(iso(w.nextOpening(at('2026-03-07T06:00:00Z')))).toBe('2026-03-14T01:00:00.000Z')
  })

  it('keeps its local hours across the change to summer time', () => {
    // 2026-03-28 is a Saturday at UTC+1; 2026-04-04 one at UTC+2.
    expect(iso(w.nextOpening(at('2026-03-22T00:00:00Z')))).toBe('2026-03-28T01:00:00.000Z')
    expect(iso(w.nextOpening(at('2026-03-30T00:00:00Z')))).toBe('2026-04-04T00:00:00.000Z')
    expect(iso(w.closesAt(at('2026-04-04T01:00:00Z')))).toBe('2026-04-04T04:00:00.000Z')
  })
})

describe('a window over midnight', () => {
  const w = parseWindow('Fri 22:00-04:00 UTC')

  it('belongs to the day it starts on and runs into the next', () => {
    // 2026-03-06 is a Friday.
    expect(w.isOpen(at('2026-03-06T21:59:00Z'))).toBe(false)
    expect(w.isOpen(at('2026-03-06T22:00:00Z'))).toBe(true)
    expect(w.isOpen(at('2026-03-07T03:59:00Z'))).toBe(true)
    expect(w.isOpen(at('2026-03-07T04:00:00Z'))).toBe(false)
    // Thursday night is not a Friday start.
    expect(w.isOpen(at('2026-03-06T02:00:00Z'))).toBe(false)
    expect(iso(w.closesAt(at('2026-03-07T01:00:00Z')))).toBe('2026-03-07T04:00:00.000Z')
  })

  it('every night: open after midnight from the night before', () => {
    const nightly = parseWindow('23:00-01:00 UTC')
    expect(nightly.isOpen(at('2026-03-07T00:30:00Z'))).toBe(true)
    expect(iso(nightly.nextOpening(at('2026-03-07T00:30:00Z')))).toBe('2026-03-07T23:00:00.000Z')
  })

  it('runs together with the next day\'s window when they touch', () => {
    const weekend = parseWindow('Sat,Sun 00:00-24:00 UTC')
    expect(iso(weekend.closesAt(at('2026-03-07T10:00:00Z')))).toBe('2026-03-09T00:00:00.000Z')
  })
})

describe('daylight-saving change days (Europe/Berlin)', () => {
  it('a start in the skipped hour opens when the clocks jump', () => {
    // 2026-03-29 (Sunday): 02:00 CET becomes 03:00 CEST at 01:00 UTC.
    const w = parseWindow('Sun 02:30-05:00 Europe/Berlin')
    expect(iso(w.nextOpening(at('2026-03-28T12:00:00Z')))).toBe('2026-03-29T01:00:00.000Z')
    // 05:00 CEST is 03:00 UTC: a window of two hours that day.
    expect(iso(w.closesAt(at('2026-03-29T01:30:00Z')))).toBe('2026-03-29T03:00:00.000Z')
  })

  it('an over-midnight window on the night the clocks go forward is an hour shorter', () => {
    const w = parseWindow('Sat 22:00-06:00 Europe/Berlin')
    // Opens 22:00 CET (21:00 UTC), closes 06:00 CEST (04:00 UTC): 7 hours.
    expect(iso(w.nextOpening(at('2026-03-28T12:00:00Z')))).toBe('2026-03-28T21:00:00.000Z')
    expect(iso(w.closesAt(at('2026-03-28T23:00:00Z')))).toBe('2026-03-29T04:00:00.000Z')
  })

  it('a time that occurs twice when the clocks go back means its first occurrence', () => {
    // 2026-10-25 (Sunday): 03:00 CEST becomes 02:00 CET at 01:00 UTC; 02:30 happens at 00:30 and 01:30 UTC.
    const w = parseWindow('Sun 02:30-04:00 Europe/Berlin')
    expect(iso(w.nextOpening(at('2026-10-24T12:00:00Z')))).toBe('2026-10-25T00:30:00.000Z')
    expect(iso(w.closesAt(at('2026-10-25T01:45:00Z')))).toBe('2026-10-25T03:00:00.000Z')
    expect(w.isOpen(at('2026-10-25T00:29:59Z'))).toBe(false)
  })

  it('an over-midnight window on the night the clocks go back is an hour longer', () => {
    const w = parseWindow('Sat 22:00-06:00 Europe/Berlin')
    expect(iso(w.nextOpening(at('2026-10-24T12:00:00Z')))).toBe('2026-10-24T20:00:00.000Z')
    expect(iso(w.closesAt(at('2026-10-24T23:00:00Z')))).toBe('2026-10-25T05:00:00.000Z')
  })

  it('zonedInstant agrees with the zone on an ordinary day', () => {
    expect(new Date(zonedInstant(Date.UTC(2026, 6, 1, 12, 0), 'America/New_York')).toISOString()).toBe('2026-07-01T16:00:00.000Z')
    expect(new Date(zonedInstant(Date.UTC(2026, 0, 1, 12, 0), 'America/New_York')).toISOString()).toBe('2026-01-01T17:00:00.000Z')
  })
})

describe('parseUntil', () => {
  const now = at('2026-03-07T22:00:00Z')

  it('reads an RFC 3339 time: open before it, closed after, never again', () => {
    const w = parseUntil('2026-03-08T01:30:00+01:00', now)
    expect(w.isOpen(now)).toBe(true)
    expect(iso(w.closesAt(now))).toBe('2026-03-08T00:30:00.000Z')
    expect(w.isOpen(at('2026-03-08T00:30:00Z'))).toBe(false)
    expect(w.nextOpening(at('2026-03-08T00:30:00Z'))).toBeUndefined()
  })

  it('a time already past is a window already closed', () => {
    const w = parseUntil('2026-03-07T21:00:00Z', now)
    expect(w.isOpen(now)).toBe(false)
    expect(w.closesAt(now)).toBeUndefined()
  })

  it('reads HH:MM as the next such local time: later today, or tomorrow once it has passed', () => {
    // 22:00 UTC is 23:00 in Berlin.
    expect(iso(parseUntil('23:30', now, 'Europe/Berlin').closesAt(now))).toBe('2026-03-07T22:30:00.000Z')
    expect(iso(parseUntil('02:00', now, 'Europe/Berlin').closesAt(now))).toBe('2026-03-08T01:00:00.000Z')
  })

  it.each(['tomorrow', '25:00', '2026-03-08', '2026-13-40T00:00:00Z', '6am'])('refuses %j with one line', text => {
    let err: unknown
    try { parseUntil(text, now, 'UTC') } catch (e) { err = e }
    expect(err).toBeInstanceOf(InputError)
    expect((err as InputError).hint).toContain('HH:MM')
  })
})
