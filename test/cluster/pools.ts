// Cluster building blocks for tests: node pools of kwok-managed fake nodes, labelled
// the way each provider labels its pools, and a minimal REST client for setup work.
import {Agent, request} from 'node:https'
import {readFileSync} from 'node:fs'
import type {ClusterInfo as Cluster} from './cluster.ts'
import {sleep} from './cluster.ts'

export type Provider = 'eks' | 'gke' | 'aks' | 'karpenter'

/** The label each provider puts on the nodes of a pool. */
export const POOL_LABEL: Record<Provider, string> = {
  eks: 'eks.amazonaws.com/nodegroup',
  gke: 'cloud.google.com/gke-nodepool',
  aks: 'kubernetes.azure.com/agentpool',
  karpenter: 'karpenter.sh/nodepool',
}

export interface PoolOptions {
  name: string
  count: number
  provider?: Provider
  zones?: string[]
  instanceType?: string
  cpu?: string
  memory?: string
  pods?: string
  /** Extended resources, e.g. {'nvidia.com/gpu': '1'}. */
  extra?: Record<string, string>
  kubeletVersion?: string
  taints?: {key: string; value?: string; effect: string}[]
  labels?: Record<string, string>
  unschedulable?: boolean
  /** Wait until every node is Ready and schedulable (default true). */
  wait?: boolean
}

export interface Api {
  get<T = any>(path: string): Promise<T>
  post<T = any>(path: string, body: unknown): Promise<T>
  patch<T = any>(path: string, body: unknown, type?: 'merge' | 'strategic' | 'json'): Promise<T>
  del(path: string): Promise<void>
  /** Raw response, for tests that look at status codes (eviction 429, RBAC 403). */
  raw(method: string, path: string, body?: unknown, contentType?: string, accept?: string): Promise<{status: number; body: any}>
  /** How many objects a list (with selectors) holds, read as metadata only, page by page. */
  count(path: string): Promise<number>
}

/** A REST client with the admin identity of the cluster (or of another kubeconfig). */
export function api(cluster: Cluster, kubeconfig = cluster.kubeconfig): Api {
  const text = readFileSync(kubeconfig, 'utf8')
  const token = /token: (\S+)/.exec(text)?.[1] ?? ''
  const caFile = /certificate-authority: (\S+)/.exec(text)?.[1]
  const ca = caFile ? readFileSync(caFile) : undefined
  const base = new URL(cluster.server)
  const raw = (method: string, path: string, body?: unknown, contentType = 'application/json', accept = 'application/json') =>
    new Promise<{status: number; body: any}>((res, rej) => {
      const payload = body === undefined ? undefined : JSON.stringify(body)
      const req = request({
        host: base.hostname, port: base.port, path, method, ca, agent: keepAlive,
        headers: {authorization: `Bearer ${token}`, accept, ...(payload ? {'content-type': contentType, 'content-length': Buffer.byteLength(payload)} : {})},
      }, r => {
        const chunks: Buffer[] = []
        r.on('data', d => chunks.push(d))
        r.on('end', () => {
          const s = Buffer.concat(chunks).toString('utf8')
          let parsed: unknown = s
          try { parsed = JSON.parse(s) } catch { /* not JSON */ }
          res({status: r.statusCode ?? 0, body: parsed})
        })
      })
      req.on('error', rej)
      req.end(payload)
    })
  const ok = async (method: string, path: string, body?: unknown, ct?: string) => {
    const r = await raw(method, path, body, ct)
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${typeof r.body === 'object' ? r.body?.message : r.body}`)
    return r.body
  }
  const types = {merge: 'application/merge-patch+json', strategic: 'application/strategic-merge-patch+json', json: 'application/json-patch+json'}
  return {
    get: p => ok('GET', p),
    post: (p, b) => ok('POST', p, b),
    patch: (p, b, t = 'merge') => ok('PATCH', p, b, types[t]),
    del: async p => { await ok('DELETE', p) },
    raw,
    count: async p => {
      let n = 0
      let next = ''
      do {
        const sep = p.includes('?') ? '&' : '?'
        const r = await raw('GET', `${p}${sep}limit=5000${next ? `&continue=${encodeURIComponent(next)}` : ''}`, undefined, undefined, 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1')
        if (r.status !== 200) throw new Error(`GET ${p}: ${r.status}`)
        n += r.body.items?.length ?? 0
        next = r.body.metadata?.continue ?? ''
      } while (next)
      return n
    },
  }
}

const keepAlive = new Agent({keepAlive: true, maxSockets: 16})

let nextIp = 1
/** Creates a node pool of fake nodes named <name>-<i> and (by default) waits until they are Ready. */
export async function createNodePool(cluster: Cluster, o: PoolOptions): Promise<string[]> {
  const client = api(cluster)
  const zones = o.zones ?? ['zone-a', 'zone-b', 'zone-c']
  const provider = o.provider ?? 'eks'
  const names: string[] = []
  const resources = {cpu: o.cpu ?? '4', memory: o.memory ?? '16Gi', pods: o.pods ?? '110', 'ephemeral-storage': '100Gi', ...(o.extra ?? {})}
  const bodies = Array.from({length: o.count}, (_, i) => {
    const name = `${o.name}-${i}`
    names.push(name)
    const ip = nextIp++
    return {
      apiVersion: 'v1', kind: 'Node',
      metadata: {
        name,
        labels: {
          'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64',
          'node.kubernetes.io/instance-type': o.instanceType ?? 'm5.xlarge',
          'topology.kubernetes.io/zone': zones[i % zones.length]!, 'topology.kubernetes.io/region': 'region-1',
          [POOL_LABEL[provider]]: o.name, 'kwok.x-k8s.io/node': 'fake',
          ...(o.labels ?? {}),
        },
        annotations: {'node.alpha.kubernetes.io/ttl': '0'},
      },
      spec: {taints: o.taints ?? [], unschedulable: o.unschedulable ?? false, providerID: `kwok://${name}`},
      status: {
        allocatable: resources, capacity: resources,
        nodeInfo: {kubeletVersion: o.kubeletVersion ?? 'v1.36.4', containerRuntimeVersion: 'containerd://2.1.0', osImage: 'kwok', architecture: 'amd64', operatingSystem: 'linux', kernelVersion: '6.1.0', kubeProxyVersion: '', machineID: '', systemUUID: '', bootID: ''},
        addresses: [{type: 'InternalIP', address: `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}`}, {type: 'Hostname', address: name}],
      },
    }
  })
  await mapLimit(bodies, 16, b => client.post('/api/v1/nodes', b))
  if (o.wait !== false) await waitForNodesReady(cluster, names, o.unschedulable ?? false)
  return names
}

