// drain's benchmark (run through test/bench/run.ts):
//   npm run bench -- drain [--pods-per-node 100] [--runs 5]
// For each run, three fresh nodes each hold a Deployment of --pods-per-node pods under a PDB that allows
// 10% of them to be down; once they run, nodes of the same pool with room for the replacements
// are added. Then, one after the other in the same run: `kubectl drain` of one node
// (--ignore-daemonsets --grace-period 0, done when the evicted pods are gone), and
// `kubectl prod drain` of the other with the same grace period, twice over: with
// --no-wait-replacements (done when the pods are gone, as kubectl) and by default (done when the
// replacements are available and the PDB healthy again). kubectl retries a refused eviction
// every 5 s; kubectl prod asks again sooner and as the PDB recovers.
// Nothing here is a timed test: these are figures for the README.
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {loadavg} from 'node:os'
import {startCluster} from '../cluster/cluster.ts'
import {api, createNamespace, createNodePool, waitFor} from '../cluster/pools.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const BIN = join(root, 'bin', 'run.js')

export interface DrainBenchTools {
  time(cmd: string, args: string[], env?: NodeJS.ProcessEnv): {ms: number; maxRssKb?: number; code: number | null}
  median(xs: number[]): number
  values: {'pods-per-node'?: string; runs?: string}
}

const sec = (ms: number) => (ms / 1000).toFixed(1)

export async function drainBench(t: DrainBenchTools): Promise<void> {
  const pods = Number(t.values['pods-per-node'] ?? 100)
  const runs = Number(t.values.runs ?? 5)
  const cluster = await startCluster({log: () => {}})
  try {
    const client = api(cluster)
    const env = {...process.env, KUBECONFIG: cluster.kubeconfig}
    const kubectlBin = join(cluster.binDir, 'kubectl')
    await createNamespace(cluster, 'bench')
    const ours: number[] = [], oursGone: number[] = [], theirs: number[] = []
    for (let i = 0; i < runs; i++) {
      // Three pools of one node each: kubectl's, ours with --no-wait-replacements, ours by default.
      const names = ['k', 'g', 'w'].map(p => `drain-${p}${i}`)
      for (const name of names) {
        await createNodePool(cluster, {name, count: 1, cpu: '64', memory: '256Gi', pods: String(pods + 10)})
        await client.post('/apis/apps/v1/namespaces/bench/deployments', {
          metadata: {name}, spec: {
            replicas: pods, selector: {matchLabels: {app: name}},
            template: {metadata: {labels: {app: name}}, spec: {
              nodeSelector: {'eks.amazonaws.com/nodegroup': name}, terminationGracePeriodSeconds: 0,
              containers: [{name: 'app', image: 'registry.example/app:1', resources: {requests: {cpu: '10m', memory: '16Mi'}}}],
            }},
          },
        })
        await client.post('/apis/policy/v1/namespaces/bench/poddisruptionbudgets', {metadata: {name}, spec: {maxUnavailable: '10%', selector: {matchLabels: {app: name}}}})
      }
      const ready = async (app: string) => (await client.get(`/api/v1/namespaces/bench/pods?labelSelector=app%3D${app}`)).items
        .filter((p: any) => p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')).length
      await waitFor(async () => (await Promise.all(names.map(ready))).every(n => n === pods), 600_000, 'the pods to run', 1000)
      // Room for the replacements, in each pool.
      for (const name of names) await createNodePool(cluster, {name: `${name}-room`, count: 2, cpu: '64', memory: '256Gi', pods: String(pods + 10), labels: {'eks.amazonaws.com/nodegroup': name}})
      await waitFor(async () => (await client.get('/apis/policy/v1/namespaces/bench/poddisruptionbudgets')).items
        .filter((p: any) => names.includes(p.metadata.name)).every((p: any) => p.status?.currentHealthy === pods && p.status?.disruptionsAllowed === Math.floor(pods / 10)), 120_000, 'the PDBs to count every pod')

      const k = t.time(kubectlBin, ['drain', `${names[0]}-0`, '--ignore-daemonsets', '--grace-period', '0', '--timeout', '10m'], env)
      if (k.code !== 0) throw new Error(`kubectl drain exited ${k.code}`)
      theirs.push(k.ms)
      const g = t.time(process.execPath, [BIN, 'drain', `${names[1]}-0`, '--grace-period', '0', '--no-wait-replacements', '--timeout', '10m', '-y'], env)
      if (g.code !== 0) throw new Error(`kubectl prod drain --no-wait-replacements exited ${g.code}`)
      oursGone.push(g.ms)
      const w = t.time(process.execPath, [BIN, 'drain', `${names[2]}-0`, '--grace-period', '0', '--timeout', '10m', '-y'], env)
      if (w.code !== 0) throw new Error(`kubectl prod drain exited ${w.code}`)
      ours.push(w.ms)
      console.log(`run ${i + 1}: kubectl drain ${sec(k.ms)} s; kubectl prod drain --no-wait-replacements ${sec(g.ms)} s; kubectl prod drain ${sec(w.ms)} s (load ${loadavg()[0]!.toFixed(1)})`)
    }
    const k = t.median(theirs), g = t.median(oursGone), w = t.median(ours)
    console.log(`${pods} pods on a node under a PDB allowing 10% down, median of ${runs}:`)
    console.log(`  kubectl drain: ${sec(k)} s (${theirs.map(sec).join(', ')})`)
    console.log(`  kubectl prod drain --no-wait-replacements: ${sec(g)} s (${oursGone.map(sec).join(', ')}): ${(g / k).toFixed(2)}x kubectl`)
    console.log(`  kubectl prod drain (until the replacements are available): ${sec(w)} s (${ours.map(sec).join(', ')}): ${(w / k).toFixed(2)}x kubectl`)
  } finally {
    await cluster.stop()
  }
}
