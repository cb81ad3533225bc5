// The plain-line and JSON-line views of drain events, and the closing summary.
import {describe, expect, it} from 'vitest'
import {drainEventJson, renderDrainEvent, renderDrainSummary} from '../../../../src/cli/views/drain-lines.ts'

const event = {time: '2026-03-01T02:00:03.120Z', type: 'evicted' as const, node: 'node-a', pod: 'shop/web-1', message: 'evicted shop/web-1'}

describe('drain views', () => {
  it('a plain line carries the UTC time to the second, the node and the message', () => {
    expect(renderDrainEvent(event)).toBe('02:00:03 node-a  evicted shop/web-1')
  })

  it('a JSON line is the event itself, on one line', () => {
    const line = drainEventJson(event)
    expect(line).not.toContain('\n')
    expect(JSON.parse(line)).toEqual(event)
  })

  it('the summary says which nodes are left cordoned, and not those a refusal never cordoned', () => {
    expect(renderDrainSummary([
      {node: 'node-a', status: 'drained', remaining: [], message: 'node node-a drained: 3 pods evicted', cordonedByUs: true},
      {node: 'node-b', status: 'blocked', remaining: [], message: 'stopped', cordonedByUs: true, reason: 'pdb'},
      {node: 'node-c', status: 'refused', remaining: [], message: 'refused to drain', cordonedByUs: false, reason: 'refused'},
    ])).toBe([
      'node-a  drained  node node-a drained: 3 pods evicted',
      'node-b  blocked  stopped',
      'node-c  refused  refused to drain',
      'left cordoned: node-b (kubectl uncordon node-b to undo)',
      '',
    ].join('\n'))
  })
})
