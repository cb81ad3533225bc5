// The wire baseline of `npm run bench -- upgrade-live`: the requests upgrade-plan makes,
// replayed by a plain HTTP client with nothing done to the bodies.
//   node test/bench/upgrade-raw-fetch.ts KUBECONFIG REQUESTS.json
// REQUESTS.json is {"concurrency": N, "requests": [{"path", "accept", "list"}]}: the paths
// upgrade-plan asked for (read from its -v log, first pages only), each with the Accept header
// it sent (metadata-only lists as PartialObjectMetadataList). Done as raw-fetch.ts does for
// why-pending: one keep-alive node:https agent of 8 sockets, lists in pages of 500, each next
// page asked for as soon as the start of the current body shows its continue token; the bodies
// are counted and dropped, never decoded or parsed. Single requests (version, discovery,
// /metrics) all start at once; lists run `concurrency` at a time, as upgrade-plan runs them.
// Prints {"requests":N,"bytes":N} on stdout.
import {readFileSync} from 'node:fs'
import type {IncomingMessage} from 'node:http'
import {Agent, request} from 'node:https'

interface Replay {concurrency: number; requests: {path: string; accept: string; list: boolean}[]}

const [file, replayFile] = process.argv.slice(2)
if (!file || !replayFile) { console.error('usage: node test/bench/upgrade-raw-fetch.ts KUBECONFIG REQUESTS.json'); process.exit(2) }
const text = readFileSync(file, 'utf8')
const server = new URL(/server: (\S+)/.exec(text)?.[1] ?? '')
const token = /token: (\S+)/.exec(text)?.[1] ?? ''
const caFile = /certificate-authority: (\S+)/.exec(text)?.[1]
const agent = new Agent({keepAlive: true, maxSockets: 8, ca: caFile ? readFileSync(caFile) : undefined})
const replay = JSON.parse(readFileSync(replayFile, 'utf8')) as Replay

let requests = 0
let bytes = 0

function open(path: string, accept: string): Promise<IncomingMessage> {
  requests++
  return new Promise((resolve, reject) => {
    const req = request({host: server.hostname, port: server.port, path, agent, headers: {authorization: `Bearer ${token}`, accept, 'user-agent': 'raw-fetch'}}, res => {
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

async function list(path: string, accept: string): Promise<void> {
  const sep = path.includes('?') ? '&' : '?'
  const url = (cont?: string) => `${path}${sep}limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`
  let next: Promise<IncomingMessage> | undefined = open(url(), accept)
  while (next) {
    const res: IncomingMessage = await next
    next = undefined
    await drain(res, t => { next = open(url(t), accept) })
  }
}

const singles = replay.requests.filter(r => !r.list).map(r => open(r.path, r.accept).then(res => drain(res, () => undefined)))
const lists = replay.requests.filter(r => r.list)
let nextList = 0
const workers = Array.from({length: Math.min(replay.concurrency, lists.length)}, async () => {
  for (let i = nextList++; i < lists.length; i = nextList++) await list(lists[i]!.path, lists[i]!.accept)
})
await Promise.all([...singles, ...workers])
agent.destroy()
console.log(JSON.stringify({requests, bytes}))
