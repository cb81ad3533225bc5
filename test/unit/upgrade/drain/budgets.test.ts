// PDB arithmetic across one node's pods: each budget's disruptionsAllowed is consumed by the
// pods of this node it covers; a pod under two budgets is a misconfiguration.
import {describe, expect, it} from 'vitest'
import {budgetPlanLines, planBudgets} from '../../../../src/upgrade/drain/budgets.ts'
import {budget, managedPod} from './fakes.ts'

describe('planBudgets', () => {
  it('lets the first disruptionsAllowed pods of a budget go and makes the rest wait', () => {
    const pods = ['web-1', 'web-2', 'web-3'].map(n => managedPod(n))
    const plan = planBudgets(pods, [budget('web-pdb', {allowed: 1, desired: 2, current: 3, expected: 3})])
    expect(plan.uses.map(u => ({name: u.pdb.metadata.name, pods: u.pods.length, waiting: u.waiting.map(p => p.metadata.name)}))).toEqual([{name: 'web-pdb', pods: 3, waiting: ['web-2', 'web-3']}])
    const lines = budgetPlanLines(plan)
    expect(lines.map(l => l.forever)).toEqual([false, false])
    expect(lines[0]!.line).toBe('shop/web-2 would be refused: PDB shop/web-pdb allows 1 disruption now (needs 2 healthy, has 3, expects 3), taken by 1 earlier pod of this node: it waits for their replacements to be Ready')
  })

  it('a budget at 0 blocks every pod it covers; pods of other namespaces or labels are not its', () => {
    const other = managedPod('db-0', {labels: {app: 'db'}})
    const elsewhere = {...managedPod('web-x'), metadata: {...managedPod('web-x').metadata, namespace: 'other'}}
    const plan = planBudgets([managedPod('web-1'), other, elsewhere], [budget('web-pdb', {allowed: 0, desired: 3, current: 3})])
    const lines = budgetPlanLines(plan)
    expect(lines.map(l => [l.pod.metadata.name, l.forever])).toEqual([['web-1', true]])
    expect(lines[0]!.line).toContain('allows 0 disruptions now (needs 3 healthy, has 3, expects 3): it blocks until the budget allows one')
  })

  it('a pod under two budgets is an overlap, drawing on neither', () => {
    const plan = planBudgets([managedPod('web-1')], [budget('a', {allowed: 1}), budget('b', {allowed: 1})])
    expect(plan.uses).toEqual([])
    expect(plan.overlaps.map(o => o.pdbs.map(p => p.metadata.name))).toEqual([['a', 'b']])
    expect(budgetPlanLines(plan)[0]).toMatchObject({forever: true, line: expect.stringContaining('is under 2 PDBs (a, b)')})
  })
})
