// kubectl_complete-prod: kubectl (1.26 or newer) runs it, found on the PATH, with the words typed
// after `kubectl prod` (the last one the word being completed, empty for a new one), and shows what
// it prints: the candidates one per line, then `:DIRECTIVE` (cobra's protocol; kubectl's
// pkg/cmd/plugin/plugin_completion.go). Whatever goes wrong (a kubeconfig that cannot be read, a
// cluster that does not answer in time, a refused list) it prints the directive alone and exits 0:
// a shell is waiting, and kubectl ignores the output of an executable that fails.
import {liveSource} from './cluster.js'
import {complete, Directive, type Answer} from './complete.js'
import {readLine, type Line} from './words.js'

/** How long completion waits for the cluster when the line gives no --request-timeout. */
export const COMPLETION_TIMEOUT_MS = 3000

/** The text kubectl reads: one candidate a line (`value<TAB>description`), then the directive. */
export function formatAnswer(answer: Answer): string {
  const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim()
  const lines = answer.candidates.map(c => c.description ? `${c.value}\t${oneLine(c.description)}` : c.value)
  return [...lines, `:${answer.directive}`].join('\n') + '\n'
}

/** The deadline for the whole answer: --request-timeout on the line (kubectl's forms), else COMPLETION_TIMEOUT_MS. */
export function completionTimeoutMs(line: Line): number {
  const flag = line.flags.get('request-timeout')?.at(-1)
  if (flag === undefined) return COMPLETION_TIMEOUT_MS
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(flag.trim())
  if (!m) return COMPLETION_TIMEOUT_MS
  const ms = Number(m[1]) * {ms: 1, s: 1000, m: 60_000, h: 3_600_000}[(m[2] ?? 's') as 'ms']
  // 0 means no limit for a command; a shell still cannot wait forever.
  return ms > 0 ? ms : COMPLETION_TIMEOUT_MS
}

const FAILED = `:${Directive.NoFileComp}\n`

/**
 * What to print for these words: the answer, or the directive alone when anything fails or the
 * deadline passes first (the requests still running are then cancelled).
 */
export async function completionText(argv: string[], makeSource: typeof liveSource = liveSource): Promise<string> {
  const abort = new AbortController()
  let timer: NodeJS.Timeout | undefined
  try {
    const timeoutMs = completionTimeoutMs(readLine(argv))
    const late = new Promise<string>(resolve => { timer = setTimeout(() => { abort.abort(); resolve(FAILED) }, timeoutMs) })
    const answered = complete(argv, line => makeSource(line, {timeoutMs, signal: abort.signal})).then(formatAnswer)
    return await Promise.race([answered, late])
  } catch {
    return FAILED
  } finally {
    clearTimeout(timer)
  }
}

/** Prints the answer and exits 0, whatever is still running; never anything on stderr. */
export async function runCompletion(argv: string[]): Promise<never> {
  let finished = false
  const finish = (text: string): void => {
    if (finished) return
    finished = true
    process.stdout.write(text, () => process.exit(0))
  }
  process.on('uncaughtException', () => finish(FAILED))
  process.on('unhandledRejection', () => finish(FAILED))
  finish(await completionText(argv))
  return new Promise<never>(() => undefined)
}
