import {describe, expect, it} from 'vitest'
import {checkPreemption} from '../../../../src/diagnose/checks/preemption.ts'
import {index, pod, podEvent} from '../../../fakes/builders.ts'

describe('preemption', () => {
  it('is a wait while the nominated node frees up', () => {
    const verdict = checkPreemption(pod({status: {phase: 'Pending', nominatedNodeName: 'node-b'}}))
    expect(verdict.waiting).toBe(true)
    expect(verdict.causes[0]).toMatchObject({category: 'preemption', summary: 'the scheduler preempted lower-priority pods on node node-b for this pod and waits for them to terminate'})
  })

  it('reads the terminating-victim tail of FailedScheduling', () => {
    const p = pod()
    const e = podEvent(p, 'FailedScheduling', '0/3 nodes are available: 3 Insufficient memory. preemption: not eligible due to a terminating pod on the nominated node.', {reporter: 'default-scheduler'})
    expect(checkPreemption(p, index(e)).causes[0]?.evidence[0]?.reason).toBe('FailedScheduling')
  })
})
