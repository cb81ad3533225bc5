// nodepool list and nodepool upgrade against the real control plane, with kwok nodes: pools
// whose Deployments run under PDBs are walked to a new kubelet version by a hook that moves each
// node's kubelet (a status patch, as a real upgrade would make the kubelet report), as a user
// bound to exactly the role `rbac nodepool-upgrade` prints. A walk killed with SIGKILL is
// resumed; a second walk of a locked pool is refused; bad input changes nothing.
import {readFileSync} from 'node:fs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {dump, load} from 'js-yaml'
import {api, createNamespace, createNodePool, deleteNodePool, waitFor} from '../cluster/pools.ts'
import {sleep} from '../cluster/cluster.ts'
import {bindRole, clusterInfo, runCli, startCli, tempFile, uniqueName, upgradeHook} from './helpers.ts'

const info = clusterInfo()
const client = api(info)
const ns = uniqueName('nodepool')
const id = ns.slice('nodepool-'.length)
const walkPool = `walk-${id}`
const killPool = `kill-${id}`
const replPool = `repl-${id}`
const surgePool = `surge-${id}`
const taints = [{key: 'scenario', value: 'nodepool', effect: 'NoSchedule'}]
const nodes: string[] = []
let kubeconfig = ''
let readOnly = ''
let hookLog = ''
let hook = ''
let slowHook = ''

