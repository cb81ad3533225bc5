import {Args, Flags} from '@oclif/core'
import {KubeCommand, parseDuration, writeOut} from '../cli/base.js'
import {ExitCode} from '../model/exit-codes.js'
import {ClusterError, InputError, InterruptedError} from '../model/errors.js'
import {assertLabelSelector} from '../model/selectors.js'
import type {BlockedDecision, DrainEvent, DrainOptions, DrainResult} from '../upgrade/drain/types.js'

/** A PDB that refuses longer than this, at most, is asked about (or skipped, or failed). */
const PATIENCE_MS = 30_000

export default class Drain extends KubeCommand {
  static override summary = 'Cordon and drain nodes through the Eviction API, naming the PDB that blocks and waiting for replacements.'
  static override description = `Drains each NODE in turn, with kubectl drain's rules: DaemonSet pods are left, mirror pods skipped, finished pods deleted; pods without a controller (--force) or with emptyDir data (--delete-emptydir-data) are refused, and then nothing is cordoned or evicted. Pods are evicted through the policy/v1 Eviction API with their UID as a precondition, --concurrency at a time. A PodDisruptionBudget that refuses is named with its numbers and its pods that are not Ready; throttling is retried as the API server asks. The drain waits until the evicted pods are gone and (unless --no-wait-replacements) until their workloads and PDBs have recovered.
When a PDB keeps refusing, a terminal asks what to do; otherwise --on-blocked decides (wait: until --timeout).
Exit codes: 0 every node drained, 1 a node was not drained (blocked, refused, timed out), 2 bad input, 3 cluster error, 130 interrupted (nodes stay cordoned).`
  static override examples = [
    'kubectl prod drain ip-10-0-1-23.ec2.internal',
    'kubectl prod drain node-a node-b --timeout 10m --on-blocked skip',
    'kubectl prod drain node-a --dry-run',
    'kubectl prod drain node-a -o json | jq -c \'select(.type == "blocked")\'',
  ]
  static override strict = false
  static override args = {
    node: Args.string({description: 'The nodes to drain, one after another.', required: true}),
  }
  static override flags = {
    force: Flags.boolean({description: 'Also evict pods that declare no controller (they are gone for good).'}),
    'delete-emptydir-data': Flags.boolean({description: 'Also evict pods with emptyDir volumes (their data is lost).'}),
    'pod-selector': Flags.string({description: 'Only pods matching this label selector.'}),
    'grace-period': Flags.integer({description: 'Seconds each pod gets to terminate (default: its own terminationGracePeriodSeconds).'}),
    timeout: Flags.string({description: 'The limit for each node\'s drain, e.g. 10m; 0 waits forever.', default: '15m'}),
    'skip-wait-for-delete-timeout': Flags.string({description: 'Stop waiting for a pod whose deletion started longer ago than this, e.g. 5m.'}),
    'on-blocked': Flags.string({description: 'Without a terminal, what to do about a pod a PDB keeps refusing: wait (until --timeout), skip it, or fail.', options: ['wait', 'skip', 'fail'], default: 'wait'}),
    'wait-replacements': Flags.boolean({description: 'Wait until the evicted pods\' workloads and PDBs have recovered (--no-wait-replacements to only wait until they are gone).', default: true, allowNo: true}),
    concurrency: Flags.integer({description: 'Pods evicted at once.', default: 10}),
    'dry-run': Flags.boolean({description: 'Show what would be evicted and what would block, from the current state; change nothing.'}),
    yes: Flags.boolean({char: 'y', description: 'Answer the confirmations (unattended runs); a blocked pod then follows --on-blocked.'}),
    output: Flags.string({char: 'o', helpGroup: 'OUTPUT', description: 'text: progress lines on stderr and a summary; json: one event per line on stdout.', options: ['text', 'json'], default: 'text'}),
  }

  // The drain waits on purpose (evictions, terminations, replacements); each request still has a deadline.
  protected override defaultRequestTimeoutMs = 30_000
  private cordoned: string[] = []

  protected override interruptedMessage(): string {
    return this.cordoned.length
      ? `interrupted; ${this.cordoned.length === 1 ? `node ${this.cordoned[0]} stays` : `nodes ${this.cordoned.join(', ')} stay`} cordoned (kubectl uncordon ${this.cordoned.join(' ')} to undo)`
      : 'interrupted; nothing was cordoned'
  }

