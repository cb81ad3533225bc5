// classifyUse: each of the four API findings, with small tables whose rows say exactly what is
// tested, plus the lookups (kind, metric resource, subresource) and the replacement chain.
import {describe, expect, it} from 'vitest'
import {classifyUse, classifyUses, hasRowFor, rowFilter} from '../../../src/deprecations/match.ts'
import {liveUses} from '../../../src/deprecations/sources/live.ts'
import {mergeFindings} from '../../../src/deprecations/merge.ts'
import {findRow, loadTable, type RemovalRow, type RemovalTable} from '../../../src/deprecations/table.ts'
import type {ApiUse, UpgradePath} from '../../../src/model/upgrade.ts'

const row = (over: Partial<RemovalRow>): RemovalRow => ({
  group: 'policy', version: 'v1beta1', kind: 'PodDisruptionBudget', resource: 'poddisruptionbudgets', stage: 'beta',
  introduced: '1.5', deprecatedIn: '1.21', removedIn: '1.25',
  replacement: {group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', servedFrom: '1.21'},
  notes: [], sources: ['test'], ...over,
})
const table = (...rows: RemovalRow[]): RemovalTable => ({coversThrough: '1.37', prerelease: null, rows})
const path = (current: string | null, target: string, hops?: string[]): UpgradePath => {
  if (hops) return {current, target, hops}
  const out: string[] = []
  if (current === null) out.push(target)
  else for (let m = Number(current.split('.')[1]) + 1; m <= Number(target.split('.')[1]); m++) out.push(`1.${m}`)
  return {current, target, hops: out}
}
const live = {type: 'live' as const, signal: 'last-applied' as const}
const use = (apiVersion: string, kind: string, over: Partial<ApiUse> = {}): ApiUse => ({apiVersion, kind, namespace: 'shop', name: 'web', source: live, ...over})

const pdb = table(row({}))

describe('removed-api', () => {
  it('is a blocker at the hop that removes it, naming the object, the version and the replacement', () => {
    const f = classifyUse(pdb, path('1.23', '1.26'), use('policy/v1beta1', 'PodDisruptionBudget'))!
    expect(f).toMatchObject({
      check: 'removed-api', severity: 'blocker', hop: '1.25', removedIn: '1.25', deprecatedIn: '1.21', replacement: 'policy/v1',
      object: {apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', namespace: 'shop', name: 'web'},
      source: live, sources: [live],
    })
    expect(f.fixFrom).toBeUndefined()
    expect(f.message).toBe('policy/v1beta1 PodDisruptionBudget shop/web: removed in 1.25, breaks at the hop to 1.25')
    expect(f.fix).toBe('move it to policy/v1')
  })

  it('offline (no current version) says the target does not serve it, not a hop', () => {
    const f = classifyUse(pdb, path(null, '1.36'), use('policy/v1beta1', 'PodDisruptionBudget'))!
    expect(f).toMatchObject({check: 'removed-api', severity: 'blocker', removedIn: '1.25'})
    expect(f.message).toBe('policy/v1beta1 PodDisruptionBudget shop/web: removed in 1.25, not served by 1.36')
  })

  it('is a blocker at the target itself', () => {
    expect(classifyUse(pdb, path('1.24', '1.25'), use('policy/v1beta1', 'PodDisruptionBudget'))).toMatchObject({check: 'removed-api', hop: '1.25'})
  })

  it('is a blocker when the current version already removed it (the object cannot be applied now), at the first hop', () => {
    const f = classifyUse(pdb, path('1.27', '1.28'), use('policy/v1beta1', 'PodDisruptionBudget'))!
    expect(f).toMatchObject({check: 'removed-api', severity: 'blocker', hop: '1.28'})
    expect(f.message).toContain('removed in 1.25, not served by the current version 1.27')
    // Nothing to cross: still said, at the target.
    expect(classifyUse(pdb, path('1.27', '1.27'), use('policy/v1beta1', 'PodDisruptionBudget'))).toMatchObject({check: 'removed-api', hop: '1.27'})
  })

  it('offline, reports every removal up to the target at the hop that removes it', () => {
    expect(classifyUse(pdb, path(null, '1.30'), use('policy/v1beta1', 'PodDisruptionBudget'))).toMatchObject({check: 'removed-api', hop: '1.25'})
  })

  it('says the fix waits for a hop when this cluster does not serve the replacement yet', () => {
    const f = classifyUse(pdb, path('1.19', '1.25'), use('policy/v1beta1', 'PodDisruptionBudget'))!
    expect(f).toMatchObject({check: 'removed-api', hop: '1.25', fixFrom: '1.21', replacement: 'policy/v1'})
    expect(f.message).toContain('its replacement policy/v1 is served only from 1.21, so the fix waits for that hop')
    expect(f.fix).toBe('move it to policy/v1 once the control plane is at 1.21 (this cluster does not serve it yet), before 1.25')
  })

  it('says when the replacement arrives only with the removal itself', () => {
    const t = table(row({group: 'batch', version: 'v2alpha1', kind: 'CronJob', resource: 'cronjobs', stage: 'alpha', introduced: '1.17', deprecatedIn: '1.21', removedIn: '1.21', replacement: {group: 'batch', version: 'v1', kind: 'CronJob', servedFrom: '1.21'}}))
    const f = classifyUse(t, path('1.20', '1.21'), use('batch/v2alpha1', 'CronJob'))!
    expect(f).toMatchObject({check: 'removed-api', fixFrom: '1.21', hop: '1.21'})
    expect(f.fix).toBe('batch/v1 is served only from 1.21, the release that removes batch/v2alpha1: rewrite it for batch/v1 and apply it right after the control plane reaches 1.21')
  })

  it('names the kind of the replacement when it changes, and says when there is none', () => {
    const t = table(
      row({group: 'apps', version: 'v1beta1', kind: 'Scale', resource: 'scales', removedIn: '1.16', deprecatedIn: '1.8', introduced: '1.6', replacement: {group: 'autoscaling', version: 'v1', kind: 'Scale', servedFrom: '1.2'}}),
      row({group: 'extensions', version: 'v1beta1', kind: 'PodSecurityPolicy', resource: 'podsecuritypolicies', removedIn: '1.16', deprecatedIn: '1.11', introduced: '1.2', replacement: {group: 'policy', version: 'v1beta1', kind: 'PodSecurityPolicy', servedFrom: '1.10'}}),
      row({group: 'policy', version: 'v1beta1', kind: 'PodSecurityPolicy', resource: 'podsecuritypolicies', removedIn: '1.25', replacement: null, notes: ['use Pod Security Admission']}),
      row({group: 'x.example.com', version: 'v1beta1', kind: 'Old', resource: 'olds', replacement: {group: 'y.example.com', version: 'v1', kind: 'New', servedFrom: '1.20'}}),
    )
    expect(classifyUse(t, path('1.15', '1.16'), use('apps/v1beta1', 'Scale'))!.replacement).toBe('autoscaling/v1')
    expect(classifyUse(t, path('1.24', '1.25'), use('x.example.com/v1beta1', 'Old'))!.replacement).toBe('y.example.com/v1 New')
    const psp = classifyUse(t, path('1.24', '1.25'), use('policy/v1beta1', 'PodSecurityPolicy'))!
    expect(psp.replacement).toBeUndefined()
    expect(psp.notes).toEqual(['use Pod Security Admission'])
    expect(psp.fix).toBe('policy/v1beta1 PodSecurityPolicy has no replacement: stop using it (see notes)')
  })

  it('follows the replacement chain past replacements the path also removes', () => {
    const fs = (version: string, o: Partial<RemovalRow>) => row({group: 'flowcontrol.apiserver.k8s.io', version, kind: 'FlowSchema', resource: 'flowschemas', ...o})
    const t = table(
      fs('v1beta1', {introduced: '1.20', deprecatedIn: '1.23', removedIn: '1.26', replacement: {group: 'flowcontrol.apiserver.k8s.io', version: 'v1beta3', kind: 'FlowSchema', servedFrom: '1.26'}}),
      fs('v1beta2', {introduced: '1.23', deprecatedIn: '1.26', removedIn: '1.29', replacement: {group: 'flowcontrol.apiserver.k8s.io', version: 'v1beta3', kind: 'FlowSchema', servedFrom: '1.26'}}),
      fs('v1beta3', {introduced: '1.26', deprecatedIn: '1.29', removedIn: '1.32', replacement: {group: 'flowcontrol.apiserver.k8s.io', version: 'v1', kind: 'FlowSchema', servedFrom: '1.29'}}),
    )
    // v1beta2 goes in 1.29, when v1 is already served: straight to v1.
    expect(classifyUse(t, path('1.28', '1.33'), use('flowcontrol.apiserver.k8s.io/v1beta2', 'FlowSchema'))).toMatchObject({replacement: 'flowcontrol.apiserver.k8s.io/v1', fixFrom: '1.29'})
    // v1beta1 goes in 1.26, before v1 exists: to v1beta3 at 1.26, then on to v1.
    const f = classifyUse(t, path('1.25', '1.33'), use('flowcontrol.apiserver.k8s.io/v1beta1', 'FlowSchema'))!
    expect(f).toMatchObject({replacement: 'flowcontrol.apiserver.k8s.io/v1beta3', fixFrom: '1.26', hop: '1.26'})
    expect(f.fix).toContain(', then to flowcontrol.apiserver.k8s.io/v1 (flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema is removed in 1.32)')
    // A path that stops before v1beta3 goes needs no second move.
    expect(classifyUse(t, path('1.25', '1.27'), use('flowcontrol.apiserver.k8s.io/v1beta1', 'FlowSchema'))!.fix).not.toContain('then to')
  })
})

describe('deprecated-api-in-use', () => {
  it('is a warning when the target deprecates it and still serves it', () => {
    const f = classifyUse(pdb, path('1.20', '1.22'), use('policy/v1beta1', 'PodDisruptionBudget'))!
    expect(f).toMatchObject({check: 'deprecated-api-in-use', severity: 'warning', deprecatedIn: '1.21', removedIn: '1.25', replacement: 'policy/v1', fixFrom: '1.21'})
    expect(f.message).toBe('policy/v1beta1 PodDisruptionBudget shop/web: deprecated in 1.21, still served at 1.22, removed in 1.25')
    expect(f.hop).toBeUndefined()
  })
  it('is nothing before the deprecation', () => {
    expect(classifyUse(pdb, path('1.18', '1.20'), use('policy/v1beta1', 'PodDisruptionBudget'))).toBeUndefined()
  })
})

describe('api-off-by-default', () => {
  const t = table(
    row({group: 'resource.k8s.io', version: 'v1alpha3', kind: 'DeviceTaintRule', resource: 'devicetaintrules', stage: 'alpha', introduced: '1.33', deprecatedIn: '1.36', removedIn: '1.39', replacement: null}),
    row({group: 'networking.k8s.io', version: 'v1beta1', kind: 'ServiceCIDR', resource: 'servicecidrs', stage: 'beta', introduced: '1.31', deprecatedIn: '1.34', removedIn: '1.37', replacement: {group: 'networking.k8s.io', version: 'v1', kind: 'ServiceCIDR', servedFrom: '1.33'}}),
    row({group: 'storage.k8s.io', version: 'v1beta1', kind: 'CSIStorageCapacity', resource: 'csistoragecapacities', stage: 'beta', introduced: '1.21', deprecatedIn: '1.24', removedIn: '1.27', replacement: null}),
  )
  it('is info for an alpha kind, with the --runtime-config hint', () => {
    const f = classifyUse(t, path('1.34', '1.35'), use('resource.k8s.io/v1alpha3', 'DeviceTaintRule', {namespace: undefined, name: 'gpu'}))!
    expect(f).toMatchObject({check: 'api-off-by-default', severity: 'info', removedIn: '1.39'})
    expect(f.message).toBe('resource.k8s.io/v1alpha3 DeviceTaintRule gpu: resource.k8s.io/v1alpha3 is alpha and off by default, served at 1.35 only when kube-apiserver runs with --runtime-config=resource.k8s.io/v1alpha3=true')
    expect(f.fix).toBe('check that the control plane at 1.35 keeps --runtime-config=resource.k8s.io/v1alpha3=true')
  })
  it('is info for a beta introduced from 1.24 on (KEP-3136), not for an older beta', () => {
    expect(classifyUse(t, path('1.32', '1.33'), use('networking.k8s.io/v1beta1', 'ServiceCIDR'))).toMatchObject({check: 'api-off-by-default', fix: expect.stringContaining('or move it to networking.k8s.io/v1')})
    expect(classifyUse(t, path('1.22', '1.23'), use('storage.k8s.io/v1beta1', 'CSIStorageCapacity'))).toBeUndefined()
  })
  it('gives way to deprecation and removal on the path', () => {
    expect(classifyUse(t, path('1.35', '1.36'), use('resource.k8s.io/v1alpha3', 'DeviceTaintRule'))!.check).toBe('deprecated-api-in-use')
    expect(classifyUse(t, path('1.36', '1.37'), use('networking.k8s.io/v1beta1', 'ServiceCIDR'))!.check).toBe('removed-api')
  })
})

describe('lookups', () => {
  it('finds nothing for a kind or version the table does not have', () => {
    expect(classifyUse(pdb, path('1.24', '1.25'), use('policy/v1', 'PodDisruptionBudget'))).toBeUndefined()
    expect(classifyUse(pdb, path('1.24', '1.25'), use('policy/v1beta1', 'Eviction'))).toBeUndefined()
    expect(classifyUse(pdb, path('1.24', '1.25'), use('v1', 'Pod'))).toBeUndefined()
  })

  it('reads the core group from a bare version', () => {
    const t = table(row({group: '', version: 'v1beta1', kind: 'Thing', resource: 'things'}))
    expect(classifyUse(t, path('1.24', '1.25'), use('v1beta1', 'Thing'))).toMatchObject({check: 'removed-api', replacement: 'policy/v1 PodDisruptionBudget'})
  })

  it('matches a metric sighting by resource, and a subresource by its kind', () => {
    const metric = {type: 'metric' as const, signal: 'request-metric' as const}
    const t = table(row({}), row({kind: 'Eviction', resource: 'evictions', replacement: null}))
    const byResource = classifyUse(t, path('1.24', '1.25'), {apiVersion: 'policy/v1beta1', resource: 'poddisruptionbudgets', source: metric})!
    expect(byResource).toMatchObject({check: 'removed-api', object: {kind: 'PodDisruptionBudget', name: 'poddisruptionbudgets'}, source: metric})
    expect(byResource.message).toBe('requests to policy/v1beta1 poddisruptionbudgets: removed in 1.25, breaks at the hop to 1.25')
    const eviction = classifyUse(t, path('1.24', '1.25'), {apiVersion: 'policy/v1beta1', resource: 'pods', subresource: 'eviction', source: metric})!
    expect(eviction).toMatchObject({object: {kind: 'Eviction', name: 'pods/eviction'}})
    expect(eviction.message).toMatch(/^requests to policy\/v1beta1 pods\/eviction: removed in 1\.25/)
  })

  it('indexes a table once and sees each table apart', () => {
    const a = table(row({}))
    const b = table(row({removedIn: '1.26'}))
    expect(findRow(a, {group: 'policy', version: 'v1beta1', kind: 'PodDisruptionBudget'})!.removedIn).toBe('1.25')
    expect(findRow(b, {group: 'policy', version: 'v1beta1', resource: 'poddisruptionbudgets'})!.removedIn).toBe('1.26')
    expect(findRow(a, {group: 'policy', version: 'v1beta1'})).toBeUndefined()
  })
})

describe('classifyUses', () => {
  it('merges the signals of one object and drops sightings nothing applies to', () => {
    const managed = {type: 'live' as const, signal: 'managed-fields' as const, manager: 'argocd'}
    const out = classifyUses(pdb, path('1.24', '1.25'), [
      use('policy/v1beta1', 'PodDisruptionBudget'),
      use('policy/v1', 'PodDisruptionBudget'),
      use('policy/v1beta1', 'PodDisruptionBudget', {source: managed}),
      use('policy/v1beta1', 'PodDisruptionBudget', {name: 'api'}),
    ])
    expect(out.map(f => [f.object.name, f.sources])).toEqual([['web', [live, managed]], ['api', [live]]])
    expect(out[0]!.source).toEqual(live)
  })

  it('gives each of many sightings of one row what classifyUse gives it alone (what a row means is worked out once)', () => {
    const shipped = loadTable()
    const metric = {type: 'metric' as const, signal: 'request-metric' as const}
    for (const p of [path('1.20', '1.37'), path(null, '1.33'), path('1.36', '1.39')]) {
      const uses = shipped.rows.flatMap(r => {
        const apiVersion = r.group ? `${r.group}/${r.version}` : r.version
        return [
          use(apiVersion, r.kind), use(apiVersion, r.kind, {name: 'api', namespace: undefined}),
          {apiVersion, resource: r.resource, source: metric},
        ]
      })
      const alone = mergeFindings(uses.map(u => classifyUse(shipped, p, u)).filter(f => f !== undefined))
      const together = classifyUses(shipped, p, uses)
      expect(together.length).toBeGreaterThan(50)
      // Field order included: it is the order of the JSON output.
      expect(JSON.stringify(together)).toBe(JSON.stringify(alone))
    }
  })

  it('finds the same from the sightings of kinds the table has rows for as from all of them', () => {
    const shipped = loadTable()
    const entry = (apiVersion: string, manager: string) => ({manager, operation: 'Update', apiVersion, time: '2026-01-01T00:00:00Z'})
    const objects = [
      ...shipped.rows.slice(0, 60).map((r, i) => ({apiVersion: 'x/v1', kind: r.kind, metadata: {name: `o${i}`, namespace: 'shop',
        annotations: {'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({apiVersion: r.group ? `${r.group}/${r.version}` : r.version, kind: r.kind})},
        managedFields: [entry(r.group ? `${r.group}/${r.version}` : r.version, 'a'), entry('v1', 'b')]}})),
      {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'plain', managedFields: [entry('v1', 'kubectl')]}},
      {apiVersion: 'v1', metadata: {name: 'no-kind', managedFields: [entry('apps/v1beta1', 'kubectl')]}},
    ]
    const wanted = (apiVersion: string, kind: string | undefined) => hasRowFor(shipped, apiVersion, kind)
    for (const p of [path('1.20', '1.37'), path(null, '1.36')]) {
      const all = classifyUses(shipped, p, liveUses(objects))
      expect(all.length).toBeGreaterThan(20)
      expect(JSON.stringify(classifyUses(shipped, p, liveUses(objects, {wanted})))).toBe(JSON.stringify(all))
    }
    expect(liveUses(objects, {wanted}).length).toBeLessThan(liveUses(objects).length)
    // rowFilter answers as hasRowFor, each question asked again included.
    const filter = rowFilter(shipped)
    for (const u of [...liveUses(objects), ...liveUses(objects)]) expect(filter(u.apiVersion, u.kind)).toBe(hasRowFor(shipped, u.apiVersion, u.kind))
  })
})
