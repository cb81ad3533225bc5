// What completion knows of the commands, without loading oclif: their names, arguments and flags
// (commands.ts, written from the commands themselves by test/unit/cli/complete-spec.test.ts), and
// where the values of each argument and flag come from (below, by hand: that is a choice, not a fact
// the commands state).
import {COMPLETION_SPEC} from './commands.js'
import type {CommandSpec, CompletionSpec, FlagSpec} from './types.js'

export type {ArgSpec, CommandSpec, CompletionSpec, FlagSpec} from './types.js'

export const SPEC: CompletionSpec = COMPLETION_SPEC

/** `help [COMMAND]` is no command of oclif's (bin/run.js answers it) but completes as one, as in cobra. */
export const HELP_COMMAND: CommandSpec = {id: 'help', summary: 'Help about any command.', args: [{name: 'command', variadic: true}], flags: []}

/** The flags oclif adds to every command. */
export const HELP_FLAGS: FlagSpec[] = [{name: 'help', char: 'h', description: 'Show help for the command.'}]

/** Where a value comes from, for each kind of value that can be completed. */
export type ValueKind =
  | 'file' | 'namespace' | 'context' | 'cluster' | 'user' | 'pool-label' | 'upgrade-target' | 'kubelet-version'
  | 'node' | 'pool' | 'why-pending-target' | 'rbac-command' | 'shell' | 'command'

/** The values of flags, by flag name (flags with `options` complete those; others complete nothing). */
export const FLAG_VALUES: Record<string, ValueKind> = {
  kubeconfig: 'file', 'certificate-authority': 'file', 'client-certificate': 'file', 'client-key': 'file',
  filename: 'file', 'from-dump': 'file', table: 'file', hook: 'file',
  namespace: 'namespace', 'lease-namespace': 'namespace',
  context: 'context', cluster: 'cluster', user: 'user',
  'pool-label': 'pool-label',
  // upgrade-plan's --target; nodepool upgrade's is --target-version.
  target: 'upgrade-target', 'target-version': 'kubelet-version',
}

/** The values of arguments, by command. */
export const ARG_VALUES: Record<string, ValueKind> = {
  drain: 'node',
  'why-pending': 'why-pending-target',
  'nodepool upgrade': 'pool',
  rbac: 'rbac-command',
  completion: 'shell',
  help: 'command',
}

export function findCommand(id: string): CommandSpec | undefined {
  return id === HELP_COMMAND.id ? HELP_COMMAND : SPEC.commands.find(c => c.id === id)
}

export const isTopic = (word: string) => SPEC.topics.some(t => t.name === word)

/** A command's flags: its own, then the connection flags it does not redefine, then --help. */
export function flagsOf(command: CommandSpec | undefined): FlagSpec[] {
  // Before the command is named, kubectl-style leading flags are the connection flags.
  if (!command) return [...SPEC.connectionFlags, ...HELP_FLAGS]
  const own = new Set(command.flags.map(f => f.name))
  return [...command.flags, ...(command.connection ? SPEC.connectionFlags.filter(f => !own.has(f.name)) : []), ...HELP_FLAGS]
}
