// Faults, on a control plane of this file's own (its API server is stopped, which the other
// files must not see): a drain and a node-pool walk, both waiting on a PDB, while the API
// server (with the scheduler and the controllers) is down for 20 seconds: they wait, reconnect
// and finish, no PDB ever broken, no pod evicted twice, no node drained twice. And a drain whose
// API server does not come back within its --timeout: it ends at the timeout with exit 3 and
// one line that says what it left cordoned.
import {spawn} from 'node:child_process'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {restartApiServer, startCluster, type Cluster} from '../cluster/cluster.ts'
import {api, createNamespace, createNodePool, waitFor, watchBudgets as watchPdbs, type Api} from '../cluster/pools.ts'
import {BIN, upgradeHook} from './helpers.ts'

const ns = 'fault'
const OUTAGE_MS = 20_000
const WEB = 3
const APP = 4
let cluster: Cluster
let client: Api
let hook = ''

const template = (app: string, pool: string) => ({
  metadata: {labels: {app}},
  spec: {
    nodeSelector: {'eks.amazonaws.com/nodegroup': pool},
    terminationGracePeriodSeconds: 0,
    containers: [{name: 'app', image: 'registry.example/app:1', resources: {requests: {cpu: '100m', memory: '64Mi'}}}],
  },
})
const deployment = (name: string, replicas: number, pool: string) => ({metadata: {name}, spec: {replicas, selector: {matchLabels: {app: name}}, template: template(name, pool)}})
// Each budget starts allowing no disruption, so both commands are surely waiting on it when the
// API server stops; the test lets them go once it is back.
const pdb = (app: string, replicas: number) => ({metadata: {name: `${app}-pdb`}, spec: {minAvailable: replicas, selector: {matchLabels: {app}}}})
const path = {
  deployments: `/apis/apps/v1/namespaces/${ns}/deployments`,
  pdbs: `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`,
  pods: `/api/v1/namespaces/${ns}/pods`,
}
const isReady = (p: any) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')
const readyPods = async (app: string) => ((await client.get(`${path.pods}?labelSelector=app%3D${app}`)).items as any[]).filter(isReady)
const cordoned = async (node: string) => (await client.get(`/api/v1/nodes/${node}`)).spec?.unschedulable === true
const budgetsSettled = async () => (await client.get(path.pdbs)).items.every((p: any) => p.status?.observedGeneration === p.metadata.generation && p.status.expectedPods > 0 && p.status.currentHealthy === p.status.expectedPods)

interface Event {type: string; node?: string; pod?: string; drain?: string; message: string; kind?: string; status?: string}

/** kubectl-prod ARGS -o json against this file's cluster, in the background: its events as they come, and its end. */
function start(args: string[]) {
  const started = Date.now()
  const child = spawn(process.execPath, [BIN, ...args, '-o', 'json'], {env: {...process.env, KUBECONFIG: cluster.kubeconfig, NO_COLOR: '1', CI: 'true'}, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = '', stderr = ''
  child.stdout.on('data', d => { stdout += d })
  child.stderr.on('data', d => { stderr += d })
  let ended = false
  const exited = new Promise<{code: number; ms: number}>(res => child.on('close', code => { ended = true; res({code: code ?? -1, ms: Date.now() - started}) }))
  const timer = setTimeout(() => child.kill('SIGKILL'), 170_000)
  void exited.then(() => clearTimeout(timer))
  return {
    events: (): Event[] => stdout.split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l)),
    stderr: () => stderr,
    output: () => `${stderr}\n${stdout}`,
    ended: () => ended,
    exited,
  }
}

/** The fewest pods available of each app and every PDB counted short, sampled until stopped (watchPdbs). */
const watchBudgets = () => watchPdbs(client, path.pdbs, async () => ({web: (await readyPods('web')).length, app: (await readyPods('app')).length}), {web: WEB, app: APP})

