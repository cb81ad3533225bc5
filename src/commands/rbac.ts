import {Args} from '@oclif/core'
import {KubeCommand} from '../cli/base.js'
import {InputError} from '../model/errors.js'
import {PERMISSIONS, clusterRoleFor} from '../cli/permissions.js'

export default class Rbac extends KubeCommand {
  static override summary = 'Print the minimal ClusterRole a command needs, ready for `kubectl apply -f -`.'
  static override examples = [
    'kubectl prod rbac',
    'kubectl prod rbac why-pending | kubectl apply -f -',
    'kubectl create clusterrolebinding oncall-why-pending --clusterrole=kubectl-prod-why-pending --group=oncall',
  ]
  static override args = {
    command: Args.string({description: `The command: ${Object.keys(PERMISSIONS).join(', ')}. Without it, the commands are listed.`}),
  }

  async run(): Promise<object> {
    const {args} = await this.parse(Rbac)
    const {command} = args
    if (command === undefined) return this.list()
    const permissions = PERMISSIONS[command]
    if (!permissions) throw new InputError(`no command "${command}"`, `choose one of: ${Object.keys(PERMISSIONS).join(', ')}`)
    const role = clusterRoleFor(command)
    // The output is itself a Kubernetes object, so text output is its YAML: it can be applied as-is.
    const {dump} = await import('js-yaml')
    await this.emit(role, () => `# kubectl-prod ${command}: ${permissions.summary}\n${dump(role, {noRefs: true, lineWidth: -1})}`)
    return role
  }

  /** The commands that have a role, and what each reads or changes. */
  private async list(): Promise<object> {
    const items = Object.entries(PERMISSIONS).map(([command, p]) => ({command, clusterRole: `kubectl-prod-${command}`, summary: p.summary}))
    const doc = {apiVersion: 'kubectl-prod/v1', kind: 'RbacCommandList', items}
    const width = Math.max(...items.map(i => i.command.length)) + 2
    await this.emit(doc, () => [
      'Commands with a ClusterRole; print one with kubectl prod rbac COMMAND:',
      ...items.map(i => `  ${i.command.padEnd(width)}${i.summary}`),
      '',
    ].join('\n'))
    return doc
  }
}
