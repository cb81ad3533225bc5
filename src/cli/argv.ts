// kubectl users put connection flags anywhere: `kubectl prod -n x why-pending` as well as
// `kubectl prod why-pending -n x`. oclif reads the first word as the command, so flags that
// come before it are moved after it. Kept free of imports: bin/run.js loads it first.

/** Flags of the base command that take a value (the next word, unless written --flag=value). */
const VALUE_FLAGS = new Set([
  '-n', '--namespace', '--context', '--kubeconfig', '--cluster', '--user', '-s', '--server', '--token',
  '--certificate-authority', '--client-certificate', '--client-key', '--tls-server-name', '--as', '--as-group', '--as-uid',
  '--request-timeout', '-o', '--output', '--color', '-l', '--selector', '--v', '--username', '--password', '--cache-dir',
])

export function reorderArgs(argv: string[]): string[] {
  const args = normalizeVerbosity(argv)
  const leading: string[] = []
  let i = 0
  while (i < args.length) {
    const a = args[i]!
    if (a === '--') break
    if (!a.startsWith('-') || a === '-') break
    leading.push(a)
    // -ojson / --output=json carry their value; -n x / --output x take the next word.
    if (VALUE_FLAGS.has(a) && i + 1 < args.length) leading.push(args[++i]!)
    i++
  }
  if (leading.length === 0 || i >= args.length || args[i] === '--') return args
  // A help or version flag with no command stays where it is.
  const command: string[] = [args[i]!]
  i++
  // Topic commands (e.g. `rbac why-pending`) take their argument as the next word; flags go after the id.
  return [...command, ...leading, ...args.slice(i)]
}

/**
 * `kubectl prod help [COMMAND]`, as kubectl has it: the words naming the command asked about
 * ([] for the overview), or undefined when the first word is not "help". Flags and their values
 * are skipped (`help -n x why-pending` asks about why-pending).
 */
export function helpRequest(argv: string[]): string[] | undefined {
  if (argv[0] !== 'help') return undefined
  const words: string[] = []
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--') continue
    if (a.startsWith('-')) { if (VALUE_FLAGS.has(a)) i++; continue }
    words.push(a)
  }
  return words
}

/** kubectl's `-v`, `-v 6`, `-v=6` and `--v=6`: any level turns on request logging. */
function normalizeVerbosity(argv: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '-v' || a === '--v') {
      const next = argv[i + 1]
      if (next !== undefined && /^\d+$/.test(next)) { out.push(`--v=${next}`); i++ } else out.push('--v=1')
    } else if (/^-v=?\d+$/.test(a)) out.push(`--v=${a.replace(/^-v=?/, '')}`)
    else if (/^-v{2,}$/.test(a)) out.push(`--v=${a.length - 1}`)
    else out.push(a)
  }
  return out
}
