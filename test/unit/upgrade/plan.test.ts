// The order of the plan: what each hop breaks comes before that hop, pools whose kubelets a hop
// would leave behind are upgraded before it (after drain blockers are cleared), the node pools
// follow the last hop, and warnings block nothing.
import {describe, expect, it} from 'vitest'
import {orderFindings, planSteps, summarizeFindings} from '../../../src/upgrade/plan.ts'
import type {UpgradeFinding} from '../../../src/model/reports/upgrade-plan.ts'
import type {UpgradePath} from '../../../src/model/upgrade.ts'

const live = {type: 'live' as const, signal: 'last-applied' as const}
const cluster = {type: 'cluster' as const, signal: 'object' as const}
function finding(f: Partial<UpgradeFinding> & Pick<UpgradeFinding, 'check' | 'severity'>): UpgradeFinding {
  const source = f.source ?? live
  return {object: {kind: 'Thing', name: 'x'}, message: `${f.check} ${f.object?.name ?? 'x'}`, source, sources: [source], ...f}
}
const path: UpgradePath = {current: '1.31', target: '1.34', hops: ['1.32', '1.33', '1.34']}

describe('planSteps', () => {
  it('puts each removal before the hop that removes it and each control-plane hop in order', () => {
    const findings = [
      finding({check: 'removed-api', severity: 'blocker', hop: '1.33', object: {apiVersion: 'storage.k8s.io/v1beta1', kind: 'CSIStorageCapacity', namespace: 'a', name: 'c'}}),
      finding({check: 'removed-api', severity: 'blocker', hop: '1.32', object: {apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kind: 'FlowSchema', name: 'f'}}),
    ]
    const steps = planSteps({path, findings})
    expect(steps.map(s => s.action)).toEqual([
      'Move 1 object off APIs that 1.32 removes: flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema',
      'Upgrade the control plane to 1.32',
      'Move 1 object off APIs that 1.33 removes: storage.k8s.io/v1beta1 CSIStorageCapacity',
      'Upgrade the control plane to 1.33',
      'Upgrade the control plane to 1.34',
      'Upgrade the node pools to 1.34, one pool at a time',
    ])
    expect(steps.map(s => s.order)).toEqual([1, 2, 3, 4, 5, 6])
    expect(steps[0]!.findings).toEqual([1])
    expect(steps[0]!.before).toBe('1.32')
    expect(steps[2]!.findings).toEqual([0])
  })

  it('counts clients apart from objects and says when the fix must wait for a hop', () => {
    const findings = [
      finding({check: 'removed-api', severity: 'blocker', hop: '1.34', fixFrom: '1.33', object: {apiVersion: 'x.k8s.io/v1beta1', kind: 'Y', name: 'y'}}),
      finding({check: 'removed-api', severity: 'blocker', hop: '1.34', source: {type: 'metric', signal: 'request-metric'}, object: {apiVersion: 'x.k8s.io/v1beta1', kind: 'ys', name: ''}}),
    ]
    const step = planSteps({path, findings}).find(s => s.before === '1.34')!
    expect(step.action).toBe('Move 1 object and 1 client API off APIs that 1.34 removes: x.k8s.io/v1beta1 Y and x.k8s.io/v1beta1 ys')
    // A replacement served only from the hop that removes the old version: said in the step.
    const late = planSteps({path, findings: [{...findings[0]!, fixFrom: '1.34'}]}).find(s => s.before === '1.34')!
    expect(late.action).toBe('Move 1 object off APIs that 1.34 removes: x.k8s.io/v1beta1 Y (the replacement is served only from 1.34: apply the new version right after that hop)')
    expect(step.findings).toEqual([0, 1])
  })

  it('upgrades a lagging pool before the hop its skew breaks, after clearing drain blockers', () => {
    const findings = [
      finding({check: 'version-skew', severity: 'blocker', hop: '1.33', pool: 'old', nodes: ['a', 'b'], upgradeTo: '1.30', source: {type: 'cluster', signal: 'node-status'}, fix: 'upgrade its kubelets to at least 1.30'}),
      finding({check: 'pdb-never-allows', severity: 'blocker', source: cluster, object: {kind: 'PodDisruptionBudget', namespace: 'db', name: 'pg'}}),
      finding({check: 'single-replica', severity: 'warning', source: cluster}),
    ]
    const actions = planSteps({path, findings}).map(s => s.action)
    expect(actions).toEqual([
      'Upgrade the control plane to 1.32',
      'Clear what would stop nodes from draining: 1 pdb-never-allows',
      'Upgrade node pool old (2 nodes) to at least 1.30',
      'Upgrade the control plane to 1.33',
      'Upgrade the control plane to 1.34',
      'Upgrade the node pools to 1.34, one pool at a time (mind 1 single-replica)',
    ])
  })

  it('puts hop-less blockers first, removals already past before the first hop, warnings and info last', () => {
    const findings = [
      finding({check: 'deprecated-api-in-use', severity: 'warning', hop: '1.34'}),
      finding({check: 'stored-version', severity: 'blocker', source: {type: 'crd', signal: 'stored-version'}}),
      finding({check: 'removed-api', severity: 'blocker', hop: '1.25', object: {apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', name: 'p'}}),
      finding({check: 'api-off-by-default', severity: 'info'}),
    ]
    const steps = planSteps({path, findings})
    expect(steps[0]).toMatchObject({action: 'Fix 1 blocker in the way of every hop: 1 stored-version', before: '1.32', findings: [1]})
    expect(steps[1]).toMatchObject({action: 'Move 1 object off APIs that 1.32 removes: policy/v1beta1 PodDisruptionBudget', findings: [2]})
    expect(steps.at(-2)).toMatchObject({findings: [0]})
    expect(steps.at(-1)).toMatchObject({action: 'For information: 1 api-off-by-default', findings: [3]})
  })

  it('a clear path is just the hops and the pools, with no finding', () => {
    const steps = planSteps({path: {current: '1.35', target: '1.36', hops: ['1.36']}, findings: []})
    expect(steps.map(s => s.action)).toEqual(['Upgrade the control plane to 1.36', 'Upgrade the node pools to 1.36, one pool at a time'])
    expect(steps.every(s => s.findings.length === 0)).toBe(true)
  })

  it('every finding is in some step', () => {
    const findings = [
      finding({check: 'removed-api', severity: 'blocker', hop: '1.33'}),
      finding({check: 'version-skew', severity: 'blocker', hop: '1.34', pool: 'p'}),
      finding({check: 'pool-capacity', severity: 'blocker', pool: 'p', source: cluster}),
      finding({check: 'pdb-selects-nothing', severity: 'warning', source: cluster}),
      finding({check: 'removed-feature', severity: 'blocker', hop: '1.34', source: cluster}),
      finding({check: 'crd-deprecated-version', severity: 'warning', source: {type: 'crd'}}),
      finding({check: 'api-off-by-default', severity: 'info'}),
    ]
    const steps = planSteps({path, findings})
    expect(steps.flatMap(s => s.findings).sort()).toEqual(findings.map((_, i) => i))
  })
})

describe('orderFindings and summarizeFindings', () => {
  it('orders blockers, warnings, info; by hop within each; counts by severity and check', () => {
    const fs = [
      finding({check: 'deprecated-api-in-use', severity: 'warning', hop: '1.33'}),
      finding({check: 'removed-api', severity: 'blocker', hop: '1.34'}),
      finding({check: 'removed-api', severity: 'blocker', hop: '1.32'}),
      finding({check: 'api-off-by-default', severity: 'info'}),
      finding({check: 'stored-version', severity: 'blocker'}),
    ]
    expect(orderFindings(fs).map(f => `${f.severity} ${f.hop ?? '-'}`)).toEqual(['blocker -', 'blocker 1.32', 'blocker 1.34', 'warning 1.33', 'info -'])
    expect(summarizeFindings(fs)).toEqual({blocker: 3, warning: 1, info: 1, byCheck: {'deprecated-api-in-use': 1, 'removed-api': 2, 'api-off-by-default': 1, 'stored-version': 1}})
  })
})
