// The exit codes of every command: a contract (README "Exit codes"). Set only here.
export const ExitCode = {
  /** Done, nothing needs action. */
  OK: 0,
  /** Findings that need action, or an operation that did not complete. */
  FINDINGS: 1,
  /** Usage error or bad input: flags, files, kubeconfig syntax, version strings. */
  USAGE: 2,
  /** Cluster or API error: unreachable, unauthorized, forbidden, server error after retries. */
  CLUSTER: 3,
  /** Interrupted (Ctrl-C). */
  INTERRUPTED: 130,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]
