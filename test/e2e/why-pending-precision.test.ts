// why-pending names only what blocks each pod: one scenario per rule, against the real scheduler,
// asserting the exact list of cause categories (so a cause that does not apply fails the test).
// Every pod selects this file's nodes (label scenario=<namespace>) so other files' pools never count.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {api, createNamespace, createNodePool, deleteNodePool, setNodeCondition, waitFor} from '../cluster/pools.ts'
import {clusterInfo, runCli, uniqueName, bindRole} from './helpers.ts'

const info = clusterInfo()
const client = api(info)
const ns = uniqueName('wpp')
const pool = (name: string) => `${ns}-${name}`
const here = {scenario: ns}
const nodes: string[] = []
let userKubeconfig = ''
let report: any

const GPU_TAINT = {key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule'}
const pod = (name: string, o: {selector?: Record<string, string>; requests?: Record<string, string>; limits?: Record<string, string>; volumes?: unknown[]} = {}) => ({
  metadata: {name},
  spec: {
    nodeSelector: {...here, ...o.selector},
    containers: [{name: 'app', image: 'registry.example/app:1', resources: {requests: {cpu: '100m', memory: '64Mi', ...o.requests}, ...(o.limits ? {limits: o.limits} : {})}}],
    ...(o.volumes ? {volumes: o.volumes} : {}),
  },
})
const unschedulable = (p: any) => p.status?.conditions?.some((c: any) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable')

beforeAll(async () => {
  const labels = (extra: Record<string, string> = {}) => ({...here, ...extra})
  nodes.push(...await createNodePool(info, {name: pool('general'), count: 2, cpu: '2', memory: '4Gi', labels: labels()}))
  nodes.push(...await createNodePool(info, {name: pool('gpu'), count: 2, cpu: '8', memory: '32Gi', taints: [GPU_TAINT], extra: {'nvidia.com/gpu': '1'}, labels: labels()}))
  nodes.push(...await createNodePool(info, {name: pool('small'), count: 1, cpu: '2', memory: '4Gi', labels: labels({size: 'small'})}))
  // Nodes that could not take a 2-cpu pod even when healthy, and nodes that could.
  nodes.push(...await createNodePool(info, {name: pool('weak'), count: 3, cpu: '1', memory: '4Gi', labels: labels({tier: 'weak'})}))
  nodes.push(...await createNodePool(info, {name: pool('strong'), count: 2, cpu: '4', memory: '4Gi', labels: labels({tier: 'mixed'})}))
  nodes.push(...await createNodePool(info, {name: pool('tiny'), count: 1, cpu: '1', memory: '4Gi', labels: labels({tier: 'mixed'})}))
  await setNodeCondition(info, `${pool('weak')}-0`, 'not-ready')
  await client.patch(`/api/v1/nodes/${pool('weak')}-1`, {spec: {unschedulable: true}})
  await setNodeCondition(info, `${pool('strong')}-0`, 'not-ready')
  await client.patch(`/api/v1/nodes/${pool('strong')}-1`, {spec: {unschedulable: true}})

  // The node lifecycle controller taints the NotReady nodes: before any pod exists, so none lands there.
  await waitFor(async () => {
    const [a, b] = await Promise.all([client.get(`/api/v1/nodes/${pool('weak')}-0`), client.get(`/api/v1/nodes/${pool('strong')}-0`)])
    return [a, b].every(n => (n.spec.taints ?? []).some((t: any) => t.key === 'node.kubernetes.io/not-ready'))
  }, 90_000, 'the NotReady nodes to be tainted', 500)
  await createNamespace(info, ns)
  const pods = `/api/v1/namespaces/${ns}/pods`
  await Promise.all([
    client.post(pods, pod('web-big', {requests: {memory: '6Gi'}})),
    client.post(pods, pod('trainer', {selector: {'eks.amazonaws.com/nodegroup': pool('gpu')}, limits: {'nvidia.com/gpu': '1'}})),
    client.post(pods, pod('too-small', {selector: {size: 'small'}, requests: {cpu: '3'}})),
    client.post(pods, pod('no-room-anyway', {selector: {tier: 'weak'}, requests: {cpu: '2'}})),
    client.post(pods, pod('room-once-healthy', {selector: {tier: 'mixed'}, requests: {cpu: '2'}})),
    client.post(`/api/v1/namespaces/${ns}/persistentvolumeclaims`, {metadata: {name: 'orders-data'}, spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '10Gi'}}}}),
  ])
  await client.post(pods, pod('orders-db', {volumes: [{name: 'data', persistentVolumeClaim: {claimName: 'orders-data'}}]}))

  const role = await runCli(['rbac', 'why-pending'])
  expect(role.code, role.stderr).toBe(0)
  userKubeconfig = (await bindRole(role.stdout, 'oncall')).kubeconfig

  await waitFor(async () => {
    const all = (await client.get(pods)).items
    return all.length === 6 && all.every(unschedulable)
  }, 90_000, 'the scheduler to give up on every scenario pod', 1000)

  const r = await runCli(['why-pending', '-n', ns, '-o', 'json'], {env: {KUBECONFIG: userKubeconfig}})
  expect(r.stderr).toBe('')
  expect(r.code).toBe(1)
  report = JSON.parse(r.stdout)
}, 400_000)

