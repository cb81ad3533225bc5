// Startup of the single executable (npm run package), side by side in the same run with the npm
// launcher (bin/run.js, run through its `#!/usr/bin/env node` line on the project's Node, as npm
// installs it) and with `kubectl version --client` (the test cluster's kubectl), for --version,
// --help and why-pending --help, and for kubectl's completion (kubectl_complete-prod listing the
// subcommands); then the sizes. The commands take turns, round after round, so that a busier
// moment of the machine weighs on all of them alike.
//   npm run bench -- startup-sea                  (through run.ts: 21 runs)
//   node test/bench/startup.ts [--runs 21]
// It reads the archive for this machine from dist-package/: run `npm run package` first (or
// `node scripts/package.ts --targets linux/amd64` for this platform alone).
// Nothing here is a timed test: these are figures for the README.
import {spawnSync} from 'node:child_process'
import {chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {cpus, loadavg, tmpdir} from 'node:os'
import {delimiter, dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import {gunzipSync} from 'node:zlib'
import {ensureBinaries} from '../cluster/cluster.ts'
import {archiveName, binName, TARGETS} from '../../scripts/package.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const LAUNCHER = join(root, 'bin', 'run.js')
const COMPLETER = join(root, 'bin', 'kubectl_complete-prod.js')


interface Row { name: string; cmd: string; args: string[] }

const TIME = '/usr/bin/time'
const hasTime = existsSync(TIME)

/**
 * Wall time of one run and, through /usr/bin/time when there is one, its CPU time (user + system),
 * which a busy machine disturbs far less; in ms. Output is discarded; a failure stops the bench.
 */
function timeOnce(row: Row, env: NodeJS.ProcessEnv): {wall: number; cpu?: number} {
  const started = process.hrtime.bigint()
  const r = hasTime
    ? spawnSync(TIME, ['-f', '%U %S', row.cmd, ...row.args], {env, stdio: ['ignore', 'ignore', 'pipe']})
    : spawnSync(row.cmd, row.args, {env, stdio: ['ignore', 'ignore', 'pipe']})
  const wall = Number(process.hrtime.bigint() - started) / 1e6
  if (r.status !== 0) throw new Error(`${row.name} exited ${r.status ?? r.signal}: ${String(r.stderr).trim()}`)
  if (!hasTime) return {wall}
  const [user = 0, system = 0] = String(r.stderr).trim().split('\n').pop()!.split(' ').map(Number)
  return {wall, cpu: (user + system) * 1000}
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]! }
const fmt = (ms: number) => `${ms.toFixed(0)} ms`
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`

/** The executable of this machine's archive, unpacked into a temp dir (ustar, as scripts/package.ts writes it). */
function unpackExecutable(): {exe: string; archive: string; dir: string} {
  const os = process.platform === 'win32' ? 'windows' : process.platform
  const arch = process.arch === 'x64' ? 'amd64' : process.arch
  const target = TARGETS.find(t => t.os === os && t.arch === arch)
  if (!target || os === 'windows') throw new Error(`no single executable is built for ${os}/${arch} that this bench can unpack`)
  const archive = join(root, 'dist-package', archiveName(target))
  if (!existsSync(archive)) throw new Error(`${archive} is missing: run npm run package first (or node scripts/package.ts --targets ${os}/${arch})`)
  const built = statSync(join(root, 'dist', 'commands', 'index.js')).mtimeMs
  if (statSync(archive).mtimeMs < built) console.error(`startup: note: ${archive} is older than dist/: it may not be this checkout's build`)
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-prod-startup-'))
  const tar = gunzipSync(readFileSync(archive))
  for (let at = 0; at + 512 <= tar.length && tar[at] !== 0;) {
    const text = (o: number, n: number) => tar.subarray(at + o, at + o + n).toString('utf8').replace(/\0.*$/s, '')
    const size = parseInt(text(124, 12), 8)
    const file = join(dir, text(0, 100))
    writeFileSync(file, tar.subarray(at + 512, at + 512 + size))
    chmodSync(file, parseInt(text(100, 8), 8))
    at += 512 + Math.ceil(size / 512) * 512
  }
  return {exe: join(dir, binName(target)), archive, dir}
}

export async function startupBench(opts: {runs?: number} = {}): Promise<void> {
  const runs = opts.runs ?? 21
  const {exe, archive, dir} = unpackExecutable()
  const kubectl = join(await ensureBinaries(() => undefined), 'kubectl')
  // The launcher finds the project's Node first on PATH, as on a machine where npm installed it.
  const env = {...process.env, PATH: [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter), NO_COLOR: '1'}
  const kubectlRow: Row = {name: 'kubectl version --client', cmd: kubectl, args: ['version', '--client']}
  const cases: {name: string; sea: Row; npm: Row}[] = [
    ['--version', ['--version']],
    ['--help', ['--help']],
    ['why-pending --help', ['why-pending', '--help']],
  ].map(([name, args]) => ({
    name: name as string,
    sea: {name: `executable ${name}`, cmd: exe, args: args as string[]},
    npm: {name: `launcher ${name}`, cmd: LAUNCHER, args: args as string[]},
  }))
  cases.push({
    name: 'kubectl_complete-prod (subcommands)',
    sea: {name: 'executable __complete', cmd: exe, args: ['__complete', '']},
    npm: {name: 'launcher kubectl_complete-prod', cmd: COMPLETER, args: ['']},
  })
  const rows = [kubectlRow, {name: 'node -e 0', cmd: process.execPath, args: ['-e', '0']}, ...cases.flatMap(c => [c.sea, c.npm])]
  const samples = new Map<Row, {wall: number; cpu?: number}[]>(rows.map(r => [r, []]))
  const exeBytes = statSync(exe).size
  try {
    for (const r of rows) timeOnce(r, env) // page cache, compile cache
    for (let i = 0; i < runs; i++) for (const r of rows) samples.get(r)!.push(timeOnce(r, env))
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
  console.log(`startup: median of ${runs} runs each, taking turns; Node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} at the end`)
  const measures = hasTime ? ['wall', 'cpu'] as const : ['wall'] as const
  for (const measure of measures) {
    const m = (r: Row) => median(samples.get(r)!.map(x => x[measure] ?? 0))
    const k = m(kubectlRow)
    console.log(measure === 'wall' ? 'wall time:' : 'CPU time (user + system):')
    console.log(`  ${'command'.padEnd(38)}${'executable'.padStart(12)}${'npm launcher'.padStart(14)}  executable/launcher  executable/kubectl`)
    for (const c of cases) {
      const s = m(c.sea), n = m(c.npm)
      console.log(`  ${c.name.padEnd(38)}${fmt(s).padStart(12)}${fmt(n).padStart(14)}  ${`${(s / n).toFixed(2)}x`.padStart(19)}  ${`${(s / k).toFixed(2)}x`.padStart(18)}`)
    }
    console.log(`  kubectl version --client: ${fmt(k)}; node -e 0: ${fmt(m(rows[1]!))}`)
  }
  console.log(`size: executable ${mb(exeBytes)} (${archive.split('/').pop()}: ${mb(statSync(archive).size)}); kubectl ${mb(statSync(kubectl).size)} (${(exeBytes / statSync(kubectl).size).toFixed(2)}x)`)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const {values} = parseArgs({options: {runs: {type: 'string', default: '21'}}})
  await startupBench({runs: Number(values.runs)})
}
