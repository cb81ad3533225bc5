// Helm v3 releases as Helm's storage drivers write them, built here the way Helm builds them
// (pkg/storage/driver/util.go encodeRelease: JSON, gzip, base64; the Secret driver's bytes are
// base64-encoded once more by the API), decoded to the manifest alone.
import {gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {decodeHelmRelease, HelmReleaseDecodeError} from '../../../src/sources/helm-release.ts'

const SECRET_VALUE = 's3cr3t-db-password'
const release = {
  name: 'shop', namespace: 'web', version: 4,
  info: {status: 'deployed', description: 'Upgrade complete'},
  chart: {metadata: {name: 'shop', version: '1.2.3'}, values: {db: {password: 'chart-default'}}},
  config: {db: {password: SECRET_VALUE}},
  manifest: '---\n# Source: shop/templates/pdb.yaml\napiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: shop\n',
}
/** What the ConfigMap driver stores as data.release: base64(gzip(JSON)). */
const helmEncoded = (r: unknown, gzip = true) => {
  const json = Buffer.from(JSON.stringify(r))
  return (gzip ? gzipSync(json, {level: 9}) : json).toString('base64')
}
/** What the API returns as a Secret's data.release: those bytes, base64-encoded again. */
const secretData = (r: unknown, gzip = true) => Buffer.from(helmEncoded(r, gzip)).toString('base64')

describe('decodeHelmRelease', () => {
  it('reads a release from a Secret (base64 of base64 of gzip)', () => {
    expect(decodeHelmRelease(secretData(release), 'Secret')).toEqual({name: 'shop', namespace: 'web', version: 4, status: 'deployed', manifest: release.manifest})
  })

  it('reads a release from a ConfigMap (base64 of gzip)', () => {
    expect(decodeHelmRelease(helmEncoded(release), 'ConfigMap').manifest).toBe(release.manifest)
  })

  it('reads a release stored before Helm compressed them (no gzip magic bytes)', () => {
    expect(decodeHelmRelease(secretData(release, false), 'Secret').manifest).toBe(release.manifest)
    expect(decodeHelmRelease(helmEncoded(release, false), 'ConfigMap').version).toBe(4)
  })

  it('keeps nothing but the identity and the manifest: no values, no chart', () => {
    const decoded = decodeHelmRelease(secretData(release), 'Secret')
    expect(Object.keys(decoded).sort()).toEqual(['manifest', 'name', 'namespace', 'status', 'version'])
    expect(JSON.stringify(decoded)).not.toContain(SECRET_VALUE)
    expect(JSON.stringify(decoded)).not.toContain('chart-default')
  })

  it('gives an empty manifest for a release without one', () => {
    const {manifest: _m, ...bare} = release
    expect(decodeHelmRelease(helmEncoded(bare), 'ConfigMap').manifest).toBe('')
  })

  it('says why a release cannot be read, without repeating any of it', () => {
    const notJson = Buffer.from(gzipSync(Buffer.from(`{"config":{"password":"${SECRET_VALUE}"`))).toString('base64')
    const brokenGzip = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08]), Buffer.from(SECRET_VALUE)]).toString('base64')
    const cases: [string, 'Secret' | 'ConfigMap', RegExp][] = [
      [`not base64: ${SECRET_VALUE}!`, 'Secret', /data\.release is not base64/],
      [Buffer.from(`${SECRET_VALUE}!`).toString('base64'), 'Secret', /the release is not base64/],
      [brokenGzip, 'ConfigMap', /not valid gzip/],
      [notJson, 'ConfigMap', /not JSON/],
      [Buffer.from('"just a string"').toString('base64'), 'ConfigMap', /not a JSON object/],
    ]
    for (const [data, storage, message] of cases) {
      let error: unknown
      try { decodeHelmRelease(data, storage) } catch (e) { error = e }
      expect(error, String(message)).toBeInstanceOf(HelmReleaseDecodeError)
      expect((error as Error).message).toMatch(message)
      expect((error as Error).message).not.toContain(SECRET_VALUE)
    }
  })
})
