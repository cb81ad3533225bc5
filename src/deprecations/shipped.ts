// The tables shipped in deprecations/, read from disk, or, in the single-file executable (which has
// no deprecations/ beside it), from the assets built into it (node:sea) under the same names.
import {readFileSync} from 'node:fs'
import {basename} from 'node:path'
import {getAsset, isSea} from 'node:sea'

/** The text of `file`, a shipped table (`builtin` is its path); inside the executable, the asset deprecations/NAME. */
export function readShipped(file: string, builtin: string): string {
  return isSea() && file === builtin ? getAsset(`deprecations/${basename(file)}`, 'utf8') : readFileSync(file, 'utf8')
}
