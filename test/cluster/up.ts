// npm run cluster:up [-- --nodes N] [-- --pools name:count[,name:count...]] [-- --provider eks|gke|aks|karpenter]
// Starts the local control plane, prints the export KUBECONFIG line, keeps it up until Ctrl-C.
import {parseArgs} from 'node:util'
import {startForTerminal} from './cluster.ts'
import {createNodePool, type Provider} from './pools.ts'

const usage = 'usage: npm run cluster:up -- [--nodes N] [--pools NAME:COUNT,...] [--provider eks|gke|aks|karpenter]'
let values
try {
  ({values} = parseArgs({options: {nodes: {type: 'string'}, pools: {type: 'string'}, provider: {type: 'string'}, help: {type: 'boolean', short: 'h'}}}))
} catch (err) {
  console.error(`cluster:up: ${(err as Error).message}\n${usage}`)
  process.exit(2)
}
if (values.help) { console.log(usage); process.exit(0) }
const provider = (values.provider ?? 'eks') as Provider
if (!['eks', 'gke', 'aks', 'karpenter'].includes(provider)) { console.error(`cluster:up: unknown provider "${provider}"\n${usage}`); process.exit(2) }
const pools: {name: string; count: number}[] = []
for (const spec of (values.pools ?? `pool-a:${values.nodes ?? '3'}`).split(',')) {
  const [name, count] = spec.split(':')
  const n = Number(count)
  if (!name || !/^[a-z0-9-]+$/.test(name) || !Number.isInteger(n) || n < 0) { console.error(`cluster:up: bad pool "${spec}" (want NAME:COUNT)\n${usage}`); process.exit(2) }
  pools.push({name, count: n})
}

const started = Date.now()
const cluster = await startForTerminal('cluster:up')
for (const p of pools) if (p.count > 0) await createNodePool(cluster, {name: p.name, count: p.count, provider})
console.error(`cluster:up: ready in ${((Date.now() - started) / 1000).toFixed(1)}s with ${pools.map(p => `${p.count} nodes in ${p.name}`).join(', ')}`)
console.log(`export KUBECONFIG=${cluster.kubeconfig}`)
console.error(`cluster:up: pids ${cluster.pids.join(' ')}`)
console.error('cluster:up: press Ctrl-C to stop')
setInterval(() => {}, 1 << 30)