/** Waits until the nodes are Ready and the node lifecycle controller has lifted the not-ready taint. */
export async function waitForNodesReady(cluster: Cluster, names: string[], unschedulable = false, timeoutMs = 180_000): Promise<void> {
  const client = api(cluster)
  const want = new Set(names)
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const list = await client.get<{items: any[]}>('/api/v1/nodes')
    const ready = list.items.filter(n => want.has(n.metadata.name)
      && n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')
      && !(n.spec?.taints ?? []).some((t: any) => t.key === 'node.kubernetes.io/not-ready'))
    if (ready.length === want.size) return
    await sleep(300)
  }
  throw new Error(`test cluster: nodes ${names.slice(0, 3).join(', ')}… were not Ready within ${timeoutMs / 1000}s`)
}

/** Deletes the nodes of a pool and force-deletes pods left on them. */
export async function deleteNodePool(cluster: Cluster, names: string[]): Promise<void> {
  const client = api(cluster)
  await mapLimit(names, 16, n => client.del(`/api/v1/nodes/${n}`).catch(() => undefined))
}

/** Stops the fake kubelet of a node: kwok releases it (no status, no lease). */
export async function stopKubelet(cluster: Cluster, node: string): Promise<void> {
  await api(cluster).patch(`/api/v1/nodes/${node}`, {metadata: {labels: {'kwok.x-k8s.io/node': 'stopped'}}})
}

/** Makes the fake kubelet report a condition: not-ready, memory-pressure, disk-pressure or pid-pressure. */
export async function setNodeCondition(cluster: Cluster, node: string, condition: 'not-ready' | 'memory-pressure' | 'disk-pressure' | 'pid-pressure', message?: {reason?: string; message?: string}): Promise<void> {
  await api(cluster).patch(`/api/v1/nodes/${node}`, {metadata: {
    labels: {'kubectl-prod.test/node-condition': condition},
    annotations: {...(message?.reason ? {'kubectl-prod.test/reason': message.reason} : {}), ...(message?.message ? {'kubectl-prod.test/message': message.message} : {})},
  }})
}

