// drain end to end, as a user bound to exactly the role `rbac drain` prints: a node whose
// Deployment, StatefulSet and finished Job pods move elsewhere under their PDBs; a PDB that
// allows nothing, named with its numbers; two PDBs over one pod, reported at once; throttling
// (429 without a PDB cause, from a proxy) retried; bad input; a dry run under a role that can
// only read; a pod bound to the node by spec.nodeName while the drain runs, evicted too. Every
// request the drain made is checked against the role.
import {spawn} from 'node:child_process'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {load, dump} from 'js-yaml'
import {join} from 'node:path'
import {api, createNamespace, createNodePool, deleteNodePool, waitFor} from '../cluster/pools.ts'
import {BIN, bindRole, clusterInfo, runCli, tempFile, uniqueName, type RunResult} from './helpers.ts'
import {startThrottleProxy} from './throttle-proxy.ts'

const info = clusterInfo()
const client = api(info)
const ns = uniqueName('drain')
const pool = (name: string) => `${ns}-${name}`
const nodes: string[] = []
const taints = [{key: 'scenario', value: ns, effect: 'NoSchedule'}]
let kubeconfig = ''
let readOnly = ''
let roleText = ''
const used = new Set<string>()

const template = (app: string, poolName: string) => ({
  metadata: {labels: {app}},
  spec: {
    nodeSelector: {'eks.amazonaws.com/nodegroup': poolName},
    tolerations: [{key: 'scenario', operator: 'Exists'}],
    terminationGracePeriodSeconds: 1,
    containers: [{name: 'app', image: 'registry.example/app:1', resources: {requests: {cpu: '100m', memory: '64Mi'}}}],
  },
})
const deployment = (name: string, replicas: number, poolName: string) => ({metadata: {name}, spec: {replicas, selector: {matchLabels: {app: name}}, template: template(name, poolName)}})
const pdb = (name: string, app: string, spec: object) => ({metadata: {name}, spec: {selector: {matchLabels: {app}}, ...spec}})
const path = {
  deployments: `/apis/apps/v1/namespaces/${ns}/deployments`,
  statefulsets: `/apis/apps/v1/namespaces/${ns}/statefulsets`,
  jobs: `/apis/batch/v1/namespaces/${ns}/jobs`,
  pdbs: `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`,
  pods: `/api/v1/namespaces/${ns}/pods`,
}
const podsOf = async (app: string): Promise<any[]> => (await client.get(`${path.pods}?labelSelector=app%3D${app}`)).items
const readyOn = (p: any) => p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True') && !p.metadata.deletionTimestamp ? p.spec.nodeName : undefined
const running = async (app: string, n: number) => (await podsOf(app)).filter(readyOn).length === n
const cordoned = async (node: string) => (await client.get(`/api/v1/nodes/${node}`)).spec?.unschedulable === true
const nodeReady = async (node: string) => (await client.get(`/api/v1/nodes/${node}`)).status?.conditions?.find((c: any) => c.type === 'Ready')
/** Every pod these budgets guard counted healthy, and `allowed` disruptions each, as the disruption controller last wrote. */
const budgetsSettled = (names: string[], allowed: number) => async () => {
  const all = (await client.get(path.pdbs)).items.filter((p: any) => names.includes(p.metadata.name))
  return all.length === names.length && all.every((p: any) => p.status?.observedGeneration === p.metadata.generation &&
    p.status.expectedPods > 0 && p.status.currentHealthy === p.status.expectedPods && p.status.disruptionsAllowed === allowed)
}
const budgetsObserved = async () => (await client.get(path.pdbs)).items.every((p: any) => p.status?.observedGeneration === p.metadata.generation && p.status?.expectedPods !== undefined)

/** What a -v line asks of RBAC: `PATCH https://host/api/v1/nodes/x 200 OK in 3 milliseconds`. */
function grantOf(line: string): string | undefined {
  const m = /^(GET|POST|PUT|PATCH|DELETE) (\S+) \d{3}/.exec(line)
  if (!m) return undefined
  const url = new URL(m[2]!)
  const parts = url.pathname.split('/').filter(Boolean)
  if (parts[0] !== 'api' && parts[0] !== 'apis') return undefined
  const group = parts[0] === 'api' ? '' : parts[1]!
  let rest = parts[0] === 'api' ? parts.slice(2) : parts.slice(3)
  if (rest[0] === 'namespaces' && rest.length > 2) rest = rest.slice(2)
  const [resource, name, sub] = rest
  const verb = m[1] === 'GET' ? (url.searchParams.get('watch') === 'true' ? 'watch' : name ? 'get' : 'list') : ({POST: 'create', PATCH: 'patch', PUT: 'update', DELETE: 'delete'} as Record<string, string>)[m[1]!]!
  return `${verb} ${sub ? `${resource}/${sub}` : resource}${group ? `.${group}` : ''}`
}

