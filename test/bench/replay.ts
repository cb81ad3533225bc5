// A command's own cost, on recorded answers: the API server's share of a run (and its noise)
// taken out, so that two builds can be compared by the CPU time they use on the same answers.
//   npm run bench -- replay record KUBECONFIG FILE -- ARGS...
//       runs `kubectl-prod ARGS` once against the cluster through a recording proxy; FILE keeps
//       every answer (status, type and body) by Accept header and URL
//   npm run bench -- replay compare FILE [--runs 10] [--against DIR] -- ARGS...
//       serves FILE from a local server and runs `kubectl-prod ARGS` of this checkout (and of the
//       checkout DIR, built, in turns) against it: wall and CPU (user + system) medians, and
//       whether the outputs are the same
// The replay server speaks plain HTTP (no TLS to decrypt: CPU figures are below a real run's, the
// same for both builds) and writes each body in pieces of 1,600 bytes, as the API server does
// (1 to 3 KB each), with a turn of its event loop every few pieces so that they are not merged.
// A URL the recording does not hold is answered 404 and counted: a build that asks for other
// things than the recorded one is not compared on equal terms, and the run says so.
import {spawn} from 'node:child_process'
import {createHash} from 'node:crypto'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {wire} from './wire.ts'

interface Answer {status: number; type: string; body: string}
type Recording = Record<string, Answer>

const PIECE = 1600

function serve(answers: Recording, record?: ReturnType<typeof wire>): Promise<{server: Server; port: number; misses: () => number}> {
  let misses = 0
  const write = async (res: ServerResponse, a: Answer) => {
    res.writeHead(a.status, {'content-type': a.type})
    for (let i = 0; i < a.body.length; i += PIECE) {
      res.write(a.body.slice(i, i + PIECE))
      if (i % (PIECE * 4) === 0) await new Promise(r => setImmediate(r))
    }
    res.end()
  }
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const key = `${req.headers.accept ?? ''} ${req.url}`
    const have = answers[key]
    if (have) { void write(res, have); return }
    if (!record) {
      misses++
      res.writeHead(404, {'content-type': 'application/json'})
      res.end(JSON.stringify({kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `not in the recording: ${key}`}))
      return
    }
    record.open(req.url ?? '/', req.headers.accept ?? 'application/json').then(up => {
      const chunks: Buffer[] = []
      up.on('data', (c: Buffer) => chunks.push(c))
      up.on('end', () => {
        const a = {status: up.statusCode ?? 0, type: String(up.headers['content-type'] ?? 'application/json'), body: Buffer.concat(chunks).toString('utf8')}
        answers[key] = a
        void write(res, a)
      })
    }, (err: Error) => {
      // wire.open refuses non-200 answers: passed on as a failure, and not recorded.
      res.writeHead(502, {'content-type': 'text/plain'})
      res.end(err.message)
    })
  })
  return new Promise(done => server.listen(0, '127.0.0.1', () => done({server, port: (server.address() as AddressInfo).port, misses: () => misses})))
}

/** A kubeconfig naming the replay server. */
function replayKubeconfig(port: number): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kubectl-prod-replay-')), 'kubeconfig')
  writeFileSync(file, [
    'apiVersion: v1', 'kind: Config', 'current-context: replay',
    'clusters:', `- name: replay`, '  cluster:', `    server: http://127.0.0.1:${port}`,
    'users:', '- name: replay', '  user:', '    token: replay',
    'contexts:', '- name: replay', '  context:', '    cluster: replay', '    user: replay', '',
  ].join('\n'))
  return file
}

interface Timed {ms: number; cpu: number; code: number | null; digest: string}

/** Runs `node BIN ARGS` under /usr/bin/time, without blocking this process (it serves the answers). */
function run(bin: string, args: string[], kubeconfig: string): Promise<Timed> {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint()
    const child = spawn('/usr/bin/time', ['-f', '%U %S', process.execPath, bin, ...args], {env: {...process.env, KUBECONFIG: kubeconfig}, stdio: ['ignore', 'pipe', 'pipe']})
    const hash = createHash('sha256')
    let err = ''
    child.stdout.on('data', (c: Buffer) => hash.update(c))
    child.stderr.on('data', (c: Buffer) => { err += c.toString() })
    child.on('error', fail)
    child.on('close', code => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      const [user = 0, system = 0] = err.trim().split('\n').pop()!.split(' ').map(Number)
      done({ms, cpu: (user + system) * 1000, code, digest: hash.digest('hex')})
    })
  })
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]! }

export async function replayBench(argv: string[], root: string, options: {runs?: string; against?: string}): Promise<void> {
  const [mode, ...rest] = argv
  const usage = 'usage: npm run bench -- replay record KUBECONFIG FILE -- ARGS... | replay compare FILE [--runs N] [--against DIR] -- ARGS...'
  const bin = join(root, 'bin', 'run.js')
  if (mode === 'record' && rest.length >= 3) {
    const [kubeconfig, file, ...args] = rest
    const answers: Recording = {}
    const upstream = wire(kubeconfig!)
    const {server, port} = await serve(answers, upstream)
    const r = await run(bin, args, replayKubeconfig(port))
    server.close()
    upstream.close()
    writeFileSync(file!, JSON.stringify(answers))
    const bytes = Object.values(answers).reduce((n, a) => n + a.body.length, 0)
    console.log(`recorded ${Object.keys(answers).length} answers, ${(bytes / 2 ** 20).toFixed(1)} MiB, in ${file}; the command exited ${r.code}`)
    return
  }
  if (mode === 'compare' && rest.length >= 2) {
    const [file, ...args] = rest
    const runs = Number(options.runs ?? 10)
    let answers: Recording
    try {
      answers = JSON.parse(readFileSync(file!, 'utf8')) as Recording
    } catch (err) {
      console.error(`error: cannot read the recording ${file}: ${(err as Error).message.split('\n')[0]}; make one with replay record`)
      process.exit(2)
    }
    const {server, port, misses} = await serve(answers)
    const kubeconfig = replayKubeconfig(port)
    const builds = [{name: 'this checkout', bin}, ...(options.against ? [{name: options.against, bin: join(resolve(options.against), 'bin', 'run.js')}] : [])]
    const results = builds.map(() => [] as Timed[])
    for (const [i, b] of builds.entries()) await run(b.bin, args, kubeconfig).then(r => results[i]!.push(r)) // warm-up
    for (const r of results) r.length = 0
    for (let n = 0; n < runs; n++) for (const [i, b] of builds.entries()) results[i]!.push(await run(b.bin, args, kubeconfig))
    server.close()
    for (const [i, b] of builds.entries()) {
      const rs = results[i]!
      console.log(`${b.name}: wall median ${median(rs.map(r => r.ms)).toFixed(0)} ms, CPU median ${median(rs.map(r => r.cpu)).toFixed(0)} ms (${rs.map(r => r.cpu.toFixed(0)).join(', ')}); exit codes ${[...new Set(rs.map(r => r.code))].join(', ')}`)
    }
    const digests = new Set(results.flat().map(r => r.digest))
    console.log(digests.size === 1 ? 'outputs: the same every run' : `outputs: ${digests.size} different ones`)
    if (misses() > 0) console.log(`${misses()} requests were not in the recording (answered 404): the builds did not ask the same things`)
    return
  }
  console.error(usage)
  process.exit(2)
}
