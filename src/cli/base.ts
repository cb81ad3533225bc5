// The base of every command: kubectl's connection flags, -o, --color, -v, one place
// where errors become one line and an exit code, and Ctrl-C handling. Nothing here loads
// the Kubernetes client: `--help` and `--version` stay fast.
import {Command, Flags, Errors} from '@oclif/core'
import {CliError, InputError, InterruptedError, errorLine} from '../model/errors.js'
import {ExitCode, type ExitCodeValue} from '../model/exit-codes.js'
import {makeStyle, shouldColor, type Style} from '../render/style.js'
import type {Kube} from '../kube/client.js'
import type {ResolvedConfig} from '../kube/kubeconfig.js'
import {firstLine} from '../model/text.js'
import {WaitingNotice} from './waiting.js'

/** The deadline of each request of a read-only command when --request-timeout is not given. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000

export type OutputFormat = 'text' | 'json' | 'yaml'

export abstract class KubeCommand extends Command {
  static override baseFlags = {
    kubeconfig: Flags.string({helpGroup: 'CONNECTION', description: 'Path to the kubeconfig file (only that file is read).'}),
    context: Flags.string({helpGroup: 'CONNECTION', description: 'The kubeconfig context to use.'}),
    cluster: Flags.string({helpGroup: 'CONNECTION', description: 'The kubeconfig cluster to use.'}),
    user: Flags.string({helpGroup: 'CONNECTION', description: 'The kubeconfig user to use.'}),
    namespace: Flags.string({char: 'n', helpGroup: 'CONNECTION', description: 'The namespace (default: the context\'s, then "default").'}),
    'all-namespaces': Flags.boolean({char: 'A', helpGroup: 'CONNECTION', description: 'Look across all namespaces.'}),
    server: Flags.string({char: 's', helpGroup: 'CONNECTION', description: 'The address of the API server.'}),
    token: Flags.string({helpGroup: 'CONNECTION', description: 'Bearer token for the API server.'}),
    'certificate-authority': Flags.string({helpGroup: 'CONNECTION', description: 'Path to a CA certificate file.'}),
    'client-certificate': Flags.string({helpGroup: 'CONNECTION', description: 'Path to a client certificate file.'}),
    'client-key': Flags.string({helpGroup: 'CONNECTION', description: 'Path to a client key file.'}),
    'tls-server-name': Flags.string({helpGroup: 'CONNECTION', description: 'Server name for certificate validation.'}),
    'insecure-skip-tls-verify': Flags.boolean({helpGroup: 'CONNECTION', description: 'Do not verify the server certificate (insecure).'}),
    as: Flags.string({helpGroup: 'CONNECTION', description: 'User to impersonate.'}),
    'as-group': Flags.string({helpGroup: 'CONNECTION', description: 'Group to impersonate (repeatable).', multiple: true, multipleNonGreedy: true}),
    'as-uid': Flags.string({helpGroup: 'CONNECTION', description: 'UID to impersonate.'}),
    'request-timeout': Flags.string({helpGroup: 'CONNECTION', description: 'Time to wait for one request, e.g. 5s, 1m (default 60s); 0 waits forever.'}),
    output: Flags.string({char: 'o', helpGroup: 'OUTPUT', description: 'Output format.', options: ['text', 'json', 'yaml'], default: 'text'}),
    color: Flags.string({helpGroup: 'OUTPUT', description: 'Colour in text output (NO_COLOR is honoured by auto).', options: ['auto', 'always', 'never'], default: 'auto'}),
    v: Flags.integer({helpGroup: 'OUTPUT', description: 'Log each API request to stderr (any level above 0; -v alone works).', default: 0, min: 0}),
  }

  /** Aborted on Ctrl-C; pass it to anything that waits. */
  protected readonly abort = new AbortController()
  protected style: Style = makeStyle(false)
  private connection?: Promise<Kube>
  private notice?: WaitingNotice
  private onSignal?: () => void

  /**
   * Each request's deadline when --request-timeout is not given. Read-only commands never wait
   * longer than this for one answer; a command that waits on purpose sets its own.
   */
  protected defaultRequestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS

  protected baseFlagValues: Record<string, unknown> = {}

  /**
   * Parses the flags once, before run(): the connection flags, -o, --color and -v take effect
   * for every command without each having to remember to pass them on. (run() parses again
   * for its own typed flags; parsing is cheap and gives the same answer.)
   */
  override async init(): Promise<void> {
    await super.init()
    const ctor = this.ctor as typeof KubeCommand
    const {flags} = await this.parse({flags: ctor.flags, baseFlags: ctor.baseFlags, args: ctor.args, strict: ctor.strict})
    this.baseFlagValues = flags as Record<string, unknown>
    this.style = makeStyle(shouldColor(String(this.baseFlagValues.color ?? 'auto'), process.stdout, process.env))
    exitQuietlyWhenStdoutCloses()
    let interrupted = false
    this.onSignal = () => {
      if (interrupted) process.exit(ExitCode.INTERRUPTED)
      interrupted = true
      this.abort.abort(new InterruptedError(this.interruptedMessage()))
    }
    process.on('SIGINT', this.onSignal)
    process.on('SIGTERM', this.onSignal)
  }

  /** What Ctrl-C leaves behind; read-only commands leave nothing. Commands that change state override this. */
  protected interruptedMessage(): string {
    return 'interrupted; nothing was changed'
  }

  protected outputFormat(): OutputFormat {
    return (this.baseFlagValues.output as OutputFormat | undefined) ?? 'text'
  }

  /** The resolved kubeconfig context (no network). */
  protected async resolveConfig(): Promise<ResolvedConfig> {
    const {loadKubeconfig} = await import('../kube/kubeconfig.js')
    const f = this.baseFlagValues as Record<string, string | boolean | undefined>
    return loadKubeconfig({
      kubeconfig: f.kubeconfig as string, context: f.context as string, cluster: f.cluster as string, user: f.user as string,
      namespace: f.namespace as string, server: f.server as string, token: f.token as string,
      'certificate-authority': f['certificate-authority'] as string, 'client-certificate': f['client-certificate'] as string,
      'client-key': f['client-key'] as string, 'tls-server-name': f['tls-server-name'] as string,
      'insecure-skip-tls-verify': f['insecure-skip-tls-verify'] as boolean,
    })
  }

  /** Each request's deadline in ms: --request-timeout when given (0: none), else the command's default. */
  protected requestTimeoutMs(): number {
    const flag = this.baseFlagValues['request-timeout']
    return flag === undefined ? this.defaultRequestTimeoutMs : parseDuration(String(flag), '--request-timeout')
  }

  /** Connects once, lazily loading the Kubernetes client. */
  protected kube(): Promise<Kube> {
    this.connection ??= (async () => {
      const requestTimeoutMs = this.requestTimeoutMs()
      const config = await this.resolveConfig()
      const {connect} = await import('../kube/client.js')
      const f = this.baseFlagValues
      const notice = this.notice = new WaitingNotice(process.stderr, config.server)
      return connect(config, {
        requestTimeoutMs,
        as: f.as as string | undefined, asGroups: f['as-group'] as string[] | undefined, asUid: f['as-uid'] as string | undefined,
        verbose: Number(f.v ?? 0), signal: this.abort.signal,
        onAsk: ask => notice.start(ask.what), log: notice.write,
      })
    })()
    return this.connection
  }

  /**
   * Says "namespace not found" (exit 2) when the namespace does not exist. Costs a request, so
   * commands call it only when their answer would otherwise be empty. A 403 on the lookup says
   * nothing: the user may read pods in a namespace without being allowed to get it.
   */
  protected async assertNamespaceExists(namespace: string): Promise<void> {
    const kube = await this.kube()
    const answer = await kube.send(`/api/v1/namespaces/${encodeURIComponent(namespace)}`)
    if (answer.status === 404) throw new InputError(`namespace "${namespace}" not found`, 'list namespaces with kubectl get namespaces')
  }

  /** Writes a document: JSON or YAML for machines, else the text renderer's output. */
  protected async emit(doc: object, text: () => string): Promise<void> {
    const format = this.outputFormat()
    let out: string
    if (format === 'json') out = JSON.stringify(doc, null, 2) + '\n'
    else if (format === 'yaml') out = (await import('js-yaml')).dump(doc, {noRefs: true, lineWidth: -1})
    else out = text()
    await this.emitText(out)
  }

  /** Writes text that is already in its final format (markdown, SARIF), clearing any waiting notice first. */
  protected async emitText(out: string): Promise<void> {
    this.notice?.clear()
    await writeOut(out)
  }

  protected setExit(code: ExitCodeValue): void {
    process.exitCode = code
  }

  override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<void> {
    if (err instanceof Errors.ExitError) throw err
    this.notice?.stop()
    let e: CliError
    if (err instanceof CliError) e = err
    else if (this.abort.signal.aborted && this.abort.signal.reason instanceof CliError) e = this.abort.signal.reason
    else if (isParseError(err)) {
      // oclif would add a warning that the command "did not parse its arguments" (under NODE_ENV
      // development or test): it did, and the arguments were wrong, which the one line says.
      (this as unknown as {parsed: boolean}).parsed = true
      e = new InputError(firstLine(err.message.replace(/^\s*See more help.*$/gm, '')), `see 'kubectl prod ${this.id ?? ''} --help'`.replace('  ', ' '))
    }
    else {
      process.stderr.write(`error: unexpected failure: ${err.message}; please report it with the output of -v\n`)
      if (Number(this.baseFlagValues.v ?? 0) > 0 && err.stack) process.stderr.write(err.stack + '\n')
      process.exitCode = ExitCode.CLUSTER
      return
    }
    process.stderr.write(errorLine(e) + '\n')
    process.exitCode = e.exitCode
  }

  override async finally(err: Error | undefined): Promise<void> {
    this.notice?.stop()
    if (this.onSignal) { process.off('SIGINT', this.onSignal); process.off('SIGTERM', this.onSignal) }
    if (this.connection) (await this.connection.catch(() => undefined))?.close()
    return super.finally(err)
  }
}

