// Decodes a Helm v3 release as Helm's Kubernetes storage drivers keep it (helm/helm
// pkg/storage/driver): encodeRelease writes base64(gzip(JSON of the release)) (util.go); the
// ConfigMap driver stores that string as data.release (cfgmaps.go), the Secret driver stores it
// as the bytes of data.release (secrets.go), which the API writes base64-encoded again. A release
// stored before Helm compressed them is base64 of the JSON alone: decodeRelease skips gunzip
// when the gzip magic bytes are absent, and so does this.
//
// Only the rendered manifest and the release's identity are returned. The release also holds
// the chart and the values it was installed with (`config`), which may be secrets: they are
// parsed only because JSON must be, and never kept, returned or put in an error.
import {gunzipSync} from 'node:zlib'

/** What is read of a release: its identity and the manifest of this revision. */
export interface DecodedHelmRelease {
  name?: string
  namespace?: string
  version?: number
  status?: string
  manifest: string
}

const GZIP_MAGIC = [0x1f, 0x8b, 0x08]

/** Why a release could not be read, in words that hold nothing of its content. */
export class HelmReleaseDecodeError extends Error {
  override name = 'HelmReleaseDecodeError'
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

function fromBase64(text: string, what: string): Buffer {
  const s = text.replace(/\s+/g, '')
  if (!BASE64.test(s)) throw new HelmReleaseDecodeError(`${what} is not base64`)
  return Buffer.from(s, 'base64')
}

/**
 * The manifest (and identity) of one stored release. `data` is the object's data.release as the
 * API returns it: for a Secret still base64-encoded by the API, for a ConfigMap as stored.
 */
export function decodeHelmRelease(data: string, storage: 'Secret' | 'ConfigMap'): DecodedHelmRelease {
  const helmText = storage === 'Secret' ? fromBase64(data, 'data.release').toString('latin1') : data
  let bytes = fromBase64(helmText, 'the release')
  if (GZIP_MAGIC.every((b, i) => bytes[i] === b)) {
    try { bytes = gunzipSync(bytes) } catch { throw new HelmReleaseDecodeError('the release is not valid gzip') }
  }
  let release: unknown
  try { release = JSON.parse(bytes.toString('utf8')) } catch { throw new HelmReleaseDecodeError('the release is not JSON') }
  if (typeof release !== 'object' || release === null || Array.isArray(release)) throw new HelmReleaseDecodeError('the release is not a JSON object')
  const r = release as {name?: unknown; namespace?: unknown; version?: unknown; info?: {status?: unknown}; manifest?: unknown}
  return {
    ...(typeof r.name === 'string' ? {name: r.name} : {}),
    ...(typeof r.namespace === 'string' ? {namespace: r.namespace} : {}),
    ...(typeof r.version === 'number' ? {version: r.version} : {}),
    ...(typeof r.info?.status === 'string' ? {status: r.info.status} : {}),
    manifest: typeof r.manifest === 'string' ? r.manifest : '',
  }
}
