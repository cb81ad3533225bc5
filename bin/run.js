#!/usr/bin/env node
// The kubectl-prod launcher. kubectl finds it on PATH as `kubectl-prod` and runs it for
// `kubectl prod ...`; flags placed before the command are moved after it.
// On a Node too old for what follows: one line and exit 2. Plain syntax, so old Nodes get this far.
var nodeVersion = process.versions.node.split('.').map(Number)
if (nodeVersion[0] < 22 || (nodeVersion[0] === 22 && nodeVersion[1] < 13)) {
  process.stderr.write('error: kubectl-prod needs Node.js 22.13 or newer and this is Node ' + process.version + ' (' + process.execPath + '); install Node 24 or newer (https://nodejs.org, or nvm install 24), or use the single-file executable, which needs no Node\n')
  process.exit(2)
}
import module from 'node:module'

module.enableCompileCache?.()
const argv = process.argv.slice(2)
// `--version` needs nothing of oclif, whose import alone costs about 100 ms: answer it here,
// in oclif's own format.
if (argv.length === 1 && argv[0] === '--version') {
  const {readFileSync} = await import('node:fs')
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`${pkg.name}/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`)
  process.exit(0)
}
const {reorderArgs, helpRequest} = await import('../dist/cli/argv.js')
// why-pending's lists are asked for before oclif loads (about 150 ms), which the API server
// spends preparing them; the command takes them over (see dist/cli/prefetch.js).
let prefetch
try {
  const early = reorderArgs(argv)
  if (early[0] === 'why-pending') {
    prefetch = await import('../dist/cli/prefetch.js')
    await prefetch.prefetchWhyPending(early.slice(1))
    await loadOclifInSlices()
  }
} catch {
  // The command reports whatever this stumbled on.
}
const {Config, run, flush, Errors} = await import('@oclif/core')
const {exitQuietlyWhenStdoutCloses} = await import('../dist/cli/base.js')
// `| head -1` closing stdout early is not an error (help text included).
exitQuietlyWhenStdoutCloses()
const config = await Config.load(import.meta.url)
try {
  let args = reorderArgs(argv)
  // `help [COMMAND]` is oclif's help for the command, or the overview; an unknown command is a usage error.
  const help = helpRequest(args)
  if (help) {
    // `help nodepool` is a topic's help; `help nodepool upgrade` a command's.
    const id = help.join(':')
    if (help.length > 0 && !config.findCommand(id) && !config.findTopic(id)) throw new Error(`command ${help.join(' ')} not found`)
    args = [...help, '--help']
  }
  await run(args, config)
  await flush()
} catch (err) {
  if (err instanceof Errors.ExitError) process.exitCode = err.oclif.exit
  else {
    // Errors before a command runs (an unknown command, say) are usage errors: one line, exit 2.
    const message = String(err?.message ?? err).split('\n')[0].replace(/^Error: /, '')
    const unknown = /^command (.+?) not found/.exec(message)
    process.stderr.write(unknown ? `error: unknown command "${unknown[1]}"; see 'kubectl prod --help'\n` : `error: ${message}\n`)
    process.exitCode = 2
  }
} finally {
  // Not taken (the flags did not parse, say): its requests must not keep the process waiting.
  prefetch?.dropPrefetch()
}

/**
 * While the first pages are on their way, oclif's dependencies are loaded one package at a
 * time, the pages that arrive being read in between, rather than in one block of about 100 ms
 * that would hold them up; importing oclif then loads only its own files.
 */
async function loadOclifInSlices() {
  const turn = () => new Promise(resolve => setImmediate(resolve))
  try {
    const {readFileSync} = await import('node:fs')
    const manifest = module.createRequire(import.meta.url).resolve('@oclif/core/package.json')
    const load = module.createRequire(manifest)
    for (const name of Object.keys(JSON.parse(readFileSync(manifest, 'utf8')).dependencies ?? {})) {
      await turn()
      try {
        load(name)
      } catch {
        // Loaded by oclif when it needs it, as usual.
      }
    }
  } catch {
    // Bundled (no node_modules to read): oclif loads as usual.
  }
  await turn()
  await import('../dist/cli/base.js')
  await turn()
  await import('../dist/commands/index.js')
  await turn()
}
