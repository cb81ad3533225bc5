// Maintenance windows: when a walk may start work on a node. `--window 'Sat 02:00-06:00
// Europe/Berlin'` is a weekly window (days, a time range, an IANA time zone), like kured's
// --reboot-days/--start-time/--end-time/--time-zone (kubereboot/kured pkg/timewindow), except
// that a walk also asks when the window closes, to not start a node it cannot finish.
// `--until TIME` is a window open from now until TIME.
//
// Times are wall-clock times in the zone, turned into instants per day, so a window keeps its
// local hours across daylight-saving changes. On the day the clocks go forward a time in the
// skipped hour means the instant of the jump; on the day they go back a time that occurs twice
// means its first occurrence (the window opens early rather than late, and closes early rather
// than late). A range whose end is not after its start runs over midnight: its days are the days
// it starts on.
import {InputError} from '../model/errors.js'

export interface MaintenanceWindow {
  /** As given, for messages. */
  readonly text: string
  isOpen(now: Date): boolean
  /** When the opening that holds `now` ends; undefined when the window is closed at `now`. */
  closesAt(now: Date): Date | undefined
  /** The first opening that starts after `now`; undefined when there is none (an --until window). */
  nextOpening(now: Date): Date | undefined
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const
const DAY_MS = 86_400_000
const WINDOW_HINT = "write it like 'Sat 02:00-06:00 Europe/Berlin', 'Mon-Fri 22:00-04:00 UTC' or '01:00-05:00 America/New_York'"

/** A weekly window as parsed: the days it starts on (0 = Sunday), its range in minutes, its zone. */
export interface WeeklyWindowSpec {
  days: Set<number>
  startMinute: number
  endMinute: number
  zone: string
}

/** Parses `--window`: `[DAYS] HH:MM-HH:MM [ZONE]`; DAYS like Sat, Mon-Fri, Sat,Sun; ZONE an IANA name (default: this machine's). */
export function parseWindow(text: string, defaultZone = localZone()): MaintenanceWindow {
  return weeklyWindow(parseWindowSpec(text, defaultZone), text)
}

export function parseWindowSpec(text: string, defaultZone = localZone()): WeeklyWindowSpec {
  const parts = text.trim().split(/\s+/).filter(Boolean)
  const bad = (why: string): never => { throw new InputError(`--window "${text}" ${why}`, WINDOW_HINT) }
  const rangeAt = parts.findIndex(p => /^\d{1,2}:\d{2}-\d{1,2}:\d{2}$/.test(p))
  if (rangeAt < 0) bad('has no time range HH:MM-HH:MM')
  if (rangeAt > 1 || parts.length > rangeAt + 2) bad('is not DAYS HH:MM-HH:MM ZONE')
  const days = rangeAt === 1 ? parseDays(parts[0]!, bad) : new Set([0, 1, 2, 3, 4, 5, 6])
  const [from, to] = parts[rangeAt]!.split('-') as [string, string]
  const startMinute = parseClock(from, false, bad)
  const endMinute = parseClock(to, true, bad)
  if (startMinute === endMinute % (24 * 60) && endMinute !== 24 * 60) bad('starts and ends at the same time')
  const zone = parts[rangeAt + 1] ?? defaultZone
  assertZone(zone)
  return {days, startMinute, endMinute, zone}
}

function parseDays(text: string, bad: (why: string) => never): Set<number> {
  const days = new Set<number>()
  const day = (name: string): number => {
    const i = DAYS.indexOf(name.toLowerCase().slice(0, 3) as (typeof DAYS)[number])
    if (i < 0 || !/^[a-z]+$/i.test(name) || name.length < 3) bad(`has an unknown day "${name}" (use Mon, Tue, Wed, Thu, Fri, Sat, Sun)`)
    return i
  }
  for (const item of text.split(',')) {
    const range = item.split('-')
    if (range.length === 1) { days.add(day(item)); continue }
    if (range.length !== 2) bad(`has a day range "${item}" that is not DAY-DAY`)
    // A range may wrap around the week (Fri-Mon).
    const a = day(range[0]!), b = day(range[1]!)
    for (let d = a; ; d = (d + 1) % 7) { days.add(d); if (d === b) break }
  }
  return days
}

function parseClock(text: string, isEnd: boolean, bad: (why: string) => never): number {
  const [h, m] = text.split(':').map(Number) as [number, number]
  if (isEnd && h === 24 && m === 0) return 24 * 60
  if (h > 23 || m > 59) bad(`has a time "${text}" that is not HH:MM (00:00 to 23:59${isEnd ? ', or 24:00 as an end' : ''})`)
  return h * 60 + m
}

/** Throws the one-line error for a time zone Intl does not know. */
export function assertZone(zone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', {timeZone: zone})
  } catch {
    throw new InputError(`unknown time zone "${zone}"`, 'write an IANA time zone like Europe/Berlin, America/New_York or UTC')
  }
}

