// The plugin shell, run as a user runs it: kubeconfig handling, output, errors, exit codes.
import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {createServer, type Server} from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {addUser, kubectl, kubeconfigYaml} from '../cluster/cluster.ts'
import {createNodePool, deleteNodePool} from '../cluster/pools.ts'
import {BIN, clusterInfo, runCli, tempFile, uniqueName} from './helpers.ts'

const info = clusterInfo()
const admin = readFileSync(info.kubeconfig, 'utf8')
const token = /token: (\S+)/.exec(admin)![1]!
const ca = /certificate-authority: (\S+)/.exec(admin)![1]!

/** A TCP port that accepts connections and never answers. */
let silent: Server
let silentPort = 0
/** A port nothing listens on. */
let closedPort = 0

const nodes: string[] = []
beforeAll(async () => {
  silent = createServer(() => { /* hold the socket, say nothing */ })
  await new Promise<void>(r => silent.listen(0, '127.0.0.1', () => r()))
  silentPort = (silent.address() as {port: number}).port
  const probe = createServer()
  await new Promise<void>(r => probe.listen(0, '127.0.0.1', () => r()))
  closedPort = (probe.address() as {port: number}).port
  await new Promise(r => probe.close(r))
  nodes.push(...await createNodePool(info, {name: uniqueName('v35'), count: 2, kubeletVersion: 'v1.35.2'}))
  nodes.push(...await createNodePool(info, {name: uniqueName('v36'), count: 1, kubeletVersion: 'v1.36.4'}))
})
afterAll(async () => {
  silent?.close()
  await deleteNodePool(info, nodes)
})

describe('version', () => {
  it('prints the plugin, server and kubelet versions grouped', async () => {
    const r = await runCli(['version'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^Plugin version: \d+\.\d+\.\d+/m)
    expect(r.stdout).toContain('Server version: v1.36.4')
    expect(r.stdout).toMatch(/v1\.35\.2\s+2 nodes/)
    expect(r.stdout).toMatch(/v1\.36\.4\s+1 node\b/)
  })

  it('writes JSON with apiVersion and kind for -o json, and YAML for -o yaml', async () => {
    const r = await runCli(['version', '-o', 'json'])
    expect(r.code, r.stderr).toBe(0)
    const doc = JSON.parse(r.stdout)
    expect(doc.apiVersion).toBe('kubectl-prod/v1')
    expect(doc.kind).toBe('Version')
    expect(doc.server.version).toBe('1.36')
    expect(doc.kubelets.find((k: any) => k.version === 'v1.35.2').count).toBe(2)
    const y = await runCli(['version', '-o', 'yaml'])
    expect(y.stdout).toMatch(/^apiVersion: kubectl-prod\/v1$/m)
    expect(y.stdout).toMatch(/^kind: Version$/m)
  })

  it('takes kubectl flags before the command', async () => {
    const r = await runCli(['--request-timeout', '20s', '-o', 'json', 'version'])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).kind).toBe('Version')
  })

  it('logs each API request to stderr with -v', async () => {
    const r = await runCli(['version', '-v'])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/GET https:\/\/127\.0\.0\.1:\d+\/version 200/)
    expect(r.stderr).toMatch(/GET https:\/\/127\.0\.0\.1:\d+\/api\/v1\/nodes\?limit=500 200/)
    expect(r.stdout).not.toMatch(/GET /)
  })
})

