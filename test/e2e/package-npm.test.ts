// `npm pack` holds what a user needs and nothing else, and the tarball installs and runs: packed from
// a clean copy of the checkout (its dist built afresh), installed into an empty prefix as
// `npm install -g` would, run with only that prefix and a Node new enough on PATH.
import {existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {delimiter, dirname, join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {cleanEnv, copyCheckout, root, run, tooOld} from '../setup/helpers.ts'

let dir = ''
let out = ''
let tarball = ''
let files: string[] = []
// The Node running the tests is the project's pinned one; the standard utilities follow it.
const path = [dirname(process.execPath), process.env.PATH?.split(delimiter).filter(d => !d.includes('node_modules')).join(delimiter) ?? ''].join(delimiter)

beforeAll(async () => {
  dir = copyCheckout('pack')
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'))
  out = mkdtempSync(join(tmpdir(), 'kubectl-prod-packed-'))
  const r = await run('npm', ['pack', '--json', '--pack-destination', out], {cwd: dir, env: cleanEnv(path), timeoutMs: 120_000})
  if (r.code !== 0) throw new Error(`npm pack failed: ${r.stderr}`)
  const [info] = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')))
  tarball = join(out, info.filename)
  files = info.files.map((f: {path: string}) => f.path).sort()
}, 180_000)
afterAll(() => { for (const d of [dir, out]) if (d) rmSync(d, {recursive: true, force: true}) })

/** The .ts files of src/, as the .js files tsc makes of them. */
function builtFrom(src: string, rel = ''): string[] {
  return readdirSync(join(src, rel), {withFileTypes: true}).flatMap(e => e.isDirectory()
    ? builtFrom(src, join(rel, e.name))
    : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join('dist', rel, e.name.replace(/\.ts$/, '.js'))] : [])
}

describe('npm pack', () => {
  it('holds the launcher, the build of src/, the removal tables, README, LICENSE and package.json, and nothing else', () => {
    const bin = readdirSync(join(dir, 'bin')).map(f => `bin/${f}`)
    const expected = ['package.json', 'README.md', 'LICENSE', ...bin, 'deprecations/kubernetes.yaml', 'deprecations/other.yaml', ...builtFrom(join(dir, 'src'))].sort()
    expect(files).toEqual(expected)
  })

  it('installs into an empty prefix and runs from there', async () => {
    const prefix = mkdtempSync(join(tmpdir(), 'kubectl-prod-prefix-'))
    try {
      const env = cleanEnv(path)
      const install = await run('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], {env, timeoutMs: 180_000})
      expect(install.code, install.stderr).toBe(0)
      const exe = join(prefix, 'bin', 'kubectl-prod')
      expect(existsSync(exe)).toBe(true)
      // Only the prefix and the Node: nothing of the checkout is reachable.
      const userEnv = cleanEnv([join(prefix, 'bin'), path].join(delimiter))
      const version = await run('kubectl-prod', ['--version'], {env: userEnv, cwd: prefix, timeoutMs: 30_000})
      expect(version.code, version.stderr).toBe(0)
      const node = /^kubectl-prod\/0\.\d+\.\d+ \S+ node-(v[\d.]+)\n$/.exec(version.stdout)?.[1]
      expect(node, version.stdout).toBeDefined()
      expect(tooOld(node!)).toBe(false)
      const fixture = join(root, 'test', 'fixtures', 'manifests', 'upgrade', 'old-apis.yaml')
      const plan = await run('kubectl-prod', ['upgrade-plan', '-f', fixture, '--target', '1.30', '-o', 'json'], {env: userEnv, cwd: prefix, timeoutMs: 60_000})
      expect(plan.code, plan.stderr).toBe(1)
      const doc = JSON.parse(plan.stdout)
      expect(doc.table.coversThrough).toMatch(/^1\.\d+$/)
      expect(doc.findings.map((f: {object: {apiVersion: string; kind: string}}) => `${f.object.apiVersion} ${f.object.kind}`)).toContain('extensions/v1beta1 Deployment')
      const help = await run('kubectl-prod', ['--help'], {env: userEnv, cwd: prefix, timeoutMs: 30_000})
      expect(help.code, help.stderr).toBe(0)
      expect(help.stdout).toMatch(/why-pending/)
      // kubectl_complete-prod, which kubectl runs from the PATH to complete `kubectl prod`, installed beside it.
      const completion = await run('kubectl_complete-prod', ['nodepool', ''], {env: userEnv, cwd: prefix, timeoutMs: 30_000})
      expect(completion).toMatchObject({code: 0, stderr: ''})
      expect(completion.stdout).toMatch(/^list\t.*\nupgrade\t.*\n:4\n$/)
    } finally {
      rmSync(prefix, {recursive: true, force: true})
    }
  }, 240_000)
})