beforeAll(async () => {
  // A node goes Unknown after this long without a heartbeat: longer than the outage, as a
  // restart of the control plane should not look like lost nodes.
  cluster = await startCluster({nodeMonitorGracePeriod: '90s', log: () => undefined})
  client = api(cluster)
  await createNodePool(cluster, {name: 'drn', count: 1})
  await createNodePool(cluster, {name: 'walk', count: 2})
  await createNodePool(cluster, {name: 'stuck', count: 1})
  await createNamespace(cluster, ns)
  await Promise.all([
    client.post(path.deployments, deployment('web', WEB, 'drn')),
    client.post(path.pdbs, pdb('web', WEB)),
    client.post(path.deployments, deployment('app', APP, 'walk')),
    client.post(path.pdbs, pdb('app', APP)),
    client.post(path.deployments, deployment('stuck', 1, 'stuck')),
    client.post(path.pdbs, pdb('stuck', 1)),
  ])
  await waitFor(async () => (await readyPods('web')).length === WEB && (await readyPods('app')).length === APP && (await readyPods('stuck')).length === 1, 90_000, 'the pods to run')
  // Where the drained pods of web go.
  await createNodePool(cluster, {name: 'drn2', count: 1, labels: {'eks.amazonaws.com/nodegroup': 'drn'}})
  await waitFor(budgetsSettled, 60_000, 'the PDBs to count every pod healthy')
  // The walk's hook moves the node's kubelet to the target (a kubelet reports its own version).
  hook = upgradeHook(cluster)
}, 240_000)

afterAll(async () => {
  await cluster?.stop()
})

