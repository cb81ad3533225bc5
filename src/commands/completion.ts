import {Args, Command, Errors} from '@oclif/core'
import {writeOut} from '../cli/base.js'
import {SHELLS, completionScript, isShell} from '../cli/complete/scripts.js'
import {CliError, InputError, errorLine} from '../model/errors.js'
import {firstLine} from '../model/text.js'

// Not a KubeCommand: it reads nothing, so it has none of the connection flags.
export default class Completion extends Command {
  static override summary = 'Print the shell completion script for running kubectl-prod directly (bash, zsh or fish).'
  static override description = `kubectl prod <TAB> needs no script: kubectl (1.26 or newer) completes plugins with its own completion, asking the kubectl_complete-prod executable installed beside kubectl-prod. This script completes kubectl-prod run by that name, with the same answers: subcommands and flags, and from the cluster node, pool, namespace and workload names.`
  static override examples = [
    'source <(kubectl prod completion bash)',
    'kubectl prod completion zsh > "${fpath[1]}/_kubectl-prod"',
    'kubectl prod completion fish > ~/.config/fish/completions/kubectl-prod.fish',
  ]
  static override args = {
    shell: Args.string({description: `The shell: ${SHELLS.join(', ')}.`, required: true}),
  }

  async run(): Promise<string> {
    const {args} = await this.parse(Completion)
    if (!isShell(args.shell)) throw new InputError(`no completion for the shell "${args.shell}"`, `choose one of: ${SHELLS.join(', ')}`)
    const script = completionScript(args.shell)
    await writeOut(script)
    return script
  }

  override async catch(err: Error & {oclif?: {exit?: number}}): Promise<void> {
    if (err instanceof Errors.ExitError) throw err
    // Every failure here is bad input (a missing or unknown shell, an unknown flag): one line, exit 2.
    const e = err instanceof CliError ? err
      : /^Missing \d+ required arg/.test(err.message) ? new InputError('say which shell', `kubectl prod completion ${SHELLS.join('|')}`)
        : new InputError(firstLine(err.message.replace(/^\s*See more help.*$/gm, '')), "see 'kubectl prod completion --help'")
    process.stderr.write(errorLine(e) + '\n')
    process.exitCode = e.exitCode
  }
}
