// The exit-code contract and "never hang", run as a user runs the plugin: as a user bound to
// exactly the ClusterRole `rbac why-pending` prints, against the real control plane, and
// against local servers that accept connections and never answer.
import {spawn, spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {createServer, type Server, type Socket} from 'node:net'
import {load, dump} from 'js-yaml'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {kubectl, kubeconfigYaml} from '../cluster/cluster.ts'
import {api, createNamespace, waitFor} from '../cluster/pools.ts'
import {BIN, clusterInfo, runCli, tempFile, uniqueName, type RunResult, bindRole as bindTo} from './helpers.ts'

const info = clusterInfo()
const client = api(info)
const admin = readFileSync(info.kubeconfig, 'utf8')
const ca = /certificate-authority: (\S+)/.exec(admin)![1]!
const ns = uniqueName('contract')
const missing = uniqueName('no-such-ns')
/** Bound to exactly the printed role. */
let user = ''
/** Bound to the printed role less its `get namespaces` rule. */
let userWithoutNamespaces = ''
const bindings: string[] = []

/** A TCP server that accepts connections and never says a word. */
let silent: Server
const sockets = new Set<Socket>()
let silentPort = 0

const oneLine = (r: RunResult) => {
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1)
  expect(r.stderr).toMatch(/^error: /)
  expect(r.stderr).not.toMatch(/\n\s+at /)
}

async function bindRole(manifest: string, name: string): Promise<string> {
  // RBAC takes a moment to reach the authorizer.
  const {kubeconfig, roleName} = await bindTo(manifest, name, async k => (await runCli(['why-pending', '-n', ns], {env: {KUBECONFIG: k}})).code !== 3)
  bindings.push(roleName)
  return kubeconfig
}

beforeAll(async () => {
  silent = createServer(s => { sockets.add(s); s.on('error', () => undefined) })
  await new Promise<void>(r => silent.listen(0, '127.0.0.1', () => r()))
  silentPort = (silent.address() as {port: number}).port

  await createNamespace(info, ns)
  // Enough stuck pods that `why-pending -A -o json` writes far more than a pipe holds.
  await client.post(`/apis/apps/v1/namespaces/${ns}/deployments`, {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'nowhere'},
    spec: {
      replicas: 120, selector: {matchLabels: {app: 'nowhere'}},
      template: {metadata: {labels: {app: 'nowhere'}}, spec: {nodeSelector: {'kubectl-prod.test/pool': 'none'}, containers: [{name: 'app', image: 'registry.example/app:1'}]}},
    },
  })
  await waitFor(async () => (await client.get(`/api/v1/namespaces/${ns}/pods?labelSelector=app%3Dnowhere`)).items.length === 120, 120_000, '120 pods of deployment nowhere')

  const role = await runCli(['rbac', 'why-pending'])
  expect(role.code, role.stderr).toBe(0)
  user = await bindRole(role.stdout, 'contract')
  const doc = load(role.stdout) as {rules: {resources: string[]}[]}
  const without = {...doc, rules: doc.rules.filter(r => !r.resources.includes('namespaces'))}
  expect(without.rules).toHaveLength(doc.rules.length - 1)
  userWithoutNamespaces = await bindRole(dump(without), 'contract-nons')
}, 300_000)

afterAll(async () => {
  for (const s of sockets) s.destroy()
  silent?.close()
  await client.del(`/api/v1/namespaces/${ns}`).catch(() => undefined)
  for (const b of bindings) {
    await kubectl(info, ['delete', 'clusterrolebinding', b, '--ignore-not-found']).catch(() => undefined)
    await kubectl(info, ['delete', 'clusterrole', b, '--ignore-not-found']).catch(() => undefined)
  }
})

