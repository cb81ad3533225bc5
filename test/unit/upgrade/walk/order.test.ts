import {describe, expect, it} from 'vitest'
import {orderWalkNodes} from '../../../../src/upgrade/walk/order.ts'
import {estimateNode, emptyHistory, windowVerdict, DRAIN_MARGIN_MS, DEFAULT_HAND_OVER_MS, DEFAULT_READY_MS} from '../../../../src/upgrade/walk/estimate.ts'
import {parseWindow} from '../../../../src/upgrade/window.ts'
import {walkNodes} from './fakes.ts'

const names = (ns: {name: string}[]) => ns.map(n => n.name)

describe('orderWalkNodes', () => {
  const nodes = walkNodes(['c', 'a', 'd', 'b', 'e'], ['z2', 'z1', 'z1', 'z2', 'z3'], [5, 3, 0, 1, 3])

  it('by name', () => expect(names(orderWalkNodes(nodes, 'name'))).toEqual(['a', 'b', 'c', 'd', 'e']))
  it('by zone, one of each zone in turn', () => expect(names(orderWalkNodes(nodes, 'zone'))).toEqual(['a', 'b', 'e', 'd', 'c']))
  it('fewest pods first, then by name', () => expect(names(orderWalkNodes(nodes, 'fewest-pods'))).toEqual(['d', 'b', 'a', 'e', 'c']))
  it('nodes under way first', () => expect(names(orderWalkNodes(nodes, 'name', new Set(['d'])))).toEqual(['d', 'a', 'b', 'c', 'e']))
})

describe('estimateNode', () => {
  it('before anything was seen: the longest grace period, a margin, default hand-over and readiness', () => {
    const e = estimateNode([30, 600, 10], emptyHistory(), 60_000)
    expect(e.drainMs).toBe(600_000 + DRAIN_MARGIN_MS)
    expect(e.totalMs).toBe(600_000 + DRAIN_MARGIN_MS + DEFAULT_HAND_OVER_MS + DEFAULT_READY_MS + 60_000)
    expect(estimateNode([], emptyHistory(), 0).drainMs).toBe(0)
  })

  it('then what this walk saw, when it took longer', () => {
    const e = estimateNode([30], {drainMs: [300_000, 500_000], handOverMs: [1_000], readyMs: [2_000, 4_000]}, 0)
    expect(e).toMatchObject({drainMs: 400_000, handOverMs: 1_000, readyMs: 3_000, totalMs: 404_000})
    expect(estimateNode([600], {drainMs: [1_000], handOverMs: [], readyMs: []}, 0).drainMs).toBe(600_000 + DRAIN_MARGIN_MS)
  })
})

describe('windowVerdict', () => {
  const w = parseWindow('Sat 02:00-06:00 UTC')
  const at = (s: string) => new Date(s)

  it('starts a node that ends before the window closes', () => {
    expect(windowVerdict(w, at('2026-03-07T05:00:00Z'), 59 * 60_000)).toEqual({start: true, closesAt: at('2026-03-07T06:00:00Z')})
    expect(windowVerdict(undefined, at('2026-03-07T05:00:00Z'), 1e12)).toEqual({start: true})
  })

  it('refuses one that would end after it, naming the close and the next opening', () => {
    const v = windowVerdict(w, at('2026-03-07T05:00:00Z'), 61 * 60_000)
    expect(v.start).toBe(false)
    expect(v.start === false && v.reason).toContain('closes at 2026-03-07T06:00:00.000Z')
    expect(v.start === false && v.nextOpening?.toISOString()).toBe('2026-03-14T02:00:00.000Z')
  })

  it('refuses everything while closed', () => {
    expect(windowVerdict(w, at('2026-03-07T07:00:00Z'), 1)).toMatchObject({start: false, reason: 'the window Sat 02:00-06:00 UTC is closed'})
  })
})
