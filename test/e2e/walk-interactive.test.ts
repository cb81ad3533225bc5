// nodepool upgrade at a real terminal (tmux), with neither --hook nor --replace: the test plays
// the operator. The walk draws its progress as a tree on stderr, drains a node, and asks the
// operator to upgrade it. For the first node the operator answers "done" and then moves the
// node's kubelet to the target (as an upgraded kubelet reports itself); for the second the
// operator only moves the kubelet, and the walk sees the node Ready at the target and goes on by
// itself. The walk ends with every node at the target and uncordoned, and the tree's last frame
// on screen with nothing left spinning.
import {spawnSync} from 'node:child_process'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {api, createNamespace, createNodePool, deleteNodePool, waitFor} from '../cluster/pools.ts'
import {BIN, clusterInfo, uniqueName} from './helpers.ts'

const info = clusterInfo()
const client = api(info)
const ns = uniqueName('walk-tty')
const pool = `op-${ns.slice('walk-tty-'.length)}`
const taints = [{key: 'scenario', value: 'walk-tty', effect: 'NoSchedule'}]
const nodes: string[] = []
const SPINNER = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/
const isReady = (p: any) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')
const pods = async (): Promise<any[]> => (await client.get(`/api/v1/namespaces/${ns}/pods?labelSelector=app%3Dop`)).items
const getNode = (name: string) => client.get(`/api/v1/nodes/${name}`)
/** What an upgraded kubelet reports: its new version. */
const upgradeKubelet = (name: string) => client.patch(`/api/v1/nodes/${name}/status`, {status: {nodeInfo: {kubeletVersion: 'v1.37.0'}}})

beforeAll(async () => {
  nodes.push(...await createNodePool(info, {name: pool, count: 2, taints, kubeletVersion: 'v1.36.4'}))
  await createNamespace(info, ns)
  await client.post(`/apis/apps/v1/namespaces/${ns}/deployments`, {metadata: {name: 'op'}, spec: {
    replicas: 2, selector: {matchLabels: {app: 'op'}},
    template: {metadata: {labels: {app: 'op'}}, spec: {
      nodeSelector: {'eks.amazonaws.com/nodegroup': pool}, tolerations: [{key: 'scenario', operator: 'Exists'}], terminationGracePeriodSeconds: 0,
      containers: [{name: 'app', image: 'registry.example/app:1', resources: {requests: {cpu: '100m', memory: '64Mi'}}}],
    }},
  }})
  await client.post(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`, {metadata: {name: 'op-pdb'}, spec: {maxUnavailable: 1, selector: {matchLabels: {app: 'op'}}}})
  await waitFor(async () => (await pods()).filter(isReady).length === 2, 60_000, 'the pods to run')
  await waitFor(async () => {
    const s = (await client.get(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/op-pdb`)).status
    return s?.expectedPods === 2 && s.currentHealthy === 2
  }, 60_000, 'the PDB to count both pods')
}, 300_000)

afterAll(async () => {
  await client.del(`/api/v1/namespaces/${ns}`).catch(() => undefined)
  await deleteNodePool(info, nodes)
  await client.del(`/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kubectl-prod-walk-${pool}`).catch(() => undefined)
})