describe('usage errors: exit 2, one line', () => {
  it('a namespace that does not exist', async () => {
    const r = await runCli(['why-pending', '-n', missing], {env: {KUBECONFIG: user}})
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toBe(`error: namespace "${missing}" not found; list namespaces with kubectl get namespaces\n`)
    expect(r.stdout).toBe('')
  })

  it('says nothing extra when the user may not get namespaces (403 on the lookup)', async () => {
    const r = await runCli(['why-pending', '-n', missing], {env: {KUBECONFIG: userWithoutNamespaces}})
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout).not.toContain('not found')
  })

  it('an existing namespace with no pods is an answer, not an error', async () => {
    const empty = uniqueName('contract-empty')
    await createNamespace(info, empty)
    try {
      const r = await runCli(['why-pending', '-n', empty], {env: {KUBECONFIG: user}})
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr).toBe('')
    } finally {
      await client.del(`/api/v1/namespaces/${empty}`).catch(() => undefined)
    }
  })

  it('a malformed label selector, refused before the server is asked', async () => {
    const r = await runCli(['why-pending', '-n', ns, '-l', 'app in (nowhere', '-v'], {env: {KUBECONFIG: user}})
    expect(r.code).toBe(2)
    oneLine(r)
    expect(r.stderr).toContain('--selector "app in (nowhere" is not a valid label selector: unable to parse requirement: found \'\', expected: \',\' or \')\'')
    expect(r.stderr).not.toMatch(/labelSelector/)
    expect(r.stderr).not.toMatch(/^GET /m)
    // The same -v run with a good selector does log it: the check above can fail.
    const good = await runCli(['why-pending', '-n', ns, '-l', 'app in (nowhere)', '-v', '-o', 'json'], {env: {KUBECONFIG: user}})
    expect(good.code, good.stderr).toBe(1)
    expect(good.stderr).toMatch(/^GET \S+labelSelector=app\+in\+%28nowhere%29\S* 200 /m)
  })
})

