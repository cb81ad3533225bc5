import {Args, Flags} from '@oclif/core'
import {KubeCommand} from '../cli/base.js'
import {ExitCode} from '../model/exit-codes.js'
import {InputError} from '../model/errors.js'
import {isInteractive} from '../cli/tty.js'
import type {WhyPendingReport} from '../model/reports/why-pending.js'
import type {Kube} from '../kube/client.js'
import type {Prefetch} from '../cli/prefetch.js'

/** Connection flags the prefetch never uses (cli/prefetch.ts): given any, the command connects itself. */
const NOT_PREFETCHED = ['cluster', 'user', 'server', 'token', 'certificate-authority', 'client-certificate', 'client-key', 'tls-server-name', 'insecure-skip-tls-verify', 'as', 'as-group', 'as-uid', 'request-timeout']

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
    output: Flags.string({char: 'o', helpGroup: 'OUTPUT', description: 'Output format: text (grouped), wide (one row per pod: node, owner, cause, age), markdown (for an incident ticket), json or yaml.', options: ['text', 'wide', 'markdown', 'json', 'yaml'], default: 'text'}),
    'no-headers': Flags.boolean({helpGroup: 'OUTPUT', description: 'With -o wide: print the rows without the header line.'}),
  }

  /** The snapshot bin/run.js began before oclif loaded, when this run asks for exactly that one. */
  private early: Prefetch | undefined

  protected override kube(): Promise<Kube> {
    return this.early?.kube ?? super.kube()
  }

  async run(): Promise<WhyPendingReport> {
    const {args, flags} = await this.parse(WhyPending)
    if (flags['no-headers'] && flags.output !== 'wide') throw new InputError('--no-headers applies to -o wide only', 'add -o wide, or drop --no-headers')
    const {parseTarget, describeTarget, assertTargetExists} = await import('../diagnose/target.js')
    const target = parseTarget(args.target)
    if (flags.selector !== undefined) (await import('../model/selectors.js')).assertLabelSelector(flags.selector, '--selector')
    let now = new Date()
    const {takePrefetch, dropPrefetch} = await import('../cli/prefetch.js')
    const base = this.baseFlagValues
    const plain = flags.selector === undefined && flags['from-dump'] === undefined && Number(base.v ?? 0) === 0 &&
      NOT_PREFETCHED.every(f => base[f] === undefined || base[f] === false)
    if (plain) {
      this.early = takePrefetch({kubeconfig: flags.kubeconfig, context: flags.context, namespace: flags.namespace, allNamespaces: flags['all-namespaces'] ?? false, target: args.target}, this.requestTimeoutMs())
    } else {
      dropPrefetch()
    }
    let loading
    if (this.early) {
      const early = this.early
      now = early.now
      // Ctrl-C cancels its requests as it cancels the command's own.
      const cancel = () => early.abort.abort(this.abort.signal.reason)
      if (this.abort.signal.aborted) cancel()
      else this.abort.signal.addEventListener('abort', cancel, {once: true})
      loading = early.loading
    } else {
      const {loadSnapshot} = await import('../cli/snapshot-source.js')
      loading = loadSnapshot({
        dump: flags['from-dump'], namespace: flags.namespace, allNamespaces: flags['all-namespaces'],
        clusterScoped: target.kind === 'node', labelSelector: flags.selector, now,
      }, () => this.kube())
    }
    // The lists are asked for first; what only the analysis and the rendering need loads while they arrive.
    const connected = flags['from-dump'] ? Promise.resolve() : this.kube()
    const analysis = connected.then(() => import('../diagnose/why-pending.js'))
    const rendering = connected.then(() => import('../render/why-pending.js'))
    const [source] = await Promise.all([loading, analysis, rendering])
    const {snap} = source
    let scope = target.kind === 'node' && !flags['from-dump'] ? `node ${target.name}` : source.scope
    // No pods: is that an empty namespace or a misspelt one? Asked only then, so the usual answer costs nothing.
    if (snap.source.type === 'live' && snap.namespace && snap.pods.length === 0) await this.assertNamespaceExists(snap.namespace)
    assertTargetExists(snap, target)
    const {diagnose, isStuck} = await analysis
    const report = diagnose(snap, {target, now, indexing: source.indexing})
    if (target.kind !== 'all') scope = `${describeTarget(target)} in ${scope}`

    const format = flags.output
    if (format === 'wide' || format === 'markdown') {
      const {renderWhyPendingWide, renderWhyPendingMarkdown} = await import('../render/why-pending-table.js')
      const text = format === 'wide'
        ? renderWhyPendingWide(report, {now, namespaces: !snap.namespace, headers: !flags['no-headers']})
        : renderWhyPendingMarkdown(report, {now, scope})
      if (text === '') process.stderr.write(`Nothing is Pending or NotReady in ${scope}.\n`)
      await this.emitText(text)
      this.setExit(isStuck(report) ? ExitCode.FINDINGS : ExitCode.OK)
      return report
    }
    const {renderWhyPending, groupItems} = await rendering
    let shown = report
    if (format === 'text' && target.kind === 'all' && isInteractive()) {
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

  // The prefetch's waiting notice and connection are this command's once taken (KubeCommand
  // handles those it makes itself).
  protected override async emitText(out: string): Promise<void> {
    this.early?.notice.clear()
    return super.emitText(out)
  }

  override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<void> {
    this.early?.notice.stop()
    return super.catch(err)
  }

  override async finally(err: Error | undefined): Promise<void> {
    if (this.early) {
      this.early.notice.stop()
      ;(await this.early.kube.catch(() => undefined))?.close()
    }
    return super.finally(err)
  }
}
