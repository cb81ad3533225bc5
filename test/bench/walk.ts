// The walk's benchmark (run through test/bench/run.ts, which lends its timer):
//   npm run bench -- walk [--pool-nodes 20] [--runs 5]
// One kwok pool of --pool-nodes nodes runs a Deployment of three pods per node (zero grace
// period) under a PDB that allows 10% of them down. Each run walks the whole pool one minor on
// (1.37, then 1.38, ...) with `nodepool upgrade --max-unavailable 2 --hook H --yes -o json`,
// where the hook moves the node's kubelet to the target (a status patch through kubectl, as a
// real upgrade makes the kubelet report its new version). The walk's JSON events say how long
// each hook and each drain took. The pods' grace periods are zero, so the walk's own overhead is
// the wall time beyond the hand-overs: wall - (sum of hook times) / 2, two nodes being walked at
// once. What that overhead is made of is shown per node: the drain (evictions, PDB waits, the
// replacements becoming available), the wait for Ready, and the rest (cordon, the records on the
// node, uncordon), plus the start (process, preflight snapshot, Lease) before the first node.
// Nothing here is a timed test: these are figures for the README.
import {chmodSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {loadavg, tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {startCluster} from '../cluster/cluster.ts'
import {api, createNamespace, createNodePool, waitFor} from '../cluster/pools.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const BIN = join(root, 'bin', 'run.js')

/** What run.ts lends: its timer (wall time; stdout is not kept, so the events go to a file), median, and options. */
export interface WalkBenchTools {
  time(cmd: string, args: string[], env?: NodeJS.ProcessEnv): {ms: number; maxRssKb?: number; code: number | null}
  median(xs: number[]): number
  values: {'pool-nodes'?: string; runs?: string}
}

interface Event {time: string; type: string; node?: string; drain?: string; message: string}

const sec = (ms: number) => (ms / 1000).toFixed(2)

interface NodeTimes {span: number; hook: number; drain: number; recovery: number; ready: number}

/**
 * Per node, from the walk's events: how long it took start to done, its hook, its drain (and the
 * part of it spent waiting for the evicted pods' replacements and the PDB to recover), and the
 * wait for Ready.
 */
function nodeTimes(events: Event[]): Map<string, NodeTimes> {
  const first = new Map<string, number>()
  const times = new Map<string, NodeTimes>()
  const at = (e: Event) => Date.parse(e.time)
  const since = (node: string, type: string) => first.get(`${node} ${type}`)
  for (const e of events) {
    if (!e.node) continue
    const key = `${e.node} ${e.drain ?? e.type}`
    if (!first.has(key)) first.set(key, at(e))
    const t = times.get(e.node) ?? {span: 0, hook: 0, drain: 0, recovery: 0, ready: 0}
    if (e.type === 'node-done') t.span = at(e) - (since(e.node, 'node-started') ?? at(e))
    if (e.type === 'handed-over') t.hook = at(e) - (since(e.node, 'hand-over') ?? at(e))
    if (e.type === 'drained') t.drain = at(e) - (since(e.node, 'draining') ?? at(e))
    if (e.type === 'ready') t.ready = at(e) - (since(e.node, 'waiting-ready') ?? at(e))
    if (e.drain === 'replacements-ready') t.recovery = at(e) - (since(e.node, 'waiting-replacements') ?? at(e))
    times.set(e.node, t)
  }
  return times
}

export async function walkBench(t: WalkBenchTools): Promise<void> {
  const size = Number(t.values['pool-nodes'] ?? 20)
  const runs = Number(t.values.runs ?? 5)
  const podsPerNode = 3
  const lanes = 2
  const cluster = await startCluster({log: () => {}})
  try {
    const client = api(cluster)
    const env = {...process.env, KUBECONFIG: cluster.kubeconfig}
    const dir = mkdtempSync(join(tmpdir(), 'kubectl-prod-bench-walk-'))
    const hook = join(dir, 'hook.sh')
    writeFileSync(hook, [
      '#!/bin/sh',
      `exec ${join(cluster.binDir, 'kubectl')} --kubeconfig ${cluster.kubeconfig} patch node "$KUBECTL_PROD_NODE" --subresource=status --type=merge -p "{\\"status\\":{\\"nodeInfo\\":{\\"kubeletVersion\\":\\"v$KUBECTL_PROD_TARGET_VERSION.0\\"}}}"`,
      '',
    ].join('\n'))
    chmodSync(hook, 0o755)

    await createNodePool(cluster, {name: 'walk', count: size, kubeletVersion: 'v1.36.4'})
    await createNamespace(cluster, 'bench')
    const replicas = size * podsPerNode
    await client.post('/apis/apps/v1/namespaces/bench/deployments', {metadata: {name: 'app'}, spec: {
      replicas, selector: {matchLabels: {app: 'app'}},
      template: {metadata: {labels: {app: 'app'}}, spec: {
        nodeSelector: {'eks.amazonaws.com/nodegroup': 'walk'}, terminationGracePeriodSeconds: 0,
        containers: [{name: 'app', image: 'registry.example/app:1', resources: {requests: {cpu: '100m', memory: '64Mi'}}}],
      }},
    }})
    await client.post('/apis/policy/v1/namespaces/bench/poddisruptionbudgets', {metadata: {name: 'app'}, spec: {maxUnavailable: '10%', selector: {matchLabels: {app: 'app'}}}})
    const settled = async () => {
      const pdb = await client.get('/apis/policy/v1/namespaces/bench/poddisruptionbudgets/app')
      return pdb.status?.observedGeneration === pdb.metadata.generation && pdb.status?.expectedPods === replicas && pdb.status?.currentHealthy === replicas
    }

    console.log(`walk of a ${size}-node pool (${replicas} pods, zero grace, a PDB allowing 10% down), --max-unavailable ${lanes}, a hook that sets the kubelet version; ${runs} runs`)
    const rows: {wall: number; start: number; hooks: number; overhead: number; drain: number; recovery: number; ready: number; rest: number}[] = []
    for (let i = 0; i < runs; i++) {
      await waitFor(settled, 300_000, 'every pod Ready and the PDB healthy', 500)
      const target = `1.${37 + i}`
      const out = join(dir, `events-${i}.json`)
      const started = Date.now()
      const r = t.time('/bin/sh', ['-c', 'out="$1"; shift; exec "$@" > "$out"', 'sh', out,
        process.execPath, BIN, 'nodepool', 'upgrade', 'walk', '--target-version', target, '--hook', hook,
        '--max-unavailable', String(lanes), '--yes', '-o', 'json'], env)
      const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l) as Event & {kind?: string; status?: string})
      const summary = lines.at(-1)
      if (r.code !== 0 || summary?.status !== 'done') throw new Error(`the walk to ${target} exited ${r.code}: ${summary?.message ?? 'no summary'}`)
      const events = lines.filter(l => !l.kind)
      const walkStarted = Date.parse(events.find(e => e.type === 'walk-started')!.time)
      const nodes = [...nodeTimes(events).values()]
      if (nodes.length !== size) throw new Error(`expected ${size} nodes in the events, found ${nodes.length}`)
      const hooks = nodes.reduce((s, n) => s + n.hook, 0)
      const row = {
        wall: r.ms, start: walkStarted - started, hooks, overhead: r.ms - hooks / lanes,
        drain: t.median(nodes.map(n => n.drain)), recovery: t.median(nodes.map(n => n.recovery)), ready: t.median(nodes.map(n => n.ready)),
        rest: t.median(nodes.map(n => n.span - n.hook - n.drain - n.ready)),
      }
      rows.push(row)
      console.log(`run ${i + 1} (to ${target}): ${sec(row.wall)} s wall; hooks ${sec(hooks)} s in all (${sec(hooks / lanes)} s per lane); overhead ${sec(row.overhead)} s; `
        + `start ${sec(row.start)} s; per node (median): drain ${sec(row.drain)} s (waiting for replacements and the PDB ${sec(row.recovery)} s), wait for Ready ${sec(row.ready)} s, the rest ${sec(row.rest)} s (load ${loadavg()[0]!.toFixed(1)})`)
    }
    const m = (k: keyof (typeof rows)[number]) => t.median(rows.map(r => r[k]))
    console.log(`median of ${runs}: ${sec(m('wall'))} s wall, of which ${sec(m('hooks') / lanes)} s hand-overs (per lane) and ${sec(m('overhead'))} s the walk's own `
      + `(${sec(m('overhead') / size * lanes)} s per node and lane): start ${sec(m('start'))} s; per node drain ${sec(m('drain'))} s (of which waiting for replacements and the PDB ${sec(m('recovery'))} s), wait for Ready ${sec(m('ready'))} s, the rest ${sec(m('rest'))} s`)
  } finally {
    await cluster.stop()
  }
}
