// The names completion offers, read for real: from the kubeconfig (contexts, clusters, users) and
// from the cluster the line points at (its --kubeconfig, --context, -n and the other connection
// flags, as the command would connect). Only GETs, each bounded by the completion's deadline and
// never retried: a shell is waiting.
import {readFileSync, existsSync} from 'node:fs'
import type {Kube, RequestInit} from '../../kube/client.js'
import type {ConnectionFlags} from '../../kube/kubeconfig.js'
import type {Source, WorkloadKind} from './complete.js'
import type {Line} from './words.js'

const WORKLOAD_PATHS: Record<WorkloadKind, string> = {
  Deployment: 'apis/apps/v1/deployments', StatefulSet: 'apis/apps/v1/statefulsets', DaemonSet: 'apis/apps/v1/daemonsets',
  ReplicaSet: 'apis/apps/v1/replicasets', Job: 'apis/batch/v1/jobs',
}

const CONNECTION = ['kubeconfig', 'context', 'cluster', 'user', 'namespace', 'server', 'token', 'certificate-authority', 'client-certificate', 'client-key', 'tls-server-name'] as const

/** A Kube that refuses anything but GET: completion never writes. */
export function readOnly(kube: Kube): Kube {
  const check = (init?: RequestInit) => {
    if ((init?.method ?? 'GET') !== 'GET') throw new Error(`completion only reads; it was about to ${init?.method}`)
  }
  return {
    ...kube,
    request: async <T>(path: string, init?: RequestInit) => { check(init); return kube.request<T>(path, init) },
    send: async (path, init) => { check(init); return kube.send(path, init) },
    stream: async (path, init) => { check(init); return kube.stream(path, init) },
  }
}

export function liveSource(line: Line, opts: {timeoutMs: number; signal: AbortSignal}): Source {
  const last = (name: string) => line.flags.get(name)?.at(-1)
  const flags: ConnectionFlags = Object.fromEntries(CONNECTION.map(name => [name, last(name)]))
  flags['insecure-skip-tls-verify'] = last('insecure-skip-tls-verify') === 'true'
  let connection: Promise<{kube: Kube; namespace: string}> | undefined
  const connected = () => connection ??= (async () => {
    const [{loadKubeconfig}, {connect}] = await Promise.all([import('../../kube/kubeconfig.js'), import('../../kube/client.js')])
    const config = loadKubeconfig(flags)
    const kube = await connect(config, {
      requestTimeoutMs: opts.timeoutMs, connectTimeoutMs: opts.timeoutMs, tlsHandshakeTimeoutMs: opts.timeoutMs, retries: 0,
      verbose: 0, log: () => undefined, signal: opts.signal,
      as: last('as'), asGroups: line.flags.get('as-group'), asUid: last('as-uid'),
    })
    return {kube: readOnly(kube), namespace: config.namespace}
  })()
  const names = async (path: string): Promise<string[]> => {
    const {kube} = await connected()
    const {listMetadata} = await import('../../kube/list.js')
    const items = await listMetadata(kube, path, {signal: opts.signal})
    return [...new Set(items.map(i => i.metadata.name ?? '').filter(Boolean))].sort()
  }
  /** A namespaced collection in the line's namespace, or across all of them with -A. */
  const scoped = async (group: string, resource: string): Promise<string[]> => {
    const {namespace} = await connected()
    const all = line.flags.get('all-namespaces')?.at(-1) === 'true'
    return names(all ? `/${group}/${resource}` : `/${group}/namespaces/${encodeURIComponent(namespace)}/${resource}`)
  }
  const split = (path: string) => [path.slice(0, path.lastIndexOf('/')), path.slice(path.lastIndexOf('/') + 1)] as const

  return {
    kubeconfigNames: async kind => kubeconfigNames(flags.kubeconfig, kind),
    namespaces: () => names('/api/v1/namespaces'),
    nodes: () => names('/api/v1/nodes'),
    pods: () => scoped('api/v1', 'pods'),
    workloads: kind => scoped(...split(WORKLOAD_PATHS[kind])),
    pools: async poolLabel => {
      const {kube} = await connected()
      const [{listMetadata}, {nodePoolName, NO_POOL}] = await Promise.all([import('../../kube/list.js'), import('../../upgrade/pools.js')])
      const counts = new Map<string, number>()
      for (const node of await listMetadata(kube, '/api/v1/nodes', {signal: opts.signal})) {
        const {name} = nodePoolName(node as Parameters<typeof nodePoolName>[0], poolLabel)
        if (name !== NO_POOL) counts.set(name, (counts.get(name) ?? 0) + 1)
      }
      return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([name, nodes]) => ({name, nodes}))
    },
    serverVersion: async () => {
      const {kube} = await connected()
      const {gitVersion = ''} = await kube.get<{gitVersion?: string}>('/version')
      const m = /^v?(\d+)\.(\d+)(\.\d+)?/.exec(gitVersion)
      if (!m) throw new Error(`the server version "${gitVersion}" is not a version`)
      return {minor: `${m[1]}.${Number(m[2])}`, version: `${m[1]}.${Number(m[2])}${m[3] ?? ''}`}
    },
    removals: () => readRemovalTable(),
    rbacCommands: async () => Object.keys((await import('../permissions.js')).PERMISSIONS),
  }
}

/** The context, cluster or user names of the kubeconfig files kubectl would read, first file first. */
async function kubeconfigNames(flag: string | undefined, kind: 'context' | 'cluster' | 'user'): Promise<string[]> {
  const [{kubeconfigFiles}, {load}] = await Promise.all([import('../../kube/kubeconfig.js'), import('js-yaml')])
  const out = new Set<string>()
  for (const file of kubeconfigFiles(flag).files) {
    if (!existsSync(file)) continue
    const doc = load(readFileSync(file, 'utf8')) as Record<string, unknown> | null
    const list = doc?.[`${kind}s`]
    if (list === undefined || list === null) continue
    if (!Array.isArray(list)) throw new Error(`${file}: ${kind}s is not a list`)
    for (const entry of list as {name?: unknown}[]) if (typeof entry?.name === 'string') out.add(entry.name)
  }
  return [...out]
}

type Removals = Awaited<ReturnType<Source['removals']>>

/** The reach of the shipped removal table (read from disk, or from inside the single executable). */
async function readRemovalTable(): Promise<Removals> {
  const [{BUILTIN_TABLE, parseTable}, {readShipped}] = await Promise.all([import('../../deprecations/table.js'), import('../../deprecations/shipped.js')])
  return countRemovals(parseTable(readShipped(BUILTIN_TABLE, BUILTIN_TABLE), BUILTIN_TABLE))
}

function countRemovals(t: {coversThrough: string; rows: {removedIn: string | null}[]}): Removals {
  const removedIn = new Map<string, number>()
  for (const row of t.rows) if (row.removedIn) removedIn.set(row.removedIn, (removedIn.get(row.removedIn) ?? 0) + 1)
  return {coversThrough: t.coversThrough, removedIn}
}
