// The printed roles, exactly: every request a command makes is granted by the role `rbac`
// prints for it, and every grant of that role is used by some run of the command. The requests
// come from the command's own -v log, run against the real API server.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {load} from 'js-yaml'
import {api, createNamespace, createNodePool, deleteNodePool, waitFor} from '../cluster/pools.ts'
import {clusterInfo, runCli, uniqueName} from './helpers.ts'

const info = clusterInfo()
const client = api(info)
const ns = uniqueName('rbac')
const nodes: string[] = []

interface Grant {group: string; resource: string; verb: string}
const key = (g: Grant) => `${g.verb} ${g.resource}${g.group ? `.${g.group}` : ''}`

/** What a logged request asks of RBAC: `GET https://host/apis/apps/v1/namespaces/x/deployments?limit=500 200 OK in 3 milliseconds`. */
function grantOf(line: string): Grant | 'non-resource' | undefined {
  const m = /^(GET|POST|PUT|PATCH|DELETE) (\S+) /.exec(line)
  if (!m) return undefined
  const url = new URL(m[2]!)
  const parts = url.pathname.split('/').filter(Boolean)
  if (parts[0] !== 'api' && parts[0] !== 'apis') return 'non-resource'
  const group = parts[0] === 'api' ? '' : parts[1]!
  let rest = parts[0] === 'api' ? parts.slice(2) : parts.slice(3)
  if (rest[0] === 'namespaces' && rest.length > 2) rest = rest.slice(2)
  const [resource, name, sub] = rest
  const method = m[1]!
  const verb = method === 'GET' ? (url.searchParams.get('watch') === 'true' ? 'watch' : name ? 'get' : 'list') : method === 'POST' ? 'create' : method === 'PATCH' ? 'patch' : method === 'PUT' ? 'update' : 'delete'
  return {group, resource: sub ? `${resource}/${sub}` : resource!, verb}
}

async function requestsOf(args: string[]): Promise<Set<string>> {
  const r = await runCli([...args, '-v'])
  expect([0, 1, 2], `${args.join(' ')}: ${r.stderr}`).toContain(r.code)
  const used = new Set<string>()
  for (const line of r.stderr.split('\n')) {
    const g = grantOf(line)
    if (g && g !== 'non-resource') used.add(key(g))
  }
  return used
}

async function grantsOf(command: string): Promise<Set<string>> {
  const r = await runCli(['rbac', command])
  expect(r.code).toBe(0)
  expect(r.stdout, 'the role is plain YAML: no anchors or aliases').not.toMatch(/[&*]ref_\d|^\s*\w+: [&*]/m)
  const role = load(r.stdout) as {rules: {apiGroups: string[]; resources: string[]; verbs: string[]}[]}
  const out = new Set<string>()
  for (const rule of role.rules) for (const group of rule.apiGroups) for (const resource of rule.resources) for (const verb of rule.verbs) out.add(key({group, resource, verb}))
  return out
}

beforeAll(async () => {
  nodes.push(...await createNodePool(info, {name: `${ns}-n`, count: 2, cpu: '1'}))
  await createNamespace(info, ns)
  await client.post(`/api/v1/namespaces/${ns}/persistentvolumeclaims`, {metadata: {name: 'data'}, spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '1Gi'}}}})
  await client.post(`/api/v1/namespaces/${ns}/pods`, {metadata: {name: 'waits'}, spec: {containers: [{name: 'a', image: 'registry.example/a:1', resources: {requests: {cpu: '3'}}}], volumes: [{name: 'd', persistentVolumeClaim: {claimName: 'data'}}]}})
  await waitFor(async () => (await client.get(`/api/v1/namespaces/${ns}/pods/waits`)).status?.conditions?.some((c: any) => c.type === 'PodScheduled'), 60_000, 'the scheduler to look at the pod')
}, 300_000)

afterAll(async () => {
  await client.del(`/api/v1/namespaces/${ns}`).catch(() => undefined)
  await deleteNodePool(info, nodes)
})

describe('the printed roles grant exactly what the commands ask', () => {
  it('why-pending: every run of it, in all its scopes', async () => {
    const used = new Set<string>()
    for (const args of [
      ['why-pending', '-A'],
      ['why-pending', '-n', ns],
      ['why-pending', 'pod/waits', '-n', ns],
      ['why-pending', `node/${nodes[0]}`],
      ['why-pending', '-n', uniqueName('missing')],
    ]) for (const g of await requestsOf(args)) used.add(g)
    const granted = await grantsOf('why-pending')
    expect([...used].filter(g => !granted.has(g)).sort(), 'asked but not granted').toEqual([])
    expect([...granted].filter(g => !used.has(g)).sort(), 'granted but never asked').toEqual([])
  })

  it('version', async () => {
    const used = await requestsOf(['version'])
    const granted = await grantsOf('version')
    expect([...used].sort()).toEqual([...granted].sort())
  })
})