afterAll(async () => {
  await client.del(`/api/v1/namespaces/${ns}`).catch(() => undefined)
  await deleteNodePool(info, nodes)
})

const item = (name: string) => {
  const found = report.items.find((i: any) => i.object.name === name)
  expect(found, `no item for ${name}`).toBeDefined()
  return found
}
const categories = (name: string) => item(name).causes.map((c: any) => c.category)

describe('why-pending names only what blocks each pod', () => {
  it('keeps a pool reserved by a GPU taint out of the causes of a pod that needs no GPU, as a note', () => {
    expect(categories('web-big')).toEqual(['insufficient-resources'])
    const [c] = item('web-big').causes
    expect(c.summary).toMatch(/^needs memory 6Gi, more than any node it can use has: the largest, .*-general-\d, has 4Gi allocatable/)
    expect(c.fix).toBe('lower the memory request to at most 4Gi, or add nodes with at least 6Gi memory allocatable')
    expect(item('web-big').notes).toEqual([
      `${pool('gpu')}-0 and ${pool('gpu')}-1 are reserved for other work by taint nvidia.com/gpu=present:NoSchedule`,
      // Every 4Gi node is too small, so the sick ones are context, not causes.
      `${pool('strong')}-0 and ${pool('weak')}-0 are not ready, but the pod would not fit there anyway`,
      `${pool('strong')}-1 and ${pool('weak')}-1 are cordoned, but the pod would not fit there anyway`,
    ])
  })

  it('names only the taint for a GPU pod aimed at the GPU pool', () => {
    expect(categories('trainer')).toEqual(['taint'])
    expect(item('trainer').causes[0].nodes.names).toEqual([`${pool('gpu')}-0`, `${pool('gpu')}-1`])
    expect(item('trainer').notes).toEqual([])
  })

  it('measures a pool too small for the pod against that pool alone', () => {
    expect(categories('too-small')).toEqual(['insufficient-resources'])
    expect(item('too-small').causes[0].summary).toContain(`the largest, ${pool('small')}-0, has 2 allocatable`)
  })

  it('does not blame a NotReady or cordoned node the pod could not use anyway', () => {
    expect(categories('no-room-anyway')).toEqual(['insufficient-resources'])
    expect(item('no-room-anyway').causes[0].nodes.names).toEqual([`${pool('weak')}-2`])
    expect([...item('no-room-anyway').notes].sort()).toEqual([
      `${pool('weak')}-0 is not ready, but the pod would not fit there anyway`,
      `${pool('weak')}-1 is cordoned, but the pod would not fit there anyway`,
    ])
  })

  it('names a NotReady and a cordoned node when the pod would fit there once they are back', () => {
    expect([...categories('room-once-healthy')].sort()).toEqual(['insufficient-resources', 'node-not-ready', 'node-unschedulable'])
    const byCategory = Object.fromEntries(item('room-once-healthy').causes.map((c: any) => [c.category, c.nodes?.names]))
    expect(byCategory['node-not-ready']).toEqual([`${pool('strong')}-0`])
    expect(byCategory['node-unschedulable']).toEqual([`${pool('strong')}-1`])
  })

  it('answers an unbound claim without a default class with that alone', () => {
    expect(categories('orders-db')).toEqual(['pvc-unbound'])
    expect(item('orders-db').causes[0].summary).toBe('claim orders-data sets no storageClassName and the cluster has no default StorageClass, so nothing provisions it')
    expect(item('orders-db').notes).toEqual([])
  })

  it('counts in the summary only the causes', () => {
    expect(report.summary.byCategory).toEqual({'insufficient-resources': 4, 'taint': 1, 'node-not-ready': 1, 'node-unschedulable': 1, 'pvc-unbound': 1})
  })

  it('keeps relative times out of JSON', () => {
    expect(JSON.stringify(report)).not.toMatch(/\d+[smhd] ago|\bfor \d+[smhd]\b/)
  })

  it('writes one short line per workload first, each within 100 columns', async () => {
    const r = await runCli(['why-pending', '-n', ns], {env: {KUBECONFIG: userKubeconfig}})
    expect(r.code).toBe(1)
    const head = r.stdout.split('\n\n')[0]!.split('\n')
    expect(head[0]).toBe(`6 pods not running or not ready in namespace ${ns}:`)
    expect(head).toHaveLength(7)
    for (const line of head) expect(line.length, line).toBeLessThanOrEqual(100)
    expect(head.find(l => l.includes(' trainer '))).toMatch(/^\s+1 Pending\s+trainer\s+taint: 2 nodes have taint nvidia.com\/gpu=present:NoSchedule/)
  })
})