function isParseError(err: Error & {oclif?: {exit?: number}}): boolean {
  return err.oclif?.exit === 2 || /ParseError|FlagInvalidOptionError|ArgInvalidOptionError|RequiredArgsError|UnexpectedArgsError|NonExistentFlagsError|FailedFlagValidationError/.test(err.constructor?.name ?? '')
}

/** kubectl durations: 0, 30s, 1m, 500ms, 1h, 1m30s; a bare number is seconds. */
export function parseDuration(value: string, flag: string): number {
  const v = value.trim()
  if (/^\d+$/.test(v)) return Number(v) * 1000
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy
  let total = 0
  let m: RegExpExecArray | null
  let consumed = 0
  while ((m = re.exec(v)) !== null) {
    total += Number(m[1]) * {ms: 1, s: 1000, m: 60_000, h: 3_600_000}[m[2] as 'ms' | 's' | 'm' | 'h']
    consumed = re.lastIndex
  }
  if (v === '' || consumed !== v.length) throw new InputError(`${flag} "${value}" is not a duration`, 'write it like 30s, 2m or 1h (0 means no limit)')
  return total
}

/** Writes to stdout and waits for it to drain, so piping into head or jq loses nothing. */
export function writeOut(s: string): Promise<void> {
  return new Promise(res => {
    if (process.stdout.write(s)) res()
    else process.stdout.once('drain', () => res())
  })
}

const watched = new WeakSet<object>()

/**
 * When the reader of stdout goes away (`| head -1`), the rest of the output has nowhere to go:
 * exit 0 at once, with no warning and no stack trace, as the reader got all it wanted. Other
 * stdout errors stay errors. Installed once per stream.
 */
export function exitQuietlyWhenStdoutCloses(stream: NodeJS.EventEmitter = process.stdout, exit: (code: number) => void = code => process.exit(code)): void {
  if (watched.has(stream)) return
  watched.add(stream)
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') return exit(ExitCode.OK)
    throw err
  })
}
