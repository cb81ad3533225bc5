// Golden files for the text of why-pending: each fixture is a `kubectl get -o json` List under
// test/fixtures/snapshots/, read by the dump reader and diagnosed as the command does, then
// rendered with and without --details. Any change of wording is a diff in test/golden/why-pending/.
import {fileURLToPath} from 'node:url'
import {afterEach, describe, expect, it, vi} from 'vitest'
import {loadDump} from '../../../src/sources/dump.ts'
import {diagnose} from '../../../src/diagnose/why-pending.ts'
import {groupItems, renderWhyPending} from '../../../src/render/why-pending.ts'
import {makeStyle} from '../../../src/render/style.ts'
import type {WhyPendingReport} from '../../../src/model/reports/why-pending.ts'
import {expectGolden} from './golden.ts'

const now = new Date('2026-11-21T12:00:00Z')
const scope = 'all namespaces'

interface Fixture {
  name: string
  about: string
  /** Cause categories the scenario must keep producing, so a fixture cannot silently stop covering it. */
  categories: string[]
  /** Categories it must not produce: what looks related but blocks nothing. */
  absent?: string[]
}

const FIXTURES: Fixture[] = [
  {name: 'deployment-does-not-fit', about: 'a Deployment whose pods lack cpu on the workers; the GPU nodes\' taint is only a note', categories: ['insufficient-resources'], absent: ['taint']},
  {name: 'unbound-claim-no-default-class', about: 'a StatefulSet pod whose claim sets no class in a cluster without a default StorageClass', categories: ['pvc-unbound']},
  {name: 'notready-node-crashloop-imagepull', about: 'a node NotReady (CNI), a crash-looping pod and an image that does not exist', categories: ['node-not-ready', 'crashloop', 'image-pull']},
  {name: 'pods-never-created-quota', about: 'a Deployment whose ReplicaSet cannot create pods: exceeded quota', categories: ['quota-limitrange']},
  {name: 'all-clear', about: 'nothing stuck', categories: []},
  {name: 'stuck-for-a-day', about: 'a pod Pending for 30 hours whose selection matches no node (the node under disk pressure for 30 hours is listed once, under nodes), a pod not Ready for 3 hours', categories: ['node-affinity-selector', 'readiness-probe'], absent: ['node-pressure']},
]

const fixturePath = (name: string) => fileURLToPath(new URL(`../../fixtures/snapshots/${name}.json`, import.meta.url))

/** What `kubectl prod why-pending -A --from-dump <file>` computes, at a fixed time. */
function report(name: string): WhyPendingReport {
  const snap = loadDump(fixturePath(name), now)
  const r = diagnose(snap, {target: {kind: 'all'}, now})
  expect(r.gaps ?? []).toEqual(snap.gaps)
  return r
}

function render(r: WhyPendingReport, details: boolean): string {
  return renderWhyPending(r, {details, style: makeStyle(false), now, scope})
}

describe('why-pending text, golden files', () => {
  afterEach(() => { vi.useRealTimers() })

  for (const f of FIXTURES) {
    describe(`${f.name}: ${f.about}`, () => {
      it('still covers its scenario', () => {
        const r = report(f.name)
        expect(Object.keys(r.summary.byCategory).sort()).toEqual(expect.arrayContaining(f.categories))
        for (const category of f.absent ?? []) expect(r.summary.byCategory[category]).toBeUndefined()
        if (f.categories.length === 0) expect(r.items).toEqual([])
      })
      it('summary', () => expectGolden(`why-pending/${f.name}`, render(report(f.name), false)))
      it('--details', () => expectGolden(`why-pending/${f.name}.details`, render(report(f.name), true)))
      it('does not depend on the wall clock', () => {
        vi.useFakeTimers({toFake: ['Date']})
        vi.setSystemTime(new Date('2031-02-03T04:05:06Z'))
        const later = render(report(f.name), true)
        vi.setSystemTime(new Date('2020-01-01T00:00:00Z'))
        const earlier = render(report(f.name), true)
        vi.useRealTimers()
        expect(later).toBe(earlier)
        expect(later).toBe(render(report(f.name), true))
      })
    })
  }
})

describe('groupItems', () => {
  const probe = (times: string, at: string) => ({category: 'readiness-probe' as const, summary: `the readiness probe of container checkout failed ${times}, last at ${at}: HTTP probe failed with statuscode: 503`, fix: 'make it answer', evidence: []})
  const item = (name: string, causes: ReturnType<typeof probe>[]) => ({
    object: {kind: 'Pod', namespace: 'shop', name}, owner: {kind: 'Deployment', name: 'checkout'}, status: 'NotReady' as const, waiting: false, causes, notes: [],
  })

  it('puts pods whose causes differ only in a time into one group, showing the newest', () => {
    const groups = groupItems([
      item('checkout-a', [probe('once', '2026-03-07T01:00:02Z')]),
      item('checkout-b', [probe('once', '2026-03-07T01:00:05Z')]),
      item('checkout-c', [probe('once', '2026-03-07T01:00:01Z')]),
    ])
    expect(groups).toHaveLength(1)
    expect(groups[0]!.items.map(i => i.object.name)).toEqual(['checkout-a', 'checkout-b', 'checkout-c'])
    expect(groups[0]!.causes[0]!.summary).toContain('last at 2026-03-07T01:00:05Z')
  })

  it('keeps apart pods whose causes differ otherwise', () => {
    const groups = groupItems([item('checkout-a', [probe('once', '2026-03-07T01:00:02Z')]), item('checkout-b', [probe('3 times', '2026-03-07T01:00:02Z')])])
    expect(groups).toHaveLength(2)
  })
})
