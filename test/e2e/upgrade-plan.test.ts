// upgrade-plan end to end, as a user bound to exactly the role `rbac upgrade-plan` prints: pools
// whose kubelets the path leaves too far behind, PDBs that block drains, a pool without room,
// each in the plan with the right step; files offline; bad input. (The API-version signals of
// live objects, Helm releases, CRDs and the request metric: upgrade-plan-live.test.ts.)
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {api, createNamespace, createNodePool, deleteNodePool, waitFor, waitForBudgets} from '../cluster/pools.ts'
import {bindRole, clusterInfo, runCli, uniqueName} from './helpers.ts'

const info = clusterInfo()
const client = api(info)
const ns = uniqueName('up')
const pool = (name: string) => `${ns}-${name}`
const nodes: string[] = []
let kubeconfig = ''
let plan: any
let planCode = -1

const deployment = (name: string, o: {replicas: number; pool: string; cpu?: string; labels?: Record<string, string>}) => ({
  metadata: {name},
  spec: {
    replicas: o.replicas,
    selector: {matchLabels: {app: name}},
    template: {
      metadata: {labels: {app: name, ...o.labels}},
      spec: {
        nodeSelector: {'eks.amazonaws.com/nodegroup': o.pool},
        tolerations: [{key: 'scenario', operator: 'Exists'}],
        containers: [{name: 'app', image: 'registry.example/app:1', resources: {requests: {cpu: o.cpu ?? '100m', memory: '64Mi'}}}],
      },
    },
  },
})
const pdb = (name: string, spec: object) => ({metadata: {name}, spec})
const running = async (label: string, n: number) => {
  const list = await client.get(`/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(label)}`)
  return list.items.filter((p: any) => p.status?.phase === 'Running' && p.spec.nodeName).length === n
}

beforeAll(async () => {
  // The cluster runs 1.36; default target 1.37. "old" kubelets at 1.33 are 3 minors behind now and
  // 4 behind at 1.37: that pool must be upgraded before the control plane goes to 1.37.
  // The taint keeps the other files' pods off these nodes, and the pods of this file on them.
  const taints = [{key: 'scenario', value: ns, effect: 'NoSchedule'}]
  nodes.push(...await createNodePool(info, {name: pool('old'), count: 2, kubeletVersion: 'v1.33.5', cpu: '4', taints}))
  nodes.push(...await createNodePool(info, {name: pool('tight'), count: 2, cpu: '2', taints}))
  await createNamespace(info, ns)
  const deploys = `/apis/apps/v1/namespaces/${ns}/deployments`
  const pdbs = `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`
  await Promise.all([
    // 1.5 of 2 cpus on each tight node: losing either leaves its pod nowhere to go.
    client.post(deploys, deployment('packed', {replicas: 2, pool: pool('tight'), cpu: '1500m'})),
    client.post(deploys, deployment('web', {replicas: 2, pool: pool('old'), labels: {tier: 'front'}})),
  ])
  await waitFor(async () => await running('app=packed', 2) && await running('app=web', 2), 90_000, 'the pods to run')
  // The budgets come once the pods run, so the controller's first sync of each counts them healthy.
  await Promise.all([
    client.post(pdbs, pdb('web-all', {minAvailable: 2, selector: {matchLabels: {app: 'web'}}})),
    client.post(pdbs, pdb('front', {maxUnavailable: 1, selector: {matchLabels: {tier: 'front'}}})),
    client.post(pdbs, pdb('ghost', {minAvailable: 1, selector: {matchLabels: {app: 'no-such-app'}}})),
  ])
  // Observed, and with every pod counted healthy: a status written while a pod was still starting
  // says the PDB allows no disruption now, which is true then but not the scenario. (The web pods
  // are under two PDBs, and a pod's change requeues only one of them: waitForBudgets sees to it.)
  await waitForBudgets(info, ns)

  const role = await runCli(['rbac', 'upgrade-plan'])
  expect(role.code, role.stderr).toBe(0)
  kubeconfig = (await bindRole(role.stdout, 'up', async kc => (await runCli(['upgrade-plan', '-o', 'json'], {env: {KUBECONFIG: kc}})).code !== 3)).kubeconfig
  const r = await runCli(['upgrade-plan', '-o', 'json'], {env: {KUBECONFIG: kubeconfig}})
  planCode = r.code
  expect(r.stderr).toBe('')
  plan = JSON.parse(r.stdout)
}, 300_000)

