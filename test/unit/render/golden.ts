// Golden files: the exact text a renderer prints, kept under test/golden/<name>.txt so that
// any change of wording shows up as a diff in review. UPDATE_GOLDEN=1 rewrites them; a missing
// file is an error unless UPDATE_GOLDEN=1, and always an error in CI (CI set), so a golden file
// is never created unseen by a CI run.
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname, join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'
import {expect} from 'vitest'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const GOLDEN_DIR = join(ROOT, 'test', 'golden')
const COMMAND = 'UPDATE_GOLDEN=1 npx vitest run --project unit test/unit/render'

const isSet = (v: string | undefined) => v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false'

/** Compares `text` with test/golden/<name>.txt (name may contain "/"), or rewrites that file when UPDATE_GOLDEN=1. */
export function expectGolden(name: string, text: string): void {
  const file = join(GOLDEN_DIR, `${name}.txt`)
  const shown = relative(ROOT, file)
  const update = process.env.UPDATE_GOLDEN === '1'
  const exists = existsSync(file)
  if (!exists && isSet(process.env.CI)) {
    throw new Error(`golden file ${shown} is missing. CI never creates golden files: run ${COMMAND} locally, read the new file, and commit it.`)
  }
  if (update) {
    if (!exists || readFileSync(file, 'utf8') !== text) {
      mkdirSync(dirname(file), {recursive: true})
      writeFileSync(file, text)
    }
    return
  }
  if (!exists) throw new Error(`golden file ${shown} is missing: run ${COMMAND} to create it, then read it and commit it.`)
  expect(text, `output differs from ${shown}; if the change is intended, run ${COMMAND} and review the diff`).toBe(readFileSync(file, 'utf8'))
}