async function drain(args: string[], env: {KUBECONFIG: string} = {KUBECONFIG: kubeconfig}, timeoutMs = 120_000) {
  const started = Date.now()
  const r = await runCli(['drain', ...args, '-v'], {env, timeoutMs})
  if (env.KUBECONFIG === kubeconfig) for (const line of r.stderr.split('\n')) { const g = grantOf(line); if (g) used.add(g) }
  // The -v lines are left out of what the assertions read.
  const stderr = r.stderr.split('\n').filter(l => !/^(GET|POST|PUT|PATCH|DELETE) /.test(l)).join('\n')
  return {...r, stderr, ms: Date.now() - started}
}

/** A drain in the background (-o json unless told): its events (or its stderr) as they come, and its end. */
function startDrain(args: string[], o: {json?: boolean} = {}) {
  const child = spawn(process.execPath, [BIN, 'drain', ...args, ...(o.json === false ? [] : ['-o', 'json']), '-v'], {env: {...process.env, KUBECONFIG: kubeconfig, NO_COLOR: '1', CI: 'true'}, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = '', stderr = ''
  child.stdout.on('data', d => { stdout += d })
  child.stderr.on('data', d => { stderr += d })
  const events = () => stdout.split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l))
  const done = new Promise<RunResult>(res => child.on('close', code => {
    for (const line of stderr.split('\n')) { const g = grantOf(line); if (g) used.add(g) }
    res({code: code ?? -1, stdout, stderr: stderr.split('\n').filter(l => !/^(GET|POST|PUT|PATCH|DELETE) /.test(l)).join('\n')})
  }))
  return {events, stderr: () => stderr, done, kill: () => child.kill('SIGKILL')}
}

beforeAll(async () => {
  // Each scenario's pods start on one node (the only one of its pool), so the node to drain
  // holds them all; the nodes added afterwards are where the replacements go.
  nodes.push(...await createNodePool(info, {name: pool('a'), count: 1, taints}))
  nodes.push(...await createNodePool(info, {name: pool('b'), count: 1, taints}))
  nodes.push(...await createNodePool(info, {name: pool('c'), count: 1, taints}))
  nodes.push(...await createNodePool(info, {name: pool('d'), count: 1, taints}))
  nodes.push(...await createNodePool(info, {name: pool('e'), count: 1, taints}))
  nodes.push(...await createNodePool(info, {name: pool('f'), count: 1, taints}))
  await createNamespace(info, ns)
  await Promise.all([
    client.post(path.deployments, deployment('web', 3, pool('a'))),
    client.post(path.pdbs, pdb('web-pdb', 'web', {maxUnavailable: 1})),
    client.post(path.statefulsets, {metadata: {name: 'db'}, spec: {serviceName: 'db', replicas: 2, podManagementPolicy: 'Parallel', selector: {matchLabels: {app: 'db'}}, template: template('db', pool('a'))}}),
    client.post(path.pdbs, pdb('db-pdb', 'db', {minAvailable: 1})),
    client.post(path.jobs, {metadata: {name: 'once'}, spec: {backoffLimit: 0, template: {...template('once', pool('a')), spec: {...template('once', pool('a')).spec, restartPolicy: 'Never'}}}}),
    client.post(path.deployments, deployment('stuck', 1, pool('b'))),
    client.post(path.pdbs, pdb('stuck-pdb', 'stuck', {minAvailable: 1})),
    client.post(path.deployments, deployment('twin', 2, pool('c'))),
    client.post(path.pdbs, pdb('twin-a', 'twin', {maxUnavailable: 1})),
    client.post(path.pdbs, pdb('twin-b', 'twin', {maxUnavailable: 1})),
    client.post(path.deployments, deployment('thr', 2, pool('d'))),
    client.post(path.deployments, deployment('hold', 1, pool('f'))),
    client.post(path.pdbs, pdb('hold-pdb', 'hold', {minAvailable: 1})),
  ])
  await waitFor(async () => await running('web', 3) && await running('db', 2) && await running('stuck', 1) && await running('twin', 2) && await running('thr', 2) && await running('hold', 1)
    && (await podsOf('once')).some(p => p.status?.phase === 'Succeeded'), 120_000, 'the pods to run and the Job to finish')
  // Room for the replacements, in the same pools.
  nodes.push(...await createNodePool(info, {name: pool('a2'), count: 2, taints, labels: {'eks.amazonaws.com/nodegroup': pool('a')}}))
  nodes.push(...await createNodePool(info, {name: pool('d2'), count: 1, taints, labels: {'eks.amazonaws.com/nodegroup': pool('d')}}))
  nodes.push(...await createNodePool(info, {name: pool('f2'), count: 1, taints, labels: {'eks.amazonaws.com/nodegroup': pool('f')}}))
  await waitFor(budgetsObserved, 60_000, 'the PDBs to be observed')

  const role = await runCli(['rbac', 'drain'])
  expect(role.code, role.stderr).toBe(0)
  roleText = role.stdout
  // Ready when the user may get nodes: a node that does not exist is then bad input (2), not forbidden (3).
  const ready = async (kc: string) => (await runCli(['drain', 'no-such-node', '--dry-run'], {env: {KUBECONFIG: kc}})).code === 2
  kubeconfig = (await bindRole(roleText, 'drain', ready)).kubeconfig
  // Only get and list of the same resources: a dry run must need nothing more.
  const parsed = load(roleText) as {rules: {verbs: string[]}[]}
  parsed.rules = parsed.rules.map(r => ({...r, verbs: r.verbs.filter(v => v === 'get' || v === 'list')})).filter(r => r.verbs.length)
  readOnly = (await bindRole(dump(parsed).replace(/name: kubectl-prod-drain$/m, 'name: kubectl-prod-drain-ro'), 'drain-ro', ready)).kubeconfig
}, 300_000)