const deployment = (name: string, pool: string) => ({
  metadata: {name},
  spec: {
    replicas: 3, selector: {matchLabels: {app: name}},
    template: {
      metadata: {labels: {app: name}},
      spec: {
        nodeSelector: {'eks.amazonaws.com/nodegroup': pool},
        tolerations: [{key: 'scenario', operator: 'Exists'}],
        terminationGracePeriodSeconds: 1,
        containers: [{name: 'app', image: 'registry.example/app:1', resources: {requests: {cpu: '100m', memory: '64Mi'}}}],
      },
    },
  },
})
const pdb = (app: string) => ({metadata: {name: `${app}-pdb`}, spec: {maxUnavailable: 1, selector: {matchLabels: {app}}}})
const getNode = (name: string) => client.get(`/api/v1/nodes/${name}`)
const readyPods = async (app: string) => (await client.get(`/api/v1/namespaces/${ns}/pods?labelSelector=app%3D${app}`)).items
  .filter((p: any) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')).length
const budgetsObserved = async () => (await client.get(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`)).items
  .every((p: any) => p.status?.observedGeneration === p.metadata.generation && p.status?.expectedPods === 3)
const poolNodes = (pool: string) => [0, 1, 2].map(i => `${pool}-${i}`)
const anyCordoned = async (pool: string) => (await Promise.all(poolNodes(pool).map(getNode))).some(n => n.spec?.unschedulable === true)
const anyAnnotated = async (pool: string) => (await Promise.all(poolNodes(pool).map(getNode))).some(n => Object.keys(n.metadata.annotations ?? {}).some(k => k.startsWith('kubectl-prod.io/')))
const events = (stdout: string) => stdout.split('\n').filter(Boolean).map(l => JSON.parse(l) as {type: string; node?: string; message: string; kind?: string; status?: string})

const upgradeTo = (target: string, pool: string, ...args: string[]) => ['nodepool', 'upgrade', pool, '--target-version', target, ...args]
const upgrade = (pool: string, ...args: string[]) => upgradeTo('1.37', pool, ...args)

/** What a -v line asks of RBAC: `PATCH https://host/api/v1/nodes/x 200 OK in 3 milliseconds` -> "patch nodes". */
function grantOf(line: string): string | undefined {
  const m = /^(GET|POST|PUT|PATCH|DELETE) (\S+) (\d{3})/.exec(line)
  if (!m || m[3] === '403') return undefined
  const url = new URL(m[2]!)
  const parts = url.pathname.split('/').filter(Boolean)
  if (parts[0] !== 'api' && parts[0] !== 'apis') return undefined
  const group = parts[0] === 'api' ? '' : parts[1]!
  let rest = parts[0] === 'api' ? parts.slice(2) : parts.slice(3)
  if (rest[0] === 'namespaces' && rest.length > 2) rest = rest.slice(2)
  const [resource, name, sub] = rest
  if (!resource) return undefined
  const verb = m[1] === 'GET' ? (url.searchParams.get('watch') === 'true' ? 'watch' : name ? 'get' : 'list') : ({POST: 'create', PATCH: 'patch', PUT: 'update', DELETE: 'delete'} as Record<string, string>)[m[1]!]!
  return `${verb} ${sub ? `${resource}/${sub}` : resource}${group ? `.${group}` : ''}`
}
const used = new Set<string>()

/** Runs the CLI as the user bound to the role, with -v: the requests it makes are collected, and the -v lines left out of stderr. */
async function walkAs(args: string[], timeoutMs = 90_000) {
  const r = await runCli([...args, '-v'], {env: {KUBECONFIG: kubeconfig}, timeoutMs})
  for (const line of r.stderr.split('\n')) { const g = grantOf(line); if (g) used.add(g) }
  return {...r, stderr: r.stderr.split('\n').filter(l => !/^(GET|POST|PUT|PATCH|DELETE) /.test(l)).join('\n')}
}

beforeAll(async () => {
  await createNamespace(info, ns)
  nodes.push(...await createNodePool(info, {name: walkPool, count: 3, taints, kubeletVersion: 'v1.36.4'}))
  nodes.push(...await createNodePool(info, {name: killPool, count: 3, taints, kubeletVersion: 'v1.36.4'}))
  nodes.push(...await createNodePool(info, {name: replPool, count: 2, taints, kubeletVersion: 'v1.36.4'}))
  nodes.push(...await createNodePool(info, {name: surgePool, count: 2, taints, kubeletVersion: 'v1.36.4'}))
  await client.post(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('web', walkPool))
  await client.post(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('shop', killPool))
  await client.post(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`, pdb('web'))
  await client.post(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`, pdb('shop'))
  await client.post(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('cart', replPool))
  await client.post(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`, pdb('cart'))
  await client.post(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('tick', surgePool))
  await client.post(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`, pdb('tick'))
  await waitFor(async () => await readyPods('web') === 3 && await readyPods('shop') === 3 && await readyPods('cart') === 3 && await readyPods('tick') === 3, 60_000, '3 Ready pods of each Deployment')
  await waitFor(budgetsObserved, 60_000, 'the PDBs to be observed')

  // The hook moves the node's kubelet to the target, with the admin identity (a kubelet reports
  // its own status), and logs what it was told.
  hookLog = tempFile('hook.log', '')
  const before = (pause: number) => [
    `echo "$KUBECTL_PROD_NODE $KUBECTL_PROD_POOL $KUBECTL_PROD_TARGET_VERSION $KUBECONFIG" >> ${hookLog}`,
    'echo "upgrading $KUBECTL_PROD_NODE"',
    `sleep ${pause}`,
  ]
  hook = upgradeHook(info, 'hook.sh', before(0))
  slowHook = upgradeHook(info, 'slow-hook.sh', before(3))

  const role = await runCli(['rbac', 'nodepool-upgrade'])
  expect(role.code, role.stderr).toBe(0)
  // Ready when the user may list nodes: an unknown pool is then bad input (2), not forbidden (3).
  const ready = async (kc: string) => (await runCli(upgrade('no-such-pool', '--replace'), {env: {KUBECONFIG: kc}})).code === 2
  kubeconfig = (await bindRole(role.stdout, 'nodepool-upgrade', ready)).kubeconfig
  // The same rules with only get, list and watch: a dry run must need nothing more.
  const parsed = load(role.stdout) as {rules: {verbs: string[]}[]}
  parsed.rules = parsed.rules.map(r => ({...r, verbs: r.verbs.filter(v => ['get', 'list', 'watch'].includes(v))})).filter(r => r.verbs.length)
  readOnly = (await bindRole(dump(parsed).replace(/name: kubectl-prod-nodepool-upgrade$/m, 'name: kubectl-prod-nodepool-upgrade-ro'), 'nodepool-ro', ready)).kubeconfig
}, 300_000)

afterAll(async () => {
  await client.del(`/api/v1/namespaces/${ns}`).catch(() => undefined)
  await deleteNodePool(info, nodes)
  for (const pool of [replPool, surgePool]) {
    const successors = (await client.get(`/api/v1/nodes?labelSelector=eks.amazonaws.com%2Fnodegroup%3D${pool}`)).items.map((n: any) => n.metadata.name)
    await deleteNodePool(info, successors)
  }
  for (const pool of [walkPool, killPool, replPool, surgePool]) await client.del(`/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kubectl-prod-walk-${pool}`).catch(() => undefined)
})

describe('nodepool list', () => {
  it('lists the pool with its size, health, kubelets and zones, as text and as JSON', async () => {
    const json = await runCli(['nodepool', 'list', '-o', 'json'])
    expect(json.code, json.stderr).toBe(0)
    const doc = JSON.parse(json.stdout)
    expect(doc).toMatchObject({apiVersion: 'kubectl-prod/v1', kind: 'NodePoolList'})
    expect(doc.items.find((p: any) => p.name === walkPool)).toEqual({
      name: walkPool, label: 'eks.amazonaws.com/nodegroup', nodes: 3, ready: 3, cordoned: 0,
      kubelets: [{version: '1.36', nodes: poolNodes(walkPool)}], zones: ['zone-a', 'zone-b', 'zone-c'],
    })
    const text = await runCli(['nodepool', 'list'])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/^POOL\s+NODES\s+READY\s+CORDONED\s+KUBELETS\s+ZONES/)
    expect(text.stdout).toMatch(new RegExp(`^${walkPool}\\s+3\\s+3/3\\s+0\\s+1\\.36 \\(3\\)\\s+zone-a, zone-b, zone-c$`, 'm'))
  })

  it('--no-headers prints the rows alone; with -o json it is one line, exit 2', async () => {
    const text = await runCli(['nodepool', 'list'])
    const bare = await runCli(['nodepool', 'list', '--no-headers'])
    expect(bare.code, bare.stderr).toBe(0)
    expect(bare.stdout.split('\n').map(l => l.split(/\s{2,}/))).toEqual(text.stdout.split('\n').slice(1).map(l => l.split(/\s{2,}/)))
    const bad = await runCli(['nodepool', 'list', '--no-headers', '-o', 'json'])
    expect([bad.code, bad.stdout, bad.stderr.trim().split('\n').length]).toEqual([2, '', 1])
    expect(bad.stderr).toMatch(/^error: --no-headers applies to the table only, not to -o json/)
  })

  it('groups by --pool-label', async () => {
    const r = await runCli(['nodepool', 'list', '--pool-label', 'topology.kubernetes.io/zone', '-o', 'yaml'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('kind: NodePoolList')
    expect(r.stdout).toMatch(/- name: zone-a\n\s+label: topology.kubernetes.io\/zone/)
  })
})

describe('nodepool upgrade', () => {
  it.each([
    ['an unknown pool', upgrade('no-such-pool', '--hook', 'true', '--yes'), 'no node pool "no-such-pool"'],
    ['a bad window', upgrade(walkPool, '--hook', 'true', '--yes', '--window', 'Caturday 02:00-06:00 UTC'), 'unknown day "Caturday"'],
    ['an unknown time zone', upgrade(walkPool, '--hook', 'true', '--yes', '--window', 'Sat 02:00-06:00 Mars/Olympus'), 'unknown time zone "Mars/Olympus"'],
    ['a hook that does not exist', upgrade(walkPool, '--hook', '/nonexistent/upgrade-node.sh', '--yes'), '"/nonexistent/upgrade-node.sh", which is not an executable file'],
    ['--max-unavailable 0', upgrade(walkPool, '--hook', 'true', '--yes', '--max-unavailable', '0'), '--max-unavailable "0" must be a whole number of nodes, 1 or more'],
    ['--surge without --replace', upgrade(walkPool, '--hook', 'true', '--yes', '--surge', '1'), '--surge needs --replace'],
    ['--surge 0', upgrade(walkPool, '--replace', '--yes', '--surge', '0'), '--surge "0" must be a whole number of nodes, 1 or more'],
    ['a negative --surge', upgrade(walkPool, '--replace', '--yes', '--surge=-2'), '--surge "-2" must be a whole number of nodes, 1 or more'],
    ['no way to upgrade the nodes and no terminal to ask in', upgrade(walkPool, '--yes'), "say how each node is upgraded; give --hook 'CMD' (run for each drained node) or --replace (wait for a new node); or run it at a terminal"],
  ])('refuses %s: one line, exit 2, nothing cordoned', async (_what, args, line) => {
    const r = await walkAs(args)
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain(line)
    expect(r.stdout).toBe('')
    expect(await anyCordoned(walkPool)).toBe(false)
    expect(await anyAnnotated(walkPool)).toBe(false)
  })

  it('starts no node when the window has closed: exit 1, saying what remains', async () => {
    const r = await walkAs(upgrade(walkPool, '--hook', hook, '--yes', '--until', '2020-01-01T00:00:00Z'))
    expect(r.code, r.stderr).toBe(1)
    expect(r.stderr).toContain(`not starting ${walkPool}-0: the window 2020-01-01T00:00:00Z is closed`)
    expect(r.stdout).toContain(`remaining: ${poolNodes(walkPool).join(', ')}`)
    expect(await anyCordoned(walkPool)).toBe(false)
    expect(await anyAnnotated(walkPool)).toBe(false)
  })

  it('dry run, as a user who can only read: says what it would do, changes nothing', async () => {
    const r = await runCli(upgrade(walkPool, '--hook', hook, '--dry-run', '-o', 'json'), {env: {KUBECONFIG: readOnly}})
    expect(r.code, r.stderr).toBe(0)
    const es = events(r.stdout)
    expect(es.filter(e => e.type === 'node-started').map(e => e.node)).toEqual(poolNodes(walkPool))
    expect(es.at(-1)).toMatchObject({kind: 'NodePoolWalk', status: 'dry-run'})
    expect(await anyCordoned(walkPool)).toBe(false)
    expect(await anyAnnotated(walkPool)).toBe(false)
  })

  it('walks a pool to the end with a hook: every PDB held, all nodes at the target and uncordoned', async () => {
    // A watcher samples the Deployment's Ready pods throughout: the PDB allows one down at a time.
    let lowest = 3
    let watching = true
    const watcher = (async () => {
      while (watching) { lowest = Math.min(lowest, await readyPods('web')); await sleep(100) }
    })()
    const r = await walkAs(upgrade(walkPool, '--hook', hook, '--yes', '-o', 'json'), 240_000)
    watching = false
    await watcher
    expect(r.code, r.stderr).toBe(0)
    const es = events(r.stdout)
    expect(es.filter(e => e.type === 'drained').map(e => e.node)).toEqual(poolNodes(walkPool))
    expect(es.filter(e => e.type === 'uncordoned').map(e => e.node)).toEqual(poolNodes(walkPool))
    expect(es.some(e => e.type === 'drain')).toBe(true)
    expect(es.at(-1)).toMatchObject({kind: 'NodePoolWalk', status: 'done', remaining: []})
    expect(lowest).toBeGreaterThanOrEqual(2)
    for (const name of poolNodes(walkPool)) {
      const node = await getNode(name)
      expect(node.spec?.unschedulable ?? false).toBe(false)
      expect(node.status.nodeInfo.kubeletVersion).toBe('v1.37.0')
      expect(node.metadata.annotations['kubectl-prod.io/walk-step']).toBe('done')
    }
    expect(await readyPods('web')).toBe(3)
    const told = readFileSync(hookLog, 'utf8').split('\n').filter(l => l.includes(walkPool))
    expect(told).toEqual(poolNodes(walkPool).map(n => `${n} ${walkPool} 1.37 ${kubeconfig}`))
    // The Lease is free again.
    const lease = await client.get(`/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kubectl-prod-walk-${walkPool}`)
    expect(lease.spec.holderIdentity ?? null).toBeNull()
    expect(lease.metadata.annotations['kubectl-prod.io/walk-state']).toBe('done')
  })

  it('refuses a second walk while the Lease is held; resumes a walk killed with SIGKILL without draining a node twice or uncordoning a node cordoned before', async () => {
    const preCordoned = `${killPool}-1`
    await client.patch(`/api/v1/nodes/${preCordoned}`, {spec: {unschedulable: true}})
    const first = await startCli(upgrade(killPool, '--hook', slowHook, '--yes', '-o', 'json', '--lease-duration', '4s'),
      line => /"type":"hand-over".*"message":"hook: upgrading /.test(line))

    const second = await walkAs(upgrade(killPool, '--hook', hook, '--yes'))
    expect(second.code, second.stderr).toBe(1)
    expect(second.stderr.trim().split('\n')).toHaveLength(1)
    expect(second.stderr).toMatch(new RegExp(`pool ${killPool} is being walked by \\S+@\\S+ \\(pid \\d+, walk \\S+\\) \\(Lease kube-system/kubectl-prod-walk-${killPool}, held until \\S+ unless renewed\\)`))

    await first.kill()
    const before = events(first.stdout())
    const drainedBefore = before.filter(e => e.type === 'drained').map(e => e.node)
    expect(drainedBefore).toEqual([`${killPool}-0`])
    const mid = await getNode(`${killPool}-0`)
    expect(mid.spec.unschedulable).toBe(true)
    expect(mid.metadata.annotations['kubectl-prod.io/walk-step']).toBe('drained')

    // Without --resume, the unfinished walk is said; with it, the walk goes on once the dead walk's Lease expires.
    await sleep(4500)
    const fresh = await walkAs(upgrade(killPool, '--hook', hook, '--yes'))
    expect(fresh.code, fresh.stderr).toBe(2)
    expect(fresh.stderr).toContain(`pool ${killPool} has an unfinished walk`)
    const resumed = await walkAs(upgrade(killPool, '--hook', hook, '--yes', '--resume', '-o', 'json'), 240_000)
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0)
    const after = events(resumed.stdout)
    expect(after.find(e => e.type === 'lease-acquired')?.message).toContain('taken over from')
    expect(after.filter(e => e.type === 'draining').map(e => e.node)).toEqual([`${killPool}-1`, `${killPool}-2`])
    expect([...drainedBefore, ...after.filter(e => e.type === 'drained').map(e => e.node)].sort()).toEqual(poolNodes(killPool))
    expect(after.find(e => e.node === preCordoned && e.type === 'already-cordoned')).toBeDefined()
    expect(after.find(e => e.node === preCordoned && e.type === 'left-cordoned')).toBeDefined()
    for (const name of poolNodes(killPool)) {
      const node = await getNode(name)
      expect(node.spec?.unschedulable ?? false, name).toBe(name === preCordoned)
      expect(node.status.nodeInfo.kubeletVersion, name).toBe('v1.37.0')
      expect(node.metadata.annotations['kubectl-prod.io/walk-step'], name).toBe('done')
    }
    expect((await getNode(preCordoned)).metadata.annotations['kubectl-prod.io/walk-cordoned']).toBe('false')
    expect(await readyPods('shop')).toBe(3)
  })

  it('Ctrl-C stops the walk at once, frees the Lease, says how to go on; --resume then finishes it', async () => {
    const started = await startCli(upgradeTo('1.38', walkPool, '--hook', slowHook, '--yes', '-o', 'json'),
      line => /"type":"hand-over".*"message":"hook: upgrading /.test(line), kubeconfig)
    const code = await started.kill('SIGINT')
    expect(code, started.stderr()).toBe(130)
    expect(started.stderr()).toContain(`interrupted; the walk's state is kept on the nodes of pool ${walkPool}: run the same command with --resume to continue`)
    const lease = await client.get(`/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kubectl-prod-walk-${walkPool}`)
    expect(lease.spec.holderIdentity ?? null).toBeNull()
    expect(lease.metadata.annotations['kubectl-prod.io/walk-state']).toBe('stopped')
    const first = await getNode(`${walkPool}-0`)
    expect(first.spec.unschedulable).toBe(true)
    expect(first.metadata.annotations['kubectl-prod.io/walk-step']).toBe('drained')

    const resumed = await walkAs(upgradeTo('1.38', walkPool, '--hook', hook, '--yes', '--resume'), 240_000)
    expect(resumed.code, resumed.stderr).toBe(0)
    // Text output: timestamped lines on stderr, the summary on stdout.
    expect(resumed.stderr).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d ${walkPool}-1  draining`, 'm'))
    expect(resumed.stderr).not.toContain(`${walkPool}-0  draining`)
    expect(resumed.stdout).toMatch(new RegExp(`^Walk \\S+ of pool ${walkPool} to 1\\.38: done: every node is at 1\\.38`))
    for (const name of poolNodes(walkPool)) {
      const node = await getNode(name)
      expect(node.spec?.unschedulable ?? false, name).toBe(false)
      expect(node.status.nodeInfo.kubeletVersion, name).toBe('v1.38.0')
    }
  })

  it('with --replace, waits for each drained node to be replaced: the new nodes end up in the pool, none of the old', async () => {
    // The test plays the cloud: a node the walk has drained is deleted and a successor joins the pool.
    let replacing = true
    const made: string[] = []
    const replacer = (async () => {
      while (replacing) {
        const list = (await client.get(`/api/v1/nodes?labelSelector=eks.amazonaws.com%2Fnodegroup%3D${replPool}`)).items
        for (const n of list) {
          if (n.metadata.annotations?.['kubectl-prod.io/walk-step'] !== 'drained') continue
          await client.del(`/api/v1/nodes/${n.metadata.name}`)
          const name = `${replPool}-new${made.length}`
          made.push(...await createNodePool(info, {name, count: 1, taints, kubeletVersion: 'v1.37.0', labels: {'eks.amazonaws.com/nodegroup': replPool}, wait: false}))
        }
        await sleep(200)
      }
    })()
    const r = await walkAs(upgrade(replPool, '--replace', '--yes', '-o', 'json', '--hand-over-timeout', '60s'), 240_000)
    replacing = false
    await replacer
    expect(r.code, r.stdout).toBe(0)
    const es = events(r.stdout)
    expect(es.filter(e => e.type === 'handed-over').map(e => e.message)).toEqual([`${replPool}-0 was replaced by ${made[0]}`, `${replPool}-1 was replaced by ${made[1]}`])
    expect(es.filter(e => e.type === 'node-done').map(e => e.node)).toEqual(made)
    const now = (await client.get(`/api/v1/nodes?labelSelector=eks.amazonaws.com%2Fnodegroup%3D${replPool}`)).items.map((n: any) => n.metadata.name).sort()
    expect(now).toEqual([...made].sort())
    await waitFor(async () => await readyPods('cart') === 3, 60_000, 'the cart pods to run on the new nodes')
  })

  it('with --replace --surge 1: cordons the node, drains it only once a new node has joined; resumed, it does not wait again for that node', async () => {
    const old = poolNodes(surgePool).slice(0, 2)
    const podsOn = async (node: string) => (await client.get(`/api/v1/namespaces/${ns}/pods?fieldSelector=spec.nodeName%3D${node}`)).items
      .filter((p: any) => !p.metadata.deletionTimestamp).map((p: any) => p.metadata.uid as string).sort()
    const before = await podsOn(old[0]!)
    expect(before.length).toBeGreaterThan(0)
    // No new node joins: the walk cordons the first node, waits, and evicts nothing. Then it is killed.
    const first = await startCli(upgrade(surgePool, '--replace', '--surge', '1', '--yes', '-o', 'json', '--lease-duration', '4s'),
      line => /"type":"hand-over".*"message":"surge: waiting for 1 new node Ready at 1\.37 to join pool /.test(line))
    const waiting = await getNode(old[0]!)
    expect(waiting.spec.unschedulable).toBe(true)
    expect(waiting.metadata.annotations['kubectl-prod.io/walk-step']).toBe('cordoned')
    expect(await podsOn(old[0]!)).toEqual(before)
    await first.kill()
    expect(events(first.stdout()).filter(e => e.type === 'drain' || e.type === 'draining')).toEqual([])
    const lease = await client.get(`/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kubectl-prod-walk-${surgePool}`)
    const known = (await Promise.all(old.map(getNode))).map(n => n.metadata.uid).sort().join(',')
    expect(lease.metadata.annotations['kubectl-prod.io/walk-nodes']).toBe(known)

    // The test plays the cloud: one new node joins now (the surge); each drained node is then deleted
    // and, while old nodes remain, a new one made in its place, never more than the pool plus one.
    const made = [...await createNodePool(info, {name: `${surgePool}-new0`, count: 1, taints, kubeletVersion: 'v1.37.0', labels: {'eks.amazonaws.com/nodegroup': surgePool}, wait: false})]
    const gone: string[] = []
    let cloud = true
    const provider = (async () => {
      while (cloud) {
        for (const n of (await client.get(`/api/v1/nodes?labelSelector=eks.amazonaws.com%2Fnodegroup%3D${surgePool}`)).items) {
          if (n.metadata.annotations?.['kubectl-prod.io/walk-step'] !== 'drained') continue
          await client.del(`/api/v1/nodes/${n.metadata.name}`)
          gone.push(n.metadata.name)
          if (gone.length < old.length) made.push(...await createNodePool(info, {name: `${surgePool}-new${made.length}`, count: 1, taints, kubeletVersion: 'v1.37.0', labels: {'eks.amazonaws.com/nodegroup': surgePool}, wait: false}))
        }
        await sleep(200)
      }
    })()
    // Once the killed walk's Lease has expired, --resume goes on without waiting for another node.
    await waitFor(async () => {
      const l = await client.get(`/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kubectl-prod-walk-${surgePool}`)
      return Date.parse(l.spec.renewTime) + l.spec.leaseDurationSeconds * 1000 < Date.now()
    }, 30_000, 'the killed walk\'s Lease to expire', 200)
    const resumed = await walkAs(upgrade(surgePool, '--replace', '--surge', '1', '--yes', '--resume', '-o', 'json', '--hand-over-timeout', '45s'), 240_000)
    cloud = false
    await provider
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0)
    const es = events(resumed.stdout)
    const ofFirst = es.filter(e => e.node === old[0])
    const joined = ofFirst.findIndex(e => e.type === 'hand-over' && e.message.startsWith('surge: 1 new node Ready at 1.37'))
    expect(ofFirst[joined]?.message).toContain(`(${made[0]}): draining`)
    expect(joined).toBeLessThan(ofFirst.findIndex(e => e.type === 'draining'))
    expect(es.filter(e => e.type === 'handed-over').map(e => e.message)).toEqual([`${old[0]} was replaced by ${made[0]}`, `${old[1]} was replaced by ${made[1]}`])
    // The second node waited for nothing: the first node's replacement had joined by then.
    expect(made).toHaveLength(2)
    expect(gone).toEqual(old)
    const now = (await client.get(`/api/v1/nodes?labelSelector=eks.amazonaws.com%2Fnodegroup%3D${surgePool}`)).items.map((n: any) => n.metadata.name).sort()
    expect(now).toEqual([...made].sort())
    await waitFor(async () => await readyPods('tick') === 3, 60_000, 'the tick pods to run on the new nodes')
  })

  it('needs every permission its role grants, and no other (the walks above ran as a user bound to exactly that role)', async () => {
    const role = load((await runCli(['rbac', 'nodepool-upgrade'])).stdout) as {rules: {apiGroups: string[]; resources: string[]; verbs: string[]}[]}
    const granted = new Set(role.rules.flatMap(r => r.apiGroups.flatMap(g => r.resources.flatMap(res => r.verbs.map(v => `${v} ${res}${g ? `.${g}` : ''}`)))))
    expect([...used].filter(u => !granted.has(u))).toEqual([])
    // Granted for cases these walks do not meet: finished pods to delete, StatefulSets to wait for.
    const unusedHere = new Set(['delete pods', 'get statefulsets.apps'])
    expect([...granted].filter(g => !used.has(g) && !unusedHere.has(g)).sort()).toEqual([])
  })
})
