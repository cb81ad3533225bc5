// why-pending against the real scheduler, controllers and admission: every scenario is set up
// for real, and the CLI runs as a user bound to exactly the ClusterRole `rbac why-pending` prints.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {kubectl} from '../cluster/cluster.ts'
import {api, createNamespace, createNodePool, deleteNodePool, setNodeCondition, waitFor} from '../cluster/pools.ts'
import {clusterInfo, runCli, uniqueName, bindRole} from './helpers.ts'

const info = clusterInfo()
const client = api(info)
const ns = uniqueName('wp')
const quotaNs = uniqueName('wpq')
const pool = (name: string) => `${ns}-${name}`
const nodes: string[] = []
let userKubeconfig = ''

const container = (extra: Record<string, unknown> = {}) => ({name: 'app', image: 'registry.example/app:1', resources: {requests: {cpu: '100m', memory: '64Mi'}}, ...extra})
const pod = (name: string, spec: Record<string, unknown>, meta: Record<string, unknown> = {}) => ({metadata: {name, ...meta}, spec: {containers: [container()], ...spec}})
const deployment = (name: string, replicas: number, spec: Record<string, unknown>, labels: Record<string, string> = {}, annotations: Record<string, string> = {}) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name},
  spec: {replicas, selector: {matchLabels: {app: name}}, template: {metadata: {labels: {app: name, ...labels}, annotations}, spec: {containers: [container()], ...spec}}},
})
const onPool = (p: string) => ({nodeSelector: {'eks.amazonaws.com/nodegroup': pool(p)}})

