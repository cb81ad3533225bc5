// The generator's replacement inference (deprecations/gen/generate.ts inferReplacements): where a
// removed row's tags name no replacement, the most stable other version of the same group that
// registers the same kind in the release of the removal, and is not itself removed by then.
// Each fixture is a few module releases of k8s.io/api written as Go packages, read by the same
// declaredKinds the generator uses.
import {describe, expect, it} from 'vitest'
import {declaredKinds} from '../../../deprecations/gen/lifecycle.ts'
import {buildTable, byStability, type Override, type Releases, type Row} from '../../../deprecations/gen/generate.ts'

interface Kind { kind: string, tags?: string[], registered?: boolean }
interface Pkg { group: string, version: string, kinds: Kind[] }

/** One group/version package: doc.go, register.go (addKnownTypes) and types.go with the kinds' tags. */
function files({group, version, kinds}: Pkg): [string, string][] {
  const dir = `${group.split('.')[0]}/${version}`
  const registered = kinds.filter(k => k.registered !== false).map(k => `\t\t&${k.kind}{},\n\t\t&${k.kind}List{},\n`).join('')
  return [
    [`${dir}/doc.go`, `// +k8s:prerelease-lifecycle-gen=true\n// +groupName=${group}\npackage ${version}\n`],
    [`${dir}/register.go`, `package ${version}\n\nfunc addKnownTypes(scheme *runtime.Scheme) error {\n\tscheme.AddKnownTypes(SchemeGroupVersion,\n\t\t&Placeholder{},\n${registered}\t)\n\treturn nil\n}\n`],
    [`${dir}/types.go`, [`package ${version}`, '', ...kinds.flatMap(k => [
      '// +genclient', ...(k.tags ?? []).map(t => `// +k8s:prerelease-lifecycle-gen:${t}`), '', `// ${k.kind} is a fixture.`, `type ${k.kind} struct {`, '}', '',
    ])].join('\n')],
  ]
}

/** The table the generator makes from these k8s.io/api releases (module version -> packages). */
function tableOf(releases: Record<string, Pkg[]>, overrides: Override[] = []): Row[] {
  const pins = {'k8s.io/api': Object.keys(releases)}
  const byMinor: Releases = new Map()
  for (const [v, pkgs] of Object.entries(releases)) {
    const decls = declaredKinds(new Map(pkgs.flatMap(files)))
    byMinor.set(`1.${/^v0\.(\d+)\./.exec(v)![1]}`, decls.map(decl => ({decl, module: `k8s.io/api@${v}`})))
  }
  return buildTable(pins, byMinor, overrides)
}
const rowOf = (rows: Row[], group: string, version: string, kind: string) => {
  const r = rows.find(x => x.group === group && x.version === version && x.kind === kind)
  expect(r, `${group}/${version} ${kind}`).toBeDefined()
  return r!
}
const inferred = (r: Row) => r.notes.filter(n => n.startsWith('replacement inferred'))

const NET = 'networking.k8s.io'

