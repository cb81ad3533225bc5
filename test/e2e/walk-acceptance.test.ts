// The walk's acceptance against the real control plane, with kwok nodes: a 3-node pool running a
// Deployment under a PDB (maxUnavailable 1) and a StatefulSet under a PDB (minAvailable 2) is
// walked to the end by a hook that moves each node's kubelet to the target, while a watcher
// samples the pods and PDBs and checks that no budget is ever broken.
import {spawn} from 'node:child_process'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {api, createNamespace, createNodePool, deleteNodePool, waitFor, watchBudgets as watchPdbs} from '../cluster/pools.ts'
import {BIN, clusterInfo, uniqueName, upgradeHook} from './helpers.ts'

const info = clusterInfo()
const client = api(info)
const ns = uniqueName('accept')
const pool = `acc-${ns.slice('accept-'.length)}`
const taints = [{key: 'scenario', value: 'accept', effect: 'NoSchedule'}]
const nodes: string[] = []
let hook = ''

const WEB = 6
const DB = 3
const template = (app: string) => ({
  metadata: {labels: {app}},
  spec: {
    nodeSelector: {'eks.amazonaws.com/nodegroup': pool},
    tolerations: [{key: 'scenario', operator: 'Exists'}],
    terminationGracePeriodSeconds: 0,
    containers: [{name: 'app', image: 'registry.example/app:1', resources: {requests: {cpu: '100m', memory: '64Mi'}}}],
  },
})
const path = {
  pods: `/api/v1/namespaces/${ns}/pods`,
  pdbs: `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`,
}
/** What each PDB allows at the least: its app, the replicas expected and the fewest available pods. */
const floors = {web: {replicas: WEB, least: WEB - 1}, db: {replicas: DB, least: 2}}
const isReady = (p: any) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')
const getNode = (name: string) => client.get(`/api/v1/nodes/${name}`)
const poolNodes = [0, 1, 2].map(i => `${pool}-${i}`)
const events = (stdout: string) => stdout.split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l) as {type: string; node?: string; drain?: string; message: string; kind?: string; status?: string; remaining?: string[]})
const available = async () => {
  const pods = (await client.get(path.pods)).items as any[]
  return {web: pods.filter(p => p.metadata.labels?.app === 'web' && isReady(p)).length, db: pods.filter(p => p.metadata.labels?.app === 'db' && isReady(p)).length}
}
const allAvailable = async () => { const a = await available(); return a.web === WEB && a.db === DB }
const budgetsSettled = async () => (await client.get(path.pdbs)).items.every((p: any) => p.status?.observedGeneration === p.metadata.generation
  && p.status?.expectedPods === floors[p.spec.selector.matchLabels.app as 'web' | 'db'].replicas && p.status.currentHealthy === p.status.expectedPods)

/** The fewest pods available of each app and every PDB counted short, sampled until stopped (watchPdbs). */
const watchBudgets = () => watchPdbs(client, path.pdbs, available, {web: WEB, db: DB})

/** Starts a walk as a child process; `lines` holds its stdout so far. */
function startWalk(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'nodepool', 'upgrade', pool, ...args], {
    env: {...process.env, KUBECONFIG: info.kubeconfig, NO_COLOR: '1', CI: 'true'}, stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = '', stderr = ''
  child.stdout.on('data', d => { stdout += d })
  child.stderr.on('data', d => { stderr += d })
  const exited = new Promise<number>(res => child.on('close', code => res(code ?? -1)))
  return {
    stdout: () => stdout, stderr: () => stderr,
    /** Resolves with the exit code, or kills the walk after `ms`. */
    done: async (ms: number) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), ms)
      try { return await exited } finally { clearTimeout(timer) }
    },
  }
}