  async run(): Promise<DrainResult[]> {
    const {flags, argv} = await this.parse(Drain)
    const nodes = [...new Set(argv as string[])]
    // Every flag is checked before anything is read or written.
    const timeoutMs = parseDuration(flags.timeout, '--timeout')
    const skipWaitMs = flags['skip-wait-for-delete-timeout'] === undefined ? undefined : parseDuration(flags['skip-wait-for-delete-timeout'], '--skip-wait-for-delete-timeout')
    if (flags.concurrency < 1) throw new InputError(`--concurrency ${flags.concurrency} is not allowed`, 'give 1 or more pods at once')
    if (flags['grace-period'] !== undefined && flags['grace-period'] < -1) throw new InputError(`--grace-period ${flags['grace-period']} is not allowed`, 'give seconds (0 or more), or -1 for each pod\'s own')
    if (flags['pod-selector'] !== undefined) assertLabelSelector(flags['pod-selector'], '--pod-selector')
    for (const n of nodes) if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(n)) throw new InputError(`"${n}" is not a node name`, 'give node names as kubectl get nodes shows them')

    const kube = await this.kube()
    const {drainNode} = await import('../upgrade/drain/drain.js')
    const {getNode} = await import('../kube/cordon.js')
    const missing: string[] = []
    for (const n of nodes) if (!await getNode(kube, n, this.abort.signal)) missing.push(n)
    if (missing.length) throw new InputError(`${missing.length === 1 ? 'node' : 'nodes'} ${missing.map(n => `"${n}"`).join(', ')} not found; nothing was cordoned`, 'list nodes with kubectl get nodes')

    const {isInteractive} = await import('../cli/tty.js')
    const {systemClock} = await import('../model/clock.js')
    const {renderDrainEvent, drainEventJson, renderDrainSummary} = await import('../cli/views/drain-lines.js')
    const json = this.outputFormat() === 'json'
    const interactive = isInteractive() && !flags.yes && !json
    const policy = flags['on-blocked'] as 'wait' | 'skip' | 'fail'
    let lines = Promise.resolve()
    const emit = (e: DrainEvent) => {
      if (e.type === 'cordoned' && !flags['dry-run']) this.cordoned.push(e.node)
      if (json) lines = lines.then(() => writeOut(drainEventJson(e) + '\n'))
      else process.stderr.write(renderDrainEvent(e) + '\n')
    }
    // One question at a time, however many pods are blocked at once.
    let asking: Promise<unknown> = Promise.resolve()
    const onBlocked: DrainOptions['onBlocked'] = interactive
      ? (pod, budget, waited) => {
        const answer = asking.then(async () => {
          const {askBlocked} = await import('../cli/prompts/blocked-pdb.js')
          try {
            return await askBlocked(pod, budget, waited, this.abort.signal)
          } catch (err) {
            if (err instanceof InterruptedError) throw new InterruptedError(this.interruptedMessage())
            throw err
          }
        })
        asking = answer.catch(() => undefined)
        return answer
      }
      : async (): Promise<BlockedDecision> => policy === 'skip' ? 'skip' : policy === 'fail' ? 'abort' : 'wait'
    // Waiting needs no question: --on-blocked wait runs until --timeout.
    const patience = interactive || policy !== 'wait' ? Math.min(PATIENCE_MS, timeoutMs > 0 ? Math.floor(timeoutMs / 2) : PATIENCE_MS) : Number.MAX_SAFE_INTEGER

    const results: DrainResult[] = []
    const {isTransientFailure} = await import('../kube/pods-watch.js')
    for (const node of nodes) {
      const result = await drainNode(kube, node, {
        force: flags.force, deleteEmptyDirData: flags['delete-emptydir-data'], podSelector: flags['pod-selector'],
        gracePeriodSeconds: flags['grace-period'] !== undefined && flags['grace-period'] >= 0 ? flags['grace-period'] : undefined,
        timeoutMs, skipWaitForDeleteTimeoutMs: skipWaitMs, concurrency: flags.concurrency,
        waitForReplacements: flags['wait-replacements'], onBlocked, dryRun: flags['dry-run'],
        clock: systemClock, signal: this.abort.signal, blockedPatienceMs: patience,
      }, emit).catch(async (err: unknown) => {
        // The one line says how long the drain waited for the API server, and what it left cordoned.
        if (!(err instanceof ClusterError) || this.abort.signal.aborted) throw err
        await lines
        const waited = isTransientFailure(err) ? `; waited for it until --timeout ${flags.timeout}` : ''
        const left = this.cordoned.length ? `; ${this.cordoned.length === 1 ? `node ${this.cordoned[0]} stays` : `nodes ${this.cordoned.join(', ')} stay`} cordoned (kubectl uncordon ${this.cordoned.join(' ')} to undo)` : ''
        throw new ClusterError(err.kind, `${err.message}${waited}${left}`, err.hint, err.status, err.body)
      })
      // Ctrl-C: the engine stopped where it was; the base says so (exit 130) with the nodes left cordoned.
      if (this.abort.signal.aborted) { await lines; throw this.abort.signal.reason }
      results.push(result)
    }
    await lines
    if (!json) await this.emitText(renderDrainSummary(results))
    this.setExit(results.every(r => r.status === 'drained') ? ExitCode.OK : ExitCode.FINDINGS)
    return results
  }
}