describe('kubeconfig', () => {
  const good = (context: string) => kubeconfigYaml({server: info.server, ca, user: `u-${context}`, token, context})

  it('merges KUBECONFIG files: the first file\'s current context wins, the second file\'s contexts are usable', async () => {
    const first = tempFile('first.yaml', good('first'))
    const second = tempFile('second.yaml', kubeconfigYaml({server: `https://127.0.0.1:${closedPort}`, ca, user: 'u-second', token, context: 'second'}))
    const merged = {KUBECONFIG: `${first}:/nonexistent/skipped.yaml:${second}`}
    const ok = await runCli(['version', '-o', 'json', '--request-timeout', '5s'], {env: merged})
    expect(ok.code, ok.stderr).toBe(0)
    // --context picks the second file's context, which points at a closed port.
    const other = await runCli(['version', '--context', 'second', '--request-timeout', '3s'], {env: merged})
    expect(other.code).toBe(3)
    expect(other.stderr).toContain(`127.0.0.1:${closedPort}`)
  })

  it('fails with exit 3 within --request-timeout, in one line naming the server, when nothing answers', async () => {
    const file = tempFile('silent.yaml', kubeconfigYaml({server: `https://127.0.0.1:${silentPort}`, ca, user: 'u', token, context: 'silent'}))
    const started = Date.now()
    const r = await runCli(['version', '--request-timeout', '2s'], {env: {KUBECONFIG: file}})
    const elapsed = Date.now() - started
    expect(r.code).toBe(3)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain(`https://127.0.0.1:${silentPort}`)
    expect(r.stderr).not.toMatch(/\n\s+at /)
    // Without the bound the call would hang until the test runner kills it.
    expect(elapsed).toBeLessThan(10_000)
  })

  it('fails with exit 3 naming the server when the port is closed', async () => {
    const file = tempFile('closed.yaml', kubeconfigYaml({server: `https://127.0.0.1:${closedPort}`, ca, user: 'u', token, context: 'closed'}))
    const r = await runCli(['version', '--request-timeout', '5s'], {env: {KUBECONFIG: file}})
    expect(r.code).toBe(3)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(new RegExp(`cannot reach the API server https://127\\.0\\.0\\.1:${closedPort}`))
  })

  it('fails with exit 2 naming the file when the kubeconfig is garbage', async () => {
    const file = tempFile('garbage.yaml', '{{{ not: [yaml')
    const r = await runCli(['version'], {env: {KUBECONFIG: undefined}, input: ''}).then(() => runCli(['version', '--kubeconfig', file]))
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(file)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('gets credentials from an exec plugin, as aws eks get-token and gke-gcloud-auth-plugin give them', async () => {
    const plugin = tempFile('get-token.sh', `#!/bin/sh\ncat <<JSON\n{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${token}"}}\nJSON\n`)
    const {chmodSync} = await import('node:fs')
    chmodSync(plugin, 0o755)
    const file = tempFile('exec.yaml', `apiVersion: v1
kind: Config
current-context: exec
clusters: [{name: c, cluster: {server: ${info.server}, certificate-authority: ${ca}}}]
users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: ${plugin}, interactiveMode: Never}}}]
contexts: [{name: exec, context: {cluster: c, user: u}}]
`)
    const r = await runCli(['version', '-o', 'json'], {env: {KUBECONFIG: file}})
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).server.gitVersion).toBe('v1.36.4')
    // A failing plugin is a credentials error (exit 3) naming the user.
    const broken = tempFile('exec-broken.yaml', readFileSync(file, 'utf8').replace(plugin, '/nonexistent/get-token'))
    const b = await runCli(['version'], {env: {KUBECONFIG: broken}})
    expect(b.code).toBe(3)
    expect(b.stderr).toMatch(/getting credentials for user "u" failed/)
  })

  it('impersonates with --as (and several --as-group)', async () => {
    const user = uniqueName('impersonated')
    const r = await runCli(['version', '--as', user, '--as-group', 'team-a', '--as-group', 'team-b'])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('you are not allowed to list nodes')
    expect(r.stderr).toContain(user)
  })

  it('reads --server and --token without any kubeconfig', async () => {
    const r = await runCli(['version', '-o', 'json', '--server', info.server, '--token', token, '--certificate-authority', ca], {env: {KUBECONFIG: '/nonexistent/none.yaml'}})
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).server.gitVersion).toBe('v1.36.4')
  })
})

