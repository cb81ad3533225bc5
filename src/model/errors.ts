import {ExitCode, type ExitCodeValue} from './exit-codes.js'

/** An expected failure: printed as one line (what failed, why, what to do), never a stack trace. */
export class CliError extends Error {
  readonly exitCode: ExitCodeValue
  readonly hint?: string
  constructor(message: string, exitCode: ExitCodeValue, hint?: string) {
    super(message)
    this.name = new.target.name
    this.exitCode = exitCode
    this.hint = hint
  }
}

/** Bad flags, arguments or input files (exit 2). */
export class InputError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.USAGE, hint)
  }
}

export type ClusterErrorKind = 'unreachable' | 'unauthorized' | 'forbidden' | 'not-found' | 'timeout' | 'server' | 'conflict' | 'too-many-requests' | 'credentials'

/** The cluster or its API failed us (exit 3). */
export class ClusterError extends CliError {
  readonly kind: ClusterErrorKind
  readonly status?: number
  readonly body?: unknown
  constructor(kind: ClusterErrorKind, message: string, hint?: string, status?: number, body?: unknown) {
    super(message, ExitCode.CLUSTER, hint)
    this.kind = kind
    this.status = status
    this.body = body
  }
}

/** Ctrl-C (exit 130); the message says what state was left. */
export class InterruptedError extends CliError {
  constructor(message = 'interrupted; nothing was changed') {
    super(message, ExitCode.INTERRUPTED)
  }
}

/** The single line printed for an error. */
export function errorLine(err: CliError): string {
  return `error: ${err.message}${err.hint ? `; ${err.hint}` : ''}`
}
