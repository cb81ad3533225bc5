// Credentials and TLS material for one kubeconfig context, from @kubernetes/client-node's own
// authenticators. Its KubeConfig class loads the whole generated API (about 80 MB and 100 ms)
// to do the same, so that path is taken only where nothing lighter exists: an OIDC
// auth-provider, or a cluster reached through proxy-url.
import {readFileSync} from 'node:fs'
import type {Agent} from 'node:https'
import {ClusterError, InputError} from '../model/errors.js'
import type {ResolvedConfig} from './kubeconfig.js'
import {firstLine} from '../model/text.js'

export interface Credentials {
  headers: Record<string, string>
  /** user:password, for basic auth. */
  auth?: string
  tls: {ca?: Buffer | string; cert?: Buffer | string; key?: Buffer | string; rejectUnauthorized?: boolean; servername?: string}
  /** Set when the kubeconfig routes through a proxy: client-node's proxy agent. */
  agent?: Agent
}

interface Authenticator {
  isAuthProvider(user: unknown): boolean
  applyAuthentication(user: unknown, opts: {headers?: Record<string, string>; cert?: string; key?: string}): Promise<void>
}

type Section = Record<string, unknown>

// One instance per process: ExecAuth caches the plugin's credential until it expires.
let light: Authenticator[] | undefined

export async function resolveCredentials(config: ResolvedConfig): Promise<Credentials> {
  const cluster = config.doc.clusters[0]!.cluster as Section
  const user = config.doc.users[0]!.user as Section
  const provider = user['auth-provider'] as {name?: string; config?: Record<string, string>} | undefined
  if (provider?.name === 'oidc' || cluster['proxy-url']) return heavy(config)

  const tls: Credentials['tls'] = {
    ca: material(cluster, 'certificate-authority', 'certificate-authority-data', config.cluster),
    cert: material(user, 'client-certificate', 'client-certificate-data', config.user),
    key: material(user, 'client-key', 'client-key-data', config.user),
    ...(cluster['insecure-skip-tls-verify'] === true ? {rejectUnauthorized: false} : {}),
    ...(typeof cluster['tls-server-name'] === 'string' ? {servername: cluster['tls-server-name']} : {}),
  }
  const headers: Record<string, string> = {}
  if (typeof user.as === 'string') headers['Impersonate-User'] = user.as

  // The shape client-node's authenticators read (its config_types User).
  const clientUser = {name: config.user, exec: user.exec, authProvider: provider, token: user.token}
  // Each of them claims only a user with an exec plugin or an auth-provider: without either,
  // they are not loaded at all.
  if (clientUser.exec || clientUser.authProvider) light ??= await loadLightAuthenticators()
  const authenticator = light?.find(a => a.isAuthProvider(clientUser))
  if (authenticator) {
    const opts: {headers: Record<string, string>; cert?: string; key?: string} = {headers}
    try {
      await authenticator.applyAuthentication(clientUser, opts)
    } catch (err) {
      throw new ClusterError('credentials', `getting credentials for user "${config.user}" failed: ${firstLine((err as Error).message)}`, 'check the exec plugin or auth provider in your kubeconfig')
    }
    if (opts.cert) tls.cert = opts.cert
    if (opts.key) tls.key = opts.key
  }
  if (typeof user.token === 'string' && user.token) headers.Authorization = `Bearer ${user.token}`
  const auth = typeof user.username === 'string' && typeof user.password === 'string' ? `${user.username}:${user.password}` : undefined
  return {headers, auth, tls}
}

async function loadLightAuthenticators(): Promise<Authenticator[]> {
  // The same order as KubeConfig: the first that claims the user wins.
  const [{AzureAuth}, {GoogleCloudPlatformAuth}, {ExecAuth}, {FileAuth}] = await Promise.all([
    import('@kubernetes/client-node/dist/azure_auth.js'),
    import('@kubernetes/client-node/dist/gcp_auth.js'),
    import('@kubernetes/client-node/dist/exec_auth.js'),
    import('@kubernetes/client-node/dist/file_auth.js'),
  ])
  return [new AzureAuth(), new GoogleCloudPlatformAuth(), new ExecAuth(), new FileAuth()] as unknown as Authenticator[]
}

/** The whole KubeConfig, for OIDC (token refresh) and proxies (HTTP and SOCKS agents). */
async function heavy(config: ResolvedConfig): Promise<Credentials> {
  const {KubeConfig} = await import('@kubernetes/client-node')
  const kc = new KubeConfig()
  try {
    kc.loadFromString(JSON.stringify(config.doc))
  } catch (err) {
    throw new InputError(`kubeconfig context "${config.context}" cannot be used: ${(err as Error).message}`)
  }
  const o: {headers?: Record<string, string>; auth?: string; ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized?: boolean; servername?: string; agent?: Agent} = {}
  try {
    await kc.applyToHTTPSOptions(o as never)
  } catch (err) {
    throw new ClusterError('credentials', `getting credentials for user "${config.user}" failed: ${firstLine((err as Error).message)}`, 'check the exec plugin or auth provider in your kubeconfig')
  }
  return {
    headers: {...(o.headers ?? {})}, auth: o.auth,
    tls: {ca: o.ca, cert: o.cert, key: o.key, rejectUnauthorized: o.rejectUnauthorized, servername: o.servername},
    agent: kc.getCurrentCluster()?.proxyUrl ? o.agent : undefined,
  }
}

/** A file path or inline base64 data, as kubeconfig gives certificates and keys. */
function material(section: Section, fileKey: string, dataKey: string, owner: string): Buffer | undefined {
  const file = section[fileKey]
  if (typeof file === 'string' && file) {
    try {
      return readFileSync(file)
    } catch {
      throw new InputError(`${fileKey} file ${file} of "${owner}" cannot be read`, 'check the path in your kubeconfig or the flag')
    }
  }
  const data = section[dataKey]
  return typeof data === 'string' && data ? Buffer.from(data, 'base64') : undefined
}
