// Relative times for people ("45s", "12m", "3h5m", "2d2h"). Only text output shows them;
// JSON carries the timestamps themselves.

/** A duration in milliseconds as the largest two units: "45s", "12m", "3h5m", "3h", "1d6h", "2d". */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms)) return '0s'
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m`
  if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) || ''}${s % 3600 >= 60 ? 'm' : ''}`
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600) || ''}${s % 86400 >= 3600 ? 'h' : ''}`
}

/** How long before `now` an RFC 3339 time was, formatted; undefined when the time is missing or unreadable. */
export function ageOf(time: string | undefined, now: Date): string | undefined {
  const t = time ? Date.parse(time) : Number.NaN
  return Number.isNaN(t) ? undefined : formatAge(now.getTime() - t)
}
