// Loads kubeconfig the way kubectl does (client-go clientcmd), not the way client-node's
// loadFromDefault does: KUBECONFIG is a list of files, missing files are skipped, the first
// file to set a value or a named entry wins, and --kubeconfig means that file alone.
// Then kubectl's override flags are applied to the chosen context.
import {readFileSync, existsSync} from 'node:fs'
import {homedir} from 'node:os'
import {delimiter, dirname, isAbsolute, join, resolve} from 'node:path'
import {load as parseYaml} from 'js-yaml'
import {InputError} from '../model/errors.js'

export interface ConnectionFlags {
  kubeconfig?: string
  context?: string
  cluster?: string
  user?: string
  namespace?: string
  server?: string
  token?: string
  'certificate-authority'?: string
  'client-certificate'?: string
  'client-key'?: string
  'tls-server-name'?: string
  'insecure-skip-tls-verify'?: boolean
}

type Named<T> = {name: string} & T
interface KubeconfigDoc {
  'current-context'?: string
  clusters: Named<{cluster: Record<string, unknown>}>[]
  users: Named<{user: Record<string, unknown>}>[]
  contexts: Named<{context: Record<string, unknown>}>[]
}

export interface ResolvedConfig {
  /** A kubeconfig holding only the chosen context, its cluster and user, overrides applied. */
  doc: KubeconfigDoc & {apiVersion: 'v1'; kind: 'Config'}
  context: string
  cluster: string
  user: string
  server: string
  namespace: string
  /** The files read, in order. */
  files: string[]
}

/** The files kubectl would read, in precedence order. */
export function kubeconfigFiles(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): {files: string[]; explicit: boolean} {
  if (flag) return {files: [resolve(flag)], explicit: true}
  if (env.KUBECONFIG) {
    const files = env.KUBECONFIG.split(delimiter).filter(f => f.trim() !== '').map(f => resolve(f))
    return {files: [...new Set(files)], explicit: false}
  }
  return {files: [join(env.HOME || homedir(), '.kube', 'config')], explicit: false}
}

export function loadKubeconfig(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): ResolvedConfig {
  const {files, explicit} = kubeconfigFiles(flags.kubeconfig, env)
  const merged: KubeconfigDoc = {clusters: [], users: [], contexts: []}
  const read: string[] = []
  for (const file of files) {
    if (!existsSync(file)) {
      if (explicit) throw new InputError(`kubeconfig file ${file} does not exist`, 'check the path given to --kubeconfig')
      continue // kubectl skips missing files in KUBECONFIG
    }
    const doc = parseFile(file)
    read.push(file)
    if (merged['current-context'] === undefined && doc['current-context']) merged['current-context'] = doc['current-context']
    mergeNamed(merged.clusters, doc.clusters, dirname(file), resolveClusterPaths)
    mergeNamed(merged.users, doc.users, dirname(file), resolveUserPaths)
    mergeNamed(merged.contexts, doc.contexts, dirname(file), (x: {context: Record<string, unknown>}) => x)
  }
  return resolveContext(merged, flags, read)
}

function parseFile(file: string): KubeconfigDoc {
  let raw: unknown
  try {
    raw = parseYaml(readFileSync(file, 'utf8'))
  } catch (err) {
    const why = (err as Error).message.split('\n')[0]
    throw new InputError(`kubeconfig file ${file} is not valid YAML (${why})`, 'fix or remove it, or point --kubeconfig at another file')
  }
  if (raw === null || raw === undefined) return {clusters: [], users: [], contexts: []}
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new InputError(`kubeconfig file ${file} is not a kubeconfig (expected a mapping with clusters, users and contexts)`)
  const doc = raw as Record<string, unknown>
  for (const key of ['clusters', 'users', 'contexts'] as const) {
    const list = doc[key]
    if (list !== undefined && list !== null && !Array.isArray(list)) throw new InputError(`kubeconfig file ${file}: "${key}" must be a list`)
    for (const entry of (list as unknown[] | undefined) ?? []) {
      if (!entry || typeof entry !== 'object' || typeof (entry as {name?: unknown}).name !== 'string') throw new InputError(`kubeconfig file ${file}: every entry of "${key}" needs a name`)
    }
  }
  return {
    'current-context': typeof doc['current-context'] === 'string' ? doc['current-context'] : undefined,
    clusters: ((doc.clusters as KubeconfigDoc['clusters']) ?? []).map(c => ({name: c.name, cluster: c.cluster ?? {}})),
    users: ((doc.users as KubeconfigDoc['users']) ?? []).map(u => ({name: u.name, user: u.user ?? {}})),
    contexts: ((doc.contexts as KubeconfigDoc['contexts']) ?? []).map(c => ({name: c.name, context: c.context ?? {}})),
  }
}

/** First file wins: an entry already present by name is kept. */
function mergeNamed<T>(into: Named<T>[], from: Named<T>[], dir: string, fix: (entry: T, dir: string) => T): void {
  const have = new Set(into.map(e => e.name))
  for (const entry of from) {
    if (have.has(entry.name)) continue
    have.add(entry.name)
    into.push({...fix(entry, dir), name: entry.name})
  }
}