describe('RBAC', () => {
  it('tells a user without rights which verb and resource are missing (exit 3)', async () => {
    const user = await addUser(info, uniqueName('norights'))
    const r = await runCli(['version'], {env: {KUBECONFIG: user.kubeconfig}})
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(/you are not allowed to list nodes at the cluster scope/)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('prints a ClusterRole for `rbac version` that lets a fresh user run version', async () => {
    const role = await runCli(['rbac', 'version'])
    expect(role.code, role.stderr).toBe(0)
    const user = await addUser(info, uniqueName('versioner'))
    const name = uniqueName('kubectl-prod-version')
    const manifest = role.stdout.replace('name: kubectl-prod-version', `name: ${name}`)
    await kubectl(info, ['apply', '-f', '-'], {input: manifest})
    await kubectl(info, ['create', 'clusterrolebinding', name, `--clusterrole=${name}`, `--user=${user.username}`])
    let r = await runCli(['version', '-o', 'json'], {env: {KUBECONFIG: user.kubeconfig}})
    for (let i = 0; i < 20 && r.code !== 0; i++) { await new Promise(res => setTimeout(res, 250)); r = await runCli(['version', '-o', 'json'], {env: {KUBECONFIG: user.kubeconfig}}) }
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).kubelets.length).toBeGreaterThan(0)
  })

  it('refuses an unknown command name for rbac with exit 2', async () => {
    const r = await runCli(['rbac', 'delete-everything'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/no command "delete-everything"/)
  })
})

describe('bad input and startup', () => {
  it('rejects a bad flag value with exit 2 and one line', async () => {
    const r = await runCli(['version', '-o', 'xml'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^error: /)
    expect(r.stderr).not.toMatch(/\n\s+at /)
    const t = await runCli(['version', '--request-timeout', 'soon'])
    expect(t.code).toBe(2)
    expect(t.stderr).toContain('--request-timeout "soon" is not a duration')
  })

  it('does not load the Kubernetes client for --help and --version', async () => {
    // A module hook that fails the process if @kubernetes/client-node is ever resolved.
    const guard = tempFile('guard.mjs', `import {registerHooks} from 'node:module'
registerHooks({resolve(specifier, context, next) {
  if (specifier.includes('@kubernetes/client-node')) { process.stderr.write('client-node loaded\\n'); process.exit(99) }
  return next(specifier, context)
}})`)
    for (const args of [['--help'], ['--version'], ['why-pending', '--help'], ['version', '--client']]) {
      const r = await runCli(args, {env: {NODE_OPTIONS: `--import=${guard}`}})
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
    }
    const v = await runCli(['--version'])
    expect(v.stdout).toMatch(/^kubectl-prod\/\d+\.\d+\.\d+ \w+-\w+ node-v\d+/)
    // The guard really works: a user with an exec plugin has the client load client-node's
    // authenticators (a token user, as above, never does).
    const execUser = tempFile('guard-exec.yaml', `apiVersion: v1
kind: Config
current-context: exec
clusters: [{name: c, cluster: {server: ${info.server}, certificate-authority: ${ca}}}]
users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: /nonexistent/get-token, interactiveMode: Never}}}]
contexts: [{name: exec, context: {cluster: c, user: u}}]
`)
    const loaded = await runCli(['version'], {env: {KUBECONFIG: execUser, NODE_OPTIONS: `--import=${guard}`}})
    expect(loaded.code).toBe(99)
  })

  it('exits 130 on Ctrl-C and says nothing was changed', async () => {
    const file = tempFile('silent2.yaml', kubeconfigYaml({server: `https://127.0.0.1:${silentPort}`, ca, user: 'u', token, context: 'silent'}))
    const child = spawn(process.execPath, [BIN, 'why-pending', '-A'], {env: {...process.env, KUBECONFIG: file, CI: 'true'}, stdio: ['ignore', 'pipe', 'pipe']})
    let stderr = ''
    child.stderr.on('data', d => { stderr += d })
    await new Promise(r => setTimeout(r, 1500))
    child.kill('SIGINT')
    const code = await new Promise<number | null>(r => child.on('close', c => r(c)))
    expect(code).toBe(130)
    expect(stderr).toContain('interrupted; nothing was changed')
  })
})

