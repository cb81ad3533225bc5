// drain at a real terminal (tmux): a PDB that allows 0 disruptions keeps refusing a pod, and the
// drain asks what to do: keep waiting, skip, delete bypassing the PDB, or abort. Deleting needs
// the pod's exact name: a wrong name is refused, the exact one deletes the pod, and the drain
// completes once the replacement runs elsewhere.
import {spawnSync} from 'node:child_process'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {api, createNamespace, createNodePool, deleteNodePool, waitFor} from '../cluster/pools.ts'
import {BIN, clusterInfo, uniqueName} from './helpers.ts'

const info = clusterInfo()
const client = api(info)
const ns = uniqueName('drain-tty')
const pool = `tty-${ns.slice('drain-tty-'.length)}`
const taints = [{key: 'scenario', value: 'tty', effect: 'NoSchedule'}]
const nodes: string[] = []
const pods = async (): Promise<any[]> => (await client.get(`/api/v1/namespaces/${ns}/pods?labelSelector=app%3Dsolo`)).items
const isReady = (p: any) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')

beforeAll(async () => {
  nodes.push(...await createNodePool(info, {name: pool, count: 1, taints}))
  await createNamespace(info, ns)
  await client.post(`/apis/apps/v1/namespaces/${ns}/deployments`, {metadata: {name: 'solo'}, spec: {
    replicas: 1, selector: {matchLabels: {app: 'solo'}},
    template: {metadata: {labels: {app: 'solo'}}, spec: {
      nodeSelector: {'eks.amazonaws.com/nodegroup': pool}, tolerations: [{key: 'scenario', operator: 'Exists'}], terminationGracePeriodSeconds: 0,
      containers: [{name: 'app', image: 'registry.example/app:1', resources: {requests: {cpu: '100m', memory: '64Mi'}}}],
    }},
  }})
  await client.post(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`, {metadata: {name: 'solo-pdb'}, spec: {minAvailable: 1, selector: {matchLabels: {app: 'solo'}}}})
  await waitFor(async () => (await pods()).filter(isReady).length === 1, 60_000, 'the pod to run')
  await waitFor(async () => (await client.get(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/solo-pdb`)).status?.expectedPods === 1, 60_000, 'the PDB to be observed')
  // Room for the replacement, in the same pool.
  nodes.push(...await createNodePool(info, {name: `${pool}-b`, count: 1, taints, labels: {'eks.amazonaws.com/nodegroup': pool}}))
}, 300_000)

afterAll(async () => {
  await client.del(`/api/v1/namespaces/${ns}`).catch(() => undefined)
  await deleteNodePool(info, nodes)
})

describe('drain at a terminal', () => {
  it('asks about a pod its PDB keeps refusing; delete needs the exact pod name: a wrong one is refused, the right one deletes it and the drain completes', async () => {
    const [pod] = await pods()
    const name: string = pod.metadata.name
    const session = uniqueName('drain-tty')
    const capture = () => spawnSync('tmux', ['capture-pane', '-p', '-J', '-t', session], {encoding: 'utf8'}).stdout
    const keys = (...k: string[]) => expect(spawnSync('tmux', ['send-keys', '-t', session, ...k]).status).toBe(0)
    const type = (text: string) => expect(spawnSync('tmux', ['send-keys', '-t', session, '-l', text]).status).toBe(0)
    // --timeout 16s: the question comes after half of it (8s) of refusals.
    const script = `env -u CI NO_COLOR=1 KUBECONFIG=${info.kubeconfig} ${process.execPath} ${BIN} drain ${pool}-0 --timeout 16s --grace-period 0; echo EXIT=$?; sleep 60`
    expect(spawnSync('tmux', ['new-session', '-d', '-s', session, '-x', '200', '-y', '50', script]).status).toBe(0)
    try {
      await waitFor(async () => capture().includes('What now?'), 30_000, 'the question', 100)
      const asked = capture()
      expect(asked).toContain(`${ns}/${name} refused for`)
      expect(asked).toContain(`PDB ${ns}/solo-pdb allows 0 disruptions (needs 1 healthy, has 1, expects 1)`)
      for (const choice of ['Keep waiting', 'Skip this pod', 'Delete this pod, bypassing PDB solo-pdb', 'Abort the drain']) expect(asked).toContain(choice)

      keys('Down')
      keys('Down')
      await waitFor(async () => /❯ Delete this pod/.test(capture()), 5000, 'the delete choice to be selected', 50)
      keys('Enter')
      await waitFor(async () => capture().includes("Type the pod's name"), 5000, 'the name question', 50)
      type('not-the-pod')
      keys('Enter')
      await waitFor(async () => capture().includes(`type exactly ${name}, or leave it empty`), 5000, 'the wrong name to be refused', 50)
      expect((await pods()).map(p => p.metadata.uid)).toContain(pod.metadata.uid)
      keys(...Array.from({length: 'not-the-pod'.length}, () => 'BSpace'))
      type(name)
      keys('Enter')
      await waitFor(async () => capture().includes('EXIT='), 30_000, 'the drain to end', 100)
      const screen = capture()
      expect(screen, screen).toContain(`deleted ${ns}/${name}, bypassing PDB ${ns}/solo-pdb`)
      expect(screen).toContain('EXIT=0')
      expect(screen).toMatch(new RegExp(`${pool}-0\\s+drained`))
      const now = await pods()
      expect(now.map(p => p.metadata.uid)).not.toContain(pod.metadata.uid)
      expect(now.filter(isReady).map(p => p.spec.nodeName)).toEqual([`${pool}-b-0`])
      expect((await client.get(`/api/v1/nodes/${pool}-0`)).spec.unschedulable).toBe(true)
    } finally {
      spawnSync('tmux', ['kill-session', '-t', session])
    }
  })
})