// Relative paths in a kubeconfig are relative to the file that holds them (clientcmd ResolvePaths).
function resolveClusterPaths(entry: {cluster: Record<string, unknown>}, dir: string) {
  return {cluster: absolutize(entry.cluster, ['certificate-authority'], dir)}
}

function resolveUserPaths(entry: {user: Record<string, unknown>}, dir: string) {
  const user = absolutize(entry.user, ['client-certificate', 'client-key', 'tokenFile'], dir)
  const exec = user.exec as {command?: string} | undefined
  // An exec command with a path separator is relative to the file; a bare name is looked up on PATH.
  if (exec?.command && !isAbsolute(exec.command) && /[\\/]/.test(exec.command)) user.exec = {...exec, command: join(dir, exec.command)}
  return {user}
}

function absolutize(obj: Record<string, unknown>, keys: string[], dir: string): Record<string, unknown> {
  const out = {...obj}
  for (const k of keys) {
    const v = out[k]
    if (typeof v === 'string' && v !== '' && !isAbsolute(v)) out[k] = join(dir, v)
  }
  return out
}

function resolveContext(merged: KubeconfigDoc, flags: ConnectionFlags, files: string[]): ResolvedConfig {
  const contextName = flags.context || merged['current-context'] || ''
  const ctxEntry = merged.contexts.find(c => c.name === contextName)
  if (flags.context && !ctxEntry) {
    throw new InputError(`context "${flags.context}" is not in the kubeconfig (${files.join(', ') || 'no file'})`, `choose one of: ${merged.contexts.map(c => c.name).join(', ') || 'none defined'}`)
  }
  const ctx: Record<string, unknown> = {...(ctxEntry?.context ?? {})}
  const clusterName = flags.cluster || (ctx.cluster as string | undefined) || ''
  const userName = flags.user || (ctx.user as string | undefined) || ''
  const clusterEntry = merged.clusters.find(c => c.name === clusterName)
  const userEntry = merged.users.find(u => u.name === userName)
  if (flags.cluster && !clusterEntry) throw new InputError(`cluster "${flags.cluster}" is not in the kubeconfig`, `choose one of: ${merged.clusters.map(c => c.name).join(', ') || 'none defined'}`)
  if (flags.user && !userEntry) throw new InputError(`user "${flags.user}" is not in the kubeconfig`, `choose one of: ${merged.users.map(u => u.name).join(', ') || 'none defined'}`)

  const cluster: Record<string, unknown> = {...(clusterEntry?.cluster ?? {})}
  const user: Record<string, unknown> = {...(userEntry?.user ?? {})}
  if (flags.server) cluster.server = flags.server
  if (flags['certificate-authority']) { cluster['certificate-authority'] = resolve(flags['certificate-authority']); delete cluster['certificate-authority-data'] }
  if (flags['tls-server-name']) cluster['tls-server-name'] = flags['tls-server-name']
  if (flags['insecure-skip-tls-verify']) { cluster['insecure-skip-tls-verify'] = true; delete cluster['certificate-authority']; delete cluster['certificate-authority-data'] }
  if (flags.token) {
    // A token flag replaces the user's other credentials, as in kubectl.
    for (const k of ['exec', 'auth-provider', 'client-certificate', 'client-certificate-data', 'client-key', 'client-key-data', 'username', 'password', 'tokenFile']) delete user[k]
    user.token = flags.token
  }
  if (flags['client-certificate']) { user['client-certificate'] = resolve(flags['client-certificate']); delete user['client-certificate-data'] }
  if (flags['client-key']) { user['client-key'] = resolve(flags['client-key']); delete user['client-key-data'] }
  if (typeof user.tokenFile === 'string' && !user.token) {
    try { user.token = readFileSync(user.tokenFile, 'utf8').trim() } catch { throw new InputError(`token file ${user.tokenFile} of user "${userName}" cannot be read`) }
  }

  const server = typeof cluster.server === 'string' ? cluster.server : ''
  if (!server) {
    if (files.length === 0) throw new InputError('no kubeconfig found', 'set KUBECONFIG, pass --kubeconfig, or pass --server and --token')
    throw new InputError(contextName ? `context "${contextName}" has no cluster server` : 'the kubeconfig has no current context', 'pass --context, or set current-context in the kubeconfig')
  }
  try { new URL(server) } catch { throw new InputError(`server "${server}" is not a URL`, 'write it as https://host:port') }

  const name = contextName || 'kubectl-prod'
  const cName = clusterName || 'kubectl-prod'
  const uName = userName || 'kubectl-prod'
  return {
    doc: {
      apiVersion: 'v1', kind: 'Config', 'current-context': name,
      clusters: [{name: cName, cluster}], users: [{name: uName, user}],
      contexts: [{name, context: {...ctx, cluster: cName, user: uName}}],
    },
    context: name, cluster: cName, user: uName, server,
    namespace: flags.namespace || (typeof ctx.namespace === 'string' && ctx.namespace) || 'default',
    files,
  }
}
