import {Args, Flags} from '@oclif/core'
import {KubeCommand} from '../cli/base.js'
import {InputError} from '../model/errors.js'
import {ExitCode} from '../model/exit-codes.js'
import {isInteractive} from '../cli/tty.js'
import type {WhyPendingReport} from '../model/reports/why-pending.js'

export default class WhyPending extends KubeCommand {
  static override summary = 'Explain why pods are Pending or not Ready, and why nodes are NotReady.'
  static override description = `Reads pod and node status, events, volumes, workloads and quotas once, recomputes the scheduler's verdict node by node, and groups the answer by workload and cause.
Exit codes: 0 nothing is stuck, 1 something is stuck, 2 bad input, 3 cluster error.`
  static override examples = [
    'kubectl prod why-pending -A',
    'kubectl prod why-pending deploy/web -n shop',
    'kubectl prod why-pending pod/web-5d8c7-x2x9z --details',
    'kubectl prod why-pending node/ip-10-0-3-7.ec2.internal',
    'kubectl prod why-pending --from-dump ./cluster-dump -o json',
  ]
  static override args = {
    target: Args.string({description: 'pod/NAME, NAME (a pod), deploy/NAME, sts/NAME, job/NAME, ds/NAME or node/NAME; everything when absent.'}),
  }
  static override flags = {
    selector: Flags.string({char: 'l', description: 'Only pods matching this label selector.'}),
    details: Flags.boolean({description: 'Show every pod, node and the events behind each cause.'}),
    'from-dump': Flags.string({description: 'Answer offline from a kubectl get -o json|yaml List, a directory of them, or a kubectl cluster-info dump tree.'}),
  }

  async run(): Promise<WhyPendingReport> {
    const {args, flags} = await this.parse(WhyPending)
    this.use(flags)
    const {parseTarget, describeTarget} = await import('../diagnose/target.js')
    const target = parseTarget(args.target)
    const now = new Date()
    let snap
    let scope: string
    if (flags['from-dump']) {
      const {loadDump} = await import('../sources/dump.js')
      snap = loadDump(flags['from-dump'], now)
      if (flags.namespace && !flags['all-namespaces']) snap.namespace = flags.namespace
      if (flags.selector) throw new InputError('--selector cannot be used with --from-dump', 'filter the dump with kubectl get -l when making it')
      scope = `${snap.namespace ? `namespace ${snap.namespace} of ` : ''}the dump ${flags['from-dump']}`
    } else {
      const kube = await this.kube()
      const {collectSnapshot} = await import('../kube/snapshot.js')
      const namespace = flags['all-namespaces'] || target.kind === 'node' ? undefined : kube.namespace
      snap = await collectSnapshot(kube, {namespace, labelSelector: flags.selector, now})
      scope = namespace ? `namespace ${namespace}` : target.kind === 'node' ? `node ${target.name}` : 'all namespaces'
    }
    const {assertTargetExists} = await import('../diagnose/target-check.js')
    assertTargetExists(snap, target)
    const {diagnose, isStuck} = await import('../diagnose/why-pending.js')
    const report: WhyPendingReport & {gaps?: string[]} = diagnose(snap, {target, now})
    if (snap.gaps.length) report.gaps = snap.gaps
    if (target.kind !== 'all') scope = `${describeTarget(target)} in ${scope}`

    const {renderWhyPending, groupItems} = await import('../render/why-pending.js')
    let shown = report
    if (this.outputFormat() === 'text' && target.kind === 'all' && isInteractive()) {
      const groups = groupItems(report.items)
      if (groups.length > 1) {
        const {pickGroup} = await import('../cli/prompts/pick-group.js')
        const chosen = await pickGroup(groups, this.abort.signal)
        if (chosen) shown = {...report, items: chosen.items, nodes: []}
      }
    }
    await this.emit(report, () => renderWhyPending(shown, {details: flags.details, style: this.style, now, scope}))
    this.setExit(isStuck(report) ? ExitCode.FINDINGS : ExitCode.OK)
    return report
  }
}
