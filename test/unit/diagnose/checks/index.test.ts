import {describe, expect, it} from 'vitest'
import {POD_CHECKS, runPodChecks, type CheckContext, type PodCheck} from '../../../../src/diagnose/checks/index.ts'
import type {Cause} from '../../../../src/model/reports/finding.ts'
import {pod} from '../../../fakes/builders.ts'

const cause = (category: Cause['category']): Cause => ({category, summary: category, evidence: []})
const check = (name: string, o: Partial<PodCheck> & {finds?: Cause['category'][]; waits?: boolean} = {}): PodCheck & {seen: (readonly Cause[])[]} => {
  const seen: (readonly Cause[])[] = []
  return {name, stage: o.stage ?? 'unscheduled', decisive: o.decisive, notReadyOnly: o.notReadyOnly, seen,
    run: (_p, _c, found) => { seen.push([...found]); return {causes: (o.finds ?? []).map(cause), waiting: o.waits ?? false} }}
}
const ctx = {} as CheckContext

describe('the checks registry', () => {
  it('runs the checks of the pod stage in order, each seeing the causes before it', () => {
    const a = check('a', {finds: ['scheduler-missing']}), b = check('b', {finds: ['pvc-unbound'], waits: true}), bound = check('bound', {stage: 'bound', finds: ['crashloop']})
    const r = runPodChecks(pod(), 'Pending', ctx, [a, bound, b])
    expect(r.causes.map(c => c.category)).toEqual(['scheduler-missing', 'pvc-unbound'])
    expect(r.waiting).toBe(true)
    expect(b.seen[0]?.map(c => c.category)).toEqual(['scheduler-missing'])
    expect(bound.seen).toEqual([])
  })

  it('stops after a decisive check that found something, not after one that found nothing', () => {
    const gate = check('gate', {decisive: true, finds: ['scheduling-gate']}), later = check('later', {finds: ['taint']})
    expect(runPodChecks(pod(), 'Pending', ctx, [gate, later]).causes.map(c => c.category)).toEqual(['scheduling-gate'])
    const quiet = check('quiet', {decisive: true})
    expect(runPodChecks(pod(), 'Pending', ctx, [quiet, later]).causes.map(c => c.category)).toEqual(['taint'])
  })

  it('runs readiness-only checks for NotReady pods alone', () => {
    const readiness = check('readiness', {stage: 'bound', notReadyOnly: true, finds: ['readiness-probe']})
    const running = pod({spec: {nodeName: 'node-a'}, status: {phase: 'Running'}})
    expect(runPodChecks(running, 'Pending', ctx, [readiness]).causes).toEqual([])
    expect(runPodChecks(running, 'NotReady', ctx, [readiness]).causes.map(c => c.category)).toEqual(['readiness-probe'])
  })

  it('lists the why-pending checks in the order of the answer, each name once', () => {
    expect(POD_CHECKS.map(c => `${c.stage}:${c.name}`)).toEqual([
      'unscheduled:scheduling-gates', 'unscheduled:scheduler-name', 'unscheduled:scheduling', 'unscheduled:autoscaler', 'unscheduled:preemption',
      'bound:node-name', 'bound:node-health', 'bound:containers', 'bound:readiness',
    ])
  })
})