beforeAll(async () => {
  nodes.push(...await createNodePool(info, {name: pool, count: 3, taints}))
  await createNamespace(info, ns)
  await Promise.all([
    client.post(`/apis/apps/v1/namespaces/${ns}/deployments`, {metadata: {name: 'web'}, spec: {replicas: WEB, selector: {matchLabels: {app: 'web'}}, template: template('web')}}),
    client.post(path.pdbs, {metadata: {name: 'web-pdb'}, spec: {maxUnavailable: 1, selector: {matchLabels: {app: 'web'}}}}),
    client.post(`/apis/apps/v1/namespaces/${ns}/statefulsets`, {metadata: {name: 'db'}, spec: {serviceName: 'db', replicas: DB, podManagementPolicy: 'Parallel', selector: {matchLabels: {app: 'db'}}, template: template('db')}}),
    client.post(path.pdbs, {metadata: {name: 'db-pdb'}, spec: {minAvailable: 2, selector: {matchLabels: {app: 'db'}}}}),
  ])
  await waitFor(allAvailable, 90_000, 'every replica to be available')
  await waitFor(budgetsSettled, 60_000, 'the PDBs to be observed')
  // The hook moves the node's kubelet to the target (a kubelet reports its own version).
  hook = upgradeHook(info)
}, 300_000)

afterAll(async () => {
  await client.del(`/api/v1/namespaces/${ns}`).catch(() => undefined)
  await deleteNodePool(info, nodes)
  await client.del(`/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kubectl-prod-walk-${pool}`).catch(() => undefined)
})

/** Every node uncordoned and Ready at the target, every replica available, every PDB healthy. */
async function expectWalked(target: string): Promise<void> {
  for (const name of poolNodes) {
    const node = await getNode(name)
    expect(node.spec?.unschedulable ?? false, name).toBe(false)
    expect(node.status.nodeInfo.kubeletVersion, name).toBe(`v${target}.0`)
    expect(node.metadata.annotations['kubectl-prod.io/walk-step'], name).toBe('done')
  }
  await waitFor(allAvailable, 30_000, 'every replica to be available')
  // On a timeout, the PDBs' own numbers say what was missing. A StatefulSet pod comes back under
  // the name it was evicted with, and the disruption controller keeps that name among the PDB's
  // disrupted pods (not counted healthy) until the eviction is two minutes old (its
  // DeletionTimeout): so up to two minutes after the last eviction.
  await waitFor(budgetsSettled, 150_000, 'the PDBs to be healthy').catch(async (err: Error) => {
    const statuses = (await client.get(path.pdbs)).items.map((p: any) => `${p.metadata.name} generation ${p.metadata.generation} ${JSON.stringify(p.status)}`)
    const pods = (await client.get(path.pods)).items.map((p: any) => `${p.metadata.name} ${p.spec.nodeName} ${p.status?.phase}${p.metadata.deletionTimestamp ? ' deleting' : ''}${isReady(p) ? ' Ready' : ''}`)
    throw new Error(`${err.message}\n${statuses.join('\n')}\n${pods.join('\n')}`)
  })
  const pods = (await client.get(path.pods)).items as any[]
  expect(pods.filter(p => p.metadata.labels.app === 'db').map(p => p.metadata.name).sort()).toEqual(['db-0', 'db-1', 'db-2'])
  expect(pods.filter(p => poolNodes.includes(p.spec.nodeName)).length).toBe(WEB + DB)
}

describe('nodepool upgrade acceptance', () => {
  it('walks a pool running a Deployment and a StatefulSet under PDBs to the end: no PDB is ever broken, all nodes at the target and uncordoned, all replicas available', async () => {
    const watcher = watchBudgets()
    const walk = startWalk(['--target-version', '1.37', '--yes', '--hook', hook, '--grace-period', '0', '-o', 'json'])
    const code = await walk.done(180_000)
    await watcher.stop()
    expect(code, walk.stderr() + walk.stdout()).toBe(0)
    const es = events(walk.stdout())
    expect(es.filter(e => e.type === 'drained').map(e => e.node)).toEqual(poolNodes)
    expect(es.filter(e => e.type === 'uncordoned').map(e => e.node)).toEqual(poolNodes)
    // Both workloads had pods evicted on their way through.
    expect(es.some(e => e.drain === 'evicted' && /\/web-/.test(e.message))).toBe(true)
    expect(es.some(e => e.drain === 'evicted' && /\/db-\d/.test(e.message))).toBe(true)
    expect(es.at(-1)).toMatchObject({kind: 'NodePoolWalk', status: 'done', remaining: []})
    expect(watcher.samples).toBeGreaterThan(20)
    expect(watcher.broken).toEqual([])
    expect(watcher.lowest.web).toBeGreaterThanOrEqual(floors.web.least)
    expect(watcher.lowest.db).toBeGreaterThanOrEqual(floors.db.least)
    await expectWalked('1.37')
  }, 400_000)
})
