// nodepool upgrade --soak against the real control plane: each node upgraded is watched for the
// soak time, and its pods (here a DaemonSet's) must be Ready at its end, or the walk stops there
// with the node cordoned and the pod named. As a user bound to exactly the role `rbac
// nodepool-upgrade` prints; a hook moves each node's kubelet to the target, as an upgrade would.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {api, createNamespace, createNodePool, deleteNodePool, waitFor} from '../cluster/pools.ts'
import {bindRole, clusterInfo, runCli, uniqueName, upgradeHook} from './helpers.ts'

const info = clusterInfo()
const client = api(info)
const ns = uniqueName('soak')
const label = 'eks.amazonaws.com/nodegroup'
const calm = `${ns}-calm`
const flaky = `${ns}-flaky`
const taints = [{key: 'scenario', value: ns, effect: 'NoSchedule'}]
const nodes: string[] = []
let kubeconfig = ''
let hook = ''

/** A DaemonSet on the pool; `unready` keeps its pods running but never Ready (test/cluster/stages/pod-unready.yaml). */
const daemonSet = (name: string, pool: string, unready: boolean) => ({
  metadata: {name},
  spec: {
    selector: {matchLabels: {app: name}},
    template: {
      metadata: {labels: {app: name, ...(unready ? {'kubectl-prod.test/pod': 'unready'} : {})}},
      spec: {
        nodeSelector: {[label]: pool},
        tolerations: [{key: 'scenario', operator: 'Exists'}],
        containers: [{name: 'agent', image: 'registry.example/agent:1', resources: {requests: {cpu: '10m', memory: '16Mi'}}}],
      },
    },
  },
})
const events = (stdout: string) => stdout.split('\n').filter(Boolean).map(l => JSON.parse(l) as {type?: string; node?: string; message: string; kind?: string; status?: string})
const upgrade = (pool: string, ...args: string[]) => ['nodepool', 'upgrade', pool, '--target-version', '1.37', '--hook', hook, '--soak', '2s', '--yes', '-o', 'json', ...args]
const podsOn = async (pool: string) => (await client.get(`/api/v1/namespaces/${ns}/pods`)).items.filter((p: any) => p.spec.nodeName?.startsWith(`${pool}-`))

beforeAll(async () => {
  nodes.push(...await createNodePool(info, {name: calm, count: 2, taints, kubeletVersion: 'v1.36.4'}))
  nodes.push(...await createNodePool(info, {name: flaky, count: 2, taints, kubeletVersion: 'v1.36.4'}))
  await createNamespace(info, ns)
  await client.post(`/apis/apps/v1/namespaces/${ns}/daemonsets`, daemonSet('agent', calm, false))
  await client.post(`/apis/apps/v1/namespaces/${ns}/daemonsets`, daemonSet('flaky-agent', flaky, true))
  await waitFor(async () => (await podsOn(calm)).length === 2 && (await podsOn(flaky)).length === 2, 60_000, 'a DaemonSet pod on every node')
  hook = upgradeHook(info, 'soak-hook.sh')
  const role = await runCli(['rbac', 'nodepool-upgrade'])
  expect(role.code, role.stderr).toBe(0)
  kubeconfig = (await bindRole(role.stdout, 'walk-soak', async kc => (await runCli(['nodepool', 'upgrade', 'no-such-pool', '--replace'], {env: {KUBECONFIG: kc}})).code === 2)).kubeconfig
}, 120_000)

afterAll(async () => {
  await client.del(`/api/v1/namespaces/${ns}`).catch(() => undefined)
  await deleteNodePool(info, nodes)
  for (const pool of [calm, flaky]) await client.del(`/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kubectl-prod-walk-${pool}`).catch(() => undefined)
})

describe('nodepool upgrade --soak', () => {
  it('uncordons each node once it stayed Ready for the soak time and its pods are Ready', async () => {
    const r = await runCli(upgrade(calm), {env: {KUBECONFIG: kubeconfig}, timeoutMs: 120_000})
    expect(r.code, r.stderr + r.stdout).toBe(0)
    const es = events(r.stdout)
    for (const node of [`${calm}-0`, `${calm}-1`]) {
      const mine = es.filter(e => e.node === node).map(e => e.type)
      expect(mine.indexOf('soaking'), node).toBeGreaterThan(mine.indexOf('ready'))
      expect(mine.indexOf('uncordoned'), node).toBeGreaterThan(mine.indexOf('soaking'))
      expect(es.find(e => e.node === node && e.type === 'ready' && e.message.startsWith('stayed Ready'))?.message).toBe('stayed Ready for the soak time, its 1 pod Ready')
    }
  })

  it('stops at a node whose pods are not Ready when the soak time ends: left cordoned, the pod named, no other node started', async () => {
    const r = await runCli(upgrade(flaky), {env: {KUBECONFIG: kubeconfig}, timeoutMs: 120_000})
    expect(r.code, r.stderr + r.stdout).toBe(1)
    const first = `${flaky}-0`
    const pod = (await podsOn(flaky)).find((p: any) => p.spec.nodeName === first).metadata.name
    const why = `after the soak time, 1 pod on ${first} is not Ready: ${ns}/${pod}`
    expect(events(r.stdout).at(-1)).toMatchObject({kind: 'NodePoolWalk', status: 'failed', message: `${first}: ${why}`})
    const node = await client.get(`/api/v1/nodes/${first}`)
    expect(node.spec.unschedulable).toBe(true)
    expect(node.metadata.annotations['kubectl-prod.io/walk-error']).toBe(why)
    expect((await client.get(`/api/v1/nodes/${flaky}-1`)).spec.unschedulable ?? false).toBe(false)
  })
})
