// The test cluster itself: the real scheduler, controllers, eviction API and RBAC behave
// as in a real cluster. Later tests rely on each of these facts.
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {addUser} from '../cluster/cluster.ts'
import {api, createNamespace, createNodePool, deleteNodePool, stopKubelet, waitFor} from '../cluster/pools.ts'
import {clusterInfo, uniqueName} from './helpers.ts'

const here = dirname(fileURLToPath(import.meta.url))

describe('test cluster', () => {
  const info = clusterInfo()
  const client = api(info)
  const pool = uniqueName('base')
  let nodes: string[] = []
  const ns = uniqueName('cluster')

  beforeAll(async () => {
    nodes = await createNodePool(info, {name: pool, count: 3, cpu: '4', memory: '8Gi'})
    await createNamespace(info, ns)
  })
  afterAll(async () => {
    await client.del(`/api/v1/namespaces/${ns}`).catch(() => undefined)
    await deleteNodePool(info, nodes)
  })

  const deployment = (name: string, replicas: number, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name},
    spec: {
      replicas, selector: {matchLabels: {app: name}},
      template: {metadata: {labels: {app: name}}, spec: {containers: [{name: 'app', image: 'registry.example/app:1', resources: {requests: {cpu: '100m', memory: '64Mi'}}}], ...extra}},
    },
  })
  const readyPods = async (app: string) => {
    const list = await client.get(`/api/v1/namespaces/${ns}/pods?labelSelector=app%3D${app}`)
    return list.items.filter((p: any) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'))
  }

  it('runs a 3-replica Deployment to 3 Ready pods on a 3-node pool', async () => {
    await client.post(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('web', 3))
    await waitFor(async () => (await readyPods('web')).length === 3, 60_000, '3 Ready pods')
    const pods = await readyPods('web')
    expect(pods.every((p: any) => nodes.includes(p.spec.nodeName))).toBe(true)
  })

  it('records the real scheduler\'s FailedScheduling message for a pod too big for any node', async () => {
    await client.post(`/api/v1/namespaces/${ns}/pods`, {
      metadata: {name: 'huge'},
      spec: {containers: [{name: 'app', image: 'registry.example/app:1', resources: {requests: {cpu: '64'}}}]},
    })
    let message = ''
    await waitFor(async () => {
      const events = await client.get(`/api/v1/namespaces/${ns}/events?fieldSelector=involvedObject.name%3Dhuge`)
      const e = events.items.find((x: any) => x.reason === 'FailedScheduling')
      if (e) { message = e.message; expect(e.reportingComponent || e.source?.component).toBe('default-scheduler') }
      return Boolean(e)
    }, 60_000, 'a FailedScheduling event')
    expect(message.startsWith('0/3 nodes are available:')).toBe(true)
    expect(message).toContain('Insufficient cpu')
  })

  it('enforces a PodDisruptionBudget through the Eviction API', async () => {
    await client.post(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('db', 3))
    await waitFor(async () => (await readyPods('db')).length === 3, 60_000, '3 Ready db pods')
    await client.post(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`, {metadata: {name: 'db-pdb'}, spec: {minAvailable: 3, selector: {matchLabels: {app: 'db'}}}})
    await waitFor(async () => {
      const pdb = await client.get(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/db-pdb`)
      return pdb.status?.observedGeneration === pdb.metadata.generation && pdb.status?.expectedPods === 3
    }, 30_000, 'the disruption controller to compute db-pdb')
    const pdb = await client.get(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/db-pdb`)
    expect(pdb.status.disruptionsAllowed).toBe(0)

    const victim = (await readyPods('db'))[0]
    const evict = (name: string) => client.raw('POST', `/api/v1/namespaces/${ns}/pods/${name}/eviction`, {apiVersion: 'policy/v1', kind: 'Eviction', metadata: {name, namespace: ns}})
    const refused = await evict(victim.metadata.name)
    expect(refused.status).toBe(429)
    expect(JSON.stringify(refused.body)).toContain('db-pdb')

    // With room for one disruption the eviction goes through, and the replacement runs elsewhere.
    await client.patch(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/db-pdb`, {spec: {minAvailable: 2}})
    await waitFor(async () => (await client.get(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/db-pdb`)).status.disruptionsAllowed === 1, 30_000, 'disruptionsAllowed 1')
    const node = victim.spec.nodeName
    await client.patch(`/api/v1/nodes/${node}`, {spec: {unschedulable: true}})
    try {
      const accepted = await evict(victim.metadata.name)
      expect(accepted.status).toBe(201)
      await waitFor(async () => {
        const pods = await readyPods('db')
        return pods.length === 3 && !pods.some((p: any) => p.metadata.name === victim.metadata.name)
      }, 60_000, 'a Ready replacement pod')
      const replacement = (await readyPods('db')).filter((p: any) => p.metadata.name !== victim.metadata.name && p.spec.nodeName !== undefined)
      expect(replacement.every((p: any) => p.spec.nodeName !== node)).toBe(true)
    } finally {
      await client.patch(`/api/v1/nodes/${node}`, {spec: {unschedulable: false}})
    }
  })

  it('lets a pod marked slow-delete take its termination grace period to go away', async () => {
    await client.post(`/api/v1/namespaces/${ns}/pods`, {
      metadata: {name: 'slow', labels: {'kubectl-prod.test/pod': 'slow-delete'}},
      spec: {terminationGracePeriodSeconds: 5, nodeName: nodes[0], containers: [{name: 'app', image: 'registry.example/app:1'}]},
    })
    await waitFor(async () => (await client.get(`/api/v1/namespaces/${ns}/pods/slow`)).status?.phase === 'Running', 30_000, 'slow to run')
    const started = Date.now()
    await client.del(`/api/v1/namespaces/${ns}/pods/slow`)
    await new Promise(r => setTimeout(r, 2500))
    expect((await client.raw('GET', `/api/v1/namespaces/${ns}/pods/slow`)).status).toBe(200)
    await waitFor(async () => (await client.raw('GET', `/api/v1/namespaces/${ns}/pods/slow`)).status === 404, 30_000, 'slow to be gone')
    // The deletion timestamp has whole seconds: 5 s of grace end 4 to 5 s after the delete.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3800)
  })

  it('returns 403 to a user with only a namespaced read role who lists a cluster-scoped resource', async () => {
    const user = await addUser(info, uniqueName('reader'))
    await client.post(`/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, {metadata: {name: 'read'}, rules: [{apiGroups: [''], resources: ['pods'], verbs: ['get', 'list']}]})
    await client.post(`/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
      metadata: {name: 'read'}, roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read'},
      subjects: [{kind: 'User', name: user.username}],
    })
    const asUser = api(info, user.kubeconfig)
    await waitFor(async () => (await asUser.raw('GET', `/api/v1/namespaces/${ns}/pods`)).status === 200, 10_000, 'the namespaced grant')
    const denied = await asUser.raw('GET', '/api/v1/nodes')
    expect(denied.status).toBe(403)
    expect(denied.body.message).toContain('cannot list resource "nodes"')
  })

  it('marks a node whose kubelet stopped Unknown and taints it unreachable', async () => {
    const node = nodes[2]!
    await stopKubelet(info, node)
    await waitFor(async () => {
      const n = await client.get(`/api/v1/nodes/${node}`)
      const ready = n.status.conditions.find((c: any) => c.type === 'Ready')
      return ready?.status === 'Unknown' && (n.spec.taints ?? []).some((t: any) => t.key === 'node.kubernetes.io/unreachable')
    }, 90_000, `${node} to turn Unknown and be tainted unreachable`, 1000)
    const n = await client.get(`/api/v1/nodes/${node}`)
    expect(n.status.conditions.find((c: any) => c.type === 'Ready').reason).toBe('NodeStatusUnknown')
  })
})

describe('cluster:up', () => {
  const isAlive = (pid: number) => { try { process.kill(pid, 0); return true } catch { return false } }
  async function startUp(): Promise<{child: ReturnType<typeof spawn>; kubeconfig: string; pids: number[]}> {
    const child = spawn(process.execPath, [join(here, '..', 'cluster', 'up.ts'), '--nodes', '1'], {stdio: ['ignore', 'pipe', 'pipe']})
    let out = '', err = ''
    child.stdout!.on('data', d => { out += d })
    child.stderr!.on('data', d => { err += d })
    await waitFor(async () => /pids [\d ]+/.test(err) || child.exitCode !== null, 150_000, 'cluster:up to be ready')
    expect(child.exitCode, err).toBeNull()
    const kubeconfig = /export KUBECONFIG=(\S+)/.exec(out)?.[1]
    expect(kubeconfig).toBeDefined()
    expect(existsSync(kubeconfig!)).toBe(true)
    const pids = /pids ([\d ]+)/.exec(err)![1]!.trim().split(' ').map(Number)
    expect(pids.length).toBe(5)
    return {child, kubeconfig: kubeconfig!, pids}
  }

  it('starts a cluster, prints the KUBECONFIG line, and leaves no process or directory after Ctrl-C', async () => {
    const {child, kubeconfig, pids} = await startUp()
    child.kill('SIGINT')
    const code = await new Promise<number | null>(res => child.on('close', c => res(c)))
    expect(code).toBe(130)
    expect(pids.filter(isAlive)).toEqual([])
    expect(existsSync(kubeconfig)).toBe(false)
  }, 200_000)

  it('leaves no process or directory when the runner is killed outright', async () => {
    const {child, kubeconfig, pids} = await startUp()
    child.kill('SIGKILL')
    await waitFor(async () => pids.every(p => !isAlive(p)) && !existsSync(kubeconfig), 10_000, 'the watchdog to clean up')
  }, 200_000)
})
