// The upgrade path: from the current minor to the target, one control-plane minor per hop (the
// version skew policy lets kube-apiserver move only one minor at a time). Pure; bad versions are
// InputErrors (exit 2) that say what to write instead.
import {InputError} from '../model/errors.js'
import {compareVersions} from '../model/versions.js'
import type {UpgradePath} from '../model/upgrade.js'

// "1.33", "v1.33", "1.33.2", "v1.33.2-eks-1234", "1.33.2+k3s1": major.minor[.patch][-build|+build].
const VERSION = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+][0-9A-Za-z.+-]*)?$/
const HINT = 'write it like 1.34 or v1.34.2'

/** "1.33" from any form kubectl, the cluster or a person writes; InputError naming `what` otherwise. */
function minorOfInput(raw: string, what: string): string {
  const m = VERSION.exec(raw.trim())
  if (!m) throw new InputError(`${what} "${raw}" is not a Kubernetes version`, HINT)
  if (m[1] !== '1') throw new InputError(`${what} "${raw}" is not a Kubernetes 1.x version`, HINT)
  return `1.${Number(m[2])}`
}

const minorAfter = (v: string, n = 1) => `1.${Number(v.split('.')[1]) + n}`

/**
 * The path from `current` (null when there is no cluster to read it from) to `target` (default: the
 * minor after current). A target beyond the table is accepted with one warning line; a target older
 * than current is refused; a target equal to current has no hops (removals at that version are still
 * reported by the matcher: the objects cannot be applied there).
 */
export function upgradePath(o: {current: string | null, target?: string, coversThrough: string}): {path: UpgradePath, warnings: string[]} {
  const current = o.current === null ? null : minorOfInput(o.current, '--current')
  if (o.target === undefined && current === null) {
    throw new InputError('--target is required when there is no cluster to read the current version from', 'pass e.g. --target 1.34')
  }
  const target = o.target === undefined ? minorAfter(current!) : minorOfInput(o.target, '--target')
  if (current !== null && compareVersions(target, current) < 0) {
    throw new InputError(`--target ${target} is older than the current version ${current}`, `a cluster cannot be downgraded; write a target of ${current} or newer`)
  }
  const hops: string[] = []
  if (current === null) hops.push(target)
  else for (let v = minorAfter(current); compareVersions(v, target) <= 0; v = minorAfter(v)) hops.push(v)
  const warnings = compareVersions(target, o.coversThrough) > 0
    ? [`target ${target} is newer than the removal table: removals after ${o.coversThrough} are not known yet`]
    : []
  return {path: {current, target, hops}, warnings}
}
