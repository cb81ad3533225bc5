// upgrade-plan's benchmarks (run through test/bench/run.ts, which hands over its timing helpers):
//   npm run bench -- upgrade-live [--objects 50000] [--kinds 30] [--releases 200] [--runs 5] [--keep]
//       A 1.36 control plane with every API on (--runtime-config=api/all=true) holding --objects
//       objects of --kinds kinds the removal table names and --releases Helm v3 release Secrets
//       (upgrade-data.ts), plus two small node pools and their pods. Then, interleaved, --runs
//       times each: (a) upgrade-plan -o json --target 1.37; (b) kubectl get of every collection
//       upgrade-plan lists, -A -o json, in one invocation, and of the Helm release Secrets and
//       ConfigMaps by the same label selector in a second; (c) the same requests as (a), replayed
//       by a plain HTTP client that drops the bodies (upgrade-raw-fetch.ts), metadata-only where
//       upgrade-plan lists metadata only. The requests are read from one upgrade-plan -v run.
//       --keep leaves the cluster up afterwards (prints its KUBECONFIG) for profiling.
//   npm run bench -- upgrade-files [--files 10000] [--runs 5]
//       --files manifest files (manifest-tree.ts) checked offline with upgrade-plan -f DIR
//       --target 1.36 -o json; and, when it can be built from its Go module, pluto detect-files on
//       the same tree in the same run, as a peer.
// Nothing here is a timed test: these are figures for the README.
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {homedir, loadavg, tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {startCluster, type Cluster} from '../cluster/cluster.ts'
import {api, createNodePool, mapLimit} from '../cluster/pools.ts'
import {createUpgradeData, KINDS} from './upgrade-data.ts'
import {writeManifestTree} from './manifest-tree.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const BIN = join(root, 'bin', 'run.js')

/** What run.ts lends: its timer (wall time, peak RSS through /usr/bin/time), median, and options. */
export interface BenchTools {
  time(cmd: string, args: string[], env?: NodeJS.ProcessEnv): {ms: number; maxRssKb?: number; code: number | null}
  median(xs: number[]): number
  residentKb(c: Cluster): number
  values: {objects?: string; kinds?: string; releases?: string; files?: string; runs?: string; keep?: boolean}
}

const sec = (ms: number) => (ms / 1000).toFixed(2)
const mb = (kb: number) => (kb / 1024).toFixed(0)
const list = (xs: number[]) => xs.map(sec).join(', ')
/** The machine's load while timing: other work on its two cores stretches every figure. */
const load = () => loadavg().map(l => l.toFixed(1)).join(', ')

/**
 * One timed run that also reads the CPU time the command used (user + system, in seconds):
 * /usr/bin/time -o writes it to a file, under run.ts's timer, which still reads the peak RSS.
 */
function timeCpu(t: BenchTools, dir: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv): {ms: number; rssKb: number; cpu: number; code: number | null} {
  const out = join(dir, 'cpu.txt')
  const r = t.time('/usr/bin/time', ['-f', '%U %S %x', '-o', out, cmd, ...args], env)
  const [user = 0, system = 0, code] = readFileSync(out, 'utf8').trim().split('\n').pop()!.split(' ').map(Number)
  return {ms: r.ms, rssKb: r.maxRssKb ?? 0, cpu: user + system, code: code ?? r.code}
}

// ---------------------------------------------------------------------------------------------
// upgrade-live

/** A request upgrade-plan made, as its -v log shows it: the path (query kept, limit/continue dropped). */
interface Logged {path: string; list: boolean}

/** The first page of each list and every other GET in a -v log, in the order they were answered. */
export function requestsOfLog(log: string, server: string): Logged[] {
  const out: Logged[] = []
  for (const line of log.split('\n')) {
    const m = /^GET (\S+) (\d{3})/.exec(line)
    if (!m || !m[1]!.startsWith(server)) continue
    const url = new URL(m[1]!)
    if (url.searchParams.has('continue')) continue
    const isList = url.searchParams.has('limit')
    url.searchParams.delete('limit')
    out.push({path: url.pathname + (url.search ? url.search : ''), list: isList})
  }
  return out
}

/**
 * Which collections upgrade-plan lists metadata-only: the built code's own plan over this
 * server's discovery, less the collections it lists whole anyway (their items give the write
 * signals too).
 */
async function metadataCollections(client: ReturnType<typeof api>): Promise<Set<string>> {
  const {AGGREGATED_DISCOVERY_ACCEPT, readAggregatedDiscovery} = await import(join(root, 'dist/kube/discovery.js'))
  const {planApiLists, tableKinds, listPath, WHOLE_LISTS} = await import(join(root, 'dist/kube/upgrade-snapshot.js'))
  const {loadTable} = await import(join(root, 'dist/deprecations/table.js'))
  const core = await client.raw('GET', '/api', undefined, undefined, AGGREGATED_DISCOVERY_ACCEPT)
  const groups = await client.raw('GET', '/apis', undefined, undefined, AGGREGATED_DISCOVERY_ACCEPT)
  const discovery = readAggregatedDiscovery(groups.body, readAggregatedDiscovery(core.body))
  type List = {group: string; version: string; resource: string}
  const whole = new Set((Object.values(WHOLE_LISTS) as List[]).map(l => listPath(l) as string))
  const lists = planApiLists(tableKinds(loadTable()), discovery) as List[]
  return new Set(lists.map(l => listPath(l) as string).filter(path => !whole.has(path)))
}

const METADATA_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json'
const METRICS_ACCEPT = 'text/plain;version=0.0.4;q=1,*/*;q=0.1'

export async function upgradeLive(t: BenchTools): Promise<void> {
  const objects = Number(t.values.objects ?? 50000), kinds = Number(t.values.kinds ?? 30), releases = Number(t.values.releases ?? 200), runs = Number(t.values.runs ?? 5)
  if (!(kinds >= 1 && kinds <= KINDS.length)) throw new Error(`--kinds: 1 to ${KINDS.length}`)
  const cluster = await startCluster({log: () => {}, runtimeConfig: 'api/all=true', nodeMonitorGracePeriod: '60s'})
  try {
    const client = api(cluster)
    let t0 = Date.now()
    // Two pools a minor apart, and a few hundred running pods, so skew, drain and capacity have data.
    const nodes = [
      ...await createNodePool(cluster, {name: 'general', count: 6, cpu: '16', memory: '64Gi'}),
      ...await createNodePool(cluster, {name: 'legacy', count: 4, cpu: '16', memory: '64Gi', kubeletVersion: 'v1.34.2', provider: 'eks'}),
    ]
    const data = await createUpgradeData(client, {objects, kinds, releases, namespaces: 50, log: line => console.log(line)})
    await mapLimit(Array.from({length: 500}, (_, i) => i), 32, i => client.post(`/api/v1/namespaces/${data.namespaces[i % data.namespaces.length]}/pods`, {
      // A label no ReplicaSet selects (one would adopt the pod and delete it: they have 0 replicas).
      metadata: {name: `run-${i}`, labels: {run: `web-${i % 50}`}},
      spec: {nodeName: nodes[i % nodes.length], containers: [{name: 'app', image: 'registry.example/app:1', resources: {requests: {cpu: '100m', memory: '128Mi'}}}]},
    }))
    const made = Object.values(data.created).reduce((a, b) => a + b, 0)
    console.log(`created ${made} objects of ${data.kinds.length} kinds in ${data.namespaces.length} namespaces, ${data.releases} Helm release Secrets, ${nodes.length} nodes and 500 pods in ${((Date.now() - t0) / 1000).toFixed(0)} s`)
    console.log(`  last-applied annotation on ${data.lastApplied} (${data.oldLastApplied} naming a removed apiVersion); ${data.serverSideApplied} server-side applied; ${data.betaWrites} written through a beta version`)
    console.log(`  Helm: ${data.oldReleases} of ${data.releases} releases with removed apiVersions in their manifest; ${(data.releaseBytes / 2 ** 20).toFixed(1)} MiB of release data`)
    // The controllers write a ControllerRevision for each StatefulSet and DaemonSet, and status
    // to some objects: wait until they are done, so every run reads the same cluster.
    t0 = Date.now()
    let before = -1
    for (;;) {
      await new Promise(r => setTimeout(r, 10_000))
      const now = await client.count('/apis/apps/v1/controllerrevisions')
      if (now === before) break
      before = now
    }
    console.log(`control plane resident memory with that load: ${mb(t.residentKb(cluster))} MiB (settled in ${((Date.now() - t0) / 1000).toFixed(0)} s)`)

    const env = {...process.env, KUBECONFIG: cluster.kubeconfig}
    const args = [BIN, 'upgrade-plan', '-o', 'json', '--target', '1.37']
    // One run with -v: the plan (to check the data is what it claims) and the requests it makes.
    const check = spawnSync(process.execPath, [...args, '--v', '1'], {env, maxBuffer: 1 << 30, encoding: 'utf8'})
    if (check.status !== 0 && check.status !== 1) throw new Error(`upgrade-plan exited ${check.status}: ${check.stderr.split('\n').filter(l => !l.startsWith('GET ')).join('\n').slice(0, 2000)}`)
    const plan = JSON.parse(check.stdout)
    console.log(`upgrade-plan finds: scanned ${JSON.stringify(plan.scanned)}; ${JSON.stringify(plan.summary)}; gaps ${JSON.stringify(plan.gaps)}`)
    const logged = requestsOfLog(check.stderr, cluster.server)
    const metadataOnly = await metadataCollections(client)
    // Each list as upgrade-plan asks for it: metadata-only, or whole.
    const {AGGREGATED_DISCOVERY_ACCEPT} = await import(join(root, 'dist/kube/discovery.js'))
    const replay = logged.map(r => {
      if (!r.list) return {path: r.path, list: false, accept: r.path === '/metrics' ? METRICS_ACCEPT : r.path === '/api' || r.path === '/apis' ? AGGREGATED_DISCOVERY_ACCEPT as string : 'application/json'}
      return {path: r.path, list: true, accept: metadataOnly.has(r.path.split('?')[0]!) ? METADATA_ACCEPT : 'application/json'}
    })
    const replayFile = join(cluster.stateDir, 'upgrade-replay.json')
    writeFileSync(replayFile, JSON.stringify({concurrency: 4, requests: replay}))
    const lists = replay.filter(r => r.list)
    console.log(`upgrade-plan's requests: ${logged.length} first pages and single GETs; ${lists.length} lists, ${lists.filter(r => r.accept === METADATA_ACCEPT).length} of them metadata-only`)

    // kubectl: the same collections, whole, in one invocation; the Helm storage by its selector in another.
    const resourceOf = (path: string) => {
      const p = path.split('?')[0]!.split('/')
      return p[1] === 'api' ? `${p[3]}` : `${p[4]}.${p[3]}.${p[2]}`
    }
    const plain = [...new Set(lists.filter(r => !r.path.includes('labelSelector=')).map(r => resourceOf(r.path)))]
    const selected = lists.filter(r => r.path.includes('labelSelector='))
    const selector = new URLSearchParams(selected[0]?.path.split('?')[1] ?? '').get('labelSelector')
    const kubectl = join(cluster.binDir, 'kubectl')
    const kubectlRuns: [string, string[]][] = [['kubectl get (every collection)', ['get', plain.join(','), '-A', '-o', 'json']]]
    if (selector) kubectlRuns.push(['kubectl get (Helm storage)', ['get', [...new Set(selected.map(r => resourceOf(r.path)))].join(','), '-A', '-l', selector, '-o', 'json']])
    console.log(`kubectl: ${kubectlRuns.map(([, a]) => `kubectl ${a.join(' ').replace(plain.join(','), `<${plain.length} resources>`)}`).join(' and ')}`)
    console.log(`  resources: ${plain.join(',')}`)

    const rawArgs = [join(root, 'test', 'bench', 'upgrade-raw-fetch.ts'), cluster.kubeconfig, replayFile]
    const fetched = spawnSync(process.execPath, rawArgs, {encoding: 'utf8'})
    if (fetched.status !== 0) throw new Error(`upgrade-raw-fetch.ts: ${fetched.stderr}`)
    const wire = JSON.parse(fetched.stdout) as {requests: number; bytes: number}
    console.log(`raw fetch: ${wire.requests} requests, ${(wire.bytes / 2 ** 20).toFixed(1)} MiB`)

    const ours: {ms: number; rss: number; cpu: number}[] = [], raw: number[] = [], theirs: {ms: number; rss: number}[] = []
    const scratch = mkdtempSync(join(tmpdir(), 'kubectl-prod-bench-'))
    try {
      console.log(`load average before the runs: ${load()}`)
      // Warm-up: kubectl's discovery cache, the page cache, Node's compile cache.
      for (const [, a] of kubectlRuns) t.time(kubectl, a, env)
      t.time(process.execPath, rawArgs)
      t.time(process.execPath, args, env)
      for (let i = 0; i < runs; i++) {
        const k = kubectlRuns.map(([, a]) => t.time(kubectl, a, env))
        for (const r of k) if (r.code !== 0) throw new Error(`kubectl exited ${r.code}`)
        theirs.push({ms: k.reduce((n, r) => n + r.ms, 0), rss: Math.max(...k.map(r => r.maxRssKb ?? 0))})
        const f = t.time(process.execPath, rawArgs)
        if (f.code !== 0) throw new Error(`upgrade-raw-fetch.ts exited ${f.code}`)
        raw.push(f.ms)
        const r = timeCpu(t, scratch, process.execPath, args, env)
        if (r.code !== 0 && r.code !== 1) throw new Error(`upgrade-plan exited ${r.code}`)
        ours.push({ms: r.ms, rss: r.rssKb, cpu: r.cpu})
        process.stderr.write(`\r  run ${i + 1} of ${runs}   `)
      }
    } finally {
      rmSync(scratch, {recursive: true, force: true})
    }
    process.stderr.write('\n')
    console.log(`load average after the runs: ${load()}`)
    const a = t.median(ours.map(o => o.ms)), b = t.median(theirs.map(o => o.ms)), c = t.median(raw)
    console.log(`upgrade-plan -o json --target 1.37: median ${sec(a)} s of ${list(ours.map(o => o.ms))} (${runs} runs of each, interleaved); CPU median ${t.median(ours.map(o => o.cpu)).toFixed(2)} s`)
    console.log(`  kubectl get of the same collections: median ${sec(b)} s of ${list(theirs.map(o => o.ms))}; ratio ${(a / b).toFixed(2)}x (target <= 1.3x)`)
    console.log(`  raw fetch of the same requests: median ${sec(c)} s of ${list(raw)}; ratio ${(a / c).toFixed(2)}x (target <= 1.5x)`)
    console.log(`upgrade-plan peak memory: ${mb(Math.max(...ours.map(o => o.rss)))} MiB resident, the largest of the runs (target <= 300); kubectl: ${mb(Math.max(...theirs.map(o => o.rss)))} MiB`)
    if (t.values.keep) {
      console.log(`the cluster stays up until Ctrl-C:\nexport KUBECONFIG=${cluster.kubeconfig}`)
      await new Promise<void>(res => process.once('SIGINT', () => res()))
    }
  } finally {
    await cluster.stop()
  }
}

// ---------------------------------------------------------------------------------------------
// upgrade-files

/** The pluto release measured as a peer (its module proxy lists no @latest here; a version is named). */
const PLUTO_VERSION = 'v5.22.7'

/**
 * pluto built from its Go module into a cache outside the checkout (the Go module cache of
 * deprecations/gen, a build directory beside it), or why it could not be.
 */
function ensurePluto(): {bin: string} | {why: string} {
  const cacheRoot = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kubectl-prod')
  const dir = join(cacheRoot, 'peers', `pluto-${PLUTO_VERSION}`)
  const bin = join(dir, 'pluto')
  if (existsSync(bin)) return {bin}
  const go = spawnSync('go', ['version'], {encoding: 'utf8'})
  if (go.status !== 0) return {why: 'Go is not installed'}
  mkdirSync(dir, {recursive: true})
  const env = {...process.env, GOMODCACHE: process.env.KUBECTL_PROD_GOMODCACHE ?? join(cacheRoot, 'gomod'), GOFLAGS: '-modcacherw', GOTOOLCHAIN: 'local', GOWORK: 'off', GO111MODULE: 'on'}
  // A module of its own that requires pluto: `go install pkg@version` would ask the proxy for the
  // module's version list (to read deprecations), which is refused here.
  writeFileSync(join(dir, 'go.mod'), 'module bench.local/pluto\n\ngo 1.24\n')
  writeFileSync(join(dir, 'tools.go'), '//go:build tools\n\npackage tools\n\nimport _ "github.com/fairwindsops/pluto/v5/cmd/pluto"\n')
  console.log(`building pluto ${PLUTO_VERSION} from its Go module (a few minutes the first time)`)
  for (const step of [['get', `github.com/fairwindsops/pluto/v5@${PLUTO_VERSION}`], ['mod', 'tidy'], ['build', '-o', bin, 'github.com/fairwindsops/pluto/v5/cmd/pluto']]) {
    const r = spawnSync('go', step, {cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 26})
    if (r.status !== 0) return {why: `go ${step.join(' ')} failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' / ')}`}
  }
  return existsSync(bin) ? {bin} : {why: 'go build wrote no binary'}
}

export async function upgradeFiles(t: BenchTools): Promise<void> {
  const files = Number(t.values.files ?? 10000), runs = Number(t.values.runs ?? 5)
  const work = mkdtempSync(join(tmpdir(), 'kubectl-prod-bench-'))
  try {
    const dir = join(work, 'manifests')
    const t0 = Date.now()
    const tree = writeManifestTree(dir, files)
    const removedish = Object.entries(tree.apiVersions).filter(([v]) => /beta|alpha/.test(v) && !v.startsWith('kustomize')).reduce((n, [, c]) => n + c, 0)
    console.log(`wrote ${tree.files} files (${(tree.bytes / 2 ** 20).toFixed(1)} MiB, ${tree.documents} documents, ${removedish} on beta apiVersions, ${tree.templates} un-rendered Helm templates) in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    const env = {...process.env, KUBECONFIG: join(work, 'no-such-kubeconfig')}
    const args = [BIN, 'upgrade-plan', '-f', dir, '--target', '1.36', '-o', 'json']
    const check = spawnSync(process.execPath, args, {env, maxBuffer: 1 << 30, encoding: 'utf8'})
    if (check.status !== 0 && check.status !== 1) throw new Error(`upgrade-plan exited ${check.status}: ${check.stderr.slice(0, 2000)}`)
    const plan = JSON.parse(check.stdout)
    console.log(`upgrade-plan finds: scanned ${JSON.stringify(plan.scanned)}; ${JSON.stringify(plan.summary)}; skipped ${plan.skipped?.length ?? 0}`)

    const pluto = ensurePluto()
    const plutoArgs = ['detect-files', '-d', dir, '-o', 'json', '--target-versions', 'k8s=v1.36.0']
    if ('why' in pluto) console.log(`pluto: skipped (${pluto.why})`)
    else {
      const p = spawnSync(pluto.bin, plutoArgs, {maxBuffer: 1 << 30, encoding: 'utf8'})
      const items = (JSON.parse(p.stdout || '{}').items ?? []) as {removed?: boolean}[]
      console.log(`pluto ${PLUTO_VERSION} finds: ${items.length} deprecated or removed (${items.filter(i => i.removed).length} removed by 1.36); exit ${p.status}`)
    }
    const ours: {ms: number; rss: number; cpu: number}[] = [], theirs: {ms: number; rss: number; cpu: number}[] = []
    const scratch = join(work, 'scratch')
    mkdirSync(scratch)
    console.log(`load average before the runs: ${load()}`)
    t.time(process.execPath, args, env) // warm-up: the page cache and Node's compile cache
    if ('bin' in pluto) t.time(pluto.bin, plutoArgs)
    for (let i = 0; i < runs; i++) {
      const r = timeCpu(t, scratch, process.execPath, args, env)
      if (r.code !== 0 && r.code !== 1) throw new Error(`upgrade-plan exited ${r.code}`)
      ours.push({ms: r.ms, rss: r.rssKb, cpu: r.cpu})
      if ('bin' in pluto) {
        const p = timeCpu(t, scratch, pluto.bin, plutoArgs)
        theirs.push({ms: p.ms, rss: p.rssKb, cpu: p.cpu})
      }
      process.stderr.write(`\r  run ${i + 1} of ${runs}   `)
    }
    process.stderr.write('\n')
    console.log(`load average after the runs: ${load()}`)
    const m = t.median(ours.map(o => o.ms))
    console.log(`upgrade-plan -f DIR --target 1.36 -o json (offline): median ${sec(m)} s of ${list(ours.map(o => o.ms))} (${runs} runs, interleaved with the peer); CPU median ${t.median(ours.map(o => o.cpu)).toFixed(2)} s (target <= 1.5 s wall)`)
    console.log(`  ${Math.round(tree.files / (m / 1000))} files/s, ${Math.round(tree.documents / (m / 1000))} documents/s; peak memory ${mb(Math.max(...ours.map(o => o.rss)))} MiB resident (target <= 200)`)
    if (theirs.length) {
      const p = t.median(theirs.map(o => o.ms))
      console.log(`  pluto ${PLUTO_VERSION} detect-files -d DIR -o json: median ${sec(p)} s of ${list(theirs.map(o => o.ms))}; CPU median ${t.median(theirs.map(o => o.cpu)).toFixed(2)} s; peak ${mb(Math.max(...theirs.map(o => o.rss)))} MiB; upgrade-plan/pluto ${(m / p).toFixed(2)}x`)
    }
  } finally {
    rmSync(work, {recursive: true, force: true})
  }
}
