// npm run demo: a local cluster with things to explain, kubectl-prod on PATH, and the
// commands to try. Runs until Ctrl-C, then removes everything it started.
// Two scenarios: pods that cannot run (why-pending), and a cluster with things in the way of
// its next minor (upgrade-plan): an object applied through an API 1.37 removes, a Helm release
// carrying one, a pool of kubelets 1.37 would leave too far behind, a PDB that blocks drains.
// That pool (legacy) is the one to walk (nodepool upgrade): it runs a Deployment under a PDB, and
// a hook on PATH, demo-upgrade-node, stands in for the cloud CLI that upgrades a node.
import {spawnSync} from 'node:child_process'
import {gzipSync} from 'node:zlib'
import {chmodSync, mkdirSync, symlinkSync, writeFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {kubectl, startForTerminal} from './cluster.ts'
import {api, createNamespace, createNodePool, setNodeCondition, waitFor} from './pools.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const started = Date.now()
// Every API the release still carries is served, so the demo can write through the beta ones 1.37 removes.
const cluster = await startForTerminal('demo', {runtimeConfig: 'api/all=true'})

console.error('demo: creating node pools and workloads')
const client = api(cluster)
await createNodePool(cluster, {name: 'general', count: 3, cpu: '4', memory: '16Gi'})
await createNodePool(cluster, {name: 'gpu', count: 2, cpu: '8', memory: '32Gi', taints: [{key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule'}], extra: {'nvidia.com/gpu': '1'}, kubeletVersion: 'v1.35.2'})
const [, sick] = await createNodePool(cluster, {name: 'batch', count: 2, cpu: '8', memory: '32Gi', provider: 'eks'})
await setNodeCondition(cluster, sick!, 'not-ready')
// Before any workload: once the node lifecycle controller has tainted it, no pod lands there in the meantime.
await waitFor(async () => ((await client.get(`/api/v1/nodes/${sick}`)).spec?.taints ?? []).some((t: {key: string}) => t.key === 'node.kubernetes.io/not-ready'), 60_000, `the not-ready taint on ${sick}`)
await createNamespace(cluster, 'shop')
const deploy = (name: string, replicas: number, spec: Record<string, unknown>, labels: Record<string, string> = {}) =>
  client.post('/apis/apps/v1/namespaces/shop/deployments', {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name},
    spec: {replicas, selector: {matchLabels: {app: name}}, template: {metadata: {labels: {app: name, ...labels}}, spec: {containers: [{name: name, image: `registry.example/shop/${name}:1.4.2`, resources: {requests: {cpu: '250m', memory: '256Mi'}}}], ...spec}}},
  })
await deploy('web', 6, {})
await deploy('search', 4, {containers: [{name: 'search', image: 'registry.example/shop/search:2.0', resources: {requests: {cpu: '1', memory: '20Gi'}}}]})
await deploy('trainer', 2, {nodeSelector: {'eks.amazonaws.com/nodegroup': 'gpu'}, containers: [{name: 'trainer', image: 'registry.example/ml/trainer:7', resources: {requests: {cpu: '2', memory: '8Gi'}, limits: {'nvidia.com/gpu': '1'}}}]})
await deploy('checkout', 2, {}, {'kubectl-prod.test/pod': 'unready'})
await client.post('/api/v1/namespaces/shop/persistentvolumeclaims', {metadata: {name: 'orders-data'}, spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '10Gi'}}}})
await deploy('orders-db', 1, {volumes: [{name: 'data', persistentVolumeClaim: {claimName: 'orders-data'}}]})
await waitFor(async () => {
  const pods = (await client.get('/api/v1/namespaces/shop/pods')).items
  return pods.filter((p: any) => p.status?.conditions?.some((c: any) => c.type === 'PodScheduled' && c.reason === 'Unschedulable')).length >= 5
}, 60_000, 'the scheduler to give up on the demo pods')

console.error('demo: creating the upgrade scenario')
await createNodePool(cluster, {name: 'legacy', count: 2, cpu: '4', memory: '16Gi', kubeletVersion: 'v1.33.7'})
// What the walk of legacy moves: three replicas under a PDB that lets one go at a time. They ask
// for CPU only, so the memory the other scenarios talk about stays as it was.
await client.post('/apis/apps/v1/namespaces/shop/deployments', {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'catalog'},
  spec: {replicas: 3, selector: {matchLabels: {app: 'catalog'}}, template: {metadata: {labels: {app: 'catalog'}}, spec: {
    nodeSelector: {'eks.amazonaws.com/nodegroup': 'legacy'}, terminationGracePeriodSeconds: 5,
    containers: [{name: 'catalog', image: 'registry.example/shop/catalog:3.1', resources: {requests: {cpu: '200m'}}}],
  }}},
})
await client.post('/apis/policy/v1/namespaces/shop/poddisruptionbudgets', {metadata: {name: 'catalog'}, spec: {maxUnavailable: 1, selector: {matchLabels: {app: 'catalog'}}}})
await waitFor(async () => {
  const pods = (await client.get('/api/v1/namespaces/shop/pods?labelSelector=app%3Dcatalog')).items
  return pods.filter((p: any) => p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')).length === 3
}, 60_000, 'the catalog pods to run')
// Applied with kubectl through storage.k8s.io/v1beta1: the last-applied annotation keeps that version.
await kubectl(cluster, ['apply', '-f', '-'], {input: 'apiVersion: storage.k8s.io/v1beta1\nkind: VolumeAttributesClass\nmetadata:\n  name: fast\ndriverName: ebs.csi.aws.com\nparameters:\n  iops: "6000"\n'})
await client.post('/apis/policy/v1/namespaces/shop/poddisruptionbudgets', {metadata: {name: 'web'}, spec: {minAvailable: 6, selector: {matchLabels: {app: 'web'}}}})
// A Helm v3 release as Helm stores it: a Secret whose data.release is base64(gzip(release JSON)).
const release = {
  name: 'storage-classes', namespace: 'kube-system', version: 3, info: {status: 'deployed'},
  manifest: '---\n# Source: storage-classes/templates/vac.yaml\napiVersion: storage.k8s.io/v1beta1\nkind: VolumeAttributesClass\nmetadata:\n  name: throughput\ndriverName: ebs.csi.aws.com\n',
}
await client.post('/api/v1/namespaces/kube-system/secrets', {
  metadata: {name: 'sh.helm.release.v1.storage-classes.v3', labels: {name: 'storage-classes', owner: 'helm', status: 'deployed', version: '3'}},
  type: 'helm.sh/release.v1',
  data: {release: Buffer.from(gzipSync(JSON.stringify(release)).toString('base64')).toString('base64')},
})

// kubectl and kubectl-prod side by side on PATH, so `kubectl prod ...` works, and kubectl's
// completion helper for plugins, so `kubectl prod <TAB>` does too.
const binDir = join(cluster.stateDir, 'bin')
mkdirSync(binDir, {recursive: true})
symlinkSync(join(cluster.binDir, 'kubectl'), join(binDir, 'kubectl'))
symlinkSync(join(root, 'bin', 'run.js'), join(binDir, 'kubectl-prod'))
symlinkSync(join(root, 'bin', 'kubectl_complete-prod.js'), join(binDir, 'kubectl_complete-prod'))
// The Node this runs on too (npm scripts run on the project's pinned one), so a new shell with this
// PATH runs the plugin on it rather than on an older system Node.
symlinkSync(process.execPath, join(binDir, 'node'))
// The walk's hook: a cloud CLI would replace or upgrade the instance; a fake kubelet just reports the new version.
writeFileSync(join(binDir, 'demo-upgrade-node'), [
  '#!/bin/sh',
  '# kubectl prod nodepool upgrade runs this for each drained node (KUBECTL_PROD_NODE, KUBECTL_PROD_TARGET_VERSION).',
  `exec ${join(cluster.binDir, 'kubectl')} patch node "$KUBECTL_PROD_NODE" --subresource=status --type=merge -p "{\\"status\\":{\\"nodeInfo\\":{\\"kubeletVersion\\":\\"v$KUBECTL_PROD_TARGET_VERSION.0\\"}}}"`,
  '',
].join('\n'))
chmodSync(join(binDir, 'demo-upgrade-node'), 0o755)
const env = {...process.env, KUBECONFIG: cluster.kubeconfig, PATH: `${binDir}:${process.env.PATH}`}

console.error(`demo: ready in ${((Date.now() - started) / 1000).toFixed(1)}s. In another shell:\n`)
console.log(`export KUBECONFIG=${cluster.kubeconfig} PATH=${binDir}:$PATH`)
console.log('kubectl prod version')
console.log('kubectl prod why-pending -A')
console.log('kubectl prod why-pending deploy/trainer -n shop --details')
console.log('kubectl prod why-pending -n shop -o json')
console.log('kubectl prod rbac why-pending')
console.log('kubectl prod upgrade-plan')
console.log('kubectl prod upgrade-plan --target 1.38 -o markdown')
console.log('kubectl prod nodepool list')
console.log('kubectl prod nodepool upgrade legacy --target-version 1.36 --hook demo-upgrade-node --dry-run')
console.log('kubectl prod nodepool upgrade legacy --target-version 1.36 --hook demo-upgrade-node --yes')
console.error('\ndemo: here is what `kubectl prod why-pending -A` says now:\n')
spawnSync(join(binDir, 'kubectl'), ['prod', 'why-pending', '-A'], {env, stdio: 'inherit'})
console.error('\ndemo: and what `kubectl prod upgrade-plan` says about going to the next minor:\n')
spawnSync(join(binDir, 'kubectl'), ['prod', 'upgrade-plan'], {env, stdio: 'inherit'})
console.error('\ndemo: the cluster stays up until Ctrl-C')
setInterval(() => {}, 1 << 30)
