// Benchmarks: ratios against a baseline measured in the same run on the same data.
//   npm run bench -- startup                 kubectl-prod --version/--help vs node -e 0
//   npm run bench -- cluster                 control-plane start-to-ready and memory
//   npm run bench -- scale [--nodes 1000] [--pods 20000] [--pending 500] [--runs 5]
//                                            fake-cluster size and creation time, then
//                                            why-pending -A vs fetching its lists raw
//                                            (raw-fetch.ts) and vs kubectl fetching the same data
//   npm run bench -- scale-up [--nodes ...]  the same cluster, kept up (prints its KUBECONFIG)
//   npm run bench -- upgrade-live [--objects 50000] [--kinds 30] [--releases 200] [--runs 5] [--keep]
//   npm run bench -- upgrade-files [--files 10000] [--runs 5]
//                                            upgrade-plan over a cluster and over manifest files
//                                            (upgrade-plan.ts says what each measures)
//   npm run bench -- startup-sea              the single executable (npm run package first) against
//                                            the npm launcher and kubectl version --client (startup.ts)
//   npm run bench -- drain [--pods-per-node 100] [--runs 5]
//                                            kubectl prod drain vs kubectl drain of a node under
//                                            a PDB (drain.ts says what it measures)
//   npm run bench -- walk [--pool-nodes 20] [--runs 5]
//                                            nodepool upgrade of a kwok pool, 2 at a time, with a
//                                            hook: wall time and the walk's own overhead (walk.ts)
//   npm run bench -- replay record KUBECONFIG FILE -- ARGS...
//   npm run bench -- replay compare FILE [--runs 5] [--against DIR] -- ARGS...
//                                            a command's own CPU time on recorded answers, this
//                                            build against another checkout's (replay.ts)
// Nothing here is a timed test: these are figures for the README.
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {loadavg} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import {startCluster, type Cluster} from '../cluster/cluster.ts'
import {api, createNamespace, createNodePool, mapLimit, waitFor} from '../cluster/pools.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const BIN = join(root, 'bin', 'run.js')
const {positionals, values} = parseArgs({allowPositionals: true, options: {
  nodes: {type: 'string', default: '1000'}, pods: {type: 'string', default: '20000'}, pending: {type: 'string', default: '500'},
  runs: {type: 'string', default: '5'}, workloads: {type: 'string', default: '20'},
  // upgrade-live and upgrade-files (upgrade-plan.ts; its defaults are there)
  objects: {type: 'string'}, kinds: {type: 'string'}, releases: {type: 'string'}, files: {type: 'string'}, keep: {type: 'boolean'},
  // drain (drain.ts)
  'pods-per-node': {type: 'string'},
  // walk (walk.ts)
  'pool-nodes': {type: 'string'},
  // replay (replay.ts)
  against: {type: 'string'},
}})
const what = positionals[0] ?? 'startup'

function time(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): {ms: number; maxRssKb?: number; code: number | null} {
  const useTime = existsSync('/usr/bin/time')
  const started = process.hrtime.bigint()
  const r = useTime
    ? spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], {env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20})
    : spawnSync(cmd, args, {env, stdio: ['ignore', 'ignore', 'ignore']})
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  const maxRssKb = useTime ? Number(String(r.stderr).trim().split('\n').pop()) : undefined
  return {ms, maxRssKb, code: r.status}
}

/** time() with the CPU time (user + system) and peak memory of the command, from /usr/bin/time. */
function timeCpu(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): {ms: number; rss: number; cpu: number; code: number | null} {
  const started = process.hrtime.bigint()
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', cmd, ...args], {env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20})
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  const [rss = 0, user = 0, system = 0] = String(r.stderr).trim().split('\n').pop()!.split(' ').map(Number)
  return {ms, rss, cpu: (user + system) * 1000, code: r.status}
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]! }
const fmt = (ms: number) => `${ms.toFixed(0)} ms`

function startup(): void {
  const runs = 21
  const rows: [string, string[]][] = [['node -e 0', ['-e', '0']], ['kubectl-prod --version', [BIN, '--version']], ['kubectl-prod --help', [BIN, '--help']], ['kubectl-prod why-pending --help', [BIN, 'why-pending', '--help']]]
  for (const [, args] of rows) time(process.execPath, args) // warm the compile cache and the page cache
  const results = rows.map(([name, args]) => {
    const samples: number[] = []
    for (let i = 0; i < runs; i++) samples.push(time(process.execPath, args).ms)
    return {name, median: median(samples)}
  })
  const base = results[0]!.median
  console.log(`startup, median of ${runs} runs, Node ${process.version}`)
  for (const r of results) console.log(`  ${r.name.padEnd(32)} ${fmt(r.median).padStart(8)}  ${(r.median / base).toFixed(2)}x node -e 0`)
}

