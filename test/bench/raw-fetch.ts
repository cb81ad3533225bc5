// The baseline of `npm run bench -- scale`: what fetching why-pending's lists costs at the
// wire's speed, with nothing done to them.
//   node test/bench/raw-fetch.ts KUBECONFIG
// The same requests as `why-pending -A` over the bench cluster (src/kube/snapshot.ts: the
// version, pods, nodes and events together, then the workloads, quotas and leases together;
// nothing with volumes, as no bench pod has one), over one keep-alive node:https agent of 8
// sockets, in pages of 500 (wire.ts). Each next page is asked for as soon as the start of the
// current body shows its continue token; the bodies are counted and dropped, never decoded or parsed.
// Prints {"requests":N,"bytes":N} on stdout.
import {wire} from './wire.ts'

const file = process.argv[2]
if (!file) { console.error('usage: node test/bench/raw-fetch.ts KUBECONFIG'); process.exit(2) }
const w = wire(file)

await Promise.all([w.open('/version').then(res => w.drain(res)), w.list('/api/v1/pods'), w.list('/api/v1/nodes'), w.list('/api/v1/events')])
await Promise.all([
  '/apis/apps/v1/replicasets', '/apis/apps/v1/deployments', '/apis/apps/v1/statefulsets', '/apis/apps/v1/daemonsets',
  '/apis/batch/v1/jobs', '/api/v1/resourcequotas', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases',
].map(path => w.list(path)))
w.close()
console.log(JSON.stringify(w.counts()))