async function podsOf(namespace: string, app?: string): Promise<any[]> {
  const q = app ? `?labelSelector=app%3D${app}` : ''
  return (await client.get(`/api/v1/namespaces/${namespace}/pods${q}`)).items
}
const unschedulable = (p: any) => p.status?.conditions?.some((c: any) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable')

beforeAll(async () => {
  // Nodes: each scenario aims its pods at its own pool.
  nodes.push(...await createNodePool(info, {name: pool('a'), count: 3, cpu: '2', memory: '4Gi'}))
  nodes.push(...await createNodePool(info, {name: pool('gpu'), count: 1, taints: [{key: 'dedicated', value: 'gpu', effect: 'NoSchedule'}]}))
  nodes.push(...await createNodePool(info, {name: pool('small'), count: 1, pods: '3'}))
  nodes.push(...await createNodePool(info, {name: pool('port'), count: 1}))
  nodes.push(...await createNodePool(info, {name: pool('zone'), count: 3, zones: ['zone-a', 'zone-b', 'zone-c']}))
  nodes.push(...await createNodePool(info, {name: pool('sick'), count: 2}))
  await client.patch(`/api/v1/nodes/${pool('zone')}-2`, {spec: {unschedulable: true}})
  await setNodeCondition(info, `${pool('sick')}-0`, 'not-ready')
  await setNodeCondition(info, `${pool('sick')}-1`, 'memory-pressure')

  await createNamespace(info, ns)
  await createNamespace(info, quotaNs)
  const post = (path: string, body: unknown) => client.post(path, body)
  const deployments = `/apis/apps/v1/namespaces/${ns}/deployments`
  const pods = `/api/v1/namespaces/${ns}/pods`
  await Promise.all([
    post(deployments, deployment('cpu-hog', 1, {...onPool('a'), containers: [container({resources: {requests: {cpu: '3'}}})]})),
    post(deployments, deployment('mem-hog', 1, {...onPool('a'), containers: [container({resources: {requests: {memory: '6Gi'}}})]})),
    post(deployments, deployment('crowd', 5, onPool('small'))),
    post(pods, pod('no-toleration', onPool('gpu'))),
    post(pods, pod('wants-ssd', {nodeSelector: {disktype: 'ssd'}})),
    post(pods, pod('wants-zone', {affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-x']}]}]}}}})),
    post(deployments, deployment('solo', 4, {...onPool('a'), affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {matchLabels: {app: 'solo'}}, topologyKey: 'kubernetes.io/hostname'}]}}})),
    post(deployments, deployment('spread', 3, {...onPool('zone'), topologySpreadConstraints: [{maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: {matchLabels: {app: 'spread'}}}]})),
    post(pods, pod('wants-cordoned', {nodeSelector: {'topology.kubernetes.io/zone': 'zone-c', 'eks.amazonaws.com/nodegroup': pool('zone')}})),
    post(pods, pod('port-1', {...onPool('port'), containers: [container({ports: [{containerPort: 8080, hostPort: 8080}]})]})),
    post(`/api/v1/namespaces/${ns}/persistentvolumeclaims`, {metadata: {name: 'data'}, spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '1Gi'}}}}),
    post(pods, pod('needs-pvc', {volumes: [{name: 'data', persistentVolumeClaim: {claimName: 'data'}}]})),
    post('/apis/storage.k8s.io/v1/storageclasses', {metadata: {name: `${ns}-wffc`}, provisioner: 'example.com/no-such-provisioner', volumeBindingMode: 'WaitForFirstConsumer'}),
    post(`/api/v1/namespaces/${ns}/persistentvolumeclaims`, {metadata: {name: 'later'}, spec: {storageClassName: `${ns}-wffc`, accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '1Gi'}}}}),
    post(pods, pod('gated', {schedulingGates: [{name: 'example.com/hold'}]})),
    post(pods, pod('custom-sched', {schedulerName: 'my-scheduler'})),
    post(deployments, deployment('unready', 1, onPool('a'), {'kubectl-prod.test/pod': 'unready'})),
    post(deployments, deployment('crasher', 1, onPool('a'), {'kubectl-prod.test/pod': 'crashloop'}, {'kubectl-prod.test/exit-reason': 'OOMKilled', 'kubectl-prod.test/exit-code': '137'})),
    post(deployments, deployment('badimage', 1, onPool('a'), {'kubectl-prod.test/pod': 'image-pull-backoff'})),
    post(`/api/v1/namespaces/${quotaNs}/resourcequotas`, {metadata: {name: 'compute'}, spec: {hard: {'requests.cpu': '1'}}}),
  ])
  await waitFor(async () => Boolean((await client.get(`${pods}/port-1`)).spec.nodeName), 60_000, 'port-1 to be scheduled')
  await post(pods, pod('port-2', {...onPool('port'), containers: [container({ports: [{containerPort: 8080, hostPort: 8080}]})]}))
  await waitFor(async () => (await client.raw('GET', `/api/v1/namespaces/${quotaNs}/resourcequotas/compute`)).body?.status?.hard !== undefined, 30_000, 'quota status')
  await post(`/apis/apps/v1/namespaces/${quotaNs}/deployments`, deployment('quota-hit', 2, {containers: [container({resources: {requests: {cpu: '600m'}}})]}))
  await post(pods, pod('later-consumer', {volumes: [{name: 'v', persistentVolumeClaim: {claimName: 'later'}}]}))

  // The user the CLI runs as: bound to exactly the printed ClusterRole.
  const role = await runCli(['rbac', 'why-pending'])
  expect(role.code, role.stderr).toBe(0)
  userKubeconfig = (await bindRole(role.stdout, 'oncall')).kubeconfig

  // Wait until the real components have spoken about every scenario.
  const byName = async (name: string) => (await podsOf(ns)).filter(p => p.metadata.name.startsWith(name))
  await waitFor(async () => {
    const all = await podsOf(ns)
    const pending = (prefix: string) => all.some(p => p.metadata.name.startsWith(prefix) && unschedulable(p))
    return ['cpu-hog', 'mem-hog', 'crowd', 'no-toleration', 'wants-ssd', 'wants-zone', 'solo', 'spread', 'wants-cordoned', 'port-2', 'needs-pvc'].every(pending)
  }, 90_000, 'the scheduler to report every unschedulable scenario', 1000)
  await waitFor(async () => {
    const [unready, crasher, badimage] = await Promise.all([byName('unready'), byName('crasher'), byName('badimage')])
    return unready.some(p => p.status?.phase === 'Running') && crasher.some(p => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff')
      && badimage.some(p => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff')
  }, 60_000, 'kwok to play the failing containers', 1000)
  await waitFor(async () => {
    const events = (await client.get(`/api/v1/namespaces/${quotaNs}/events`)).items
    return events.some((e: any) => e.reason === 'FailedCreate' && /exceeded quota/.test(e.message))
  }, 60_000, 'a FailedCreate for the quota', 1000)
  // A pod no scheduler has touched is given a few seconds before its scheduler is called missing.
  await waitFor(async () => Date.now() - Date.parse((await client.get(`${pods}/custom-sched`)).metadata.creationTimestamp) > 16_000, 30_000, 'custom-sched to be older than the grace period', 1000)
  await waitFor(async () => {
    const [sick0, sick1] = await Promise.all([client.get(`/api/v1/nodes/${pool('sick')}-0`), client.get(`/api/v1/nodes/${pool('sick')}-1`)])
    return sick0.status.conditions.some((c: any) => c.type === 'Ready' && c.status === 'False')
      && sick1.status.conditions.some((c: any) => c.type === 'MemoryPressure' && c.status === 'True')
  }, 60_000, 'the sick nodes to report their conditions', 1000)
}, 400_000)

