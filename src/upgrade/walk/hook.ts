// The hand-over hook: a shell command run once per node (a cloud CLI that replaces the instance,
// a script that upgrades the kubelet), told which node through its environment. Its output
// becomes events; its exit status decides whether the walk goes on.
import {spawn} from 'node:child_process'
import {accessSync, constants} from 'node:fs'
import {delimiter, isAbsolute, join, resolve} from 'node:path'
import {InputError} from '../../model/errors.js'

/** Shell builtins and keywords a hook may start with (POSIX sh). */
const SHELL_WORDS = new Set([
  ':', '.', 'true', 'false', 'exit', 'echo', 'printf', 'test', '[', 'cd', 'eval', 'exec', 'export', 'set', 'unset', 'read',
  'sleep', 'if', 'for', 'while', 'until', 'case', '{', '(', '!', 'command', 'env', 'sh', 'bash', 'trap', 'wait', 'shift', 'return',
])

/** The program a hook command runs first: its first word after any VAR=value assignments. */
export function hookProgram(command: string): string | undefined {
  for (const word of command.trim().split(/\s+/).filter(Boolean)) {
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) continue
    return word.replace(/^['"]|['"]$/g, '')
  }
  return undefined
}

/** Throws the one-line error for a hook whose program cannot be found (checked before anything is cordoned). */
export function assertHookRuns(command: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): void {
  const program = hookProgram(command)
  if (!program) throw new InputError('--hook is empty', "give the command to run for each node, e.g. --hook './upgrade-node.sh'")
  if (SHELL_WORDS.has(program) || /[$`;|&<>]/.test(program)) return
  const runnable = (path: string) => { try { accessSync(path, constants.X_OK); return true } catch { return false } }
  if (program.includes('/')) {
    if (runnable(isAbsolute(program) ? program : resolve(cwd, program))) return
  } else if ((env.PATH ?? '').split(delimiter).some(dir => dir && runnable(join(dir, program)))) {
    return
  }
  throw new InputError(`--hook runs "${program}", which is not an executable file${program.includes('/') ? '' : ' on PATH'}`, 'give a command that exists here (a path to a script, or a program on PATH)')
}

export interface HookRun {
  exitCode: number | null
  signal: NodeJS.Signals | null
}

/** Runs the command through /bin/sh with `env` added; each output line goes to onLine. */
export function runHook(command: string, env: Record<string, string>, onLine: (line: string) => void, signal?: AbortSignal): Promise<HookRun> {
  return new Promise((res, rej) => {
    const child = spawn('/bin/sh', ['-c', command], {env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe'], signal})
    const lines = (stream: NodeJS.ReadableStream) => {
      let partial = ''
      stream.setEncoding('utf8')
      stream.on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n')
        partial = parts.pop() ?? ''
        for (const l of parts) if (l.trim()) onLine(l)
      })
      stream.on('end', () => { if (partial.trim()) onLine(partial) })
    }
    lines(child.stdout)
    lines(child.stderr)
    child.on('error', err => { if (signal?.aborted) rej(signal.reason); else rej(err) })
    child.on('close', (exitCode, sig) => { if (signal?.aborted) rej(signal.reason); else res({exitCode, signal: sig}) })
  })
}