async function clusterFigures(): Promise<void> {
  const starts: number[] = []
  let rss = 0
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now()
    const c = await startCluster({log: () => {}})
    starts.push(Date.now() - t0)
    await new Promise(r => setTimeout(r, 5000))
    rss = Math.max(rss, residentKb(c))
    await c.stop()
  }
  console.log(`control plane start-to-ready (warm binaries): median ${fmt(median(starts))} of ${starts.map(fmt).join(', ')}`)
  console.log(`control plane resident memory, idle: ${(rss / 1024).toFixed(0)} MiB`)
}

function residentKb(c: Cluster): number {
  let total = 0
  for (const pid of c.pids) {
    try { total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) } catch { /* gone */ }
  }
  return total
}

/** Starts the control plane and fills it with the scale bench's nodes and pods. */
async function scaleCluster(): Promise<Cluster> {
  const nodeCount = Number(values.nodes), podCount = Number(values.pods), pendingCount = Number(values.pending), workloads = Number(values.workloads)
  // A loaded 2-core control plane may read a lease late; a longer grace keeps 1,000 healthy
  // fake nodes from being declared Unknown (which marks all their pods NotReady).
  const cluster = await startCluster({log: () => {}, nodeMonitorGracePeriod: '60s'})
  try {
    const client = api(cluster)
    let t0 = Date.now()
    await createNodePool(cluster, {name: 'bench', count: nodeCount, cpu: '32', memory: '128Gi', pods: '110'})
    console.log(`created ${nodeCount} Ready nodes in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    await createNamespace(cluster, 'bench')
    const running = podCount - pendingCount
    const perPending = Math.ceil(pendingCount / workloads)
    t0 = Date.now()
    const deploy = (name: string, replicas: number, memory: string) => client.post('/apis/apps/v1/namespaces/bench/deployments', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name},
      spec: {replicas, selector: {matchLabels: {app: name}}, template: {metadata: {labels: {app: name}}, spec: {containers: [{name: 'app', image: 'registry.example/app:1', resources: {requests: {cpu: '10m', memory}}}]}}},
    })
    // The running pods are created bound to their nodes (kwok runs them): going through
    // ReplicaSets and the scheduler would take most of an hour on 2 cores, and what is measured
    // is why-pending over a cluster that holds them. The Pending ones are real Deployments, so
    // the scheduler writes its real messages about them.
    await mapLimit(Array.from({length: workloads}, (_, i) => i), 4, i => deploy(`stuck-${i}`, Math.min(perPending, pendingCount - i * perPending), '1Ti'))
    await mapLimit(Array.from({length: running}, (_, i) => i), 32, i => client.post('/api/v1/namespaces/bench/pods', {
      metadata: {name: `run-${i}`, labels: {app: `run-${i % workloads}`}},
      spec: {nodeName: `bench-${i % nodeCount}`, containers: [{name: 'app', image: 'registry.example/app:1', resources: {requests: {cpu: '10m', memory: '16Mi'}}}]},
    }))
    // Polled cheaply (counts of metadata-only lists): listing 20,000 whole pods every few
    // seconds would itself load the API server.
    await waitFor(async () => {
      const ready = await client.count('/api/v1/namespaces/bench/pods?fieldSelector=status.phase%3DRunning')
      const pending = await client.count('/api/v1/namespaces/bench/pods?fieldSelector=spec.nodeName%3D')
      process.stderr.write(`\r  ${ready} Running, ${pending} Unschedulable after ${((Date.now() - t0) / 1000).toFixed(0)} s   `)
      return ready >= running && pending >= pendingCount
    }, 60 * 60_000, 'the pods', 5000)
    console.log(`\ncreated ${podCount} pods (${running} Running, ${pendingCount} Pending in ${workloads} workloads) in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    console.log(`control plane resident memory with that load: ${(residentKb(cluster) / 1024).toFixed(0)} MiB`)
    return cluster
  } catch (err) {
    await cluster.stop()
    throw err
  }
}

async function scale(): Promise<void> {
  const runs = Number(values.runs)
  const cluster = await scaleCluster()
  try {
    const env = {...process.env, KUBECONFIG: cluster.kubeconfig}
    const kubectl = join(cluster.binDir, 'kubectl')
    const fetchAll = () => ['pods', 'events', 'nodes'].map(r => time(kubectl, ['get', r, ...(r === 'nodes' ? [] : ['-A']), '-o', 'json'], env))
    // The data must be what it claims: only the Pending pods have anything to explain.
    const check = spawnSync(process.execPath, [BIN, 'why-pending', '-A', '-o', 'json'], {env, maxBuffer: 256 << 20, encoding: 'utf8'})
    const summary = JSON.parse(check.stdout).summary
    console.log(`why-pending finds: ${JSON.stringify(summary.byStatus)}`)
    // The wire's speed: the same requests as why-pending, the bodies dropped unread (raw-fetch.ts).
    const rawArgs = [join(root, 'test', 'bench', 'raw-fetch.ts'), cluster.kubeconfig]
    const fetched = JSON.parse(spawnSync(process.execPath, rawArgs, {encoding: 'utf8'}).stdout) as {requests: number; bytes: number}
    console.log(`raw fetch: ${fetched.requests} requests, ${(fetched.bytes / 2 ** 20).toFixed(1)} MiB`)
    const ours: {ms: number; rss: number; cpu: number}[] = []
    const raw: {ms: number; cpu: number}[] = []
    const theirs: number[] = []
    fetchAll(); time(process.execPath, rawArgs); time(process.execPath, [BIN, 'why-pending', '-A', '-o', 'json'], env) // warm-up
    const loads: number[] = []
    for (let i = 0; i < runs; i++) {
      theirs.push(fetchAll().reduce((n, r) => n + r.ms, 0))
      const f = timeCpu(process.execPath, rawArgs)
      if (f.code !== 0) throw new Error(`raw-fetch.ts exited ${f.code}`)
      raw.push(f)
      const r = timeCpu(process.execPath, [BIN, 'why-pending', '-A', '-o', 'json'], env)
      if (r.code !== 1) throw new Error(`why-pending exited ${r.code}, expected 1 (pods are stuck)`)
      ours.push(r)
      loads.push(loadavg()[0]!)
    }
    const m = median(ours.map(o => o.ms)), f = median(raw.map(r => r.ms)), k = median(theirs)
    const cpu = (xs: {cpu: number}[]) => `${(median(xs.map(x => x.cpu)) / 1000).toFixed(2)} s`
    console.log(`why-pending -A -o json: median ${fmt(m)} of ${ours.map(o => fmt(o.ms)).join(', ')} (${runs} runs of each, alternating); CPU median ${cpu(ours)}`)
    console.log(`  raw fetch of the same lists: median ${fmt(f)} of ${raw.map(r => fmt(r.ms)).join(', ')}; ratio ${(m / f).toFixed(2)}x (run by run: ${ours.map((o, i) => `${(o.ms / raw[i]!.ms).toFixed(2)}x`).join(', ')}); CPU median ${cpu(raw)}`)
    console.log(`  kubectl get pods,events,nodes -o json: median ${fmt(k)} of ${theirs.map(fmt).join(', ')}; ratio ${(m / k).toFixed(2)}x`)
    console.log(`why-pending peak memory: ${(Math.max(...ours.map(o => o.rss)) / 1024).toFixed(0)} MiB (resident, the largest of the runs)`)
    console.log(`load average (1 min) after each round: ${loads.map(l => l.toFixed(1)).join(', ')}`)
  } finally {
    await cluster.stop()
  }
}

if (what === 'startup') startup()
else if (what === 'cluster') await clusterFigures()
else if (what === 'scale') await scale()
else if (what === 'upgrade-live' || what === 'upgrade-files') {
  // upgrade-plan's benchmarks: test/bench/upgrade-plan.ts, with this file's timer and options.
  const upgrade = await import('./upgrade-plan.ts')
  await (what === 'upgrade-live' ? upgrade.upgradeLive : upgrade.upgradeFiles)({time, median, residentKb, values})
}
else if (what === 'startup-sea') await (await import('./startup.ts')).startupBench()
else if (what === 'drain') await (await import('./drain.ts')).drainBench({time, median, values})
else if (what === 'walk') await (await import('./walk.ts')).walkBench({time, median, values})
else if (what === 'replay') await (await import('./replay.ts')).replayBench(positionals.slice(1), root, {runs: values.runs, against: values.against})
else if (what === 'scale-up') {
  // The scale cluster, kept up for profiling until Ctrl-C.
  const cluster = await scaleCluster()
  console.log(`export KUBECONFIG=${cluster.kubeconfig}`)
  process.on('SIGINT', () => { void cluster.stop().then(() => process.exit(130)) })
  setInterval(() => {}, 1 << 30)
}
else { console.error('usage: npm run bench -- startup|startup-sea|cluster|scale|scale-up|upgrade-live|upgrade-files|drain|walk|replay [--nodes N] [--pods N] [--pending N] [--runs N] [--pods-per-node N] [--pool-nodes N]'); process.exit(2) }
