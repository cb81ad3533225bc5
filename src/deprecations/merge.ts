// One object, one finding: the same object seen by several signals (a last-applied annotation, a
// managedFields entry, a Helm manifest, ...) is one finding that lists every signal. Two files are
// two findings (each must be fixed where it is), so a file source keys by its path and line too.
import {SEVERITIES, type FindingSource, type Severity, type UpgradeFinding} from '../model/reports/upgrade-plan.js'

function findingMergeKey(f: UpgradeFinding): string {
  const {apiVersion = '', kind, namespace = '', name} = f.object
  const at = f.source.type === 'file' ? `\0${f.source.path ?? ''}:${f.source.line ?? ''}` : ''
  return `${f.check}\0${apiVersion}\0${kind}\0${namespace}\0${name}${at}`
}

const severityRank = (s: Severity) => SEVERITIES.indexOf(s)
const sameSource = (a: FindingSource, b: FindingSource) => JSON.stringify(a) === JSON.stringify(b)

/** Merged in first-seen order; the merged finding keeps the first one's fields and the highest severity. */
export function mergeFindings(findings: UpgradeFinding[]): UpgradeFinding[] {
  const byKey = new Map<string, UpgradeFinding>()
  for (const f of findings) {
    const key = findingMergeKey(f)
    const seen = byKey.get(key)
    if (!seen) {
      byKey.set(key, {...f, sources: [...f.sources]})
      continue
    }
    for (const s of f.sources) if (!seen.sources.some(t => sameSource(s, t))) seen.sources.push(s)
    if (severityRank(f.severity) < severityRank(seen.severity)) seen.severity = f.severity
  }
  return [...byKey.values()]
}
