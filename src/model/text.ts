// Small wording helpers shared by the filters and the summary.

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