describe('nodepool upgrade at a terminal, handed over to the operator', () => {
  it('asks the operator to upgrade each drained node; goes on after "done" once the node is Ready at the target, or by itself when it sees it so; ends with the tree\'s last frame', async () => {
    const [first, second] = [`${pool}-0`, `${pool}-1`]
    const session = uniqueName('walk-tty')
    const capture = () => spawnSync('tmux', ['capture-pane', '-p', '-J', '-t', session], {encoding: 'utf8'}).stdout
    const keys = (...k: string[]) => expect(spawnSync('tmux', ['send-keys', '-t', session, ...k]).status).toBe(0)
    const script = `env -u CI NO_COLOR=1 KUBECONFIG=${info.kubeconfig} ${process.execPath} ${BIN} nodepool upgrade ${pool} --target-version 1.37 --grace-period 0; echo EXIT=$?; sleep 120`
    expect(spawnSync('tmux', ['new-session', '-d', '-s', session, '-x', '160', '-y', '50', script]).status).toBe(0)
    try {
      await waitFor(async () => capture().includes(`walk pool ${pool} (2 nodes) to 1.37: cordon, drain and hand over each node?`), 60_000, 'the confirmation', 100)
      keys('y')
      keys('Enter')

      // The first node, drained, is handed over: the question is drawn under the tree.
      await waitFor(async () => capture().includes(`${first} is drained: upgrade it to 1.37 (or replace it), then answer`), 60_000, 'the question about the first node', 100)
      const asked = capture()
      expect(asked).toMatch(new RegExp(`^. pool ${pool} to 1\\.37: 0 done, 1 under way`, 'm'))
      expect(asked).toMatch(new RegExp(`^  . ${first}: handing over`, 'm'))
      expect(asked).toContain(`over to you: upgrade ${first} to 1.37 (or replace it)`)
      for (const choice of [`Done: ${first} is upgraded or replaced`, `Skip ${first} (it stays drained and cordoned)`, 'Stop the walk (the node stays cordoned)']) expect(asked).toContain(choice)
      expect((await getNode(first)).spec.unschedulable).toBe(true)
      expect((await pods()).filter(p => p.spec.nodeName === first)).toEqual([])

      // "Done" first: the walk waits until the node is Ready at the target, which the operator then makes it.
      keys('Enter')
      await waitFor(async () => new RegExp(`^  . ${first}: waiting for Ready at 1\\.37`, 'm').test(capture()), 30_000, 'the walk to wait for the first node', 100)
      expect((await getNode(first)).metadata.annotations['kubectl-prod.io/walk-step']).toBe('handed-over')
      await upgradeKubelet(first)

      // The second node: the operator upgrades it without answering; the walk sees it and goes on.
      await waitFor(async () => capture().includes(`${second} is drained: upgrade it to 1.37 (or replace it), then answer`), 60_000, 'the question about the second node', 100)
      expect(capture()).toMatch(new RegExp(`^  ✔ ${first}: done: Ready at 1\\.37`, 'm'))
      await upgradeKubelet(second)
      await waitFor(async () => capture().includes('EXIT='), 60_000, 'the walk to end', 100)

      const screen = capture()
      expect(screen, screen).toContain('EXIT=0')
      const lines = screen.split('\n').map(l => l.trimEnd())
      const tree = lines.findIndex(l => l.startsWith(`✔ pool ${pool} to 1.37:`))
      expect(lines.slice(tree, tree + 4), screen).toEqual([
        `✔ pool ${pool} to 1.37: every node of pool ${pool} is at 1.37 (2 nodes)`,
        `  ✔ ${first}: done: Ready at 1.37`,
        `  ✔ ${second}: done: Ready at 1.37`,
        `Walk ${/Walk (\S+) of pool/.exec(screen)?.[1]} of pool ${pool} to 1.37: done: every node is at 1.37`,
      ])
      // Nothing is left spinning, and the withdrawn question is gone.
      expect(screen).not.toMatch(SPINNER)
      expect(screen).not.toContain(`${second} is drained`)
      for (const name of [first, second]) {
        const node = await getNode(name)
        expect(node.spec?.unschedulable ?? false, name).toBe(false)
        expect(node.status.nodeInfo.kubeletVersion, name).toBe('v1.37.0')
        expect(node.metadata.annotations['kubectl-prod.io/walk-step'], name).toBe('done')
      }
      await waitFor(async () => (await pods()).filter(isReady).length === 2, 60_000, 'both pods to run again')
    } finally {
      spawnSync('tmux', ['kill-session', '-t', session])
    }
  })
})
