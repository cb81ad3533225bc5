// Every exit code of the README's table, each produced by a real case: the commands run in
// this process as oclif runs them (init, run, catch, finally), against fixtures and small HTTP
// servers on 127.0.0.1. What only a real cluster can decide is in test/e2e/contract.test.ts.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {Config} from '@oclif/core'
import {afterEach, beforeAll, describe, expect, it, vi} from 'vitest'
import Rbac from '../../../src/commands/rbac.ts'
import Version from '../../../src/commands/version.ts'
import WhyPending from '../../../src/commands/why-pending.ts'
import {ClusterError, CliError, InputError, InterruptedError, errorLine} from '../../../src/model/errors.ts'
import {ExitCode} from '../../../src/model/exit-codes.ts'

const root = fileURLToPath(new URL('../../..', import.meta.url))
const fixture = (name: string) => join(root, 'test', 'fixtures', 'snapshots', `${name}.json`)

/** The codes the README documents, read from its table. */
function documentedCodes(): number[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Exit codes'), readme.indexOf('\n## ', readme.indexOf('## Exit codes') + 1))
  return [...section.matchAll(/^\| (\d+) \|/gm)].map(m => Number(m[1]))
}

let config: Config
let emptyKubeconfig: string
beforeAll(async () => {
  // A package of its own, so that no build is needed: the commands are run by class.
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-prod-unit-'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({name: 'kubectl-prod', version: '0.1.0', type: 'module', oclif: {bin: 'kubectl-prod', topicSeparator: ' '}}))
  emptyKubeconfig = join(dir, 'kubeconfig')
  writeFileSync(emptyKubeconfig, 'apiVersion: v1\nkind: Config\n')
  config = await Config.load(dir)
})

const cleanups: (() => unknown)[] = []
afterEach(async () => { for (const c of cleanups.splice(0)) await c() })

interface Run {code: number; stdout: string; stderr: string}

/** Runs a command as oclif does, capturing stdout, stderr and the exit code. */
async function run(command: {run(argv: string[], config: Config): Promise<unknown>}, argv: string[], during?: () => void): Promise<Run> {
  let stdout = '', stderr = ''
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(s => { stdout += String(s); return true })
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(s => { stderr += String(s); return true })
  process.exitCode = undefined
  try {
    const running = command.run(argv, config)
    during?.()
    await running
    return {code: Number(process.exitCode ?? 0), stdout, stderr}
  } finally {
    out.mockRestore()
    err.mockRestore()
    process.exitCode = undefined
  }
}

/** A fake API server: every list is empty, /version answers, and `namespace` decides GET /api/v1/namespaces/NAME. */
async function apiServer(opts: {namespace?: number; nodes?: number; silent?: boolean} = {}): Promise<{url: string; seen: string[]}> {
  const seen: string[] = []
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push(req.url ?? '')
    if (opts.silent) return
    const path = (req.url ?? '').split('?')[0]!
    const send = (status: number, body: unknown) => { res.writeHead(status, {'content-type': 'application/json'}); res.end(JSON.stringify(body)) }
    if (path === '/version') return send(200, {major: '1', minor: '36', gitVersion: 'v1.36.4'})
    if (/^\/api\/v1\/namespaces\/[^/]+$/.test(path)) {
      const status = opts.namespace ?? 200
      return send(status, status === 200 ? {kind: 'Namespace', metadata: {name: path.split('/').pop()}} : {kind: 'Status', code: status, reason: status === 404 ? 'NotFound' : 'Forbidden', message: `namespaces "${path.split('/').pop()}" ${status === 404 ? 'not found' : 'is forbidden'}`})
    }
    if (path === '/api/v1/nodes' && opts.nodes) return send(opts.nodes, {kind: 'Status', code: opts.nodes, message: 'nodes is forbidden: User "u" cannot list resource "nodes"'})
    send(200, {kind: 'List', items: [], metadata: {resourceVersion: '1'}})
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  cleanups.push(() => new Promise(r => { server.closeAllConnections(); server.close(r) }))
  return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen}
}

const connection = (url: string) => ['--kubeconfig', emptyKubeconfig, '-s', url, '--token', 'secret']
const oneLine = (r: Run) => { expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1); expect(r.stderr).not.toMatch(/\n\s+at /) }