afterAll(async () => {
  await client.del(`/api/v1/namespaces/${ns}`).catch(() => undefined)
  await deleteNodePool(info, nodes)
})

const mine = (check: string) => plan.findings.filter((f: any) => f.check === check && (f.object?.namespace === ns || f.pool?.startsWith(ns)))
const stepOf = (f: any) => plan.steps.find((s: any) => s.findings.includes(plan.findings.indexOf(f)))

describe('upgrade-plan against the live cluster', () => {
  it('plans 1.36 to the next minor, one hop, and exits 1 on blockers', () => {
    expect(plan).toMatchObject({apiVersion: 'kubectl-prod/v1', kind: 'UpgradePlan', current: '1.36', target: '1.37', hops: ['1.37']})
    expect(plan.scanned.live).toBe(true)
    expect(planCode).toBe(1)
  })

  it('the pool whose kubelets 1.37 leaves 4 minors behind is upgraded before the control plane moves', () => {
    const skew = mine('version-skew')
    expect(skew.map((f: any) => f.pool)).toEqual([pool('old')])
    expect(skew[0]).toMatchObject({severity: 'blocker', hop: '1.37'})
    expect([...skew[0].nodes].sort()).toEqual([`${pool('old')}-0`, `${pool('old')}-1`])
    const steps = plan.steps.map((s: any) => s.action)
    const upgradePool = steps.findIndex((a: string) => a.startsWith(`Upgrade node pool ${pool('old')}`))
    expect(upgradePool).toBeGreaterThanOrEqual(0)
    expect(upgradePool).toBeLessThan(steps.indexOf('Upgrade the control plane to 1.37'))
    // The tight pool runs the current version: nothing said about its skew.
    expect(plan.findings.filter((f: any) => f.check === 'version-skew' && f.pool === pool('tight'))).toEqual([])
  })

  it('names the PDB that can never allow an eviction, the one that selects nothing, and the pods under two', () => {
    const never = mine('pdb-never-allows').map((f: any) => f.object.name)
    expect(never).toEqual(['web-all'])
    expect(mine('pdb-selects-nothing').map((f: any) => f.object.name)).toEqual(['ghost'])
    const overlap = mine('pdb-overlap')
    expect(overlap.length).toBeGreaterThan(0)
    for (const f of overlap) expect(f.severity).toBe('blocker')
    // The PDB with room and the healthy pods of "packed" are not drain blockers.
    expect(plan.findings.filter((f: any) => f.object?.namespace === ns && f.check.startsWith('pdb') && f.object.name === 'front' && f.check !== 'pdb-overlap')).toEqual([])
    // Drain blockers are cleared before the first pool is upgraded.
    const clear = stepOf(mine('pdb-never-allows')[0])
    const upgradePool = plan.steps.find((s: any) => s.action.startsWith(`Upgrade node pool ${pool('old')}`))
    expect(clear.order).toBeLessThan(upgradePool.order)
  })

  it('the pool without room names the pod that would have nowhere to go', () => {
    const cap = mine('pool-capacity')
    expect(cap.map((f: any) => f.pool)).toEqual([pool('tight')])
    expect(cap[0].severity).toBe('blocker')
    expect(cap[0].pods.map((p: any) => p.name).join(' ')).toMatch(/^packed-/)
    // The old pool has room (4 cpus per node, 100m pods): nothing said.
    expect(plan.findings.filter((f: any) => f.check === 'pool-capacity' && f.pool === pool('old'))).toEqual([])
  })

  it('with --max-unavailable 2, a pool needs room for two nodes\' pods: the old pool, fine one node at a time, is not', async () => {
    const r = await runCli(['upgrade-plan', '-o', 'json', '--max-unavailable', '2'], {env: {KUBECONFIG: kubeconfig}})
    expect(r.code, r.stderr).toBe(1)
    const two = JSON.parse(r.stdout)
    const cap = two.findings.filter((f: any) => f.check === 'pool-capacity' && f.pool === pool('old'))
    expect(cap).toHaveLength(1)
    expect([...cap[0].nodes].sort()).toEqual([`${pool('old')}-0`, `${pool('old')}-1`])
    expect(cap[0].pods.map((p: any) => p.name).sort().join(' ')).toMatch(/^web-\S+ web-\S+$/)
    expect(cap[0].message).toContain(`pool ${pool('old')}, walked 2 nodes at a time (--max-unavailable 2), cannot lose 2 nodes at once`)
  })

  it('text output leads with the path, the counts and the steps', async () => {
    const r = await runCli(['upgrade-plan'], {env: {KUBECONFIG: kubeconfig}})
    expect(r.code).toBe(1)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toMatch(/^Upgrade plan 1\.36 → 1\.37: 1 hop \(1\.37\), from context /)
    expect(lines[1]).toMatch(/^\d+ blockers? · \d+ warnings? · \d+ info$/)
    expect(lines[3]).toBe('Steps')
  })

  it('markdown and YAML carry the same plan', async () => {
    const md = await runCli(['upgrade-plan', '-o', 'markdown'], {env: {KUBECONFIG: kubeconfig}})
    expect(md.stdout).toMatch(/^## Upgrade plan 1\.36 → 1\.37\n/)
    expect(md.stdout).toContain(`| pdb-never-allows | policy/v1 PodDisruptionBudget ${ns}/web-all |`)
    const yaml = await runCli(['upgrade-plan', '-o', 'yaml'], {env: {KUBECONFIG: kubeconfig}})
    expect(yaml.stdout).toMatch(/^apiVersion: kubectl-prod\/v1\nkind: UpgradePlan\n/m)
  })
})

describe('upgrade-plan offline, from files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-prod-upgrade-'))
  writeFileSync(join(dir, 'pdb.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\n---\napiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: old\n  namespace: shop\nspec:\n  minAvailable: 1\n')
  writeFileSync(join(dir, 'chart.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n')
  const offline = {KUBECONFIG: join(dir, 'no-kubeconfig'), HOME: dir}

  it('works with no kubeconfig at all: every removal up to the target, at its file and line', async () => {
    const r = await runCli(['upgrade-plan', '-f', dir, '--target', '1.30', '-o', 'json'], {env: offline})
    expect(r.stderr).toBe('')
    expect(r.code).toBe(1)
    const p = JSON.parse(r.stdout)
    expect(p).toMatchObject({current: null, target: '1.30', hops: ['1.30']})
    expect(p.findings.map((f: any) => [f.check, f.object.apiVersion, f.object.kind, f.source.path, f.source.line, f.removedIn])).toEqual([
      ['removed-api', 'policy/v1beta1', 'PodDisruptionBudget', join(dir, 'pdb.yaml'), 6, '1.25'],
    ])
    expect(p.skipped).toEqual([{path: join(dir, 'chart.yaml'), line: 1, reason: expect.stringMatching(/helm template/)}])
  })

  it('SARIF annotates the line', async () => {
    const r = await runCli(['upgrade-plan', '-f', join(dir, 'pdb.yaml'), '--target', '1.30', '-o', 'sarif'], {env: offline})
    const sarif = JSON.parse(r.stdout)
    expect(sarif.runs[0].results).toHaveLength(1)
    expect(sarif.runs[0].results[0]).toMatchObject({ruleId: 'removed-api', level: 'error', locations: [{physicalLocation: {region: {startLine: 6}}}]})
  })

  it('a current manifest before the removal: clear path, exit 0', async () => {
    const r = await runCli(['upgrade-plan', '-f', join(dir, 'pdb.yaml'), '--current', '1.20', '--target', '1.21', '-o', 'json'], {env: offline})
    const p = JSON.parse(r.stdout)
    // policy/v1beta1 is deprecated in 1.21 and still served: a warning, not a blocker.
    expect(p.findings.map((f: any) => f.check)).toEqual(['deprecated-api-in-use'])
    expect(r.code).toBe(0)
    const strict = await runCli(['upgrade-plan', '-f', join(dir, 'pdb.yaml'), '--current', '1.20', '--target', '1.21', '--fail-on', 'warning'], {env: offline})
    expect(strict.code).toBe(1)
  })

  it('plans from a dump: the write signals of its objects and the PDBs in it', async () => {
    const items = [
      {apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: {name: 'web', namespace: 'shop', annotations: {'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"extensions/v1beta1","kind":"Ingress"}'}}},
      {apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'db', namespace: 'shop'}, spec: {maxUnavailable: 0, selector: {matchLabels: {app: 'db'}}}, status: {disruptionsAllowed: 0, expectedPods: 1, currentHealthy: 1, desiredHealthy: 1}},
      {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'db-0', namespace: 'shop', labels: {app: 'db'}, ownerReferences: [{apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u1', controller: true}]}, spec: {nodeName: 'n1', containers: [{name: 'db', image: 'db'}]}, status: {phase: 'Running'}},
    ]
    const file = join(dir, '..', 'dump.json')
    writeFileSync(file, JSON.stringify({apiVersion: 'v1', kind: 'List', items}))
    const r = await runCli(['upgrade-plan', '--from-dump', file, '--current', '1.21', '--target', '1.22', '-o', 'json'], {env: offline})
    expect(r.stderr).toBe('')
    const p = JSON.parse(r.stdout)
    expect(p.scanned.live).toBe(false)
    expect(p.findings.map((f: any) => [f.check, f.object.kind, f.object.name, f.source.signal])).toEqual([
      ['pdb-never-allows', 'PodDisruptionBudget', 'db', 'object'],
      ['removed-api', 'Ingress', 'web', 'last-applied'],
    ])
    expect(r.code).toBe(1)
  })

  it('reads stdin with -f -', async () => {
    const r = await runCli(['upgrade-plan', '-f', '-', '--target', '1.22', '-o', 'json'], {env: offline, input: 'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: web\n'})
    const p = JSON.parse(r.stdout)
    expect(p.findings.map((f: any) => [f.object.kind, f.removedIn, f.source.path])).toEqual([['Ingress', '1.22', '<stdin>']])
  })
})

describe('bad input: one line, exit 2, as the read-only user', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unparsable target', ['--target', '1.x'], /--target/],
    ['a target older than the current version', ['--target', '1.30'], /older/],
    ['an unparsable current version', ['--current', 'latest', '--target', '1.37'], /--current/],
    ['a file that does not exist', ['-f', '/nonexistent/manifests', '--target', '1.37'], /does not exist/],
    ['an unknown --fail-on', ['--fail-on', 'never'], /fail-on/],
    ['a --table file that does not exist', ['--table', '/nonexistent/table.yaml'], /--table/],
    ['an unknown output format', ['-o', 'html'], /html|output/],
    ['a --max-unavailable that is not a whole number of nodes', ['--max-unavailable', '0'], /--max-unavailable "0"/],
  ]
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const r = await runCli(['upgrade-plan', ...args], {env: {KUBECONFIG: kubeconfig}})
      expect(r.code, r.stderr).toBe(2)
      expect(r.stdout).toBe('')
      const lines = r.stderr.trim().split('\n')
      expect(lines, r.stderr).toHaveLength(1)
      expect(lines[0]).toMatch(/^error: /)
      expect(lines[0]).toMatch(message)
    })
  }
})
