import {describe, expect, it} from 'vitest'
import {node, makePod} from '../../fakes/builders.ts'
import {evaluate, failuresOf} from './helpers.ts'

describe('NodeName', () => {
  const nodes = [node('a'), node('b')]

  it('excludes every node but the one spec.nodeName names', () => {
    const v = evaluate(makePod('p', {nodeName: 'b', phase: 'Pending'}), nodes)
    expect(failuresOf(v, 'a', 'NodeName')).toEqual([expect.objectContaining({category: 'node-name', detail: 'pod is pinned to node b by spec.nodeName'})])
    expect(v.get('b')?.fits).toBe(true)
  })

  it('checks nothing when spec.nodeName is empty', () => {
    const v = evaluate(makePod('p'), nodes)
    expect([...v.values()].every((x) => x.fits)).toBe(true)
  })

  it('does not count a pending pod with spec.nodeName against its own node', () => {
    const pod = makePod('p', {nodeName: 'a', phase: 'Pending', requests: {cpu: '3'}})
    const v = evaluate(pod, nodes, [pod])
    expect(v.get('a')?.fits).toBe(true)
  })
})
