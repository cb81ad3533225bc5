// npm run cluster:up [-- --nodes N] [-- --pools name:count[,name:count...]] [-- --provider eks|gke|aks|karpenter]
//                    [-- --runtime-config SPEC]
// Starts the local control plane, prints the export KUBECONFIG line, keeps it up until Ctrl-C.
// --runtime-config is passed to kube-apiserver as is (e.g. api/all=true serves the beta versions a
// release still carries but no longer serves by default).
import {parseArgs} from 'node:util'
import {runtimeConfigProblem, startForTerminal} from './cluster.ts'
import {createNodePool, type Provider} from './pools.ts'

const usage = 'usage: npm run cluster:up -- [--nodes N] [--pools NAME:COUNT,...] [--provider eks|gke|aks|karpenter] [--runtime-config SPEC]'
/** Bad input: one line, exit 2. */
const refuse = (what: string): never => { console.error(`cluster:up: ${what}; see --help`); process.exit(2) }
let values
try {
  ({values} = parseArgs({options: {nodes: {type: 'string'}, pools: {type: 'string'}, provider: {type: 'string'}, 'runtime-config': {type: 'string'}, help: {type: 'boolean', short: 'h'}}}))
} catch (err) {
  refuse((err as Error).message)
}
if (values!.help) { console.log(usage); process.exit(0) }
const provider = (values!.provider ?? 'eks') as Provider
if (!['eks', 'gke', 'aks', 'karpenter'].includes(provider)) refuse(`unknown provider "${provider}"`)
const runtimeConfig = values!['runtime-config']
if (runtimeConfig !== undefined) {
  const problem = runtimeConfigProblem(runtimeConfig)
  if (problem) refuse(`--runtime-config ${JSON.stringify(runtimeConfig)}: ${problem}`)
}
const pools: {name: string; count: number}[] = []
for (const spec of (values!.pools ?? `pool-a:${values!.nodes ?? '3'}`).split(',')) {
  const [name, count] = spec.split(':')
  const n = Number(count)
  if (!name || !/^[a-z0-9-]+$/.test(name) || !Number.isInteger(n) || n < 0) refuse(`bad pool "${spec}" (want NAME:COUNT)`)
  pools.push({name: name!, count: n})
}

const started = Date.now()
const cluster = await startForTerminal('cluster:up', {runtimeConfig})
for (const p of pools) if (p.count > 0) await createNodePool(cluster, {name: p.name, count: p.count, provider})
console.error(`cluster:up: ready in ${((Date.now() - started) / 1000).toFixed(1)}s with ${pools.map(p => `${p.count} nodes in ${p.name}`).join(', ')}${runtimeConfig ? `, --runtime-config=${runtimeConfig}` : ''}`)
console.log(`export KUBECONFIG=${cluster.kubeconfig}`)
console.error(`cluster:up: pids ${cluster.pids.join(' ')}`)
console.error('cluster:up: press Ctrl-C to stop')
setInterval(() => {}, 1 << 30)
