import {describe, expect, it} from 'vitest'
import {buildUpgradePlan} from '../../../src/cli/upgrade-plan.ts'
import {loadTable} from '../../../src/deprecations/table.ts'
import {deployment, poolNode, upgradeSnapshot} from '../../fixtures/upgrade/cluster.ts'

describe('buildUpgradePlan', () => {
  it('hands --max-unavailable to the pool capacity check: a pool walked 2 nodes at a time needs room for 2 nodes\' pods', () => {
    // Three 4-cpu nodes, each running a 2-cpu pod: room for one node's pods, not for two.
    const nodes = ['n1', 'n2', 'n3'].map(n => poolNode(n, {pool: 'general', kubelet: 'v1.36.1'}))
    const web = deployment('web', ['n1', 'n2', 'n3'], {pod: {requests: {cpu: '2'}}})
    const snapshot = upgradeSnapshot({nodes, ...web, serverVersion: '1.36'})
    const plan = (maxUnavailable?: number) => buildUpgradePlan({table: loadTable(), current: '1.36', target: '1.37', snapshot, maxUnavailable, userRows: 0})
    const capacity = (maxUnavailable?: number) => plan(maxUnavailable).findings.filter(f => f.check === 'pool-capacity')
    expect(capacity()).toEqual([])
    expect(capacity(1)).toEqual([])
    const two = plan(2)
    const [f, ...rest] = two.findings.filter(x => x.check === 'pool-capacity')
    expect(rest).toEqual([])
    expect(f).toMatchObject({severity: 'blocker', pool: 'general'})
    expect(f!.nodes).toHaveLength(2)
    expect(f!.message).toContain('walked 2 nodes at a time (--max-unavailable 2)')
    // It is cleared before the pools are upgraded.
    const step = two.steps.find(s => s.findings.includes(two.findings.indexOf(f!)))
    expect(step?.action).toMatch(/^Clear what would stop nodes from draining: .*1 pool-capacity/)
  })
})
