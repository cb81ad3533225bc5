// Golden files for the upgrade plan: text for people, markdown for a PR or ticket, SARIF for CI.
import {describe, expect, it} from 'vitest'
import {FINDINGS_SHOWN, describeSources, renderUpgradePlan, renderUpgradePlanMarkdown} from '../../../src/render/upgrade-plan.ts'
import {renderSarif} from '../../../src/render/sarif.ts'
import {makeStyle} from '../../../src/render/style.ts'
import {planSteps, summarizeFindings} from '../../../src/upgrade/plan.ts'
import type {UpgradeFinding, UpgradePlan} from '../../../src/model/reports/upgrade-plan.ts'
import {expectGolden} from './golden.ts'

const style = makeStyle(false)

function plan(findings: UpgradeFinding[], o: Partial<UpgradePlan> = {}): UpgradePlan {
  const path = {current: o.current === undefined ? '1.33' : o.current, target: o.target ?? '1.36', hops: o.hops ?? ['1.34', '1.35', '1.36']}
  return {
    apiVersion: 'kubectl-prod/v1', kind: 'UpgradePlan', ...path,
    table: {coversThrough: '1.37', prerelease: '1.38.0-beta.0', userRows: 0},
    scanned: {files: 2, objects: 40, helmReleases: 1, crds: 3, nodes: 5, pods: 30, live: true},
    findings, steps: planSteps({path, findings}), skipped: [], gaps: [], warnings: [], summary: summarizeFindings(findings), ...o,
  }
}

