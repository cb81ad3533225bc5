import {describe, expect, it} from 'vitest'
import {STATE_TAINTS, taintCategory} from '../../../src/model/taints.ts'
import {classifyReason} from '../../../src/diagnose/scheduler-message/parse.ts'
import {taintFailure} from '../../../src/scheduling/taint-toleration.ts'

describe('state taints', () => {
  it('classifies the control plane state taints by the state they mirror', () => {
    expect(taintCategory('node.kubernetes.io/not-ready')).toBe('node-not-ready')
    expect(taintCategory('node.kubernetes.io/unreachable')).toBe('node-not-ready')
    expect(taintCategory('node.kubernetes.io/disk-pressure')).toBe('node-pressure')
    expect(taintCategory('node.kubernetes.io/unschedulable')).toBe('node-unschedulable')
    expect(taintCategory('node.kubernetes.io/network-unavailable')).toBe('sandbox-network')
  })

  it('treats providers\' taints and any other taint as placement policy', () => {
    expect(taintCategory('ToBeDeletedByClusterAutoscaler')).toBe('taint')
    expect(taintCategory('node.cloudprovider.kubernetes.io/uninitialized')).toBe('taint')
    expect(taintCategory('dedicated')).toBe('taint')
    expect(STATE_TAINTS['ToBeDeletedByClusterAutoscaler']?.category).toBe('node-unschedulable')
  })

  it('is the one answer of the parser, the fit filter and the node table', () => {
    for (const key of Object.keys(STATE_TAINTS)) {
      const parsed = classifyReason(`node(s) had untolerated taint {${key}: }`)
      const fit = taintFailure({key, effect: 'NoSchedule'})
      expect([key, parsed.category]).toEqual([key, taintCategory(key)])
      expect([key, fit.category]).toEqual([key, taintCategory(key)])
    }
  })
})