afterAll(async () => {
  await client.del(`/api/v1/namespaces/${ns}`).catch(() => undefined)
  await client.del(`/api/v1/namespaces/${quotaNs}`).catch(() => undefined)
  await client.del(`/apis/storage.k8s.io/v1/storageclasses/${ns}-wffc`).catch(() => undefined)
  await deleteNodePool(info, nodes)
})

describe('why-pending -A -o json, as a user bound to `rbac why-pending`', () => {
  let report: any
  beforeAll(async () => {
    const r = await runCli(['why-pending', '-A', '-o', 'json'], {env: {KUBECONFIG: userKubeconfig}})
    expect(r.stderr).toBe('')
    expect(r.code).toBe(1) // something is stuck
    report = JSON.parse(r.stdout)
  })
  const item = (name: string, namespace = ns) => {
    const found = report.items.filter((i: any) => i.object.namespace === namespace && (i.object.name === name || i.object.name.startsWith(`${name}-`) || i.owner?.name === name))
    expect(found.length, `no item for ${name}`).toBeGreaterThan(0)
    return found[0]
  }
  const cause = (name: string, category: string, namespace = ns) => {
    const i = item(name, namespace)
    const c = i.causes.find((x: any) => x.category === category)
    expect(c, `${name}: no ${category} cause in ${JSON.stringify(i.causes.map((x: any) => [x.category, x.summary]))}`).toBeDefined()
    return c
  }

  it('has the contract shape', () => {
    expect(report.apiVersion).toBe('kubectl-prod/v1')
    expect(report.kind).toBe('WhyPendingReport')
    expect(report.summary.byStatus.Pending).toBeGreaterThan(0)
  })
  it('insufficient cpu: the request and the best node\'s headroom', () => {
    const c = cause('cpu-hog', 'insufficient-resources')
    expect(c.summary).toMatch(/cpu/)
    expect(c.summary).toMatch(/\b3\b/)
    expect(c.nodes.count).toBeGreaterThanOrEqual(3)
    expect(item('cpu-hog').owner).toEqual({kind: 'Deployment', name: 'cpu-hog'})
  })
  it('insufficient memory', () => {
    const c = cause('mem-hog', 'insufficient-resources')
    expect(c.summary).toMatch(/memory/)
    expect(c.summary).toMatch(/6Gi/)
  })
  it('too many pods', () => {
    const c = cause('crowd', 'too-many-pods')
    expect(c.nodes.names).toContain(`${pool('small')}-0`)
  })
  it('untolerated taint, named by key even though 1.36 no longer prints it', () => {
    const c = cause('no-toleration', 'taint')
    expect(c.summary).toContain('dedicated=gpu:NoSchedule')
    expect(c.nodes.names).toEqual([`${pool('gpu')}-0`])
  })
  it('nodeSelector: the missing label', () => {
    expect(cause('wants-ssd', 'node-affinity-selector').summary).toContain('disktype')
  })
  it('required node affinity: the label and the values nodes have', () => {
    const c = cause('wants-zone', 'node-affinity-selector')
    expect(c.summary).toContain('topology.kubernetes.io/zone')
    expect(c.summary).toMatch(/zone-x/)
  })
  it('pod anti-affinity', () => {
    const c = cause('solo', 'pod-affinity-anti-affinity')
    expect(c.nodes.count).toBeGreaterThanOrEqual(3)
  })
  it('topology spread: the domains and their counts', () => {
    const c = cause('spread', 'topology-spread')
    expect(c.summary).toMatch(/zone-a/)
  })
  it('cordoned node', () => {
    const c = cause('wants-cordoned', 'node-unschedulable')
    expect(c.nodes.names).toEqual([`${pool('zone')}-2`])
  })
  it('host port conflict, naming the port', () => {
    expect(cause('port-2', 'host-port').summary).toContain('8080')
  })
  it('PVC with no StorageClass, naming the claim', () => {
    expect(cause('needs-pvc', 'pvc-unbound').summary).toContain('data')
  })
  it('WaitForFirstConsumer with no provisioner running: waiting on the provisioner, named', () => {
    const i = item('later-consumer')
    const all = i.causes.map((c: any) => `${c.category} ${c.summary}`).join('\n')
    expect(all).toContain('example.com/no-such-provisioner')
  })
  it('scheduling gate, naming the gate', () => {
    expect(cause('gated', 'scheduling-gate').summary).toContain('example.com/hold')
  })
  it('unknown schedulerName', () => {
    expect(cause('custom-sched', 'scheduler-missing').summary).toContain('my-scheduler')
  })
  it('ResourceQuota exceeded: the workload whose pods were not created, and the quota', () => {
    const i = report.items.find((x: any) => x.object.namespace === quotaNs && x.status === 'NotCreated')
    expect(i).toBeDefined()
    const c = i.causes.find((x: any) => x.category === 'quota-limitrange')
    expect(c.summary).toContain('compute')
  })
  it('readiness probe failing, with the probe\'s output', () => {
    const i = item('unready')
    expect(i.status).toBe('NotReady')
    expect(cause('unready', 'readiness-probe').summary + JSON.stringify(cause('unready', 'readiness-probe').evidence)).toContain('503')
  })
  it('CrashLoopBackOff with the last termination', () => {
    const c = cause('crasher', 'crashloop')
    expect(c.summary).toContain('OOMKilled')
    expect(c.summary).toMatch(/137/)
  })
  it('ImagePullBackOff: image not found', () => {
    const c = cause('badimage', 'image-pull')
    expect(c.summary).toMatch(/not found/i)
    expect(c.summary).toContain('registry.example/app:1')
  })
  it('NotReady node: the kubelet\'s reason', () => {
    const n = report.nodes.find((x: any) => x.name === `${pool('sick')}-0`)
    expect(n.ready).toBe('False')
    const c = n.causes.find((x: any) => x.category === 'node-not-ready')
    expect(c.summary).toMatch(/cni|network/i)
  })
  it('memory pressure', () => {
    const n = report.nodes.find((x: any) => x.name === `${pool('sick')}-1`)
    expect(n.causes.some((x: any) => x.category === 'node-pressure' && /memory/i.test(x.summary))).toBe(true)
  })
})

