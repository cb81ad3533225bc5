// nodepool upgrade --replace, stopped after the cloud deleted a node and before its successor
// joined: no list shows that node any more, and only the pool's Lease remembers it. A new walk is
// refused while its successor is owed; resumed, the walk waits for that successor to join and be
// Ready at the target before it takes the next node down. As a user bound to exactly the role
// `rbac nodepool-upgrade` prints; the test plays the cloud.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {api, createNodePool, deleteNodePool, waitFor} from '../cluster/pools.ts'
import {sleep} from '../cluster/cluster.ts'
import {bindRole, clusterInfo, runCli, startCli, uniqueName} from './helpers.ts'

const info = clusterInfo()
const client = api(info)
const pool = uniqueName('gap')
const label = 'eks.amazonaws.com/nodegroup'
const taints = [{key: 'scenario', value: pool, effect: 'NoSchedule'}]
const leasePath = `/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kubectl-prod-walk-${pool}`
const poolNodes = async (): Promise<any[]> => (await client.get(`/api/v1/nodes?labelSelector=${encodeURIComponent(`${label}=${pool}`)}`)).items
const events = (stdout: string) => stdout.split('\n').filter(Boolean).map(l => JSON.parse(l) as {type?: string; node?: string; message: string; kind?: string; walkId?: string; status?: string})
const upgrade = (...args: string[]) => ['nodepool', 'upgrade', pool, '--target-version', '1.37', ...args]
const successor = async (i: number) => (await createNodePool(info, {name: `${pool}-new${i}`, count: 1, taints, kubeletVersion: 'v1.37.0', labels: {[label]: pool}, wait: false}))[0]!
const old: string[] = []
let kubeconfig = ''

beforeAll(async () => {
  old.push(...await createNodePool(info, {name: pool, count: 2, taints, kubeletVersion: 'v1.36.4'}))
  const role = await runCli(['rbac', 'nodepool-upgrade'])
  expect(role.code, role.stderr).toBe(0)
  const ready = async (kc: string) => (await runCli(upgrade('--replace', '--dry-run'), {env: {KUBECONFIG: kc}})).code !== 3
  kubeconfig = (await bindRole(role.stdout, 'walk-gap', ready)).kubeconfig
}, 120_000)

afterAll(async () => {
  await deleteNodePool(info, (await poolNodes()).map(n => n.metadata.name))
  await client.del(leasePath).catch(() => undefined)
})

describe('nodepool upgrade --replace, stopped between a node deleted and its successor joined', () => {
  it('refuses a new walk, and resumed, waits for that successor Ready before it takes the next node down', async () => {
    const as = {env: {KUBECONFIG: kubeconfig}}
    // The walk drains the first node and waits for the cloud to replace it; the node is noted on the Lease first.
    const first = await startCli(upgrade('--replace', '--yes', '-o', 'json', '--hand-over-timeout', '5m'),
      line => line.includes('"type":"hand-over"') && line.includes(`waiting for ${old[0]} to be deleted`), kubeconfig)
    const uid = (await client.get(`/api/v1/nodes/${old[0]}`)).metadata.uid
    expect((await client.get(leasePath)).metadata.annotations['kubectl-prod.io/walk-replacing']).toBe(`${old[0]}=${uid}`)
    // The cloud deletes it; the walk is stopped before any successor joins.
    await client.del(`/api/v1/nodes/${old[0]}`)
    await waitFor(async () => (await poolNodes()).length === 1, 30_000, `${old[0]} to be gone`)
    expect(await first.kill('SIGINT'), first.stderr()).toBe(130)
    const walkId = /^walk (\S+):/.exec(events(first.stdout()).find(e => e.type === 'walk-started')!.message)![1]

    // A new walk would forget the node: refused, with what to do. Resuming without --replace too. Nothing changes.
    const fresh = await runCli(upgrade('--replace', '--yes'), as)
    expect(fresh.code, fresh.stderr).toBe(2)
    expect(fresh.stderr).toContain(`pool ${pool} has an unfinished walk ${walkId} (${old[0]} (handed over for replacement, gone, no successor yet))`)
    expect(fresh.stderr).toContain('continue it with --resume (the same command, with --replace)')
    const hooked = await runCli(upgrade('--hook', 'true', '--yes', '--resume'), as)
    expect(hooked.code, hooked.stderr).toBe(2)
    expect(hooked.stderr).toContain(`pool ${pool}'s walk ${walkId} replaces nodes and waits for the successor of ${old[0]}`)
    expect((await client.get(`/api/v1/nodes/${old[1]}`)).spec.unschedulable ?? false).toBe(false)

    // A dry run says what comes first.
    const dry = await runCli(upgrade('--replace', '--resume', '--dry-run', '-o', 'json'), as)
    expect(dry.code, dry.stderr).toBe(0)
    expect(events(dry.stdout).find(e => e.node === old[0])?.message).toMatch(/^would wait for the successor of \S+ \(handed over before the walk stopped, and gone\) to join and be Ready at 1\.37/)

    // Resumed. The cloud: the first node's successor joins once the resumed walk holds the Lease;
    // each node drained after that is deleted and replaced.
    let cloud = true
    const made: string[] = []
    const provider = (async () => {
      while (cloud) {
        const lease = await client.get(leasePath).catch(() => undefined)
        if (!made.length && lease?.spec?.holderIdentity) made.push(await successor(0))
        for (const n of await poolNodes()) {
          if (n.metadata.annotations?.['kubectl-prod.io/walk-step'] !== 'drained') continue
          await client.del(`/api/v1/nodes/${n.metadata.name}`)
          made.push(await successor(made.length))
        }
        await sleep(200)
      }
    })()
    const resumed = await runCli(upgrade('--replace', '--yes', '--resume', '-o', 'json', '--hand-over-timeout', '60s'), {...as, timeoutMs: 180_000})
    cloud = false
    await provider
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0)
    const es = events(resumed.stdout)
    expect(es.find(e => e.type === 'walk-started')?.message).toContain(`first the successor of ${old[0]}, handed over before the walk stopped`)
    expect(es.find(e => e.type === 'node-started' && e.node === old[0])?.message).toMatch(/^resuming \S+: it was handed over for replacement before the walk stopped and is gone/)
    const replaced = es.findIndex(e => e.type === 'handed-over' && e.message === `${old[0]} was replaced by ${made[0]}`)
    const successorDone = es.findIndex(e => e.type === 'node-done' && e.node === made[0])
    const nextCordoned = es.findIndex(e => e.type === 'cordoned' && e.node === old[1])
    expect(replaced).toBeGreaterThanOrEqual(0)
    expect(successorDone).toBeGreaterThan(replaced)
    expect(nextCordoned).toBeGreaterThan(successorDone)
    expect(es.filter(e => e.type === 'handed-over').map(e => e.message)).toEqual([`${old[0]} was replaced by ${made[0]}`, `${old[1]} was replaced by ${made[1]}`])
    expect(es.at(-1)).toMatchObject({kind: 'NodePoolWalk', walkId, status: 'done'})
    expect(made).toHaveLength(2)
    expect((await poolNodes()).map(n => n.metadata.name).sort()).toEqual([...made].sort())
    const lease = await client.get(leasePath)
    expect(lease.metadata.annotations['kubectl-prod.io/walk-replacing']).toBe('')
    expect(lease.metadata.annotations['kubectl-prod.io/walk-state']).toBe('done')
  }, 300_000)
})
