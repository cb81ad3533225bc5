// Completion reading for real: kubeconfig files as kubectl merges them, the shipped removal table,
// and every failure (a file that is not YAML, a server that is not there or says nothing) answered
// with the directive alone, in time. Names from a real cluster: test/e2e/completion.test.ts.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {createServer, type Server, type Socket} from 'node:net'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {delimiter, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {liveSource, readOnly} from '../../../src/cli/complete/cluster.ts'
import {completionText} from '../../../src/cli/complete/main.ts'
import {readLine} from '../../../src/cli/complete/words.ts'
import type {Kube} from '../../../src/kube/client.ts'

const dir = mkdtempSync(join(tmpdir(), 'kubectl-prod-complete-'))
const file = (name: string, text: string) => { const f = join(dir, name); writeFileSync(f, text); return f }
const kubeconfig = (contexts: string[], server = 'https://127.0.0.1:1') => [
  'apiVersion: v1', 'kind: Config', `current-context: ${contexts[0]}`,
  'clusters:', `- name: c-${contexts[0]}`, `  cluster: {server: "${server}", insecure-skip-tls-verify: true}`,
  'users:', `- name: u-${contexts[0]}`, '  user: {token: t}',
  'contexts:', ...contexts.map(c => `- name: ${c}\n  context: {cluster: c-${contexts[0]}, user: u-${contexts[0]}}`), '',
].join('\n')

const saved = process.env.KUBECONFIG
afterEach(() => { if (saved === undefined) delete process.env.KUBECONFIG; else process.env.KUBECONFIG = saved })
const names = (kind: 'context' | 'cluster' | 'user', words: string[] = ['']) =>
  liveSource(readLine(words), {timeoutMs: 1000, signal: new AbortController().signal}).kubeconfigNames(kind)

describe('names from the kubeconfig', () => {
  it('merges the files of KUBECONFIG as kubectl does: first file first, each name once, missing files skipped', async () => {
    const a = file('a.yaml', kubeconfig(['prod-eu', 'shared']))
    const b = file('b.yaml', kubeconfig(['staging', 'shared']))
    process.env.KUBECONFIG = [a, join(dir, 'missing.yaml'), b].join(delimiter)
    expect(await names('context')).toEqual(['prod-eu', 'shared', 'staging'])
    expect(await names('cluster')).toEqual(['c-prod-eu', 'c-staging'])
    expect(await names('user')).toEqual(['u-prod-eu', 'u-staging'])
  })

  it('reads only the file of --kubeconfig when the line gives one', async () => {
    process.env.KUBECONFIG = file('env.yaml', kubeconfig(['from-env']))
    const only = file('only.yaml', kubeconfig(['only-this']))
    expect(await names('context', ['--kubeconfig', only, 'why-pending', '--context', ''])).toEqual(['only-this'])
  })

  it('answers a kubeconfig that is not YAML with the directive alone', async () => {
    process.env.KUBECONFIG = file('bad.yaml', 'clusters: [unclosed\n  users: {')
    expect(await completionText(['why-pending', '--context', ''])).toBe(':4\n')
    expect(await completionText(['drain', ''])).toBe(':4\n')
    // Commands and flags need no kubeconfig.
    expect(await completionText(['dr'])).toMatch(/^drain\tCordon and drain.*\n:4\n$/)
  })
})

describe('the cluster, when it cannot completionText', () => {
  let silent: Server
  const sockets: Socket[] = []
  beforeAll(async () => {
    // Accepts connections and never says a word (no TLS handshake, no HTTP).
    silent = createServer(s => { sockets.push(s) })
    await new Promise<void>(res => silent.listen(0, '127.0.0.1', res))
  })
  afterAll(() => { for (const s of sockets) s.destroy(); silent.close() })

  it('answers within --request-timeout with the directive alone when the server says nothing', async () => {
    process.env.KUBECONFIG = file('silent.yaml', kubeconfig(['silent'], `https://127.0.0.1:${(silent.address() as AddressInfo).port}`))
    const started = Date.now()
    expect(await completionText(['drain', '--request-timeout', '400ms', ''])).toBe(':4\n')
    const took = Date.now() - started
    expect(took).toBeGreaterThanOrEqual(350)
    expect(took).toBeLessThan(2000)
  })

  it('answers at once with the directive alone when nothing listens', async () => {
    const closed = createServer()
    await new Promise<void>(res => closed.listen(0, '127.0.0.1', res))
    const port = (closed.address() as AddressInfo).port
    await new Promise(res => closed.close(res))
    process.env.KUBECONFIG = file('refused.yaml', kubeconfig(['refused'], `https://127.0.0.1:${port}`))
    const started = Date.now()
    expect(await completionText(['why-pending', '-n', ''])).toBe(':4\n')
    expect(Date.now() - started).toBeLessThan(2000)
  })
})

describe('what completion may do', () => {
  it('refuses any request but GET', async () => {
    const calls: string[] = []
    const fake = {
      server: 's', context: 'c', namespace: 'n', close: () => undefined,
      request: async (p: string, i?: {method?: string}) => { calls.push(`${i?.method ?? 'GET'} ${p}`) },
      get: async (p: string) => { calls.push(`GET ${p}`) },
      send: async (p: string, i?: {method?: string}) => { calls.push(`${i?.method ?? 'GET'} ${p}`); return {status: 200, headers: {}, body: undefined} },
      stream: async (p: string, i?: {method?: string}) => { calls.push(`${i?.method ?? 'GET'} ${p}`); return undefined },
    } as unknown as Kube
    const kube = readOnly(fake)
    await kube.get('/api/v1/nodes')
    await kube.request('/api/v1/pods', {query: {limit: 1}})
    await expect(kube.request('/api/v1/nodes/a', {method: 'PATCH'})).rejects.toThrow(/only reads/)
    await expect(kube.send('/api/v1/namespaces/x/pods/p/eviction', {method: 'POST'})).rejects.toThrow(/only reads/)
    await expect(kube.stream('/api/v1/pods', {method: 'DELETE'})).rejects.toThrow(/only reads/)
    expect(calls).toEqual(['GET /api/v1/nodes', 'GET /api/v1/pods'])
  })

  it('reads the shipped removal table for upgrade-plan targets', async () => {
    const text = readFileSync(fileURLToPath(new URL('../../../deprecations/kubernetes.yaml', import.meta.url)), 'utf8')
    const covers = /^coversThrough: '?([\d.]+)'?$/m.exec(text)![1]
    const {coversThrough, removedIn} = await liveSource(readLine(['']), {timeoutMs: 1000, signal: new AbortController().signal}).removals()
    expect(coversThrough).toBe(covers)
    // extensions/v1beta1 Deployment, DaemonSet, ReplicaSet and more went in 1.16.
    expect(removedIn.get('1.16')).toBeGreaterThan(3)
  })
})
