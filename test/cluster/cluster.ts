// The real local control plane: etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler and kwok, each its own process on loopback, in a fresh temp dir.
// Used by the e2e global setup, the benchmarks and the demo.
import {spawn, execFile, type ChildProcess} from 'node:child_process'
import {generateKeyPairSync, randomBytes} from 'node:crypto'
import {mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, openSync, closeSync, existsSync, appendFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {request as httpsRequest} from 'node:https'
import {request as httpRequest} from 'node:http'
import {promisify} from 'node:util'

const here = dirname(fileURLToPath(import.meta.url))
const execFileP = promisify(execFile)

export interface ClusterOptions {
  /** Directory with the built binaries; built (or found in the cache) when absent. */
  binDir?: string
  /** How long the node lifecycle controller waits before a silent node turns Unknown. */
  nodeMonitorGracePeriod?: string
  /** Progress lines (stderr by default). */
  log?: (line: string) => void
  /** Bound on the whole start, in ms. */
  readyTimeoutMs?: number
  /**
   * kube-apiserver's --runtime-config, e.g. "api/all=true": serves the beta (and alpha) API versions
   * that a release still carries but does not serve by default, so tests can write through them.
   */
  runtimeConfig?: string
}

export interface Component {
  name: string
  process: ChildProcess
  logFile: string
}

/** What tests need to reach the cluster; plain data, so it can be handed to test workers. */
export interface ClusterInfo {
  stateDir: string
  binDir: string
  server: string
  /** Admin kubeconfig path (token user in system:masters). */
  kubeconfig: string
  pids: number[]
}

export interface Cluster extends ClusterInfo {
  components: Component[]
  stop(): Promise<void>
}

/**
 * Starts a cluster for a person at a terminal (cluster:up, demo): a failure to start exits 1
 * with the reason; Ctrl-C stops every process, removes the state directory and exits 130.
 */
export async function startForTerminal(label: string, opts: ClusterOptions = {}): Promise<Cluster> {
  const cluster = await startCluster(opts).catch(err => { console.error((err as Error).message); process.exit(1) })
  let stopping = false
  const shutdown = async () => {
    if (stopping) return
    stopping = true
    console.error(`\n${label}: stopping the cluster`)
    await cluster.stop()
    process.exit(130)
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
  return cluster
}

/**
 * What is wrong with a kube-apiserver --runtime-config value, or undefined when it has its form:
 * comma-separated entries, each api/all, api/ga, api/beta, api/alpha or a group/version (v1 for the
 * core group), optionally =true or =false. Checked here so a typo is one line, not a failed start.
 */
export function runtimeConfigProblem(spec: string): string | undefined {
  if (!spec.trim()) return 'empty; write e.g. api/all=true or networking.k8s.io/v1beta1=true'
  for (const entry of spec.split(',')) {
    const [key = '', value, ...rest] = entry.split('=')
    if (rest.length || (value !== undefined && !['true', 'false'].includes(value))) return `"${entry}": the value must be true or false`
    if (!/^(api\/(all|ga|beta|alpha)|v1|[a-z0-9]([a-z0-9.-]*[a-z0-9])?\/v\d+((alpha|beta)\d+)?)$/.test(key)) {
      return `"${key}" is not api/all, api/ga, api/beta, api/alpha or a group/version such as networking.k8s.io/v1beta1`
    }
  }
  return undefined
}

/** Creates a user (a ServiceAccount with a token) and writes a kubeconfig for it. */
export async function addUser(c: ClusterInfo, name: string): Promise<{kubeconfig: string; username: string}> {
  const ns = 'kubectl-prod-users'
  await kubectl(c, ['create', 'namespace', ns]).catch(() => '')
  await kubectl(c, ['-n', ns, 'create', 'serviceaccount', name])
  const token = (await kubectl(c, ['-n', ns, 'create', 'token', name, '--duration=24h'])).trim()
  const file = join(c.stateDir, `${name}.kubeconfig`)
  writeFileSync(file, kubeconfigYaml({server: c.server, ca: join(c.stateDir, 'pki', 'apiserver.crt'), user: name, token, context: name}))
  return {kubeconfig: file, username: `system:serviceaccount:${ns}:${name}`}
}

/** Builds the components (cached) and returns the directory holding them. */
export async function ensureBinaries(log: (line: string) => void = defaultLog): Promise<string> {
  const child = spawn('bash', [join(here, 'build.sh')], {stdio: ['ignore', 'pipe', 'pipe']})
  let out = ''
  child.stdout.on('data', d => { out += d })
  child.stderr.on('data', d => { for (const line of String(d).split('\n')) if (line.trim()) log(line) })
  const code: number = await new Promise(res => child.on('close', c => res(c ?? 1)))
  if (code !== 0) throw new Error(`test cluster: building the components failed (exit ${code}); see the lines above`)
  const dir = out.trim().split('\n').pop()
  if (!dir || !existsSync(join(dir, 'kube-apiserver'))) throw new Error('test cluster: build.sh did not name a directory of binaries')
  return dir
}

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const log = opts.log ?? defaultLog
  const binDir = opts.binDir ?? await ensureBinaries(log)
  const stateDir = mkdtempSync(join(tmpdir(), 'kubectl-prod-cluster-'))
  const components: Component[] = []
  let stopped = false
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 120_000)

  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    process.removeListener('exit', killNow)
    // Reverse start order; SIGTERM the process group, then SIGKILL what is left.
    for (const c of [...components].reverse()) signalGroup(c.process, 'SIGTERM')
    await Promise.all(components.map(c => waitExit(c.process, 5000)))
    for (const c of components) if (isAlive(c.process)) signalGroup(c.process, 'SIGKILL')
    await Promise.all(components.map(c => waitExit(c.process, 5000)))
    // Components restarted by restartApiServer are not children of this process: their pids are in the pids file.
    await killRecorded(stateDir, new Set(components.map(c => c.process.pid)))
    rmSync(stateDir, {recursive: true, force: true})
  }
  // If the runner exits without calling stop, still take the children with it.
  const killNow = (): void => {
    for (const c of components) signalGroup(c.process, 'SIGKILL')
    for (const p of recordedPids(stateDir)) { try { process.kill(-p, 'SIGKILL') } catch { /* gone */ } }
    rmSync(stateDir, {recursive: true, force: true})
  }
  process.on('exit', killNow)
  // A signal's default action or SIGKILL runs no exit handler: a watchdog outside this process
  // kills the components' process groups and removes the state dir when this process is gone.
  startWatchdog(stateDir)

  const start = (name: string, args: string[]): Component => {
    mkdirSync(join(stateDir, 'logs'), {recursive: true})
    const logFile = join(stateDir, 'logs', `${name}.log`)
    const fd = openSync(logFile, 'a')
    const child = spawn(join(binDir, name), args, {stdio: ['ignore', fd, fd], detached: true})
    closeSync(fd)
    if (child.pid !== undefined) appendFileSync(join(stateDir, 'pids'), `${child.pid}\n`)
    const component = {name, process: child, logFile}
    components.push(component)
    return component
  }
  const fail = async (what: string, c?: Component): Promise<never> => {
    const tail = c ? `\n--- last lines of ${c.name} ---\n${lastLines(c.logFile, 25)}` : ''
    await stop()
    throw new Error(`test cluster: ${what}${tail}`)
  }
  const waitReady = async (c: Component, check: () => Promise<boolean>, what: string): Promise<void> => {
    while (Date.now() < deadline) {
      if (!isAlive(c.process)) return fail(`${c.name} exited with code ${c.process.exitCode} while ${what}`, c)
      if (await check().catch(() => false)) return
      await sleep(150)
    }
    return fail(`${c.name} was not ready in time (${what})`, c)
  }

  try {
    const [etcdPort, peerPort, apiPort, schedPort, kcmPort] = await freePorts(5)
    const pki = join(stateDir, 'pki')
    mkdirSync(pki, {recursive: true})
    const {privateKey, publicKey} = generateKeyPairSync('rsa', {modulusLength: 2048})
    writeFileSync(join(stateDir, 'sa.key'), privateKey.export({type: 'pkcs8', format: 'pem'}))
    writeFileSync(join(stateDir, 'sa.pub'), publicKey.export({type: 'spki', format: 'pem'}))
    const token = randomBytes(24).toString('hex')
    writeFileSync(join(stateDir, 'tokens.csv'), `${token},admin,admin,"system:masters"\n`)

    log('test cluster: starting etcd')
    const etcd = start('etcd', [
      '--name=default', `--data-dir=${join(stateDir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdPort}`, `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`, `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
      '--unsafe-no-fsync', '--log-level=warn', '--quota-backend-bytes=8589934592',
    ])
    await waitReady(etcd, async () => (await httpGet(`http://127.0.0.1:${etcdPort}/health`)).includes('"health":"true"'), 'waiting for /health')

    log('test cluster: starting kube-apiserver')
    const server = `https://127.0.0.1:${apiPort}`
    const apiserver = start('kube-apiserver', [
      `--etcd-servers=http://127.0.0.1:${etcdPort}`, '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`, `--cert-dir=${pki}`, '--endpoint-reconciler-type=none',
      '--service-cluster-ip-range=10.96.0.0/16', '--authorization-mode=Node,RBAC',
      `--token-auth-file=${join(stateDir, 'tokens.csv')}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-signing-key-file=${join(stateDir, 'sa.key')}`, `--service-account-key-file=${join(stateDir, 'sa.pub')}`,
      '--profiling=false', '--event-ttl=2h', '--max-requests-inflight=800', '--max-mutating-requests-inflight=400',
      ...(opts.runtimeConfig ? [`--runtime-config=${opts.runtimeConfig}`] : []),
    ])
    await waitReady(apiserver, async () => (await httpsGet(`${server}/readyz`, token)) === 'ok', 'waiting for /readyz')

    const ca = join(pki, 'apiserver.crt')
    const kubeconfig = join(stateDir, 'admin.kubeconfig')
    writeFileSync(kubeconfig, kubeconfigYaml({server, ca, user: 'admin', token, context: 'kubectl-prod-test'}))

    log('test cluster: starting kube-controller-manager, kube-scheduler and kwok')
    const kcm = start('kube-controller-manager', [
      `--kubeconfig=${kubeconfig}`, `--authentication-kubeconfig=${kubeconfig}`, `--authorization-kubeconfig=${kubeconfig}`,
      '--leader-elect=false', '--bind-address=127.0.0.1', `--secure-port=${kcmPort}`,
      '--controllers=*', `--root-ca-file=${ca}`, `--service-account-private-key-file=${join(stateDir, 'sa.key')}`,
      '--node-monitor-period=2s', `--node-monitor-grace-period=${opts.nodeMonitorGracePeriod ?? '20s'}`,
      '--kube-api-qps=200', '--kube-api-burst=400', '--concurrent-deployment-syncs=10', '--concurrent-replicaset-syncs=10',
    ])
    const scheduler = start('kube-scheduler', [
      `--kubeconfig=${kubeconfig}`, `--authentication-kubeconfig=${kubeconfig}`, `--authorization-kubeconfig=${kubeconfig}`,
      // Leader election on (the default) so the scheduler holds a kube-system Lease, as in real clusters.
      '--bind-address=127.0.0.1', `--secure-port=${schedPort}`, '--kube-api-qps=200', '--kube-api-burst=400',
    ])
    const stages = join(here, 'stages')
    const kwok = start('kwok', [
      `--kubeconfig=${kubeconfig}`, '--manage-nodes-with-label-selector=kwok.x-k8s.io/node=fake',
      '--node-lease-duration-seconds=40', '--cidr=10.244.0.0/16', '--node-ip=10.0.0.1',
      ...['kwok-options', 'node-initialize', 'node-heartbeat', 'node-condition', 'pod-ready', 'pod-unready', 'pod-crashloop',
        'pod-image-pull', 'pod-complete', 'pod-delete', 'pod-delete-graceful'].map(s => `--config=${join(stages, s + '.yaml')}`),
    ])
    await waitReady(scheduler, async () => (await httpsGet(`https://127.0.0.1:${schedPort}/readyz`)) === 'ok', 'waiting for /readyz')
    await waitReady(kcm, async () => (await httpsGet(`https://127.0.0.1:${kcmPort}/healthz`)) === 'ok', 'waiting for /healthz')
    // The controllers really run once the default ServiceAccount of "default" exists.
    await waitReady(kcm, async () => (await httpsGet(`${server}/api/v1/namespaces/default/serviceaccounts/default`, token)).includes('"name":"default"'), 'creating the default ServiceAccount')
    if (!isAlive(kwok.process)) await fail('kwok exited at start', kwok)

    return {
      stateDir, binDir, server, kubeconfig, components, stop,
      pids: components.map(c => c.process.pid).filter((p): p is number => p !== undefined),
    }
  } catch (err) {
    await stop()
    throw err
  }
}

/**
 * Stops the cluster's kube-apiserver (SIGKILL, as a crash would), keeps it down for `downMs`, then
 * starts it again with the same arguments, port and certificates, and waits until it is ready.
 * kube-scheduler and kube-controller-manager go down with it and come back after it, as on a
 * control-plane node that restarts: a scheduler with leader election exits anyway when it cannot
 * renew its Lease, and the controllers' caches could otherwise lag behind. Works from any
 * process that has the ClusterInfo (test workers): the running components are found through the
 * pids file of the state directory, and the new ones are recorded there, so the cluster's stop()
 * and its watchdog take them down with the rest. The outage lasts `downMs`, and longer when
 * `o.whileDown` is given: until it settles too (a condition the test waits on, such as a drain
 * saying it lost the API server, or a drain's end for a server that never comes back in its time).
 */
export async function restartApiServer(c: ClusterInfo, downMs: number, o: {onStopped?: () => void; whileDown?: () => Promise<unknown>} = {}): Promise<void> {
  const running = (binary: string) => recordedPids(c.stateDir).find(p => isAlivePid(p) && commandOf(p)[0]?.endsWith(`/${binary}`))
  const stopped: {name: string; argv: string[]}[] = []
  for (const name of ['kube-apiserver', 'kube-scheduler', 'kube-controller-manager']) {
    const pid = running(name)
    if (pid === undefined) throw new Error(`test cluster: no running ${name} in the pids file`)
    stopped.push({name, argv: commandOf(pid)})
    try { process.kill(-pid, 'SIGKILL') } catch { process.kill(pid, 'SIGKILL') }
    for (let i = 0; isAlivePid(pid) && i < 100; i++) await sleep(50)
    if (isAlivePid(pid)) throw new Error(`test cluster: ${name} (pid ${pid}) did not exit`)
  }
  o.onStopped?.()
  await Promise.all([sleep(downMs), o.whileDown?.()])
  const token = /^([^,]+),/.exec(readFileSync(join(c.stateDir, 'tokens.csv'), 'utf8'))?.[1] ?? ''
  for (const {name, argv} of stopped) {
    const logFile = join(c.stateDir, 'logs', `${name}.log`)
    const fd = openSync(logFile, 'a')
    const child = spawn(argv[0]!, argv.slice(1), {stdio: ['ignore', fd, fd], detached: true})
    closeSync(fd)
    child.unref()
    if (child.pid === undefined) throw new Error(`test cluster: ${name} did not start again`)
    appendFileSync(join(c.stateDir, 'pids'), `${child.pid}\n`)
    const port = /^--secure-port=(\d+)$/.exec(argv.find(a => a.startsWith('--secure-port=')) ?? '')?.[1]
    const url = name === 'kube-apiserver' ? `${c.server}/readyz` : `https://127.0.0.1:${port}/${name === 'kube-scheduler' ? 'readyz' : 'healthz'}`
    const deadline = Date.now() + 60_000
    for (;;) {
      if (!isAlivePid(child.pid)) throw new Error(`test cluster: ${name} exited after the restart\n${lastLines(logFile, 25)}`)
      if (await httpsGet(url, name === 'kube-apiserver' ? token : undefined).catch(() => '') === 'ok') break
      if (Date.now() > deadline) throw new Error(`test cluster: ${name} was not ready within 60s of its restart\n${lastLines(logFile, 25)}`)
      await sleep(150)
    }
  }
}

function recordedPids(stateDir: string): number[] {
  try { return readFileSync(join(stateDir, 'pids'), 'utf8').split('\n').filter(Boolean).map(Number) } catch { return [] }
}

function isAlivePid(pid: number): boolean {
  try { process.kill(pid, 0) } catch { return false }
  // A zombie (exited, not yet reaped by its parent) still answers signal 0.
  try { return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')) } catch { return true }
}

function commandOf(pid: number): string[] {
  try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean) } catch { return [] }
}

