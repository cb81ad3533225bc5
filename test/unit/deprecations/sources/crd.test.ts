// CRD findings from the CRD itself: stored versions it no longer serves or deprecates, and the
// versions it deprecates.
import {describe, expect, it} from 'vitest'
import {crdFindings} from '../../../../src/deprecations/sources/crd.ts'
import type {CrdVersion, CustomResourceDefinition, UpgradePath} from '../../../../src/model/upgrade.ts'

const path: UpgradePath = {current: '1.36', target: '1.39', hops: ['1.37', '1.38', '1.39']}
const crd = (versions: CrdVersion[], storedVersions: string[]): CustomResourceDefinition => ({
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
  metadata: {name: 'certificates.cert-manager.io'},
  spec: {group: 'cert-manager.io', names: {kind: 'Certificate', plural: 'certificates'}, scope: 'Namespaced', versions},
  status: {storedVersions},
})

describe('crdFindings', () => {
  it('blocks on a stored version the CRD no longer serves, with the migration as the fix', () => {
    const [f, ...rest] = crdFindings([crd([{name: 'v1alpha2', served: false, storage: false}, {name: 'v1', served: true, storage: true}], ['v1alpha2', 'v1'])], path)
    expect(rest).toEqual([])
    expect(f).toMatchObject({
      check: 'stored-version', severity: 'blocker',
      object: {apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'certificates.cert-manager.io'},
      source: {type: 'crd', signal: 'stored-version'}, sources: [{type: 'crd', signal: 'stored-version'}],
    })
    expect(f!.hop).toBeUndefined()
    expect(f!.message).toBe('certificates.cert-manager.io still holds objects stored as cert-manager.io/v1alpha2 Certificate, a version it no longer serves; migrate them before upgrading to 1.39')
    expect(f!.fix).toBe('rewrite every certificates.cert-manager.io object at v1 (a StorageVersionMigration, or read and write each one back), then kubectl patch crd certificates.cert-manager.io --subresource=status --type=merge -p \'{"status":{"storedVersions":["v1"]}}\'')
  })

  it('warns on a stored version the CRD deprecates, and on each served version it deprecates', () => {
    const findings = crdFindings([crd([
      {name: 'v1beta1', served: true, storage: false, deprecated: true, deprecationWarning: 'cert-manager.io/v1beta1 Certificate is deprecated; use cert-manager.io/v1'},
      {name: 'v1', served: true, storage: true},
    ], ['v1beta1', 'v1'])], path)
    expect(findings.map(f => [f.check, f.severity, f.source.signal])).toEqual([
      ['stored-version', 'warning', 'stored-version'],
      ['crd-deprecated-version', 'warning', 'crd-version'],
    ])
    expect(findings[1]!.message).toBe('cert-manager.io/v1beta1 Certificate is deprecated by its CRD certificates.cert-manager.io: cert-manager.io/v1beta1 Certificate is deprecated; use cert-manager.io/v1')
    expect(findings[1]!.notes).toEqual(['cert-manager.io/v1beta1 Certificate is deprecated; use cert-manager.io/v1'])
    expect(findings[1]!.fix).toBe('write Certificate objects and point clients at cert-manager.io/v1 instead of cert-manager.io/v1beta1')
  })

  it('finds nothing in a CRD whose objects are all at its storage version', () => {
    expect(crdFindings([crd([{name: 'v1beta1', served: false, storage: false}, {name: 'v1', served: true, storage: true}], ['v1'])], path)).toEqual([])
    expect(crdFindings([crd([{name: 'v1', served: true, storage: true}], [])], path)).toEqual([])
  })
})
