// Golden files for why-pending's -o wide (with and without headers, with and without the
// NAMESPACE column) and -o markdown, over the same fixtures as the text renderer; and the rules
// each must keep whatever the fixture: one row per pod, nothing cut, Markdown that a renderer
// cannot misread.
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {loadDump} from '../../../src/sources/dump.ts'
import {diagnose} from '../../../src/diagnose/why-pending.ts'
import {renderWhyPendingMarkdown, renderWhyPendingWide} from '../../../src/render/why-pending-table.ts'
import type {WhyPendingReport} from '../../../src/model/reports/why-pending.ts'
import {expectGolden} from './golden.ts'

const now = new Date('2026-11-21T12:00:00Z')
const FIXTURES = ['deployment-does-not-fit', 'unbound-claim-no-default-class', 'notready-node-crashloop-imagepull', 'pods-never-created-quota', 'all-clear', 'stuck-for-a-day']

function report(name: string): WhyPendingReport {
  const snap = loadDump(fileURLToPath(new URL(`../../fixtures/snapshots/${name}.json`, import.meta.url)), now)
  return diagnose(snap, {target: {kind: 'all'}, now})
}

describe('why-pending -o wide and -o markdown, golden files', () => {
  for (const name of FIXTURES) {
    describe(name, () => {
      const r = report(name)
      it('-o wide -A', () => expectGolden(`why-pending/${name}.wide`, renderWhyPendingWide(r, {now, namespaces: true, headers: true})))
      it('-o markdown', () => expectGolden(`why-pending/${name}.md`, renderWhyPendingMarkdown(r, {now, scope: 'all namespaces'})))

      it('wide: one row per pod, workload without pods and node with problems, under one header', () => {
        const lines = renderWhyPendingWide(r, {now, namespaces: true, headers: true}).split('\n').filter(Boolean)
        const expected = r.items.length + r.nodes.filter(n => n.causes.length).length
        if (expected === 0) { expect(lines).toEqual([]); return }
        expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+STATUS\s+NODE\s+OWNER\s+CAUSE\s+AGE$/)
        expect(lines).toHaveLength(expected + 1)
        for (const item of r.items) {
          const name = item.status === 'NotCreated' ? `${item.object.kind.toLowerCase()}/${item.object.name}` : item.object.name
          const row = lines.find(l => l.split(/\s{3,}/)[1] === name)
          expect(row, name).toBeDefined()
          // The whole first cause category and no relative time cut short.
          expect(row).toContain(`${item.causes[0]?.category ?? 'no cause found'}`)
        }
      })

      it('--no-headers drops the header and nothing else; without -A the NAMESPACE column goes', () => {
        const withHeaders = renderWhyPendingWide(r, {now, namespaces: true, headers: true}).split('\n')
        const without = renderWhyPendingWide(r, {now, namespaces: true, headers: false}).split('\n')
        if (r.items.length === 0 && !r.nodes.some(n => n.causes.length)) return expect(without).toEqual([''])
        expect(without.map(l => l.split(/\s{3,}/))).toEqual(withHeaders.slice(1).map(l => l.split(/\s{3,}/)))
        const narrow = renderWhyPendingWide(r, {now, namespaces: false, headers: true}).split('\n')
        expect(narrow[0]).toMatch(/^NAME\s+STATUS/)
        expect(narrow).toHaveLength(withHeaders.length)
      })

      it('markdown: a table row per group and node, each with as many cells as the header; no raw < or stray pipe', () => {
        const md = renderWhyPendingMarkdown(r, {now, scope: 'all namespaces'})
        expect(md).toMatch(/^## why-pending: /)
        expect(md).toContain(now.toISOString())
        const rows = md.split('\n').filter(l => l.startsWith('|'))
        for (const row of rows) expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(6)
        // Outside code spans, `<` is escaped.
        for (const line of md.split('\n')) expect(line.replace(/`` .*? ``|`[^`]*`/g, '')).not.toContain('<')
      })
    })
  }

  it('markdown escapes a pipe in a summary and keeps evidence with backticks readable', () => {
    const r: WhyPendingReport = {
      apiVersion: 'kubectl-prod/v1', kind: 'WhyPendingReport', nodes: [], summary: {byStatus: {}, byCategory: {}},
      items: [{
        object: {kind: 'Pod', namespace: 'a', name: 'p'}, owner: null, status: 'Pending', waiting: false, notes: [],
        causes: [{category: 'other', summary: 'selector a|b <none>', evidence: [{kind: 'Event', reason: 'X', message: 'has `tick` and |pipe'}]}],
      }],
    }
    const md = renderWhyPendingMarkdown(r, {now, scope: 'namespace a'})
    expect(md).toContain('| other: selector a\\|b &lt;none> |')
    expect(md).toContain('- **other**: selector a|b &lt;none>')
    expect(md).toContain('Event X: `` has `tick` and |pipe ``')
  })

  it('wide never cuts a long cause clause and pads every column to its widest cell', () => {
    const long = 'x'.repeat(300)
    const r: WhyPendingReport = {
      apiVersion: 'kubectl-prod/v1', kind: 'WhyPendingReport', nodes: [], summary: {byStatus: {}, byCategory: {}},
      items: [
        {object: {kind: 'Pod', namespace: 'a', name: 'short'}, owner: {kind: 'Deployment', name: 'd'}, status: 'Pending', waiting: true, notes: [], causes: [{category: 'other', summary: long, evidence: []}]},
        {object: {kind: 'Pod', namespace: 'a', name: 'a-much-longer-name'}, node: 'n1', owner: null, status: 'NotReady', waiting: false, notes: [], since: '2026-11-21T11:00:00Z', causes: []},
      ],
    }
    const lines = renderWhyPendingWide(r, {now, namespaces: false, headers: true}).split('\n').filter(Boolean)
    const short = lines.find(l => l.startsWith('short '))!
    const other = lines.find(l => l.startsWith('a-much-longer-name '))!
    expect(short).toContain(`other: ${long} (waiting)`)
    expect(other).toMatch(/^a-much-longer-name\s+NotReady\s+n1\s+<none>\s+no cause found\s+1h$/)
    const at = (line: string, word: string) => line.indexOf(word)
    expect(at(lines[0]!, 'STATUS')).toBe(at(other, 'NotReady'))
    expect(at(lines[0]!, 'NODE')).toBe(at(other, 'n1'))
    expect(at(lines[0]!, 'AGE')).toBe(at(short, '<unknown>'))
    expect(short).toMatch(/^short\s+Pending\s+<none>\s+deployment\/d\s+other: /)
  })
})
