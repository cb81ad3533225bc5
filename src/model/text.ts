// Small wording helpers shared by every layer: counts, lists of names, one-line quotes.

/** "1 node", "3 nodes". */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`
}

/** "a, b, c and 4 more". */
export function listNames(names: readonly string[], max = 3): string {
  if (names.length <= max) {
    if (names.length <= 1) return names.join('')
    return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`
  }
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`
}

export function uniqueSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort()
}

/** One line, at most `max` characters: messages quoted in summaries stay readable. */
export function short(text: string, max = 240): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

/** The first non-empty line of a (possibly multi-line) message, trimmed. */
export function firstLine(s: string): string {
  return s.split('\n').map(l => l.trim()).find(l => l !== '') ?? s
}
