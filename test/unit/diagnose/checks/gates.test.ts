import {describe, expect, it} from 'vitest'
import {checkGates} from '../../../../src/diagnose/checks/gates.ts'
import {pod} from '../../../fakes/builders.ts'

describe('scheduling gates', () => {
  it('names the gates', () => {
    const [cause] = checkGates(pod({spec: {schedulingGates: [{name: 'example.com/quota-check'}, {name: 'example.com/warmup'}]}}))
    expect(cause).toMatchObject({category: 'scheduling-gate', summary: 'the scheduler ignores the pod until scheduling gates example.com/quota-check, example.com/warmup are removed'})
  })

  it('explains the Kueue admission gate', () => {
    const p = pod({spec: {schedulingGates: [{name: 'kueue.x-k8s.io/admission'}]}, status: {phase: 'Pending', conditions: [{type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates'}]}})
    const [cause] = checkGates(p)
    expect(cause?.summary).toBe('Kueue holds the pod (gate kueue.x-k8s.io/admission) until its Workload is admitted to a ClusterQueue')
    expect(cause?.fix).toContain('kubectl get workloads -n web')
    expect(cause?.evidence[1]?.message).toBe('Scheduling is blocked due to non-empty scheduling gates')
  })

  it('is silent without gates', () => {
    expect(checkGates(pod())).toEqual([])
  })
})
