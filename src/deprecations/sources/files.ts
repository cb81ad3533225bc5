// Manifests given with -f: each object's apiVersion and kind as written, where it was written
// (file and line). Documents that were not read (un-rendered Helm templates) are the caller's to
// report as skipped; they never reach here.
import type {Manifests} from '../../sources/manifests.js'
import type {ApiUse} from '../../model/upgrade.js'

/** One sighting per object that names its apiVersion (an object without one matches no row). */
export function fileUses(manifests: Manifests): ApiUse[] {
  const out: ApiUse[] = []
  for (const {object, path, line} of manifests.objects) {
    if (typeof object.apiVersion !== 'string' || !object.apiVersion) continue
    const {name, namespace} = object.metadata ?? {}
    out.push({
      apiVersion: object.apiVersion, kind: object.kind,
      ...(typeof namespace === 'string' && namespace ? {namespace} : {}),
      // A nameless object (generateName) is still a sighting: the file and line say which.
      name: typeof name === 'string' ? name : '',
      source: {type: 'file', signal: 'manifest', path, line},
    })
  }
  return out
}
