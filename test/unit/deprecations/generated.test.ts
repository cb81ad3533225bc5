// The committed deprecations/kubernetes.yaml is exactly what the generator makes from the pinned
// module releases and overrides.yaml. It needs Go and the module cache (.ci/run warms it; cold, the
// generator downloads the pinned zips from the Go proxy itself, about 20 s).
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {dirname, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {declaredKinds} from '../../../deprecations/gen/lifecycle.ts'
import {applyOverrides, pickReleases, pluralOf, type Override, type Row} from '../../../deprecations/gen/generate.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

describe('the generator', () => {
  it('reproduces the committed table', () => {
    const r = spawnSync(process.execPath, [resolve(root, 'deprecations/gen/generate.ts'), '--stdout'], {encoding: 'utf8', maxBuffer: 1 << 26})
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toBe(readFileSync(resolve(root, 'deprecations/kubernetes.yaml'), 'utf8'))
  }, 300_000)

  it('reads tags from the doc comment and the block before it, with the generator defaults', () => {
    const files = new Map([
      ['apps/v1beta1/register.go', 'package v1beta1\nconst GroupName = "apps"\n'],
      ['apps/v1beta1/types.go', [
        '// +genclient', '// +k8s:prerelease-lifecycle-gen:introduced=1.6', '// +k8s:prerelease-lifecycle-gen:replacement=apps,v1,Deployment', '',
        '// Deployment enables declarative updates.', 'type Deployment struct {', '}',
        '// +k8s:prerelease-lifecycle-gen:introduced=1.7', '// +k8s:prerelease-lifecycle-gen:removed=1.16', 'type StatefulSet struct {', '}',
        'type Helper struct {', '}',
      ].join('\n')],
      ['apps/v1beta1/zz_generated.prerelease-lifecycle.go', '// +k8s:prerelease-lifecycle-gen:introduced=1.1\ntype Ignored struct {}\n'],
      ['apps/v1/doc.go', '// +groupName=apps\npackage v1\n'],
      ['apps/v1/types.go', '// +k8s:prerelease-lifecycle-gen:introduced=1.9\ntype Deployment struct {\n}\n'],
    ])
    const byKind = Object.fromEntries(declaredKinds(files).map(d => [`${d.version} ${d.kind}`, d]))
    expect(Object.keys(byKind).sort()).toEqual(['v1 Deployment', 'v1beta1 Deployment', 'v1beta1 Helper', 'v1beta1 StatefulSet'])
    expect(byKind['v1beta1 Deployment']!.tags).toEqual({introduced: '1.6', deprecated: '1.9', removed: '1.12', replacement: {group: 'apps', version: 'v1', kind: 'Deployment'}})
    expect(byKind['v1beta1 StatefulSet']!.tags).toMatchObject({introduced: '1.7', deprecated: '1.10', removed: '1.16'})
    expect(byKind['v1beta1 Helper']!.tags).toBeNull()
    // GA kinds get no default removal, only their introduced tag.
    expect(byKind['v1 Deployment']).toMatchObject({group: 'apps', tags: null, introduced: '1.9'})
    // apps/v1beta1's register.go here lists no types: whether a type is registered is unknown.
    expect(byKind['v1beta1 Deployment']!.registered).toBeNull()
  })

  it('tells which types register.go adds to the scheme', () => {
    const files = new Map([
      ['node/v1/doc.go', '// +groupName=node.k8s.io\npackage v1\n'],
      ['node/v1/register.go', 'package v1\nfunc addKnownTypes(scheme *runtime.Scheme) error {\n\tscheme.AddKnownTypes(SchemeGroupVersion,\n\t\t&RuntimeClass{},\n\t\t&RuntimeClassList{},\n\t)\n\tmetav1.AddToGroupVersion(scheme, SchemeGroupVersion)\n\treturn nil\n}\n'],
      ['node/v1/types.go', 'package v1\ntype RuntimeClass struct {\n}\ntype Overhead struct {\n}\n'],
    ])
    expect(Object.fromEntries(declaredKinds(files).map(d => [d.kind, d.registered]))).toEqual({RuntimeClass: true, Overhead: false})
  })

  it('picks the newest patch of each minor from 1.16, and a newer minor\'s newest prerelease', () => {
    expect(pickReleases(['v0.15.9', 'v0.16.0', 'v0.16.2', 'v0.17.0-rc.1', 'v0.17.0', 'v0.18.0-alpha.1', 'v0.18.0-beta.0', 'v0.18.0-alpha.2', 'junk']))
      .toEqual(['v0.16.2', 'v0.17.0', 'v0.18.0-beta.0'])
    expect(pickReleases(['v0.16.0', 'v0.17.0-rc.1'])).toEqual(['v0.16.0', 'v0.17.0-rc.1'])
    expect(pickReleases(['v0.16.0', 'v0.16.1-rc.0'])).toEqual(['v0.16.0'])
  })

  it('makes resource names as gengo does, with Kubernetes\' plural exceptions', () => {
    expect(['Ingress', 'IngressClass', 'NetworkPolicy', 'Endpoints', 'Deployment', 'StorageClass', 'ComponentStatus', 'IPAddress', 'APIGroupDiscovery'].map(pluralOf))
      .toEqual(['ingresses', 'ingressclasses', 'networkpolicies', 'endpoints', 'deployments', 'storageclasses', 'componentstatuses', 'ipaddresses', 'apigroupdiscoveries'])
    // Kinds that are already plural keep their name (kubernetes hack/update-codegen.sh PLURAL_EXCEPTIONS;
    // the registry serves resource.k8s.io/v1alpha2 resourceclaimparameters, not resourceclaimparameterses).
    expect(['ResourceClaimParameters', 'ResourceClassParameters'].map(pluralOf)).toEqual(['resourceclaimparameters', 'resourceclassparameters'])
  })

  describe('overrides', () => {
    const gen = (): Row[] => [{group: 'networking.k8s.io', version: 'v1beta1', kind: 'IngressClass', resource: 'ingressclasses', stage: 'beta', introduced: '1.18', deprecatedIn: '1.19', removedIn: '1.22', replacement: {group: 'networking.k8s.io', version: 'v1', kind: 'IngressClassList', servedFrom: null}, notes: [], sources: ['k8s.io/api@v0.22.5 networking/v1beta1/types.go']}]
    const o = (over: Partial<Override>): Override => ({group: 'networking.k8s.io', version: 'v1beta1', kind: 'IngressClass', action: 'set', reason: 'r', source: 's', ...over})

    it('applies a set, recording reason and source', () => {
      const [row] = applyOverrides(gen(), [o({set: {replacement: {group: 'networking.k8s.io', version: 'v1', kind: 'IngressClass', servedFrom: null}}})])
      expect(row).toMatchObject({replacement: {kind: 'IngressClass'}, notes: ['r'], overrides: [{reason: 'r', source: 's'}]})
    })
    it('drops a row', () => {
      expect(applyOverrides(gen(), [o({action: 'drop'})])).toEqual([])
    })
    it('fails on an override without a source', () => {
      expect(() => applyOverrides(gen(), [o({action: 'drop', source: ''})])).toThrow(/drop networking\.k8s\.io\/v1beta1\/IngressClass: no source/)
    })
    it('fails on an override whose row is gone (stale)', () => {
      expect(() => applyOverrides(gen(), [o({kind: 'Ingress'})])).toThrow(/no such generated row/)
    })
    it('fails when a phantom kind appears', () => {
      expect(() => applyOverrides(gen(), [o({action: 'phantom'})])).toThrow(/the kind is in the generated table/)
    })
    describe('add (a kind never tagged)', () => {
      const add = (over: Partial<Override> = {}): Override => o({
        group: 'settings.k8s.io', version: 'v1alpha1', kind: 'PodPreset', action: 'add', reason: 'never tagged', source: 'pr',
        row: {resource: 'podpresets', stage: 'alpha', introduced: '1.17', deprecatedIn: '1.20', removedIn: '1.20', replacement: null, notes: ['n']}, ...over,
      })
      const presence = (minors: string[]) => ({minors: new Map([['settings.k8s.io/v1alpha1/PodPreset', new Set(minors)]]), read: ['1.17', '1.20', '1.21']})
      it('adds the row with its reason and source', () => {
        const rows = applyOverrides(gen(), [add()], presence(['1.17']))
        expect(rows.find(r => r.kind === 'PodPreset')).toEqual({
          group: 'settings.k8s.io', version: 'v1alpha1', kind: 'PodPreset', resource: 'podpresets', stage: 'alpha', introduced: '1.17', deprecatedIn: '1.20', removedIn: '1.20',
          replacement: null, notes: ['n', 'never tagged'], sources: ['pr'], overrides: [{reason: 'never tagged', source: 'pr'}],
        })
      })
      it('fails when the kind is generated after all (the add is stale)', () => {
        expect(() => applyOverrides(gen(), [add({group: 'networking.k8s.io', version: 'v1beta1', kind: 'IngressClass'})])).toThrow(/the add is stale/)
      })
      it('fails when the modules still have the types at or after removedIn, or never had them before', () => {
        expect(() => applyOverrides(gen(), [add()], presence(['1.17', '1.21']))).toThrow(/its types are still in 1\.21, at or after removedIn 1\.20/)
        expect(() => applyOverrides(gen(), [add()], presence([]))).toThrow(/no release read before 1\.20 has its types/)
      })
      it('fails without a removal', () => {
        expect(() => applyOverrides(gen(), [add({row: undefined})])).toThrow(/an add needs a row with removedIn/)
      })
    })
    it('fails when an asserted value differs', () => {
      expect(() => applyOverrides(gen(), [o({action: 'assert', expect: {removedIn: '1.25'}})])).toThrow(/removedIn is "1\.22", expected "1\.25"/)
    })
  })
})
