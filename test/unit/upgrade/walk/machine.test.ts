import {describe, expect, it} from 'vitest'
import {advanceRecord, cordonedRecord, failedRecord, isAtTarget, isInProgress, nextWalkAction, shouldUncordon} from '../../../../src/upgrade/walk/machine.ts'

const now = new Date('2026-03-07T01:00:00Z')

describe('the node state machine', () => {
  it('goes cordon, drain, hand over, wait Ready, uncordon, then nothing', () => {
    let r = cordonedRecord('w1', '1.37', false, now)
    const seen = ['cordon' as string]
    for (const step of ['draining', 'drained', 'handed-over', 'ready', 'done'] as const) {
      seen.push(nextWalkAction(r, 'w1'))
      r = advanceRecord(r, step, now)
    }
    seen.push(nextWalkAction(r, 'w1'))
    expect(seen).toEqual(['cordon', 'drain', 'drain', 'hand-over', 'wait-ready', 'uncordon', 'none'])
  })

  it('starts over on a node without a record, or with another walk\'s', () => {
    expect(nextWalkAction(undefined, 'w1')).toBe('cordon')
    expect(nextWalkAction(advanceRecord(cordonedRecord('w0', '1.36', false, now), 'done', now), 'w1')).toBe('cordon')
    expect(isInProgress(cordonedRecord('w0', '1.36', false, now), 'w1')).toBe(false)
    expect(isInProgress(cordonedRecord('w1', '1.37', false, now), 'w1')).toBe(true)
  })

  it('remembers who cordoned the node through every step', () => {
    const pre = cordonedRecord('w1', '1.37', true, now)
    expect(pre.cordonedByWalk).toBe(false)
    expect(shouldUncordon(advanceRecord(advanceRecord(pre, 'drained', now), 'ready', now))).toBe(false)
    expect(shouldUncordon(advanceRecord(cordonedRecord('w1', '1.37', false, now), 'ready', now))).toBe(true)
  })

  it('keeps a failed step where it was, with the reason, until the next step clears it', () => {
    const failed = failedRecord(advanceRecord(cordonedRecord('w1', '1.37', false, now), 'drained', now), 'the hook exited 3', now)
    expect(failed).toMatchObject({step: 'drained', error: 'the hook exited 3'})
    expect(nextWalkAction(failed, 'w1')).toBe('hand-over')
    expect(advanceRecord(failed, 'handed-over', now).error).toBeUndefined()
  })
})

describe('isAtTarget', () => {
  it.each([
    ['v1.37.2', '1.37', true], ['v1.37.0-eks-abc', '1.37', true], ['v1.38.0', '1.37', true], ['v1.36.9', '1.37', false],
    ['v1.37.2', '1.37.2', true], ['v1.37.1', '1.37.2', false], ['v1.37.3+k3s1', '1.37.2', true], [undefined, '1.37', false], ['kwok', '1.37', false],
  ])('%s at %s: %s', (version, target, at) => {
    expect(isAtTarget(version, target)).toBe(at)
  })
})
