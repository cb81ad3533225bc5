import {describe, expect, it} from 'vitest'
import {renderNodePoolList, renderWalkEventLine, renderWalkSummary} from '../../../src/render/nodepool.ts'
import {makeStyle} from '../../../src/render/style.ts'
import type {NodePoolList} from '../../../src/model/reports/nodepool.ts'
import {expectGolden} from './golden.ts'

const plain = makeStyle(false)

describe('renderNodePoolList', () => {
  it('prints one row per pool under a header', () => {
    const list: NodePoolList = {apiVersion: 'kubectl-prod/v1', kind: 'NodePoolList', items: [
      {name: 'workers', label: 'eks.amazonaws.com/nodegroup', nodes: 3, ready: 2, cordoned: 1, kubelets: [{version: '1.36', nodes: ['a', 'b']}, {version: '1.37', nodes: ['c']}], zones: ['z1', 'z2']},
      {name: '(no pool)', label: null, nodes: 1, ready: 1, cordoned: 0, kubelets: [{version: 'unknown', nodes: ['d']}], zones: []},
    ]}
    expect(renderNodePoolList(list, plain)).toBe([
      'POOL       NODES  READY  CORDONED  KUBELETS            ZONES',
      'workers    3      2/3    1         1.36 (2), 1.37 (1)  z1, z2',
      '(no pool)  1      1/1    0         unknown (1)         -',
      '',
    ].join('\n'))
    expect(renderNodePoolList({...list, items: []}, plain)).toBe('No nodes.\n')
  })

  it('golden files: with the header, and --no-headers (the rows padded to their own widths)', () => {
    const list: NodePoolList = {apiVersion: 'kubectl-prod/v1', kind: 'NodePoolList', items: [
      {name: 'general', label: 'eks.amazonaws.com/nodegroup', nodes: 12, ready: 12, cordoned: 0, kubelets: [{version: '1.36', nodes: Array.from({length: 12}, (_, i) => `g-${i}`)}], zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']},
      {name: 'gpu', label: 'eks.amazonaws.com/nodegroup', nodes: 2, ready: 1, cordoned: 1, kubelets: [{version: '1.35', nodes: ['p-0']}, {version: '1.36', nodes: ['p-1']}], zones: ['eu-west-1a']},
    ]}
    const withHeaders = renderNodePoolList(list, plain)
    const bare = renderNodePoolList(list, plain, {headers: false})
    expectGolden('nodepool/list', withHeaders)
    expectGolden('nodepool/list.no-headers', bare)
    expect(bare.split('\n').map(l => l.split(/\s{2,}/))).toEqual(withHeaders.split('\n').slice(1).map(l => l.split(/\s{2,}/)))
    expect(bare.startsWith('general  12')).toBe(true)
  })
})

describe('walk lines', () => {
  it('an event: time of day, node, message', () => {
    expect(renderWalkEventLine({time: '2026-03-07T01:02:03.456Z', type: 'drained', pool: 'p', node: 'n-1', message: 'drained in 2 min'})).toBe('01:02:03 n-1  drained in 2 min')
    expect(renderWalkEventLine({time: '2026-03-07T01:02:03.456Z', type: 'walk-done', pool: 'p', message: 'done'})).toBe('01:02:03 done')
  })

  it('the summary says what is done, what remains and when the window opens', () => {
    expect(renderWalkSummary({
      apiVersion: 'kubectl-prod/v1', kind: 'NodePoolWalk', pool: 'p', walkId: 'w1', target: '1.37', status: 'stopped',
      message: 'not starting n-2: the window closes', done: ['n-1'], remaining: ['n-2'], nextWindow: '2026-03-14T01:00:00.000Z',
    }, plain)).toBe([
      'Walk w1 of pool p to 1.37: stopped: not starting n-2: the window closes',
      '  done: n-1',
      '  remaining: n-2',
      '  next window opens: 2026-03-14T01:00:00.000Z',
      '',
    ].join('\n'))
  })
})