describe('rbac and help', () => {
  it('`rbac` with no argument lists the commands it has a role for', async () => {
    const r = await runCli(['rbac'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/^\s+version\s+read-only/m)
    expect(r.stdout).toMatch(/^\s+why-pending\s+read-only/m)
  })

  it('`help` and `help why-pending` show oclif\'s help; an unknown command is one line, exit 2', async () => {
    const all = await runCli(['help'])
    expect(all.code, all.stderr).toBe(0)
    expect(all.stdout).toContain('COMMANDS')
    expect(all.stdout).toMatch(/^\s+why-pending\s/m)
    const one = await runCli(['help', 'why-pending'])
    expect(one.code, one.stderr).toBe(0)
    expect(one.stdout).toContain('why-pending [TARGET]')
    expect(one.stdout).toContain('--request-timeout')
    const unknown = await runCli(['help', 'delete-everything'])
    expect(unknown.code).toBe(2)
    oneLine(unknown)
    expect(unknown.stderr).toContain('unknown command "delete-everything"')
    // A topic and a command under it, in the words a user types.
    const topic = await runCli(['help', 'nodepool'])
    expect(topic.code, topic.stderr).toBe(0)
    expect(topic.stdout).toMatch(/^\s+nodepool upgrade\s/m)
    const sub = await runCli(['help', 'nodepool', 'upgrade'])
    expect(sub.code, sub.stderr).toBe(0)
    expect(sub.stdout).toContain('kubectl prod nodepool upgrade POOL')
    const wrong = await runCli(['help', 'nodepool', 'delete-everything'])
    expect(wrong.code).toBe(2)
    oneLine(wrong)
    expect(wrong.stderr).toContain('unknown command "nodepool delete-everything"')
  })
})

describe('a reader that goes away', () => {
  /** Runs a shell pipeline; resolves with the plugin's own exit code, its stderr and what the reader printed. */
  const pipeline = (args: string[], reader: string) => {
    const script = `"${process.execPath}" "${BIN}" ${args.map(a => `'${a}'`).join(' ')} 2>"$ERR" | ${reader}; echo "rc=\${PIPESTATUS[0]}" >"$RC"`
    const err = tempFile('stderr.txt', ''), rc = tempFile('rc.txt', '')
    const r = spawnSync('bash', ['-c', script], {env: {...process.env, KUBECONFIG: user, NO_COLOR: '1', CI: 'true', ERR: err, RC: rc}, encoding: 'utf8'})
    return {out: r.stdout, stderr: readFileSync(err, 'utf8'), code: Number(/rc=(\d+)/.exec(readFileSync(rc, 'utf8'))![1])}
  }

  it('`rbac why-pending | head -1`: exit 0, nothing on stderr', () => {
    const r = pipeline(['rbac', 'why-pending'], 'head -1')
    expect(r.out).toMatch(/^# kubectl-prod why-pending: /)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
  })

  it('`why-pending -A -o json | head -c 10`: exit 0 (not 1 for the stuck pods), nothing on stderr', () => {
    const r = pipeline(['why-pending', '-A', '-o', 'json'], 'head -c 10')
    expect(r.out).toBe('{\n  "apiVe')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
  })

  it('a reader that closes before anything is written: exit 0, nothing on stderr', async () => {
    for (const args of [['why-pending', '-A', '-o', 'json'], ['rbac', 'why-pending'], ['help']]) {
      const child = spawn(process.execPath, [BIN, ...args], {env: {...process.env, KUBECONFIG: user, CI: 'true'}, stdio: ['ignore', 'pipe', 'pipe']})
      child.stdout.destroy()
      let stderr = ''
      child.stderr.on('data', d => { stderr += d })
      const code = await new Promise<number | null>(r => child.on('close', c => r(c)))
      expect(stderr, args.join(' ')).toBe('')
      expect(code, args.join(' ')).toBe(0)
    }
  })
})

describe('a server that accepts connections and never answers', () => {
  const kubeconfigFor = (server: string) => tempFile('silent.yaml', kubeconfigYaml({server, ca, user: 'u', token: 'x', context: 'silent'}))

  it('why-pending and version end with exit 3 and one line naming the server and the request, within 65 s, with default flags', async () => {
    // https: the TLS handshake never completes (10 s); http: the request is never answered (the 60 s deadline).
    const runs = ['https', 'http'].flatMap(scheme => {
      const server = `${scheme}://127.0.0.1:${silentPort}`
      const env = {KUBECONFIG: kubeconfigFor(server)}
      return [['why-pending', '-A'], ['version']].map(async args => {
        const started = Date.now()
        const r = await runCli(args, {env, timeoutMs: 100_000})
        return {args: args.join(' '), server, r, elapsed: Date.now() - started}
      })
    })
    for (const {args, server, r, elapsed} of await Promise.all(runs)) {
      const label = `${args} against ${server}: ${r.stderr}`
      expect(r.code, label).toBe(3)
      oneLine(r)
      expect(r.stderr, label).toContain(server)
      expect(r.stderr, label).toMatch(/\(asked to (list \w+ at the cluster scope|GET \/version)\)/)
      if (server.startsWith('https')) {
        expect(r.stderr, label).toContain('did not complete the TLS handshake within 10s')
        expect(elapsed, label).toBeLessThan(20_000)
      } else {
        expect(r.stderr, label).toContain('did not answer within 60s')
        expect(elapsed, label).toBeGreaterThanOrEqual(59_000)
      }
      expect(elapsed, label).toBeLessThan(65_000)
    }
  }, 150_000)

  it('at a terminal, says after 5 s what it is waiting for, and clears the line when the answer comes', async () => {
    const file = kubeconfigFor(`https://127.0.0.1:${silentPort}`)
    const session = uniqueName('contract-wait')
    const capture = () => spawnSync('tmux', ['capture-pane', '-p', '-t', session], {encoding: 'utf8'}).stdout
    const script = `env -u CI NO_COLOR=1 KUBECONFIG=${file} ${process.execPath} ${BIN} version; echo EXIT=$?; sleep 60`
    expect(spawnSync('tmux', ['new-session', '-d', '-s', session, '-x', '220', '-y', '20', script]).status).toBe(0)
    try {
      const started = Date.now()
      await waitFor(async () => capture().includes('waiting for the API server'), 9000, 'the waiting notice')
      expect(Date.now() - started).toBeGreaterThanOrEqual(4500)
      expect(capture()).toMatch(new RegExp(`waiting for the API server https://127\\.0\\.0\\.1:${silentPort}: (GET /version|list nodes at the cluster scope)( and 1 more)? \\([5-9]s\\)…`))
      await waitFor(async () => capture().includes('EXIT='), 20_000, 'the answer')
      const screen = capture()
      expect(screen).not.toContain('waiting for the API server')
      expect(screen).toMatch(/^error: the API server https:\/\/127\.0\.0\.1:\d+ accepted the connection but did not complete the TLS handshake/m)
      expect(screen).toContain('EXIT=3')
    } finally {
      spawnSync('tmux', ['kill-session', '-t', session])
    }
  }, 60_000)

  it('says nothing of the kind when stderr is not a terminal', async () => {
    const r = await runCli(['version'], {env: {KUBECONFIG: kubeconfigFor(`https://127.0.0.1:${silentPort}`)}})
    expect(r.code).toBe(3)
    expect(r.stderr).not.toContain('waiting for')
    oneLine(r)
  }, 30_000)
})