/** One real case per documented code. */
const CASES: Record<number, () => Promise<void>> = {
  [ExitCode.OK]: async () => {
    const r = await run(WhyPending, ['-A', '--from-dump', fixture('all-clear')])
    expect(r.code, r.stderr).toBe(0)
    expect((await run(Version, ['--client'])).code).toBe(0)
    expect((await run(Rbac, [])).code).toBe(0)
  },
  [ExitCode.FINDINGS]: async () => {
    const r = await run(WhyPending, ['-A', '--from-dump', fixture('deployment-does-not-fit'), '-o', 'json'])
    expect(r.code, r.stderr).toBe(1)
    expect(JSON.parse(r.stdout).kind).toBe('WhyPendingReport')
  },
  [ExitCode.USAGE]: async () => {
    const selector = await run(WhyPending, ['-l', 'app in (web'])
    expect(selector.code).toBe(2)
    oneLine(selector)
    const flag = await run(Version, ['-o', 'xml'])
    expect(flag.code).toBe(2)
    oneLine(flag)
    const file = await run(WhyPending, ['--from-dump', '/nonexistent/dump.json'])
    expect(file.code).toBe(2)
    const {url} = await apiServer({namespace: 404})
    const namespace = await run(WhyPending, ['-n', 'nope', ...connection(url)])
    expect(namespace.code).toBe(2)
    expect(namespace.stderr).toBe('error: namespace "nope" not found; list namespaces with kubectl get namespaces\n')
  },
  [ExitCode.CLUSTER]: async () => {
    const forbidden = await apiServer({nodes: 403})
    const r = await run(Version, connection(forbidden.url))
    expect(r.code).toBe(3)
    oneLine(r)
    expect(r.stderr).toMatch(/^error: you are not allowed to list nodes at the cluster scope/)
    const silent = await apiServer({silent: true})
    const s = await run(Version, [...connection(silent.url), '--request-timeout', '300ms'])
    expect(s.code).toBe(3)
    oneLine(s)
    expect(s.stderr).toMatch(new RegExp(`^error: the API server ${silent.url} did not answer within 300ms \\(asked to `))
  },
  [ExitCode.INTERRUPTED]: async () => {
    const silent = await apiServer({silent: true})
    const before = process.listeners('SIGINT').length
    // Ctrl-C, delivered to the handler the command installed, once the request is under way.
    const r = await run(Version, connection(silent.url), () => {
      const poll = setInterval(() => {
        if (silent.seen.length === 0) return
        clearInterval(poll)
        const handler = process.listeners('SIGINT').at(-1) as () => void
        handler()
      }, 10)
    })
    expect(r.code).toBe(130)
    expect(r.stderr).toBe('error: interrupted; nothing was changed\n')
    // The handler is gone with the command.
    expect(process.listeners('SIGINT')).toHaveLength(before)
  },
}

describe('the README\'s exit codes, each from a real case', () => {
  it('documents exactly the codes of model/exit-codes.ts, and each has a case below', () => {
    expect(documentedCodes()).toEqual(Object.values(ExitCode))
    expect(Object.keys(CASES).map(Number)).toEqual(Object.values(ExitCode).toSorted((a, b) => a - b))
  })
  for (const code of Object.values(ExitCode)) {
    it(`exit ${code}`, () => CASES[code]!(), 20_000)
  }
})

describe('the error classes and the base command\'s catch', () => {
  it('gives each error class its code', () => {
    expect(new InputError('x').exitCode).toBe(2)
    expect(new ClusterError('timeout', 'x').exitCode).toBe(3)
    expect(new InterruptedError().exitCode).toBe(130)
    expect(new CliError('x', ExitCode.FINDINGS).exitCode).toBe(1)
    expect(errorLine(new InputError('bad', 'do this'))).toBe('error: bad; do this')
  })

  it('turns an unexpected failure into exit 3 and one line asking for a report', async () => {
    class Broken extends Version {
      override async run(): Promise<never> { throw new TypeError('x is not a function') }
    }
    const r = await run(Broken, [])
    expect(r.code).toBe(3)
    expect(r.stderr).toBe('error: unexpected failure: x is not a function; please report it with the output of -v\n')
  })

  it('says nothing more than today\'s answer when the namespace lookup is forbidden', async () => {
    const {url, seen} = await apiServer({namespace: 403})
    const r = await run(WhyPending, ['-n', 'secret', ...connection(url)])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toBe('')
    expect(seen).toContain('/api/v1/namespaces/secret')
  })

  it('looks the namespace up only when no pods were found', async () => {
    const {url, seen} = await apiServer({namespace: 200})
    const r = await run(WhyPending, ['-n', 'empty', ...connection(url)])
    expect(r.code, r.stderr).toBe(0)
    expect(seen.filter(u => u === '/api/v1/namespaces/empty')).toHaveLength(1)
    // A whole-cluster question has no namespace to look up.
    const all = await apiServer({namespace: 404})
    expect((await run(WhyPending, ['-A', ...connection(all.url)])).code).toBe(0)
    expect(all.seen.some(u => /^\/api\/v1\/namespaces\/[^/?]+$/.test(u))).toBe(false)
  })

  it('refuses a malformed selector before asking the server anything', async () => {
    const {url, seen} = await apiServer()
    const r = await run(WhyPending, ['-n', 'shop', '-l', 'tier notin web', ...connection(url)])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('error: --selector "tier notin web" is not a valid label selector: unable to parse requirement: found \'web\' expected: \'(\'; write it like app=web, tier in (db,cache), !canary or env!=prod\n')
    expect(seen).toEqual([])
  })
})
