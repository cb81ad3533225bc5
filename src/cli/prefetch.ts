// why-pending's lists, asked for before oclif loads. Loading oclif and the commands takes
// about 150 ms, during which the API server would otherwise sit idle: bin/run.js hands the
// arguments here first, and when they are simple enough to read without oclif (the flags
// below), the connection is made and the snapshot begins exactly as the command would begin
// it. The command then takes it over if its own parsed flags ask for exactly the same
// (takePrefetch); whatever is not taken is dropped (dropPrefetch), and the command does it all
// itself as usual. Nothing here imports oclif.
import type {Kube} from '../kube/client.js'
import type {SnapshotSource} from './snapshot-source.js'
import type {WaitingNotice} from './waiting.js'

/** The deadline of each request, as KubeCommand's default (the command checks that they agree). */
const REQUEST_TIMEOUT_MS = 60_000
/** How long bin/run.js waits for the first answer (the connection made, the requests sent) before loading oclif. */
const SEND_WAIT_MS = 100

/** What the lists were asked for with, for the command to compare with its parsed flags. */
export interface PrefetchFlags {
  kubeconfig?: string
  context?: string
  namespace?: string
  allNamespaces: boolean
  target?: string
}

export interface Prefetch {
  flags: PrefetchFlags
  requestTimeoutMs: number
  now: Date
  kube: Promise<Kube>
  loading: Promise<SnapshotSource>
  /** Cancels every request of the prefetch. */
  abort: AbortController
  notice: WaitingNotice
}

let started: Prefetch | undefined

// Flags that take a value; any other flag than these and the switches stops the prefetch.
const VALUED: Record<string, keyof PrefetchFlags | 'output' | 'color'> = {
  '-n': 'namespace', '--namespace': 'namespace', '--context': 'context', '--kubeconfig': 'kubeconfig',
  '-o': 'output', '--output': 'output', '--color': 'color',
}
const SWITCHES = new Set(['-A', '--all-namespaces', '--details', '--no-headers'])

/** The flags of `why-pending ARGS` when they are only those above, each at most once; undefined otherwise. */
export function prefetchFlags(args: string[]): PrefetchFlags | undefined {
  const seen = new Set<string>()
  const flags: PrefetchFlags = {allNamespaces: false}
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (!arg.startsWith('-')) {
      if (flags.target !== undefined) return undefined
      flags.target = arg
      continue
    }
    if (SWITCHES.has(arg)) {
      const name = arg === '-A' ? '--all-namespaces' : arg
      if (seen.has(name)) return undefined
      seen.add(name)
      if (name === '--all-namespaces') flags.allNamespaces = true
      continue
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1
    const name = eq > 0 ? arg.slice(0, eq) : /^-o\w/.test(arg) ? '-o' : arg
    const key = VALUED[name]
    if (!key) return undefined
    let value: string | undefined
    if (eq > 0) value = arg.slice(eq + 1)
    else if (name !== arg) value = arg.slice(2)
    else value = args[++i]
    if (value === undefined || value === '' || value.startsWith('-')) return undefined
    if (seen.has(key)) return undefined
    seen.add(key)
    if (key === 'namespace' || key === 'context' || key === 'kubeconfig') flags[key] = value
  }
  return flags
}

/**
 * Begins why-pending's snapshot for these arguments (what follows the command's name) when
 * they allow it, and resolves once the first request has its answer (the connection is made,
 * the others are sent) or SEND_WAIT_MS have passed. Never throws: a kubeconfig that cannot be
 * read or a target that cannot be parsed leaves it to the command, which says so as usual.
 */
export async function prefetchWhyPending(args: string[]): Promise<void> {
  const flags = prefetchFlags(args)
  if (!flags) return
  try {
    const [{parseTarget}, {loadKubeconfig}, {connect}, {loadSnapshot}, {WaitingNotice}] = await Promise.all([
      import('../diagnose/target.js'), import('../kube/kubeconfig.js'), import('../kube/client.js'),
      import('./snapshot-source.js'), import('./waiting.js'),
    ])
    const target = parseTarget(flags.target)
    // As KubeCommand.resolveConfig and kube() do, with only these flags given.
    const config = loadKubeconfig({kubeconfig: flags.kubeconfig, context: flags.context, namespace: flags.namespace})
    const abort = new AbortController()
    const notice = new WaitingNotice(process.stderr, config.server)
    let answered: () => void = () => undefined
    const sent = new Promise<void>(resolve => { answered = resolve })
    const kube = connect(config, {
      requestTimeoutMs: REQUEST_TIMEOUT_MS, verbose: 0, signal: abort.signal, log: notice.write,
      onAsk: ask => {
        const end = notice.start(ask.what)
        return () => { answered(); end() }
      },
    })
    const now = new Date()
    const loading = loadSnapshot({namespace: flags.namespace, allNamespaces: flags.allNamespaces, clusterScoped: target.kind === 'node', now}, () => kube)
    // Taken or dropped later; a failure meanwhile is the command's to report, not unhandled.
    loading.catch(() => undefined)
    started = {flags, requestTimeoutMs: REQUEST_TIMEOUT_MS, now, kube, loading, abort, notice}
    let timer: NodeJS.Timeout | undefined
    await Promise.race([sent, loading.then(() => undefined, () => undefined), new Promise<void>(resolve => { timer = setTimeout(resolve, SEND_WAIT_MS) })])
    clearTimeout(timer)
  } catch {
    dropPrefetch()
  }
}

/** The prefetch, once, when it was begun with exactly these flags and deadline; any other is dropped. */
export function takePrefetch(flags: PrefetchFlags, requestTimeoutMs: number): Prefetch | undefined {
  const p = started
  started = undefined
  if (!p) return undefined
  const same = p.requestTimeoutMs === requestTimeoutMs && p.flags.allNamespaces === flags.allNamespaces &&
    p.flags.kubeconfig === flags.kubeconfig && p.flags.context === flags.context && p.flags.namespace === flags.namespace && p.flags.target === flags.target
  if (same) return p
  drop(p)
  return undefined
}

/** Cancels a prefetch nobody took (the command failed to parse its flags, say). */
export function dropPrefetch(): void {
  const p = started
  started = undefined
  if (p) drop(p)
}

function drop(p: Prefetch): void {
  p.abort.abort(new Error('not taken'))
  p.notice.stop()
  void p.kube.then(k => k.close(), () => undefined)
}