afterAll(async () => {
  await client.del(`/api/v1/namespaces/${ns}`).catch(() => undefined)
  await deleteNodePool(info, nodes)
})

describe('drain', () => {
  it('dry run, as a user who can only read: what would be evicted and what would wait, and nothing changes', async () => {
    const before = (await podsOf('web')).map(p => p.metadata.uid).sort()
    const r = await drain([pool('a-0'), '--dry-run'], {KUBECONFIG: readOnly})
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(new RegExp(`would evict ${ns}/web-`))
    expect(r.stderr).toMatch(new RegExp(`would delete ${ns}/once-`))
    // maxUnavailable 1 over 3 pods of this node: the first goes at once, two wait.
    expect(r.stderr.match(new RegExp(`${ns}/web-\\S+ would be refused: PDB ${ns}/web-pdb allows 1 disruption now \\(needs 2 healthy, has 3, expects 3\\), taken by 1 earlier pod`, 'g'))).toHaveLength(2)
    expect(await cordoned(pool('a-0'))).toBe(false)
    expect((await podsOf('web')).map(p => p.metadata.uid).sort()).toEqual(before)

    const blocked = await drain([pool('b-0'), '--dry-run'], {KUBECONFIG: readOnly})
    expect(blocked.code, blocked.stderr).toBe(1)
    expect(blocked.stderr).toContain(`PDB ${ns}/stuck-pdb allows 0 disruptions now (needs 1 healthy, has 1, expects 1)`)
    expect(await cordoned(pool('b-0'))).toBe(false)
  })

  it('drains a node: Deployment and StatefulSet pods move elsewhere under their PDBs, the finished Job pod is deleted', async () => {
    // Budgets that count every pod healthy and the node Ready: the API server applies them to
    // every eviction (an unready pod's eviction can pass a budget that is already met).
    await waitFor(async () => (await nodeReady(pool('a-0')))?.status === 'True' && await running('web', 3) && await running('db', 2) &&
      await budgetsSettled(['web-pdb', 'db-pdb'], 1)(), 60_000, 'the budgets to count every pod healthy')
    // The replacements land only once the drain has waited on a budget: the spare nodes stay
    // cordoned until then. (The API server retries an eviction that races another one on the same
    // PDB for a while; replacements Ready within that retry would let every eviction through, and
    // the wait this test shows would not happen.)
    const spares = [pool('a2-0'), pool('a2-1')]
    for (const n of spares) await client.patch(`/api/v1/nodes/${n}`, {spec: {unschedulable: true}})
    const d = startDrain([pool('a-0'), '--grace-period', '0', '--timeout', '100s'], {json: false})
    try {
      await waitFor(async () => /waits: PDB/.test(d.stderr()), 60_000, 'a pod to wait on its PDB')
    } catch (err) {
      d.kill()
      throw err
    } finally {
      for (const n of spares) await client.patch(`/api/v1/nodes/${n}`, {spec: {unschedulable: false}})
    }
    const r = await d.done
    // A replacement that never became Ready: where each of the scenario's pods stands, for the failure's message.
    if (r.code !== 0) {
      const state = (p: any) => `${p.metadata.name} ${p.status?.phase} node=${p.spec.nodeName ?? '-'} ${(p.status?.conditions ?? []).map((c: any) => `${c.type}=${c.status}${c.reason ? `(${c.reason}: ${c.message ?? ''})` : ''}`).join(' ')}${p.metadata.deletionTimestamp ? ' deleting' : ''}`
      r.stderr += `\n${[...await podsOf('db'), ...await podsOf('web')].map(state).join('\n')}`
    }
    expect(r.code, r.stderr).toBe(0)
    // Were a pod evicted unready, this says why (the node's Ready condition through the drain).
    const ready = await nodeReady(pool('a-0'))
    if (!/waits: PDB/.test(r.stderr)) r.stderr += `\n(node Ready ${ready?.status} since ${ready?.lastTransitionTime})`
    expect(r.stderr).toContain(`cordoned node ${pool('a-0')}`)
    expect(r.stderr).toMatch(new RegExp(`deleted ${ns}/once-\\S+ \\(Succeeded\\)`))
    // The second pod of a budget waits for the first one's replacement: named, with its numbers.
    expect(r.stderr).toMatch(new RegExp(`waits: PDB ${ns}/(web|db)-pdb allows 0 disruptions \\(needs \\d healthy, has \\d, expects \\d\\)`))
    expect(r.stderr).toContain('replacements available')
    expect(r.stdout).toMatch(new RegExp(`${pool('a-0')}\\s+drained`))
    expect(await cordoned(pool('a-0'))).toBe(true)
    const web = await podsOf('web')
    const db = await podsOf('db')
    expect(web.filter(readyOn).map(readyOn).filter(n => n === pool('a-0'))).toEqual([])
    expect(web.filter(readyOn)).toHaveLength(3)
    expect(db.filter(readyOn).map(readyOn).filter(n => n !== pool('a-0'))).toHaveLength(2)
    expect((await podsOf('once')).filter(p => p.spec.nodeName === pool('a-0'))).toEqual([])
  })

  it('names a PDB that allows 0 disruptions and, with --on-blocked fail, exits 1 within the timeout, the node left cordoned and said', async () => {
    const r = await drain([pool('b-0'), '--on-blocked', 'fail', '--timeout', '20s', '--grace-period', '0'])
    expect(r.code, r.stderr).toBe(1)
    expect(r.ms).toBeLessThan(20_000 + 8000)
    expect(r.stderr).toContain(`PDB ${ns}/stuck-pdb allows 0 disruptions (needs 1 healthy, has 1, expects 1)`)
    expect(r.stderr).toContain(`node ${pool('b-0')} stays cordoned`)
    expect(r.stdout).toContain(`left cordoned: ${pool('b-0')}`)
    expect(await cordoned(pool('b-0'))).toBe(true)
    expect((await podsOf('stuck')).map(readyOn)).toEqual([pool('b-0')])
  })

  it('reports two PDBs over one pod as a configuration error at once, not after the timeout', async () => {
    const r = await drain([pool('c-0'), '--timeout', '60s', '-o', 'json'])
    expect(r.code, r.stderr).toBe(1)
    expect(r.ms).toBeLessThan(20_000)
    const events = r.stdout.trim().split('\n').map(l => JSON.parse(l))
    const misconfigured = events.filter(e => e.type === 'misconfigured')
    expect(misconfigured.length).toBeGreaterThan(0)
    expect(misconfigured[0].message).toMatch(/is under 2 PDBs \(twin-a and twin-b\)/)
    expect(events.at(-1)).toMatchObject({type: 'failed', node: pool('c-0')})
    expect(await running('twin', 2)).toBe(true)
  })

  it('retries a 429 without a PDB cause (throttling) after its Retry-After, and the drain completes', async () => {
    let evictions = 0
    const proxy = await startThrottleProxy(info.server, join(info.stateDir, 'pki', 'apiserver.crt'), req => req.method === 'POST' && /\/eviction$/.test(req.url ?? '') && evictions++ < 2)
    try {
      const kc = proxy.kubeconfigFor(kubeconfig, tempFile('throttled.kubeconfig', ''))
      const r = await drain([pool('d-0'), '--grace-period', '0', '--timeout', '60s', '--concurrency', '1', '-o', 'json'], {KUBECONFIG: kc})
      expect(r.code, r.stderr).toBe(0)
      const events = r.stdout.trim().split('\n').map(l => JSON.parse(l))
      expect(proxy.throttled()).toBe(2)
      expect(events.filter(e => e.type === 'throttled').map(e => e.retryAfterMs)).toEqual([1000, 1000])
      expect(events.filter(e => e.type === 'blocked')).toEqual([])
      expect(events.filter(e => e.type === 'evicted')).toHaveLength(2)
      expect(events.at(-1)).toMatchObject({type: 'drained', node: pool('d-0')})
      expect((await podsOf('thr')).filter(readyOn).map(readyOn)).toEqual([pool('d2-0'), pool('d2-0')])
    } finally {
      await proxy.close()
    }
  })

  it('evicts a pod bound to the node by spec.nodeName while the drain runs, and says so, before calling the node drained', async () => {
    const node = pool('f-0')
    // The drain is held on hold-pdb (minAvailable 1 over 1 pod) until the test lets it go, so
    // the pod below reaches the node after the drain listed it, with the node cordoned.
    const d = startDrain([node, '--force', '--grace-period', '0', '--timeout', '90s'])
    try {
      await waitFor(async () => d.events().some(e => e.type === 'blocked' && e.pod?.startsWith(`${ns}/hold-`)), 60_000, 'the drain to wait on hold-pdb')
      expect(await cordoned(node)).toBe(true)
      // No scheduler is asked, so the cordon does not stop it (a DaemonSet-less agent, a static placement).
      await client.post(path.pods, {metadata: {name: 'late', labels: {app: 'late'}}, spec: {nodeName: node, terminationGracePeriodSeconds: 0,
        tolerations: [{key: 'scenario', operator: 'Exists'}], containers: [{name: 'app', image: 'registry.example/app:1'}]}})
      await waitFor(async () => (await podsOf('late')).some(readyOn), 60_000, 'the pod bound by nodeName to run on the cordoned node')
      await client.patch(`${path.pdbs}/hold-pdb`, {spec: {minAvailable: 0}})
      const r = await d.done
      expect(r.code, r.stderr + r.stdout).toBe(0)
      const events = d.events()
      const arrived = events.find(e => e.type === 'pods-arrived')
      expect(arrived, r.stdout).toMatchObject({node, pods: [`${ns}/late`]})
      expect(arrived.message).toBe(`1 pod arrived on the node during the drain (${ns}/late): evicting it too`)
      expect(events.some(e => e.type === 'evicted' && e.pod === `${ns}/late`)).toBe(true)
      expect(events.at(-1)).toMatchObject({type: 'drained', node, message: `node ${node} drained: 2 pods evicted (1 of them arrived during the drain)`})
      expect(await podsOf('late')).toEqual([])
      expect((await podsOf('hold')).filter(readyOn).map(readyOn)).toEqual([pool('f2-0')])
    } finally {
      d.kill()
    }
  })

  it('says bad input in one line, exit 2, and cordons nothing', async () => {
    const node = pool('e-0')
    for (const [args, text] of [
      [[node, 'no-such-node-x'], 'node "no-such-node-x" not found; nothing was cordoned'],
      [[node, '--timeout', 'abc'], '--timeout "abc" is not a duration'],
      [[node, '--concurrency', '0'], '--concurrency 0 is not allowed'],
      [[node, '--pod-selector', 'a in (b'], '--pod-selector "a in (b" is not a valid label selector'],
    ] as [string[], string][]) {
      const r = await drain(args)
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2)
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1)
      expect(r.stderr).toContain(text)
      expect(r.stdout).toBe('')
    }
    expect(await cordoned(node)).toBe(false)
  })

  it('asked the API server for exactly what the printed role grants', async () => {
    const granted = new Set<string>()
    const role = load(roleText) as {rules: {apiGroups: string[]; resources: string[]; verbs: string[]}[]}
    for (const rule of role.rules) for (const g of rule.apiGroups) for (const res of rule.resources) for (const v of rule.verbs) granted.add(`${v} ${res}${g ? `.${g}` : ''}`)
    expect([...used].filter(g => !granted.has(g)).sort(), 'asked but not granted').toEqual([])
    expect([...granted].filter(g => !used.has(g)).sort(), 'granted but never asked').toEqual([])
  })
})