/** Creates a namespace and waits for its default ServiceAccount (pods are refused before it exists). */
export async function createNamespace(cluster: Cluster, name: string, labels: Record<string, string> = {}): Promise<void> {
  const client = api(cluster)
  await client.post('/api/v1/namespaces', {metadata: {name, labels}})
  await waitFor(async () => (await client.raw('GET', `/api/v1/namespaces/${name}/serviceaccounts/default`)).status === 200, 60_000, `ServiceAccount ${name}/default`)
}

/** The disruption controller has written this PDB's status at its generation, every expected pod healthy. */
export const budgetSettled = (p: any): boolean => p.status?.observedGeneration === p.metadata.generation
  && p.status?.expectedPods !== undefined && p.status.currentHealthy === p.status.expectedPods

/**
 * Waits until every PDB in `namespace` passes `settled` as the disruption controller last wrote it.
 * A pod under two PDBs requeues only one of them when the pod changes (the controller's
 * getPdbForPod takes the first it finds), so the other keeps the status of its last sync, perhaps
 * from before its pods were Ready, until the PDB itself changes (or the informers' resync, hours
 * away). A PDB still unsettled after `nudgeAfterMs` is annotated, which requeues it.
 */
export async function waitForBudgets(cluster: Cluster, namespace: string, o: {timeoutMs?: number; nudgeAfterMs?: number; settled?: (pdb: any) => boolean} = {}): Promise<void> {
  const client = api(cluster)
  const settled = o.settled ?? budgetSettled
  const timeoutMs = o.timeoutMs ?? 90_000
  const nudgeAfterMs = o.nudgeAfterMs ?? 10_000
  const start = Date.now()
  let lastNudge = start
  let waiting: any[] = []
  for (;;) {
    const list = await client.get(`/apis/policy/v1/namespaces/${namespace}/poddisruptionbudgets`).catch(() => undefined)
    if (list) {
      waiting = list.items.filter((p: any) => !settled(p))
      if (waiting.length === 0) return
    }
    const now = Date.now()
    if (now - start > timeoutMs) {
      const seen = waiting.map((p: any) => `${p.metadata.name} ${JSON.stringify({generation: p.metadata.generation, ...p.status, conditions: undefined})}`)
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for the PDBs in ${namespace} to settle: ${seen.join('; ') || 'the list failed'}`)
    }
    if (list && now - lastNudge > nudgeAfterMs) {
      lastNudge = now
      await Promise.all(waiting.map((p: any) => client.patch(`/apis/policy/v1/namespaces/${namespace}/poddisruptionbudgets/${p.metadata.name}`,
        {metadata: {annotations: {'kubectl-prod.test/resync': String(now)}}}).catch(() => undefined)))
    }
    await sleep(250)
  }
}

/** What watchBudgets saw: the fewest pods of each app available, and each sample where a PDB counted fewer healthy pods than it needs. */
export interface BudgetWatch {
  lowest: Record<string, number>
  broken: string[]
  readonly samples: number
  readonly failed: number
  stop(): Promise<void>
}

/**
 * Samples, every 50 ms until stopped, how many pods of each app are available (`available`,
 * starting from `start`) and the PDBs at `pdbsPath`. Samples that fail (the API server is down)
 * are counted, not fatal.
 */
export function watchBudgets(client: Api, pdbsPath: string, available: () => Promise<Record<string, number>>, start: Record<string, number>): BudgetWatch {
  const lowest = {...start}
  const broken: string[] = []
  let samples = 0
  let failed = 0
  let on = true
  const loop = (async () => {
    while (on) {
      try {
        const [counts, pdbs] = await Promise.all([available(), client.get(pdbsPath)])
        for (const [app, n] of Object.entries(counts)) lowest[app] = Math.min(lowest[app] ?? n, n)
        for (const p of pdbs.items) {
          const s = p.status ?? {}
          if (s.observedGeneration === p.metadata.generation && s.currentHealthy < s.desiredHealthy) broken.push(`${p.metadata.name}: ${s.currentHealthy} healthy of ${s.desiredHealthy}`)
        }
        samples++
      } catch {
        failed++
      }
      await sleep(50)
    }
  })()
  return {lowest, broken, get samples() { return samples }, get failed() { return failed }, stop: async () => { on = false; await loop }}
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check().catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`)
    await sleep(everyMs)
  }
}

export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, async () => {
    while (next < items.length) { const i = next++; out[i] = await fn(items[i]!, i) }
  }))
  return out
}