/** SIGTERM, then SIGKILL, the recorded processes that are not `known` and still run. */
async function killRecorded(stateDir: string, known: Set<number | undefined>): Promise<void> {
  const extra = recordedPids(stateDir).filter(p => !known.has(p) && isAlivePid(p))
  const signal = (s: NodeJS.Signals) => { for (const p of extra) { try { process.kill(-p, s) } catch { try { process.kill(p, s) } catch { /* gone */ } } } }
  signal('SIGTERM')
  for (let i = 0; extra.some(isAlivePid) && i < 100; i++) await sleep(50)
  signal('SIGKILL')
}

const WATCHDOG = `
const [parent, dir] = process.argv.slice(1)
const {readFileSync, rmSync, existsSync} = require('node:fs')
const alive = pid => { try { process.kill(pid, 0); return true } catch { return false } }
const timer = setInterval(() => {
  if (!existsSync(dir)) process.exit(0)
  if (alive(Number(parent))) return
  let pids = []
  try { pids = readFileSync(dir + '/pids', 'utf8').split('\\n').filter(Boolean).map(Number) } catch {}
  for (const pid of pids) { try { process.kill(-pid, 'SIGKILL') } catch { try { process.kill(pid, 'SIGKILL') } catch {} } }
  rmSync(dir, {recursive: true, force: true})
  process.exit(0)
}, 500)
`

