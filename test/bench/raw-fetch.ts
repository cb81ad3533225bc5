// The baseline of `npm run bench -- scale`: what fetching why-pending's lists costs at the
// wire's speed, with nothing done to them.
//   node test/bench/raw-fetch.ts KUBECONFIG
// The same requests as `why-pending -A` over the bench cluster (src/kube/snapshot.ts: the
// version, pods, nodes and events together, then the workloads, quotas and leases together;
// nothing with volumes, as no bench pod has one), over one keep-alive node:https agent of 8
// sockets, in pages of 500. Each next page is asked for as soon as the start of the current
// body shows its continue token; the bodies are counted and dropped, never decoded or parsed.
// Prints {"requests":N,"bytes":N} on stdout.
import {readFileSync} from 'node:fs'
import type {IncomingMessage} from 'node:http'
import {Agent, request} from 'node:https'

const file = process.argv[2]
if (!file) { console.error('usage: node test/bench/raw-fetch.ts KUBECONFIG'); process.exit(2) }
const text = readFileSync(file, 'utf8')
const server = new URL(/server: (\S+)/.exec(text)?.[1] ?? '')
const token = /token: (\S+)/.exec(text)?.[1] ?? ''
const caFile = /certificate-authority: (\S+)/.exec(text)?.[1]
const agent = new Agent({keepAlive: true, maxSockets: 8, ca: caFile ? readFileSync(caFile) : undefined})

let requests = 0
let bytes = 0

/** Asks for one page; the response comes paused, to be read when its turn comes. */
function open(path: string): Promise<IncomingMessage> {
  requests++
  return new Promise((resolve, reject) => {
    const req = request({host: server.hostname, port: server.port, path, agent, headers: {authorization: `Bearer ${token}`, accept: 'application/json', 'user-agent': 'raw-fetch'}}, res => {
      if (res.statusCode !== 200) { res.resume(); return reject(new Error(`GET ${path}: ${res.statusCode}`)) }
      resolve(res)
    })
    req.on('error', reject)
    req.end()
  })
}

/** Reads a body to its end, dropping it; `early` gets the continue token as soon as the start shows it. */
function drain(res: IncomingMessage, early: (token: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let head: string | undefined = ''
    res.on('data', (chunk: Buffer) => {
      bytes += chunk.length
      if (head === undefined) return
      head += chunk.toString('latin1')
      const itemsAt = head.indexOf('"items"')
      const m = /"continue"\s*:\s*"([^"\\]*)"/.exec(itemsAt < 0 ? head : head.slice(0, itemsAt))
      if (m || itemsAt >= 0 || head.length > 65536) {
        head = undefined
        if (m?.[1]) early(m[1])
      }
    })
    res.on('end', resolve)
    res.on('error', reject)
  })
}

/** Every page of a collection, as kubectl-prod's pager reads them (src/kube/list.ts). */
async function list(path: string): Promise<void> {
  const url = (cont?: string) => `${path}?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`
  let next: Promise<IncomingMessage> | undefined = open(url())
  while (next) {
    const res: IncomingMessage = await next
    next = undefined
    await drain(res, t => { next = open(url(t)) })
  }
}

await Promise.all([open('/version').then(res => drain(res, () => undefined)), list('/api/v1/pods'), list('/api/v1/nodes'), list('/api/v1/events')])
await Promise.all([
  '/apis/apps/v1/replicasets', '/apis/apps/v1/deployments', '/apis/apps/v1/statefulsets', '/apis/apps/v1/daemonsets',
  '/apis/batch/v1/jobs', '/api/v1/resourcequotas', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases',
].map(list))
agent.destroy()
console.log(JSON.stringify({requests, bytes}))
