// The README's two commands on a fresh machine whose Node is older than kubectl-prod needs: a copy of
// the checkout (no node_modules, no dist), only that Node and npm on PATH. `npm install` brings the
// pinned Node of the `node` development dependency, the npm scripts and `npm exec` run on it, the demo
// prints a PATH that carries it to a new shell, and bin/run.js on the old Node says what it needs.
import {spawn} from 'node:child_process'
import {rmSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {cleanEnv, copyCheckout, freshPath, minimumNode, olderNode, run, tooOld} from '../setup/helpers.ts'

const old = olderNode()
let dir = ''
let env: Record<string, string> = {}

beforeAll(() => {
  dir = copyCheckout('fresh')
  env = cleanEnv(freshPath(old.node, ['go']))
})
afterAll(() => { if (dir) rmSync(dir, {recursive: true, force: true}) })

describe(`a fresh machine with only Node ${old.version}`, () => {
  it('is a Node older than kubectl-prod needs', () => {
    expect(tooOld(old.version), old.version).toBe(true)
  })

  it('bin/run.js on that Node says which Node it needs in one line and exits 2', async () => {
    const r = await run(old.node, [join(dir, 'bin', 'run.js'), '--version'], {env, timeoutMs: 20_000})
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    const [major, minor] = minimumNode()
    expect(r.stderr).toMatch(new RegExp(`^error: kubectl-prod needs Node\\.js ${major}\\.${minor} or newer and this is Node ${old.version.replace(/\./g, '\\.')} .*install Node .*\\n$`))
    expect(r.stderr.split('\n')).toHaveLength(2)
  })

  it('npm install brings the pinned Node, says so, and builds the plugin', async () => {
    const r = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], {cwd: dir, env, timeoutMs: 240_000})
    expect(r.code, r.stderr.slice(-4000)).toBe(0)
    const said = r.stdout + r.stderr
    expect(said).toContain(`the EBADENGINE warnings above are about this machine's Node ${old.version}`)
    expect(said).toMatch(/this install put Node v\d+\.\d+\.\d+ in node_modules\/\.bin/)
    expect(said).not.toMatch(/install-scripts.*not yet covered/)
  }, 300_000)

  it('kubectl-prod runs through npm on a Node new enough', async () => {
    const version = await run('npm', ['exec', '--', 'kubectl-prod', '--version'], {cwd: dir, env, timeoutMs: 60_000})
    expect(version.code, version.stderr).toBe(0)
    const node = /^kubectl-prod\/\S+ \S+ node-(v[\d.]+)\n$/.exec(version.stdout)?.[1]
    expect(node, version.stdout).toBeDefined()
    expect(tooOld(node!)).toBe(false)
    const plan = await run('npm', ['exec', '--', 'kubectl-prod', 'upgrade-plan', '-f', 'test/fixtures/manifests/upgrade/old-apis.yaml', '--target', '1.30', '-o', 'json'], {cwd: dir, env, timeoutMs: 60_000})
    expect(plan.code, plan.stderr).toBe(1)
    const doc = JSON.parse(plan.stdout)
    expect(doc.kind).toBe('UpgradePlan')
    expect(doc.findings.some((f: {object: {apiVersion: string}}) => f.object.apiVersion === 'extensions/v1beta1')).toBe(true)
  }, 120_000)

  it('npm run demo prints a PATH on which a new shell runs the plugin on that Node', async () => {
    const demo = spawn('npm', ['run', 'demo'], {cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true})
    let stdout = '', stderr = ''
    demo.stdout.on('data', d => { stdout += d })
    demo.stderr.on('data', d => { stderr += d })
    const exited = new Promise<number | null>(res => demo.on('close', code => res(code)))
    try {
      const up = await Promise.race([
        new Promise<boolean>(res => { const t = setInterval(() => { if (stderr.includes('the cluster stays up until Ctrl-C')) { clearInterval(t); res(true) } }, 200) }),
        exited.then(() => false),
        new Promise<boolean>(res => setTimeout(() => res(false), 170_000)),
      ])
      expect(up, `demo did not come up\nstdout: ${stdout}\nstderr: ${stderr.slice(-4000)}`).toBe(true)
      expect(stderr).not.toContain('ERR_UNKNOWN_FILE_EXTENSION')
      const line = stdout.split('\n').find(l => l.startsWith('export '))
      expect(line, stdout).toMatch(/^export KUBECONFIG=\S+ PATH=\S+:\$PATH$/)
      // A new shell on the fresh machine (the old Node first on its PATH), given the line the demo printed.
      const shell = await run('sh', ['-s'], {env, timeoutMs: 60_000, input: `${line}\nnode --version\nkubectl prod version\n`})
      expect(shell.code, shell.stderr).toBe(0)
      const [nodeVersion = ''] = shell.stdout.split('\n')
      expect(tooOld(nodeVersion), nodeVersion).toBe(false)
      expect(shell.stdout).toMatch(/^Plugin version: \d/m)
    } finally {
      try { process.kill(-demo.pid!, 'SIGINT') } catch { /* gone */ }
      const code = await Promise.race([exited, new Promise<string>(res => setTimeout(() => res('still running'), 30_000))])
      if (code === 'still running') try { process.kill(-demo.pid!, 'SIGKILL') } catch { /* gone */ }
      expect(code).not.toBe('still running')
    }
  }, 240_000)
})
