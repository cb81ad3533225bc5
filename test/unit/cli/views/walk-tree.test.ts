// The walk's events as a tree (pool -> node -> pod): what the listr2 view draws at a terminal.
import {describe, expect, it} from 'vitest'
import {WalkTree, windowLeft} from '../../../../src/cli/views/walk-tree.ts'
import type {WalkEvent, WalkEventType} from '../../../../src/model/reports/nodepool.ts'
import {runWalk} from '../../../../src/upgrade/walk/run.ts'
import {parseWindow, untilWindow} from '../../../../src/upgrade/window.ts'
import {FakeClock, FakePool, walkOptions} from '../../upgrade/walk/fakes.ts'

const T0 = Date.parse('2026-03-07T01:00:00Z') // Saturday 02:00 in Berlin
const at = (s: number) => new Date(T0 + s * 1000).toISOString()
const ev = (s: number, type: WalkEventType, node: string | undefined, message: string, extra: Partial<WalkEvent> = {}): WalkEvent =>
  ({time: at(s), type, pool: 'pool-a', ...(node ? {node} : {}), message, ...extra})
const drain = (s: number, node: string, kind: string, pod: string | undefined, message: string) => ev(s, 'drain', node, message, {drain: kind, ...(pod ? {pod} : {})})

/** The tree as lines of text: "state title", indented per level. */
function show(tree: WalkTree, now: Date): string[] {
  return [
    `${tree.state} ${tree.poolTitle(now)}`,
    ...tree.nodes.flatMap(n => [`  ${n.state} ${tree.nodeTitle(n)}${n.detail ? ` | ${n.detail}` : ''}`, ...n.pods.map(p => `    ${p.state} ${tree.podTitle(p, now)}`)]),
  ]
}