/** A detached process that outlives a killed runner just long enough to clean up after it. */
function startWatchdog(stateDir: string): void {
  const child = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), stateDir], {detached: true, stdio: 'ignore'})
  child.unref()
}

export function kubeconfigYaml(o: {server: string; ca: string; user: string; token: string; context: string; namespace?: string}): string {
  return [
    'apiVersion: v1', 'kind: Config', `current-context: ${o.context}`,
    'clusters:', `- name: ${o.context}`, '  cluster:', `    server: ${o.server}`, `    certificate-authority: ${o.ca}`,
    'users:', `- name: ${o.user}`, '  user:', `    token: ${o.token}`,
    'contexts:', `- name: ${o.context}`, '  context:', `    cluster: ${o.context}`, `    user: ${o.user}`,
    ...(o.namespace ? [`    namespace: ${o.namespace}`] : []), '',
  ].join('\n')
}

/** Runs the built kubectl (the admin kubeconfig unless another is given); resolves with stdout. */
export async function kubectl(c: ClusterInfo, args: string[], opts: {input?: string; kubeconfig?: string} = {}): Promise<string> {
  const {input} = opts
  const child = execFileP(join(c.binDir, 'kubectl'), [`--kubeconfig=${opts.kubeconfig ?? c.kubeconfig}`, ...args], {maxBuffer: 512 * 1024 * 1024})
  if (input !== undefined) { child.child.stdin?.end(input) }
  try {
    return (await child).stdout
  } catch (err) {
    const e = err as {stderr?: string; message: string}
    throw new Error(`kubectl ${args.join(' ')}: ${e.stderr?.trim() || e.message}`)
  }
}