describe('replacement inference', () => {
  it('infers the GA version of the same kind when the tag gives none', () => {
    const beta: Pkg = {group: NET, version: 'v1beta1', kinds: [{kind: 'IPAddress', tags: ['introduced=1.31', 'removed=1.33']}]}
    const rows = tableOf({
      'v0.31.0': [beta],
      'v0.32.0': [beta],
      'v0.33.0': [beta, {group: NET, version: 'v1', kinds: [{kind: 'IPAddress', tags: ['introduced=1.33']}]}],
    })
    const r = rowOf(rows, NET, 'v1beta1', 'IPAddress')
    expect(r.removedIn).toBe('1.33')
    expect(r.replacement).toEqual({group: NET, version: 'v1', kind: 'IPAddress', servedFrom: '1.33'})
    expect(inferred(r)).toEqual(['replacement inferred (no replacement tag): the same kind in networking.k8s.io/v1, present in k8s.io/api from v0.33.0; the most stable version of networking.k8s.io that registers IPAddress in k8s.io/api@v0.33.0 (the release of the removal)'])
    expect(r.sources).toEqual(['k8s.io/api@v0.33.0 networking/v1beta1/types.go', 'k8s.io/api@v0.33.0 networking/v1/types.go'])
  })

  it('leaves the replacement null when no other version of the group has the kind', () => {
    const alpha: Pkg = {group: NET, version: 'v1alpha1', kinds: [{kind: 'ClusterCIDR', tags: ['introduced=1.30', 'removed=1.32']}]}
    // Another version of the group with other kinds does not count.
    const other: Pkg = {group: NET, version: 'v1', kinds: [{kind: 'Ingress', tags: ['introduced=1.19']}]}
    const r = rowOf(tableOf({'v0.30.0': [alpha, other], 'v0.31.0': [alpha, other], 'v0.32.0': [alpha, other]}), NET, 'v1alpha1', 'ClusterCIDR')
    expect(r.removedIn).toBe('1.32')
    expect(r.replacement).toBeNull()
    expect(inferred(r)).toEqual([])
  })

  it('does not choose a version removed before (or with) the row, though its types are still in the module', () => {
    const pkgs = (v1beta1Removed: string): Pkg[] => [
      {group: 'example.k8s.io', version: 'v1beta1', kinds: [{kind: 'Widget', tags: ['introduced=1.29', `removed=${v1beta1Removed}`]}]},
      {group: 'example.k8s.io', version: 'v1beta2', kinds: [{kind: 'Widget', tags: ['introduced=1.30', 'removed=1.33']}]},
    ]
    const world = (removed: string) => tableOf({'v0.30.0': pkgs(removed), 'v0.31.0': pkgs(removed), 'v0.32.0': pkgs(removed), 'v0.33.0': pkgs(removed)})
    const earlier = world('1.31')
    expect(rowOf(earlier, 'example.k8s.io', 'v1beta2', 'Widget')).toMatchObject({removedIn: '1.33', replacement: null})
    expect(inferred(rowOf(earlier, 'example.k8s.io', 'v1beta2', 'Widget'))).toEqual([])
    // The other way round it is the replacement: v1beta2 is served until 1.33, after v1beta1's removal in 1.31.
    expect(rowOf(earlier, 'example.k8s.io', 'v1beta1', 'Widget')).toMatchObject({removedIn: '1.31', replacement: {version: 'v1beta2', servedFrom: '1.30'}})
    // Removed in the same release: neither replaces the other.
    const same = world('1.33')
    expect(rowOf(same, 'example.k8s.io', 'v1beta2', 'Widget').replacement).toBeNull()
    expect(rowOf(same, 'example.k8s.io', 'v1beta1', 'Widget').replacement).toBeNull()
    // Removed earlier by an override (its tags still say later): the table's removal counts.
    const later = (v: string) => ({[v]: pkgs('1.35')})
    const overridden = tableOf({...later('v0.30.0'), ...later('v0.31.0'), ...later('v0.32.0'), ...later('v0.33.0')},
      [{group: 'example.k8s.io', version: 'v1beta1', kind: 'Widget', action: 'set', set: {removedIn: '1.32'}, reason: 'r', source: 's'}])
    expect(rowOf(overridden, 'example.k8s.io', 'v1beta2', 'Widget').replacement).toBeNull()
  })

  it('prefers GA over beta over alpha, then the newest version', () => {
    const old: Pkg = {group: 'example.k8s.io', version: 'v1alpha1', kinds: [{kind: 'Gadget', tags: ['introduced=1.30', 'removed=1.32']}]}
    const v = (version: string): Pkg => ({group: 'example.k8s.io', version, kinds: [{kind: 'Gadget', tags: ['introduced=1.31', 'removed=1.40']}]})
    const ga: Pkg = {group: 'example.k8s.io', version: 'v1', kinds: [{kind: 'Gadget', tags: ['introduced=1.31']}]}
    const pick = (at32: Pkg[]) => rowOf(tableOf({'v0.30.0': [old], 'v0.31.0': [old], 'v0.32.0': [old, ...at32]}), 'example.k8s.io', 'v1alpha1', 'Gadget').replacement?.version
    expect(pick([v('v1alpha2'), v('v1beta1'), ga, v('v2beta1')])).toBe('v1')
    expect(pick([v('v1alpha2'), v('v1beta1'), v('v2beta1'), v('v1beta2')])).toBe('v2beta1')
    expect(pick([v('v1alpha2'), v('v1alpha3')])).toBe('v1alpha3')
    expect(['v1alpha1', 'v1beta1', 'v1', 'v2beta1', 'v1beta2', 'v2', 'v1alpha2'].sort(byStability)).toEqual(['v2', 'v1', 'v2beta1', 'v1beta2', 'v1beta1', 'v1alpha2', 'v1alpha1'])
  })

  it('never replaces a beta with an alpha, and needs the kind registered in register.go', () => {
    const beta: Pkg = {group: 'example.k8s.io', version: 'v1beta1', kinds: [{kind: 'Gizmo', tags: ['introduced=1.29', 'removed=1.31']}]}
    const alpha: Pkg = {group: 'example.k8s.io', version: 'v1alpha2', kinds: [{kind: 'Gizmo', tags: ['introduced=1.30']}]}
    const r = rowOf(tableOf({'v0.30.0': [beta, alpha], 'v0.31.0': [beta, alpha]}), 'example.k8s.io', 'v1beta1', 'Gizmo')
    expect(r.replacement).toBeNull()
    // A GA package that declares a Gizmo struct but does not add it to the scheme does not serve it.
    const unregistered: Pkg = {group: 'example.k8s.io', version: 'v1', kinds: [{kind: 'Gizmo', tags: ['introduced=1.30'], registered: false}]}
    expect(rowOf(tableOf({'v0.30.0': [beta, unregistered], 'v0.31.0': [beta, unregistered]}), 'example.k8s.io', 'v1beta1', 'Gizmo').replacement).toBeNull()
    const registered: Pkg = {...unregistered, kinds: [{kind: 'Gizmo', tags: ['introduced=1.30']}]}
    expect(rowOf(tableOf({'v0.30.0': [beta, registered], 'v0.31.0': [beta, registered]}), 'example.k8s.io', 'v1beta1', 'Gizmo').replacement).toMatchObject({version: 'v1'})
  })

  it('reads a removal beyond the releases read against the newest release read', () => {
    const beta: Pkg = {group: 'example.k8s.io', version: 'v1beta1', kinds: [{kind: 'Thing', tags: ['introduced=1.30', 'removed=1.36']}]}
    const rows = tableOf({'v0.30.0': [beta], 'v0.31.0': [beta, {group: 'example.k8s.io', version: 'v1', kinds: [{kind: 'Thing'}]}]})
    const r = rowOf(rows, 'example.k8s.io', 'v1beta1', 'Thing')
    // The GA version has no tags at all: served from the first release read that has its types.
    expect(r.replacement).toEqual({group: 'example.k8s.io', version: 'v1', kind: 'Thing', servedFrom: '1.31'})
    expect(inferred(r)[0]).toMatch(/in k8s\.io\/api@v0\.31\.0 \(the newest release read; the removal in 1\.36 is later\)$/)
  })

  it('takes servedFrom from the first release with the types when a copied introduced tag says earlier', () => {
    const old: Pkg = {group: 'resource.k8s.io', version: 'v1alpha2', kinds: [{kind: 'Claim', tags: ['introduced=1.26', 'removed=1.32']}]}
    const next: Pkg = {group: 'resource.k8s.io', version: 'v1alpha3', kinds: [{kind: 'Claim', tags: ['introduced=1.26', 'removed=1.35']}]}
    const r = rowOf(tableOf({'v0.30.0': [old], 'v0.31.0': [old], 'v0.32.0': [old, next]}), 'resource.k8s.io', 'v1alpha2', 'Claim')
    // v0.30.0 and v0.31.0 were read and have no v1alpha3: introduced=1.26 is the tag of the older version.
    expect(r.replacement).toEqual({group: 'resource.k8s.io', version: 'v1alpha3', kind: 'Claim', servedFrom: '1.32'})
    // In the oldest release read the tag is not contradicted (earlier releases were not read).
    const ga: Pkg = {group: 'resource.k8s.io', version: 'v1', kinds: [{kind: 'Claim', tags: ['introduced=1.20']}]}
    expect(rowOf(tableOf({'v0.30.0': [old, ga], 'v0.31.0': [old, ga], 'v0.32.0': [old, ga]}), 'resource.k8s.io', 'v1alpha2', 'Claim').replacement).toMatchObject({version: 'v1', servedFrom: '1.20'})
  })

  describe('leaves alone', () => {
    const beta = (tags: string[]): Pkg => ({group: NET, version: 'v1beta1', kinds: [{kind: 'IngressClass', tags: ['introduced=1.18', 'removed=1.22', ...tags]}]})
    const ga: Pkg = {group: NET, version: 'v1', kinds: [{kind: 'IngressClass', tags: ['introduced=1.19']}, {kind: 'Other', tags: ['introduced=1.19']}]}
    const world = (tags: string[] = [], overrides: Override[] = []) => rowOf(tableOf({'v0.20.0': [beta(tags), ga], 'v0.22.0': [beta(tags), ga]}, overrides), NET, 'v1beta1', 'IngressClass')

    it('a replacement the tag gives', () => {
      const r = world(['replacement=networking.k8s.io,v1,Other'])
      expect(r.replacement).toEqual({group: NET, version: 'v1', kind: 'Other', servedFrom: '1.19'})
      expect(inferred(r)).toEqual([])
    })
    it('a replacement an override sets, even to null', () => {
      const o = (replacement: Row['replacement']): Override => ({group: NET, version: 'v1beta1', kind: 'IngressClass', action: 'set', set: {replacement}, reason: 'r', source: 's'})
      const none = world([], [o(null)])
      expect(none.replacement).toBeNull()
      expect(inferred(none)).toEqual([])
      expect(world([], [o({group: NET, version: 'v1', kind: 'Other', servedFrom: null})]).replacement).toMatchObject({kind: 'Other', servedFrom: '1.19'})
      // An override that sets other fields does not stop the inference, which reads the corrected removal.
      const moved = world([], [{group: NET, version: 'v1beta1', kind: 'IngressClass', action: 'set', set: {removedIn: '1.20'}, reason: 'r', source: 's'}])
      expect(moved.replacement).toMatchObject({version: 'v1', servedFrom: '1.19'})
      expect(inferred(moved)[0]).toMatch(/in k8s\.io\/api@v0\.20\.0 \(the release of the removal\)$/)
    })
  })
})