export function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric'})
    formatters.set(zone, f)
  }
  return f
}

/** The wall clock of `ms` in the zone, as if it were UTC (so arithmetic on it is plain). */
function wallClock(ms: number, zone: string): number {
  const p: Record<string, number> = {}
  for (const part of formatter(zone).formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value)
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!)
}

/** The zone's offset from UTC at the instant, in ms. */
function offsetAt(ms: number, zone: string): number {
  const whole = Math.floor(ms / 1000) * 1000
  return wallClock(whole, zone) - whole
}

/**
 * The instant a wall-clock time (given as if UTC) has in the zone. A time that occurs twice gives
 * its first occurrence; a time the clocks skip gives the instant they jump.
 */
export function zonedInstant(wall: number, zone: string): number {
  const before = offsetAt(wall - DAY_MS, zone)
  const after = offsetAt(wall + DAY_MS, zone)
  const candidates = [wall - before, wall - after].filter(t => offsetAt(t, zone) + t === wall)
  if (candidates.length) return Math.min(...candidates)
  // Skipped: the jump lies between the two readings; find it to the second.
  let lo = Math.min(wall - before, wall - after)
  let hi = Math.max(wall - before, wall - after)
  const loOffset = offsetAt(lo, zone)
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2000) * 1000
    if (offsetAt(mid, zone) === loOffset) lo = mid
    else hi = mid
  }
  return hi
}

interface Opening {start: number; end: number}

/** The openings that touch [from - 2 days, from + 9 days], merged where one ends as the next starts. */
function openings(spec: WeeklyWindowSpec, from: number): Opening[] {
  const today = wallClock(from, spec.zone)
  const midnight = today - (today % DAY_MS)
  const out: Opening[] = []
  for (let d = -2; d <= 9; d++) {
    const day = midnight + d * DAY_MS
    if (!spec.days.has(new Date(day).getUTCDay())) continue
    const overMidnight = spec.endMinute <= spec.startMinute
    const start = zonedInstant(day + spec.startMinute * 60_000, spec.zone)
    const end = zonedInstant(day + (overMidnight ? DAY_MS : 0) + spec.endMinute * 60_000, spec.zone)
    if (end > start) out.push({start, end})
  }
  const merged: Opening[] = []
  for (const o of out.sort((a, b) => a.start - b.start)) {
    const last = merged.at(-1)
    if (last && o.start <= last.end) last.end = Math.max(last.end, o.end)
    else merged.push({...o})
  }
  return merged
}

export function weeklyWindow(spec: WeeklyWindowSpec, text: string): MaintenanceWindow {
  const holding = (now: Date) => openings(spec, now.getTime()).find(o => o.start <= now.getTime() && now.getTime() < o.end)
  return {
    text,
    isOpen: now => holding(now) !== undefined,
    closesAt: now => { const o = holding(now); return o ? new Date(o.end) : undefined },
    nextOpening: now => {
      const next = openings(spec, now.getTime()).find(o => o.start > now.getTime())
      return next ? new Date(next.start) : undefined
    },
  }
}

/**
 * Parses `--until`: an RFC 3339 time, or HH:MM in this machine's time zone, meaning the next such
 * time (today, or tomorrow when it has passed today: `--until 02:00` at 23:00 means the night
 * ahead). The window is open from now until then.
 */
export function parseUntil(text: string, now: Date, zone = localZone()): MaintenanceWindow {
  const t = text.trim()
  let end: number
  const clock = /^(\d{1,2}):(\d{2})$/.exec(t)
  if (clock) {
    const h = Number(clock[1]), m = Number(clock[2])
    if (h > 23 || m > 59) throw new InputError(`--until "${text}" is not a time`, 'write HH:MM (local time) or an RFC 3339 time like 2026-03-07T06:00:00+01:00')
    const today = wallClock(now.getTime(), zone)
    const midnight = today - (today % DAY_MS)
    end = zonedInstant(midnight + (h * 60 + m) * 60_000, zone)
    if (end <= now.getTime()) end = zonedInstant(midnight + DAY_MS + (h * 60 + m) * 60_000, zone)
  } else if (/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$/.test(t)) {
    end = Date.parse(t.replace(' ', 'T'))
    if (Number.isNaN(end)) throw new InputError(`--until "${text}" is not a time`, 'write HH:MM (local time) or an RFC 3339 time like 2026-03-07T06:00:00+01:00')
  } else {
    throw new InputError(`--until "${text}" is not a time`, 'write HH:MM (local time) or an RFC 3339 time like 2026-03-07T06:00:00+01:00')
  }
  return untilWindow(new Date(end), text)
}

/** Open until `end` (from any earlier time on), never again. */
export function untilWindow(end: Date, text: string): MaintenanceWindow {
  return {
    text,
    isOpen: now => now.getTime() < end.getTime(),
    closesAt: now => now.getTime() < end.getTime() ? end : undefined,
    nextOpening: () => undefined,
  }
}