describe('WalkTree', () => {
  it('follows a real walk of the engine to the end: every node done, the pool done', async () => {
    const pool = new FakePool(new FakeClock(T0), ['n-a', 'n-b', 'n-c'])
    pool.nodes.get('n-c')!.version = 'v1.37.0'
    const o = walkOptions(pool, {maxUnavailable: 2})
    expect((await runWalk(o, pool.ops())).status).toBe('done')
    const tree = new WalkTree('pool-a', '1.37')
    for (const e of o.events) tree.apply(e)
    expect(show(tree, pool.clock.now())).toEqual([
      'done pool pool-a to 1.37: every node of pool pool-a is at 1.37 (3 nodes)',
      '  skipped n-c: already Ready at 1.37 (v1.37.0)',
      '  done n-a: done: Ready at 1.37',
      '    done shop/web-1: evicted',
      '  done n-b: done: Ready at 1.37',
      '    done shop/web-1: evicted',
    ])
  })

  it('shows each pod of a drain: evicting, waiting on its PDB (and for how long), evicted and gone, skipped, failed', () => {
    const tree = new WalkTree('pool-a', '1.37')
    tree.apply(ev(0, 'node-started', 'n-a', 'starting n-a'))
    tree.apply(ev(0, 'cordoned', 'n-a', 'cordoned'))
    tree.apply(ev(1, 'draining', 'n-a', 'draining'))
    tree.apply(drain(1, 'n-a', 'pods-listed', undefined, '4 pods to evict'))
    tree.apply(drain(1, 'n-a', 'evicting', 'shop/web-1', 'evicting shop/web-1'))
    tree.apply(drain(1, 'n-a', 'evicting', 'shop/db-0', 'evicting shop/db-0'))
    tree.apply(drain(2, 'n-a', 'blocked', 'shop/db-0', 'shop/db-0 waits: PDB shop/db allows 0 disruptions (needs 2 healthy, has 2, expects 3)'))
    tree.apply(drain(2, 'n-a', 'evicted', 'shop/web-1', 'evicted shop/web-1'))
    tree.apply(drain(3, 'n-a', 'gone', 'shop/web-1', 'shop/web-1 is gone'))
    tree.apply(drain(3, 'n-a', 'pod-skipped', 'kube-system/proxy-x', 'kube-system/proxy-x left: DaemonSet pod'))
    tree.apply(drain(4, 'n-a', 'misconfigured', 'shop/cart-1', 'shop/cart-1 is covered by 2 PDBs (shop/a, shop/b): the API server refuses to evict it'))
    expect(show(tree, new Date(T0 + 47_000))).toEqual([
      'running pool pool-a to 1.37: 0 done, 1 under way',
      '  running n-a: draining | 4 pods to evict',
      '    done shop/web-1: evicted, gone',
      '    running shop/db-0: waits: PDB shop/db allows 0 disruptions (needs 2 healthy, has 2, expects 3) (45s)',
      '    skipped kube-system/proxy-x: left: DaemonSet pod',
      '    failed shop/cart-1: shop/cart-1 is covered by 2 PDBs (shop/a, shop/b): the API server refuses to evict it',
    ])
    // Still refused later: waiting since the first refusal; once evicted, no more counting.
    tree.apply(drain(30, 'n-a', 'blocked', 'shop/db-0', 'shop/db-0 waits: PDB shop/db allows 0 disruptions (needs 2 healthy, has 2, expects 3)'))
    expect(tree.podTitle(tree.nodes[0]!.pods[1]!, new Date(T0 + 62_000))).toMatch(/\(1m\)$/)
    tree.apply(drain(63, 'n-a', 'decided', 'shop/db-0', 'shop/db-0: delete it, bypassing its PDB'))
    tree.apply(drain(63, 'n-a', 'deleted', 'shop/db-0', 'deleted shop/db-0, bypassing PDB shop/db'))
    expect(tree.podTitle(tree.nodes[0]!.pods[1]!, new Date(T0 + 70_000))).toBe('shop/db-0: deleted, bypassing PDB shop/db')
    expect(tree.nodes[0]!.pods[1]!.state).toBe('done')
  })

  it('ends the old node at its replacement and follows the new node', () => {
    const tree = new WalkTree('pool-a', '1.37')
    tree.apply(ev(0, 'node-started', 'n-a', 'starting n-a'))
    tree.apply(ev(1, 'hand-over', 'n-a', 'surge: waiting for 1 new node Ready at 1.37 to join pool pool-a before draining'))
    expect(tree.nodes[0]!.step).toBe('waiting for new nodes (surge)')
    expect(tree.nodes[0]!.detail).toBeUndefined()
    tree.apply(ev(2, 'hand-over', 'n-a', 'surge: 1 new node Ready at 1.37 in pool pool-a (new-0): draining'))
    expect(tree.nodes[0]!.detail).toBe('surge: 1 new node Ready at 1.37 in pool pool-a (new-0): draining')
    tree.apply(ev(3, 'hand-over', 'n-a', 'waiting for the node to be replaced'))
    tree.apply(ev(3, 'hand-over', 'n-a', 'waiting for n-a to be deleted and a new node to join pool pool-a'))
    expect(tree.nodes[0]).toMatchObject({state: 'running', step: 'handing over', detail: 'waiting for n-a to be deleted and a new node to join pool pool-a'})
    tree.apply(ev(9, 'handed-over', 'n-a', 'n-a was replaced by new-0'))
    tree.apply(ev(9, 'waiting-ready', 'new-0', 'waiting for Ready at 1.37'))
    expect(show(tree, new Date(T0 + 9000)).slice(1)).toEqual([
      '  done n-a: replaced by new-0',
      '  running new-0: waiting for Ready at 1.37',
    ])
    expect(tree.poolTitle(new Date(T0 + 9000))).toBe('pool pool-a to 1.37: 0 done, 1 under way')
    tree.apply(ev(10, 'node-done', 'new-0', 'done: in place of n-a, Ready at 1.37'))
    expect(tree.nodes[1]).toMatchObject({state: 'done', step: 'done: in place of n-a, Ready at 1.37'})
    // The node and the one in its place count once.
    expect(tree.poolTitle(new Date(T0 + 10_000))).toBe('pool pool-a to 1.37: 1 done')
  })

  it('says how long the window stays open, and when it opens once closed', () => {
    const window = parseWindow('Sat 02:00-06:00 Europe/Berlin')
    const tree = new WalkTree('pool-a', '1.37')
    tree.apply(ev(0, 'node-started', 'n-a', 'starting n-a'))
    expect(tree.poolTitle(new Date(T0 + 47 * 60_000), window)).toBe('pool pool-a to 1.37: 0 done, 1 under way · window closes in 3h13m (05:00 UTC)')
    expect(windowLeft(window, new Date(T0 + 4 * 3600_000))).toBe('window closed; opens in 6d20h')
    expect(windowLeft(untilWindow(new Date(T0), 'then'), new Date(T0 + 1))).toBe('window closed')
  })

  it('a walk that stops: the pool says why, and what was under way is cut short', () => {
    const tree = new WalkTree('pool-a', '1.37')
    tree.apply(ev(0, 'node-started', 'n-a', 'starting n-a'))
    tree.apply(ev(1, 'draining', 'n-a', 'draining'))
    tree.apply(drain(1, 'n-a', 'blocked', 'shop/db-0', 'shop/db-0 waits: PDB shop/db allows 0 disruptions'))
    tree.apply(ev(2, 'window-closing', 'n-b', 'not starting n-b: the window closes'))
    tree.apply(ev(3, 'walk-failed', undefined, 'n-a: drain timeout: the drain did not finish within 30m'))
    tree.finish()
    expect(show(tree, new Date(T0 + 5000))).toEqual([
      'failed pool pool-a to 1.37: n-a: drain timeout: the drain did not finish within 30m',
      '  failed n-a: draining | draining: stopped here',
      '    failed shop/db-0: waits: PDB shop/db allows 0 disruptions',
    ])
    // Interrupted: no end was said; the tree says it stopped before the end.
    const cut = new WalkTree('pool-a', '1.37')
    cut.apply(ev(0, 'walk-started', undefined, 'walk w1: 2 nodes to take to 1.37'))
    cut.apply(ev(0, 'node-started', 'n-a', 'starting n-a'))
    cut.finish()
    expect(show(cut, new Date(T0))).toEqual(['failed pool pool-a to 1.37: stopped before the end', '  failed n-a: starting | starting: stopped here'])
    const stopped = new WalkTree('pool-a', '1.37')
    stopped.apply(ev(0, 'walk-stopped', undefined, 'not starting n-a: the window is closed'))
    expect(stopped.state).toBe('skipped')
    expect(stopped.poolTitle(new Date(T0))).toBe('pool pool-a to 1.37: not starting n-a: the window is closed')
  })

  it('a node the operator skips is shown skipped', () => {
    const tree = new WalkTree('pool-a', '1.37')
    tree.apply(ev(0, 'node-started', 'n-a', 'starting n-a'))
    tree.apply(ev(1, 'hand-over', 'n-a', 'handing over to the operator'))
    tree.apply(ev(1, 'hand-over', 'n-a', 'over to you: upgrade n-a to 1.37 (or replace it), then answer'))
    expect(tree.nodes[0]).toMatchObject({step: 'handing over', detail: 'over to you: upgrade n-a to 1.37 (or replace it), then answer'})
    tree.apply(ev(9, 'node-skipped', 'n-a', 'skipped by the operator: drained and left cordoned (--resume asks again)'))
    expect(tree.nodes[0]).toMatchObject({state: 'skipped', step: 'skipped by the operator: drained and left cordoned (--resume asks again)'})
  })
})