function defaultLog(line: string): void { process.stderr.write(line + '\n') }

function isAlive(p: ChildProcess): boolean { return p.exitCode === null && p.signalCode === null }

function signalGroup(p: ChildProcess, signal: NodeJS.Signals): void {
  if (p.pid === undefined || !isAlive(p)) return
  try { process.kill(-p.pid, signal) } catch { try { p.kill(signal) } catch { /* already gone */ } }
}

function waitExit(p: ChildProcess, ms: number): Promise<void> {
  if (!isAlive(p)) return Promise.resolve()
  return new Promise(res => {
    const t = setTimeout(res, ms)
    p.once('exit', () => { clearTimeout(t); res() })
  })
}

function lastLines(file: string, n: number): string {
  try { return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n') } catch { return '(no log)' }
}

export function sleep(ms: number): Promise<void> { return new Promise(r => setTimeout(r, ms)) }

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({length: n}, () => new Promise<ReturnType<typeof createServer>>((res, rej) => {
    const s = createServer()
    s.once('error', rej)
    s.listen(0, '127.0.0.1', () => res(s))
  })))
  const ports = servers.map(s => (s.address() as {port: number}).port)
  await Promise.all(servers.map(s => new Promise(r => s.close(r))))
  return ports
}

function httpGet(url: string): Promise<string> {
  return new Promise((res, rej) => {
    const req = httpRequest(url, {timeout: 2000}, r => { let b = ''; r.on('data', d => { b += d }); r.on('end', () => res(b)) })
    req.on('error', rej); req.on('timeout', () => req.destroy(new Error('timeout'))); req.end()
  })
}

// Health checks of components on loopback: their serving certificates are self-signed.
function httpsGet(url: string, token?: string): Promise<string> {
  return new Promise((res, rej) => {
    const req = httpsRequest(url, {timeout: 2000, rejectUnauthorized: false, headers: token ? {authorization: `Bearer ${token}`} : {}}, r => {
      let b = ''; r.on('data', d => { b += d }); r.on('end', () => res(b))
    })
    req.on('error', rej); req.on('timeout', () => req.destroy(new Error('timeout'))); req.end()
  })
}
