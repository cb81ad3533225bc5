// SARIF 2.1.0 for the findings that sit in files (-f), so CI can annotate the lines
// (GitHub code scanning, GitLab, Azure DevOps read it). Findings from the live cluster have no
// line to annotate and stay in the other formats.
// Spec: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
import type {Severity, UpgradePlan} from '../model/reports/upgrade-plan.js'

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {blocker: 'error', warning: 'warning', info: 'note'}
const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json'

export function renderSarif(plan: UpgradePlan, tool: {version: string}): string {
  const results: object[] = []
  const rules = new Map<string, object>()
  for (const f of plan.findings) {
    const files = f.sources.filter(s => s.type === 'file' && s.path)
    if (!files.length) continue
    rules.set(f.check, {id: f.check, shortDescription: {text: ruleText(f.check)}})
    results.push({
      ruleId: f.check,
      level: LEVEL[f.severity],
      message: {text: f.fix ? `${f.message}. Fix: ${f.fix}` : f.message},
      locations: files.map(s => ({
        physicalLocation: {
          artifactLocation: {uri: toUri(s.path!)},
          ...(s.line ? {region: {startLine: s.line}} : {}),
        },
      })),
      properties: {severity: f.severity, ...(f.hop ? {hop: f.hop} : {}), ...(f.removedIn ? {removedIn: f.removedIn} : {}), ...(f.replacement ? {replacement: f.replacement} : {})},
    })
  }
  const doc = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: {driver: {name: 'kubectl-prod', version: tool.version, rules: [...rules.values()]}},
      properties: {current: plan.current, target: plan.target, hops: plan.hops},
      results,
    }],
  }
  return JSON.stringify(doc, null, 2) + '\n'
}

function ruleText(check: string): string {
  switch (check) {
    case 'removed-api': return 'An API version the upgrade path removes'
    case 'deprecated-api-in-use': return 'A deprecated API version still served at the target'
    case 'api-off-by-default': return 'An API version served only when enabled with --runtime-config'
    default: return check.replace(/-/g, ' ')
  }
}

/** Relative paths stay relative (SARIF resolves them against the checkout); separators become slashes. */
function toUri(path: string): string {
  return path.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/').replace(/^%3Cstdin%3E$/, 'stdin')
}
