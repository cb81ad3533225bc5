import {Args} from '@oclif/core'
import {KubeCommand} from '../cli/base.js'
import {InputError} from '../model/errors.js'
import {PERMISSIONS, clusterRoleFor} from '../cli/permissions.js'

export default class Rbac extends KubeCommand {
  static override summary = 'Print the minimal ClusterRole a command needs, ready for `kubectl apply -f -`.'
  static override examples = [
    'kubectl prod rbac why-pending | kubectl apply -f -',
    'kubectl create clusterrolebinding oncall-why-pending --clusterrole=kubectl-prod-why-pending --group=oncall',
  ]
  static override args = {
    command: Args.string({description: `The command: ${Object.keys(PERMISSIONS).join(', ')}.`, required: true}),
  }

  async run(): Promise<object> {
    const {args} = await this.parse(Rbac)
    if (!PERMISSIONS[args.command]) throw new InputError(`no command "${args.command}"`, `choose one of: ${Object.keys(PERMISSIONS).join(', ')}`)
    const role = clusterRoleFor(args.command)
    // The output is itself a Kubernetes object, so text output is its YAML: it can be applied as-is.
    const {dump} = await import('js-yaml')
    await this.emit(role, () => `# kubectl-prod ${args.command}: ${PERMISSIONS[args.command]!.summary}\n${dump(role, {lineWidth: -1})}`)
    return role
  }
}
