// The wire baseline of `npm run bench -- upgrade-live`: the requests upgrade-plan makes,
// replayed by a plain HTTP client with nothing done to the bodies.
//   node test/bench/upgrade-raw-fetch.ts KUBECONFIG REQUESTS.json
// REQUESTS.json is {"concurrency": N, "requests": [{"path", "accept", "list"}]}: the paths
// upgrade-plan asked for (read from its -v log, first pages only), each with the Accept header
// it sent (metadata-only lists as PartialObjectMetadataList). Done as raw-fetch.ts does for
// why-pending (wire.ts): one keep-alive node:https agent of 8 sockets, lists in pages of 500, each next
// page asked for as soon as the start of the current body shows its continue token; the bodies
// are counted and dropped, never decoded or parsed. Single requests (version, discovery,
// /metrics) all start at once; lists run `concurrency` at a time, as upgrade-plan runs them.
// Prints {"requests":N,"bytes":N} on stdout.
import {readFileSync} from 'node:fs'
import {wire} from './wire.ts'

interface Replay {concurrency: number; requests: {path: string; accept: string; list: boolean}[]}

const [file, replayFile] = process.argv.slice(2)
if (!file || !replayFile) { console.error('usage: node test/bench/upgrade-raw-fetch.ts KUBECONFIG REQUESTS.json'); process.exit(2) }
const w = wire(file)
const replay = JSON.parse(readFileSync(replayFile, 'utf8')) as Replay

const singles = replay.requests.filter(r => !r.list).map(r => w.open(r.path, r.accept).then(res => w.drain(res)))
const lists = replay.requests.filter(r => r.list)
let nextList = 0
const workers = Array.from({length: Math.min(replay.concurrency, lists.length)}, async () => {
  for (let i = nextList++; i < lists.length; i = nextList++) await w.list(lists[i]!.path, lists[i]!.accept)
})
await Promise.all([...singles, ...workers])
w.close()
console.log(JSON.stringify(w.counts()))