const findings: UpgradeFinding[] = [
  {
    check: 'removed-api', severity: 'blocker', hop: '1.35', removedIn: '1.35', deprecatedIn: '1.32', replacement: 'flowcontrol.apiserver.k8s.io/v1',
    object: {apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kind: 'FlowSchema', name: 'batch-jobs'},
    source: {type: 'live', signal: 'last-applied'},
    sources: [
      {type: 'live', signal: 'last-applied', stale: 'the last-applied annotation is older than the newest write (2026-10-01T10:00:00Z)'},
      {type: 'live', signal: 'managed-fields', manager: 'argocd-controller', time: '2026-10-01T10:00:00Z'},
      {type: 'helm', signal: 'helm-manifest', release: {namespace: 'platform', name: 'flows', revision: 7, storage: 'Secret'}},
    ],
    message: 'flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema batch-jobs: removed in 1.35',
    fix: 'write it as flowcontrol.apiserver.k8s.io/v1 and re-apply',
  },
  {
    check: 'removed-api', severity: 'blocker', hop: '1.35', removedIn: '1.35', replacement: 'flowcontrol.apiserver.k8s.io/v1',
    object: {apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kind: 'flowschemas', name: ''},
    source: {type: 'metric', signal: 'request-metric'}, sources: [{type: 'metric', signal: 'request-metric'}],
    message: 'clients still call flowcontrol.apiserver.k8s.io/v1beta3 flowschemas, removed in 1.35',
    fix: 'find the client in the audit log (userAgent) and upgrade it',
  },
  {
    check: 'version-skew', severity: 'blocker', hop: '1.36', pool: 'legacy', upgradeTo: '1.33', nodes: ['n1', 'n2'],
    object: {kind: 'Node', name: 'n1'}, source: {type: 'cluster', signal: 'node-status'}, sources: [{type: 'cluster', signal: 'node-status'}],
    message: 'pool legacy: 2 kubelets at 1.32 would be 4 minors behind a 1.36 control plane (at most 3)',
    fix: 'upgrade pool legacy to at least 1.33 before the control plane goes to 1.36',
  },
  {
    check: 'pdb-never-allows', severity: 'blocker', object: {apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', namespace: 'db', name: 'postgres'},
    source: {type: 'cluster', signal: 'object'}, sources: [{type: 'cluster', signal: 'object'}],
    message: 'PodDisruptionBudget db/postgres can never allow an eviction: minAvailable 3 of 3 pods',
    fix: 'set maxUnavailable: 1, or minAvailable below the replica count',
  },
  {
    check: 'deprecated-api-in-use', severity: 'warning', hop: '1.36', deprecatedIn: '1.36',
    object: {apiVersion: 'x.k8s.io/v1beta1', kind: 'Widget', namespace: 'shop', name: 'w'},
    source: {type: 'file', signal: 'manifest', path: 'deploy/widget.yaml', line: 12}, sources: [{type: 'file', signal: 'manifest', path: 'deploy/widget.yaml', line: 12}],
    message: 'x.k8s.io/v1beta1 Widget shop/w is deprecated in 1.36 and still served',
  },
]

describe('upgrade plan text, golden files', () => {
  it('a path with blockers at several hops, from several signals', () => {
    const p = plan(findings, {gaps: ['secrets: forbidden (Helm releases stored in Secrets were not read)'], skipped: [{path: 'chart/templates/deploy.yaml', line: 1, reason: 'helm template (not rendered)'}]})
    expectGolden('upgrade-plan/blockers', renderUpgradePlan(p, {style, scope: 'context prod-eu'}))
    expectGolden('upgrade-plan/blockers-markdown', renderUpgradePlanMarkdown(p, 'context prod-eu'))
  })
  it('a clear path', () => {
    expectGolden('upgrade-plan/clear', renderUpgradePlan(plan([], {current: '1.35', hops: ['1.36']}), {style, scope: 'context staging'}))
  })
  it('offline, beyond the table', () => {
    const p = plan(findings.slice(4), {current: null, target: '1.39', hops: ['1.39'], warnings: ['1.39 is newer than the removal table (1.37): removals after 1.37 are not known yet']})
    expectGolden('upgrade-plan/offline', renderUpgradePlan(p, {style, scope: 'deploy'}))
  })
  it('shows the first findings of a severity and says how many more there are', () => {
    const many = Array.from({length: FINDINGS_SHOWN + 3}, (_, i) => ({...findings[4]!, message: `finding ${i}`}))
    const text = renderUpgradePlan(plan(many), {style, scope: 'x'})
    expect(text).toContain(`finding ${FINDINGS_SHOWN - 1}`)
    expect(text).not.toContain(`finding ${FINDINGS_SHOWN}\n`)
    expect(text).toContain('… and 3 more')
    expect(renderUpgradePlan(plan(many), {style, scope: 'x', details: true})).toContain(`finding ${FINDINGS_SHOWN + 2}`)
  })
})

describe('SARIF', () => {
  it('annotates only file findings, at their lines, with levels by severity', () => {
    const doc = JSON.parse(renderSarif(plan(findings), {version: '0.1.0'}))
    expect(doc.version).toBe('2.1.0')
    const run = doc.runs[0]
    expect(run.tool.driver.name).toBe('kubectl-prod')
    expect(run.results).toHaveLength(1)
    expect(run.results[0]).toMatchObject({
      ruleId: 'deprecated-api-in-use', level: 'warning',
      locations: [{physicalLocation: {artifactLocation: {uri: 'deploy/widget.yaml'}, region: {startLine: 12}}}],
    })
    expect(run.tool.driver.rules.map((r: {id: string}) => r.id)).toEqual(['deprecated-api-in-use'])
    expectGolden('upgrade-plan/sarif', renderSarif(plan(findings), {version: '0.1.0'}))
  })
  it('a blocker is an error', () => {
    const f = {...findings[4]!, check: 'removed-api' as const, severity: 'blocker' as const}
    expect(JSON.parse(renderSarif(plan([f]), {version: '0'})).runs[0].results[0].level).toBe('error')
  })
})

describe('describeSources', () => {
  it('names files with lines, live signals with managers, Helm releases and the metric', () => {
    expect(describeSources(findings[0]!.sources)).toBe('live: last-applied, managed-fields (argocd-controller); the last-applied annotation is older than the newest write (2026-10-01T10:00:00Z); helm release platform/flows revision 7 (Secret)')
    expect(describeSources(findings[4]!.sources)).toBe('deploy/widget.yaml:12')
  })
})