describe('why-pending, one target at a time', () => {
  it('explains one Deployment in text, exit 1', async () => {
    const r = await runCli(['why-pending', 'deploy/cpu-hog', '-n', ns], {env: {KUBECONFIG: userKubeconfig}})
    expect(r.code, r.stderr).toBe(1)
    expect(r.stdout).toContain(`Deployment ${ns}/cpu-hog`)
    expect(r.stdout).toContain('insufficient-resources')
    expect(r.stdout).not.toContain('mem-hog')
  })
  it('explains a node', async () => {
    const r = await runCli(['why-pending', `node/${pool('sick')}-0`, '-o', 'json'], {env: {KUBECONFIG: userKubeconfig}})
    expect(r.code).toBe(1)
    const doc = JSON.parse(r.stdout)
    expect(doc.nodes.map((n: any) => n.name)).toEqual([`${pool('sick')}-0`])
  })
  it('exits 0 when nothing is stuck', async () => {
    const r = await runCli(['why-pending', '-n', 'default'], {env: {KUBECONFIG: userKubeconfig}})
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.stdout).toMatch(/Nothing is Pending or NotReady in namespace default/)
  })
  it('-o wide: one row per pod of the namespace, with its node, owner, first cause and age; --no-headers drops only the header', async () => {
    const json = JSON.parse((await runCli(['why-pending', '-n', ns, '-o', 'json'], {env: {KUBECONFIG: userKubeconfig}})).stdout)
    const r = await runCli(['why-pending', '-n', ns, '-o', 'wide'], {env: {KUBECONFIG: userKubeconfig}})
    expect(r.code, r.stderr).toBe(1)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^NAME\s+STATUS\s+NODE\s+OWNER\s+CAUSE\s+AGE$/)
    // Pods and workloads of this namespace; node rows for the nodes with problems.
    const items = json.items.length + json.nodes.filter((n: any) => n.causes.length).length
    expect(lines).toHaveLength(items + 1)
    for (const i of json.items.filter((x: any) => x.status !== 'NotCreated')) {
      const row = lines.find(l => l.startsWith(`${i.object.name} `))
      expect(row, i.object.name).toBeDefined()
      expect(row!.split(/\s{3,}/).slice(1, 4)).toEqual([i.status, i.node ?? '<none>', i.owner ? `${i.owner.kind.toLowerCase()}/${i.owner.name}` : '<none>'])
      expect(row).toContain(`${i.causes[0].category}: `)
    }
    // The pod running on a NotReady node names it; an unscheduled one has none.
    expect(json.items.some((i: any) => i.node)).toBe(true)
    expect(json.items.some((i: any) => i.status === 'Pending' && !i.node)).toBe(true)
    const bare = await runCli(['why-pending', '-n', ns, '-o', 'wide', '--no-headers'], {env: {KUBECONFIG: userKubeconfig}})
    expect(bare.stdout.trimEnd().split('\n').map(l => l.split(/\s{3,}/).slice(0, 4))).toEqual(lines.slice(1).map(l => l.split(/\s{3,}/).slice(0, 4)))
    // Nothing stuck: no header, the answer on stderr, exit 0.
    const clear = await runCli(['why-pending', '-n', 'default', '-o', 'wide'], {env: {KUBECONFIG: userKubeconfig}})
    expect([clear.code, clear.stdout, clear.stderr]).toEqual([0, '', 'Nothing is Pending or NotReady in namespace default.\n'])
  })
  it('-o markdown: a ticket-ready answer with absolute times; --no-headers without -o wide is one line, exit 2', async () => {
    const r = await runCli(['why-pending', 'deploy/cpu-hog', '-n', ns, '-o', 'markdown'], {env: {KUBECONFIG: userKubeconfig}})
    expect(r.code, r.stderr).toBe(1)
    expect(r.stdout).toMatch(new RegExp(`^## why-pending: \\d+ pods? not running or not ready in deployment/cpu-hog in namespace ${ns}\\n`))
    expect(r.stdout).toMatch(/\| \d+ \| Pending \| Deployment \S+\/cpu-hog \| insufficient-resources: /)
    expect(r.stdout).toMatch(/since \d{4}-\d\d-\d\dT/)
    expect(r.stdout).not.toMatch(/\b\d+[smhd] ago\b/)
    const bad = await runCli(['why-pending', '-n', ns, '--no-headers'], {env: {KUBECONFIG: userKubeconfig}})
    expect([bad.code, bad.stdout, bad.stderr.trim().split('\n').length]).toEqual([2, '', 1])
    expect(bad.stderr).toMatch(/^error: --no-headers applies to -o wide only/)
  })
  it('names a missing pod in one line, exit 2', async () => {
    const r = await runCli(['why-pending', 'pod/no-such-pod', '-n', ns], {env: {KUBECONFIG: userKubeconfig}})
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toMatch(/^error: pod "no-such-pod" not found in namespace/)
  })
  it('offers a searchable pick list in a terminal and shows the workload chosen', async () => {
    const {spawnSync} = await import('node:child_process')
    const {BIN} = await import('./helpers.ts')
    const session = uniqueName('pick')
    const capture = () => spawnSync('tmux', ['capture-pane', '-p', '-t', session], {encoding: 'utf8'}).stdout
    const script = `env -u CI NO_COLOR=1 KUBECONFIG=${userKubeconfig} ${process.execPath} ${BIN} why-pending -n ${ns}; echo EXIT=$?; sleep 60`
    expect(spawnSync('tmux', ['new-session', '-d', '-s', session, '-x', '220', '-y', '60', script]).status).toBe(0)
    try {
      await waitFor(async () => capture().includes('Which workload?'), 30_000, 'the pick list')
      spawnSync('tmux', ['send-keys', '-t', session, '-l', 'cpu-hog'])
      await waitFor(async () => !capture().includes('mem-hog'), 10_000, 'the list to filter')
      spawnSync('tmux', ['send-keys', '-t', session, 'Enter'])
      await waitFor(async () => capture().includes('EXIT='), 30_000, 'the answer')
      const screen = capture()
      expect(screen).toContain(`Deployment ${ns}/cpu-hog`)
      expect(screen).toContain('insufficient-resources')
      expect(screen).not.toContain(`Deployment ${ns}/mem-hog`)
      expect(screen).toContain('EXIT=1')
    } finally {
      spawnSync('tmux', ['kill-session', '-t', session])
    }
  })
  it('never prompts without a terminal', async () => {
    const r = await runCli(['why-pending', '-n', ns], {env: {KUBECONFIG: userKubeconfig}})
    expect(r.stderr).not.toContain('Which workload?')
    expect(r.stdout).toContain(`Deployment ${ns}/mem-hog`)
  })
  it('answers the same offline from a kubectl dump', async () => {
    const json = await kubectl(info, ['get', 'pods,events,nodes,pvc,pv,storageclasses,replicasets,deployments,resourcequotas', '-A', '-o', 'json'])
    const {tempFile} = await import('./helpers.ts')
    const file = tempFile('dump.json', json)
    const r = await runCli(['why-pending', '--from-dump', file, '-o', 'json'], {env: {KUBECONFIG: '/nonexistent'}})
    expect(r.code, r.stderr).toBe(1)
    const doc = JSON.parse(r.stdout)
    const taint = doc.items.find((i: any) => i.object.name === 'no-toleration')
    expect(taint.causes.some((c: any) => c.category === 'taint' && c.summary.includes('dedicated=gpu:NoSchedule'))).toBe(true)
    const quota = doc.items.find((i: any) => i.object.namespace === quotaNs && i.status === 'NotCreated')
    expect(quota.causes[0].category).toBe('quota-limitrange')
  })
})