describe('drain and walk through API server faults', () => {
  it('a drain and a walk waiting on PDBs while the API server is down for 20 s: both wait, reconnect and finish; no PDB broken, nothing evicted or drained twice', async () => {
    const watcher = watchBudgets()
    const drain = start(['drain', 'drn-0', '--grace-period', '0', '--timeout', '150s'])
    // --ignore-preflight: the preflight rightly sees the PDB that allows nothing; the test lifts it later.
    const walk = start(['nodepool', 'upgrade', 'walk', '--target-version', '1.37', '--yes', '--hook', hook, '--grace-period', '0', '--drain-timeout', '150s', '--ignore-preflight'])
    const waiting = (e: Event) => e.type === 'blocked' || e.drain === 'blocked'
    await waitFor(async () => drain.events().some(waiting) && walk.events().some(waiting), 60_000, 'the drain and the walk to wait on their PDBs')

    let stoppedAt = 0
    const said = (e: Event) => e.type === 'reconnecting' || e.drain === 'reconnecting'
    await restartApiServer(cluster, OUTAGE_MS, {
      onStopped: () => { stoppedAt = Date.now() },
      // Down until both have said they lost it (they ask again within 5 s), or one of them ended (which fails below).
      whileDown: () => waitFor(async () => (drain.events().some(said) && walk.events().some(said)) || drain.ended() || walk.ended(), 60_000, 'the drain and the walk to say the API server is gone'),
    })
    expect(drain.ended(), drain.output()).toBe(false)
    expect(walk.ended(), walk.output()).toBe(false)
    const downFor = Date.now() - stoppedAt
    expect(downFor).toBeGreaterThanOrEqual(OUTAGE_MS)
    // Neither gave up meanwhile.
    expect(drain.events().filter(e => e.type === 'failed'), drain.output()).toEqual([])
    expect(walk.events().filter(e => /failed|stopped/.test(e.type)), walk.output()).toEqual([])

    // Back: the budgets allow one disruption each, and the waits end.
    await waitFor(async () => { await client.patch(`${path.pdbs}/web-pdb`, {spec: {minAvailable: null, maxUnavailable: 1}}); return true }, 30_000, 'the API server to take the PDB change')
    await client.patch(`${path.pdbs}/app-pdb`, {spec: {minAvailable: null, maxUnavailable: 1}})

    const [d, w] = await Promise.all([drain.exited, walk.exited])
    await watcher.stop()
    expect(d.code, drain.output()).toBe(0)
    expect(w.code, walk.output()).toBe(0)

    const de = drain.events()
    expect(de.filter(e => e.type === 'reconnecting').length, drain.output()).toBeGreaterThan(0)
    expect(de.filter(e => e.type === 'reconnected').length, drain.output()).toBeGreaterThan(0)
    const evicted = de.filter(e => e.type === 'evicted').map(e => e.pod)
    expect(evicted).toHaveLength(WEB)
    expect(new Set(evicted).size).toBe(WEB)
    expect(de.at(-1)).toMatchObject({type: 'drained', node: 'drn-0'})
    expect((await readyPods('web')).map(p => p.spec.nodeName)).toEqual(['drn2-0', 'drn2-0', 'drn2-0'])
    expect(await cordoned('drn-0')).toBe(true)

    const we = walk.events()
    expect(we.some(e => e.drain === 'reconnecting'), walk.output()).toBe(true)
    // Each node drained once, in order, and handed back.
    expect(we.filter(e => e.type === 'drained').map(e => e.node)).toEqual(['walk-0', 'walk-1'])
    expect(we.filter(e => e.type === 'uncordoned').map(e => e.node)).toEqual(['walk-0', 'walk-1'])
    const walkEvicted = we.filter(e => e.drain === 'evicted').map(e => `${e.node} ${e.pod}`)
    expect(new Set(walkEvicted).size).toBe(walkEvicted.length)
    expect(we.at(-1)).toMatchObject({kind: 'NodePoolWalk', status: 'done'})
    for (const node of ['walk-0', 'walk-1']) {
      const n = await client.get(`/api/v1/nodes/${node}`)
      expect(n.spec?.unschedulable ?? false, node).toBe(false)
      expect(n.status.nodeInfo.kubeletVersion, node).toBe('v1.37.0')
      expect(n.metadata.annotations['kubectl-prod.io/walk-step'], node).toBe('done')
    }

    // The budgets held throughout, as sampled before, during (failed samples) and after the outage.
    expect(watcher.failed).toBeGreaterThan(0)
    expect(watcher.samples).toBeGreaterThan(20)
    expect(watcher.broken).toEqual([])
    expect(watcher.lowest.web).toBeGreaterThanOrEqual(WEB - 1)
    expect(watcher.lowest.app).toBeGreaterThanOrEqual(APP - 1)
    await waitFor(async () => (await readyPods('web')).length === WEB && (await readyPods('app')).length === APP, 60_000, 'every replica to be available')
  }, 170_000)

  it('a drain whose API server does not come back within its --timeout ends at the timeout: exit 3, one line, the node left cordoned and said', async () => {
    const drain = start(['drain', 'stuck-0', '--grace-period', '0', '--timeout', '20s'])
    await waitFor(async () => drain.events().some(e => e.type === 'blocked'), 60_000, 'the drain to wait on stuck-pdb')
    // Down until the drain has ended: for it, the API server never comes back.
    await restartApiServer(cluster, 0, {whileDown: () => drain.exited})
    const {code, ms} = await drain.exited
    expect(code, drain.output()).toBe(3)
    expect(ms).toBeGreaterThanOrEqual(19_000)
    expect(ms).toBeLessThan(20_000 + 8000)
    const lines = drain.stderr().trim().split('\n')
    expect(lines, drain.stderr()).toHaveLength(1)
    expect(lines[0]).toMatch(/^error: cannot reach the API server https:\/\/127\.0\.0\.1:\d+ \(E[A-Z]+\); waited for it until --timeout 20s; node stuck-0 stays cordoned \(kubectl uncordon stuck-0 to undo\); check that the cluster is up/)
    expect(drain.events().filter(e => e.type === 'reconnecting')).toHaveLength(1)
    expect(drain.events().find(e => e.type === 'reconnecting')!.message).toMatch(/^the API server does not answer \(.*\); waiting for it for up to \d+(\.\d)?s$/)
    // Nothing was evicted; the node stays cordoned.
    expect(await cordoned('stuck-0')).toBe(true)
    expect((await readyPods('stuck')).map(p => p.spec.nodeName)).toEqual(['stuck-0'])
  }, 120_000)
})
