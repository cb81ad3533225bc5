// The manifests upgrade-plan reads with -f, read for what it needs of them: each object's
// apiVersion, kind, metadata.name and metadata.namespace, its file and line, and the skipped
// templates. readManifests (src/sources/manifests.ts) finds the files, in its order and with its
// errors, and hands each file's text to readHeads: YAML in the plain block style is read by the
// line scanner (yaml-heads.ts), a few times faster than the YAML parser, anything else (JSON, and
// any doubt) by parseManifests. Objects carry only those four fields.
import {parseManifests, readManifests, type ManifestFormat, type ManifestObject, type Manifests, type ReadManifestsOptions} from '../../sources/manifests.js'
import {scanYamlHeads} from './yaml-heads.js'

/** The objects of `paths` as readManifests finds them, cut to what upgrade-plan reads. Throws InputError for bad input. */
export async function readManifestHeads(paths: readonly string[], options: Omit<ReadManifestsOptions, 'parse'> = {}): Promise<Manifests> {
  return readManifests(paths, {...options, parse: readHeads})
}

/** One file's objects and skipped templates, as parseManifests reads them, cut to what upgrade-plan reads. */
export function readHeads(text: string, path: string, format: ManifestFormat = 'auto'): Omit<Manifests, 'files'> {
  const scanned = format === 'json' ? undefined : scanYamlHeads(text, path)
  if (scanned) return {objects: scanned, skipped: []}
  const parsed = parseManifests(text, path, format)
  return {objects: parsed.objects.map(headOf), skipped: parsed.skipped}
}

/** An object cut to apiVersion, kind, metadata.name and metadata.namespace, as they were read. */
function headOf(o: ManifestObject): ManifestObject {
  const {apiVersion, kind, metadata} = o.object as {apiVersion?: unknown; kind: string; metadata?: unknown}
  const object: Record<string, unknown> = {kind}
  if (apiVersion !== undefined) object.apiVersion = apiVersion
  if (metadata !== undefined) {
    if (metadata === null || typeof metadata !== 'object') object.metadata = metadata
    else {
      const {name, namespace} = metadata as {name?: unknown; namespace?: unknown}
      object.metadata = {...(name !== undefined ? {name} : {}), ...(namespace !== undefined ? {namespace} : {})}
    }
  }
  // The line of a JSON List item is found when first read (a getter): read here, once.
  return {object: object as ManifestObject['object'], path: o.path, line: o.line}
}
