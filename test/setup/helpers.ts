// Shared by the setup and packaging tests: a clean copy of the checkout, an older Node to try it
// with, an environment without the outer npm's variables, and child processes with a time limit.
import {spawn, spawnSync} from 'node:child_process'
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync} from 'node:fs'
import {homedir, tmpdir} from 'node:os'
import {delimiter, dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** The oldest Node kubectl-prod runs on, from package.json's engines (">=22.13"). */
export function minimumNode(): [number, number] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const m = /(\d+)\.(\d+)/.exec(pkg.engines.node)!
  return [Number(m[1]), Number(m[2])]
}

export function tooOld(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number)
  const [minMajor, minMinor] = minimumNode()
  return major < minMajor || (major === minMajor && minor < minMinor)
}

/** The files of the checkout as git sees them (tracked and untracked, not ignored), without node_modules and dist, copied to a new temp dir. */
export function copyCheckout(label: string): string {
  const dest = mkdtempSync(join(tmpdir(), `kubectl-prod-${label}-`))
  const r = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {cwd: root, encoding: 'utf8', maxBuffer: 64 << 20})
  if (r.status !== 0) throw new Error(`git ls-files failed: ${r.stderr}`)
  const files = r.stdout.split('\0').filter(f => f && !/^(node_modules|dist|dist-package)\//.test(f) && existsSync(join(root, f)))
  if (!files.includes('package.json')) throw new Error('git ls-files did not list package.json')
  for (const f of files) {
    mkdirSync(dirname(join(dest, f)), {recursive: true})
    copyFileSync(join(root, f), join(dest, f))
  }
  return dest
}

function which(name: string, path = process.env.PATH ?? ''): string[] {
  return path.split(delimiter).filter(Boolean).map(d => join(d, name)).filter(f => existsSync(f))
}

function versionOf(node: string): string {
  return spawnSync(node, ['-p', 'process.version'], {encoding: 'utf8'}).stdout.trim()
}

/**
 * A Node older than kubectl-prod needs, as a fresh machine has it: the first one on PATH outside
 * node_modules (the system's), or else Node 20 from the npm registry, installed once into the cache.
 */
export function olderNode(): {node: string; version: string} {
  for (const candidate of which('node')) {
    if (candidate.includes('node_modules')) continue
    const version = versionOf(candidate)
    if (version && tooOld(version)) return {node: realpathSync(candidate), version}
  }
  const platform = process.platform === 'win32' ? 'win' : process.platform
  const pkg = `node-${platform}-${process.arch}`
  const prefix = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kubectl-prod', 'node20')
  const node = join(prefix, 'node_modules', pkg, 'bin', 'node')
  if (!existsSync(node)) {
    const r = spawnSync(npmCli(), ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', '--prefer-offline', `${pkg}@20`], {encoding: 'utf8'})
    if (r.status !== 0) throw new Error(`no Node older than ${minimumNode().join('.')} on PATH, and ${pkg}@20 did not install: ${r.stderr}`)
  }
  return {node, version: versionOf(node)}
}

/** npm's own script (npm-cli.js), so it can be run on any Node. */
export function npmCli(): string {
  const fromNpm = process.env.npm_execpath
  if (fromNpm && /npm-cli\.js$/.test(fromNpm)) return fromNpm
  const found = which('npm').find(f => !f.includes('node_modules/.bin'))
  if (!found) throw new Error('npm is not on PATH')
  return realpathSync(found)
}

/**
 * A PATH for a fresh machine: a new directory holding only `node` (the given one), `npm` and, when
 * asked, other tools by name (`go` for the demo's cluster), then the system's standard utilities.
 */
export function freshPath(node: string, tools: string[] = []): string {
  const bin = mkdtempSync(join(tmpdir(), 'kubectl-prod-path-'))
  symlinkSync(node, join(bin, 'node'))
  symlinkSync(npmCli(), join(bin, 'npm'))
  for (const tool of tools) {
    const found = which(tool)[0]
    if (!found) throw new Error(`${tool} is not on PATH`)
    symlinkSync(realpathSync(found), join(bin, tool))
  }
  // POSIX's own answer to "where are the standard utilities" (sh, bash, tar...).
  const standard = spawnSync('getconf', ['PATH'], {encoding: 'utf8'}).stdout?.trim()
  if (!standard) throw new Error('getconf PATH gave no answer')
  return [bin, standard].join(delimiter)
}

/** This process's environment without what npm and vitest set for their children, with PATH replaced. */
export function cleanEnv(path: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue
    if (/^(npm_(lifecycle|package|command|execpath|node_execpath)|npm_config_(user_agent|local_prefix|global_prefix|prefix|npm_version|node_gyp|noproxy)$|INIT_CWD$|NODE$|NODE_OPTIONS$|NODE_ENV$|VITEST|TEST$|PATH$)/i.test(k)) continue
    env[k] = v
  }
  return {...env, PATH: path, NO_COLOR: '1', ...extra}
}

export interface Ran {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Runs a command to its end, or kills its process group after timeoutMs and rejects. */
export function run(cmd: string, args: string[], opts: {cwd?: string; env?: Record<string, string>; timeoutMs?: number; input?: string} = {}): Promise<Ran> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, {cwd: opts.cwd, env: opts.env ?? (process.env as Record<string, string>), stdio: ['pipe', 'pipe', 'pipe'], detached: true})
    let stdout = '', stderr = ''
    child.stdout.on('data', d => { stdout += d })
    child.stderr.on('data', d => { stderr += d })
    const timer = setTimeout(() => {
      try { process.kill(-child.pid!, 'SIGKILL') } catch { /* gone */ }
      rej(new Error(`${cmd} ${args.join(' ')} did not finish in ${opts.timeoutMs} ms\nstdout: ${stdout.slice(-2000)}\nstderr: ${stderr.slice(-4000)}`))
    }, opts.timeoutMs ?? 120_000)
    child.on('error', err => { clearTimeout(timer); rej(err) })
    child.on('close', (code, signal) => { clearTimeout(timer); res({code, signal, stdout, stderr}) })
    child.stdin.end(opts.input ?? '')
  })
}

/** krew's module version whose tools the packaging tests build (the newest the Go module proxy serves). */
export const KREW_VERSION = 'v0.4.3'

/**
 * A Go command of krew's module (validate-krew-manifest, krew), built once with `go install` into a
 * cache outside the checkout, like the control plane.
 */
export async function krewTool(name: 'validate-krew-manifest' | 'krew'): Promise<string> {
  const bin = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kubectl-prod', 'tools', KREW_VERSION)
  const exe = join(bin, name)
  if (existsSync(exe)) return exe
  const r = await run('go', ['install', `sigs.k8s.io/krew/cmd/${name}@${KREW_VERSION}`], {env: {...process.env as Record<string, string>, GOBIN: bin, CGO_ENABLED: '0', GOFLAGS: '-mod=mod'}, timeoutMs: 600_000})
  if (r.code !== 0 || !existsSync(exe)) throw new Error(`go install sigs.k8s.io/krew/cmd/${name}@${KREW_VERSION} failed: ${r.stderr}`)
  return exe
}
