// When may a command ask a question? Only with a person at a terminal: stdin and stderr are
// terminals and CI is unset. Otherwise a command that needs a decision stops and names the
// flag that answers it.
import {InputError} from '../model/errors.js'

export function isInteractive(env: NodeJS.ProcessEnv = process.env, stdin: {isTTY?: boolean} = process.stdin, stderr: {isTTY?: boolean} = process.stderr): boolean {
  return Boolean(stdin.isTTY && stderr.isTTY) && !env.CI
}

/** Throws the one-line error that names the flag, for commands that would otherwise prompt. */
export function decisionRequired(question: string, flag: string): never {
  throw new InputError(`${question}, and there is no terminal to ask in`, `re-run with ${flag}`)
}
