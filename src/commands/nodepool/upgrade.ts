import {Args, Flags} from '@oclif/core'
import {KubeCommand, parseDuration, writeOut} from '../../cli/base.js'
import {CliError, InputError, InterruptedError} from '../../model/errors.js'
import {ExitCode} from '../../model/exit-codes.js'
import type {WalkEvent, WalkSummary} from '../../model/reports/nodepool.js'
import type {MaintenanceWindow} from '../../upgrade/window.js'
import type {BlockedDecision, DrainOptions} from '../../upgrade/drain/types.js'
import type {AskOperator} from '../../upgrade/walk/operator.js'
import type {WalkView} from '../../cli/views/walk.js'

const ORDERS = ['name', 'zone', 'fewest-pods'] as const

export default class NodePoolUpgradeCommand extends KubeCommand {
  static override summary = 'Walk a node pool to a Kubernetes version, node by node, inside a maintenance window.'
  static override description = `Preflight first (upgrade-plan's drain and capacity checks for this pool); then, one node at a time (or --max-unavailable at once): cordon, drain through the Eviction API, hand over (--hook runs a command for the node; --replace waits for a new node to take its place, with --surge N once N new nodes have joined before the drain; at a terminal without either, you upgrade or replace the node and answer, or the walk sees it Ready and goes on), wait until the node is Ready at --target-version (and --soak), uncordon it if the walk cordoned it.
Progress is kept on the nodes (kubectl-prod.io/ annotations) and a Lease in --lease-namespace locks the pool: --resume continues an interrupted walk from any machine. A node is never drained twice, and a node cordoned before the walk stays cordoned.
With --window or --until, a node is started only when it can finish before the window closes.
Progress goes to stderr: a task tree at a terminal (pool, nodes, the pods being evicted and the PDBs they wait for, the time left in the window), timestamped lines otherwise; with -o json, one JSON event per line on stdout.
Exit codes: 0 every node is done, 1 the walk stopped (window, preflight blockers, a failed node, the pool locked by another walk), 2 bad input, 3 cluster error, 130 interrupted.`
  static override examples = [
    "kubectl prod nodepool upgrade workers --target-version 1.37 --hook './replace-instance.sh' --yes",
    "kubectl prod nodepool upgrade workers --target-version 1.37 --replace --order zone --window 'Sat 02:00-06:00 Europe/Berlin'",
    'kubectl prod nodepool upgrade workers --target-version 1.37 --replace --surge 2 --max-unavailable 2',
    'kubectl prod nodepool upgrade workers --target-version 1.37',
    'kubectl prod nodepool upgrade workers --target-version 1.37 --replace --resume',
    'kubectl prod nodepool upgrade workers --target-version 1.37 --hook ./up.sh --dry-run --until 06:00',
  ]
  static override args = {
    pool: Args.string({description: 'The pool, as `kubectl prod nodepool list` names it.', required: true}),
  }
  static override flags = {
    'target-version': Flags.string({description: 'The kubelet version to reach, e.g. 1.37 (or 1.37.2).', required: true}),
    'pool-label': Flags.string({description: 'The node label that names node pools (default: the EKS, GKE, AKS and Karpenter labels).'}),
    hook: Flags.string({description: 'A shell command run for each drained node, with KUBECTL_PROD_NODE, KUBECTL_PROD_POOL, KUBECTL_PROD_TARGET_VERSION and KUBECONFIG set; a non-zero exit stops the walk.'}),
    replace: Flags.boolean({description: 'Hand over by replacement: wait for the drained node to be deleted and a new node to join the pool Ready.'}),
    surge: Flags.string({description: 'With --replace: cordon the nodes, then drain them only once this many new nodes have joined the pool Ready at the target.'}),
    order: Flags.string({description: 'The order of the nodes (zone: one node of each zone in turn).', options: [...ORDERS], default: 'name'}),
    'max-unavailable': Flags.string({description: 'Nodes walked at once.', default: '1'}),
    window: Flags.string({description: "The maintenance window: 'DAYS HH:MM-HH:MM ZONE', e.g. 'Sat 02:00-06:00 Europe/Berlin' or 'Mon-Fri 22:00-04:00 UTC'.", exclusive: ['until']}),
    until: Flags.string({description: 'The window ends at this time: RFC 3339, or HH:MM local time (the next such time).'}),
    soak: Flags.string({description: 'Watch each node stay Ready this long before uncordoning it, its pods Ready at the end, e.g. 5m.', default: '0'}),
    'ready-timeout': Flags.string({description: 'How long a node may take to be Ready at the target after the hand-over.', default: '10m'}),
    'hand-over-timeout': Flags.string({description: 'How long a replacement (--replace), or the new nodes --surge waits for, may take to join the pool.', default: '30m'}),
    'drain-timeout': Flags.string({description: 'How long one node\'s drain may take (0: no limit).', default: '30m'}),
    force: Flags.boolean({description: 'Evict pods without a controller too (they are gone for good).'}),
    'delete-emptydir-data': Flags.boolean({description: 'Evict pods with emptyDir volumes (their data is lost).'}),
    'on-blocked': Flags.string({description: 'Without a terminal (or with --yes), what to do about a pod a PDB keeps refusing: wait (until --drain-timeout), skip it, or fail the node.', options: ['wait', 'skip', 'fail'], default: 'wait'}),
    'grace-period': Flags.integer({description: 'Overrides each pod\'s termination grace period, in seconds.', min: 0}),
    'ignore-preflight': Flags.boolean({description: 'Walk even when the preflight finds blockers.'}),
    'lease-namespace': Flags.string({description: 'Where the pool\'s Lease lives.', default: 'kube-system'}),
    'lease-duration': Flags.string({description: 'How long the Lease outlives a walk that stopped renewing it (a killed walk).', default: '60s'}),
    resume: Flags.boolean({description: 'Continue the pool\'s unfinished walk where it stopped.'}),
    'dry-run': Flags.boolean({description: 'Simulate the walk from the current state: no writes.'}),
    yes: Flags.boolean({char: 'y', description: 'Answer yes to the confirmation (for unattended runs: nothing is asked, so --hook or --replace is needed).'}),
  }

  private poolName = ''

  protected override interruptedMessage(): string {
    return `interrupted; the walk's state is kept on the nodes of pool ${this.poolName}: run the same command with --resume to continue`
  }

  async run(): Promise<WalkSummary> {
    const {args, flags} = await this.parse(NodePoolUpgradeCommand)
    const pool = this.poolName = args.pool
    const target = flags['target-version'].replace(/^v/, '')
    const format = this.outputFormat()

    // Everything that can be said wrong is said before the cluster is touched.
    if (!/^1\.\d+(\.\d+)?$/.test(target)) throw new InputError(`--target-version "${flags['target-version']}" is not a version`, 'write it like 1.37 or 1.37.2')
    const maxUnavailable = /^\d+$/.test(flags['max-unavailable']) ? Number(flags['max-unavailable']) : NaN
    if (!(maxUnavailable >= 1)) throw new InputError(`--max-unavailable "${flags['max-unavailable']}" must be a whole number of nodes, 1 or more`, 'write it like --max-unavailable 1')
    const poolLabelFlag = flags['pool-label']
    if (poolLabelFlag !== undefined && !/^([a-z0-9.-]+\/)?[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(poolLabelFlag)) {
      throw new InputError(`--pool-label "${poolLabelFlag}" is not a label key`, 'write it like eks.amazonaws.com/nodegroup or pool')
    }
    let surge = 0
    if (flags.surge !== undefined) {
      surge = /^\d+$/.test(flags.surge) ? Number(flags.surge) : NaN
      if (!(surge >= 1)) throw new InputError(`--surge "${flags.surge}" must be a whole number of nodes, 1 or more`, 'write it like --surge 1')
      if (!flags.replace) throw new InputError('--surge needs --replace', 'surge waits for new nodes to replace the old ones: add --replace, or leave --surge out')
    }
    // Neither a hook nor replacement: the operator at the terminal upgrades each drained node.
    const {isInteractive} = await import('../../cli/tty.js')
    const interactive = isInteractive() && !flags.yes && format !== 'json'
    const byOperator = !flags.hook && !flags.replace
    if (byOperator && !flags['dry-run'] && !interactive) {
      throw new InputError('say how each node is upgraded', "give --hook 'CMD' (run for each drained node) or --replace (wait for a new node); or run it at a terminal, without --yes and -o json, to do each node yourself")
    }
    const {parseWindow, parseUntil} = await import('../../upgrade/window.js')
    const {systemClock} = await import('../../model/clock.js')
    const clock = systemClock
    let window: MaintenanceWindow | undefined
    if (flags.window !== undefined) window = parseWindow(flags.window)
    if (flags.until !== undefined) window = parseUntil(flags.until, clock.now())
    const soakMs = parseDuration(flags.soak, '--soak')
    const readyTimeoutMs = parseDuration(flags['ready-timeout'], '--ready-timeout')
    const handOverTimeoutMs = parseDuration(flags['hand-over-timeout'], '--hand-over-timeout')
    const drainTimeoutMs = parseDuration(flags['drain-timeout'], '--drain-timeout')
    const leaseSeconds = Math.ceil(parseDuration(flags['lease-duration'], '--lease-duration') / 1000)
    if (leaseSeconds < 3) throw new InputError(`--lease-duration "${flags['lease-duration']}" is too short`, 'give 3s or more (60s by default)')
    if (flags.hook) (await import('../../upgrade/walk/hook.js')).assertHookRuns(flags.hook)

    const kube = await this.kube()
    const {listAll} = await import('../../kube/list.js')
    const {groupPools} = await import('../../upgrade/pools.js')
    const nodes = await listAll<import('../../model/k8s.js').Node>(kube, '/api/v1/nodes', {skipManagedFields: true})
    const pools = groupPools(nodes, poolLabelFlag)
    const found = pools.find(p => p.name === pool && p.label)
    if (!found) {
      const names = pools.filter(p => p.label).map(p => p.name)
      throw new InputError(`no node pool "${pool}"`, names.length ? `the pools are: ${names.join(', ')} (kubectl prod nodepool list)` : 'no node carries a pool label; name one with --pool-label')
    }
    const poolLabel = found.label!

    // Which walk: the pool's unfinished one (--resume), or a new one.
    const {decodeWalkRecord} = await import('../../kube/journal.js')
    const unfinished = new Map<string, string[]>()
    for (const n of found.nodes) {
      const r = decodeWalkRecord(n.metadata.annotations)
      if (r && r.step !== 'done') unfinished.set(r.walk, [...(unfinished.get(r.walk) ?? []), `${n.metadata.name} (${r.step}${r.error ? `: ${r.error}` : ''})`])
    }
    const {walkLeaseName, readLease, leaseExpiry} = await import('../../kube/lease.js')
    const leaseRef = {namespace: flags['lease-namespace'], name: walkLeaseName(pool)}
    const existingLease = await readLease(kube, leaseRef)
    const leaseWalk = existingLease?.metadata.annotations?.['kubectl-prod.io/walk']
    const leaseState = existingLease?.metadata.annotations?.['kubectl-prod.io/walk-state']
    // The lock: refused while another walk holds it (taken for real, race-free, just before the walk).
    const expiry = existingLease && leaseExpiry(existingLease)
    if (!flags['dry-run'] && expiry && expiry.getTime() > clock.now().getTime()) throw lockedError(pool, existingLease!.spec?.holderIdentity ?? '', expiry, leaseRef)
    // Nodes the Lease's walk handed over for replacement that are gone, their successors not yet
    // joined: no node carries their record any more, the Lease does (surge.ts, the ledger).
    const {KNOWN_NODES_ANNOTATION, REPLACING_ANNOTATION, decodeKnownNodes, decodeLedger, encodeKnownNodes, encodeLedger, owedSuccessors} = await import('../../upgrade/walk/surge.js')
    const leaseNotes = existingLease?.metadata.annotations ?? {}
    const leaseKnown = decodeKnownNodes(leaseNotes[KNOWN_NODES_ANNOTATION])
    const owedOfLease = leaseWalk && leaseState !== 'done' && leaseKnown
      ? owedSuccessors(leaseKnown, decodeLedger(leaseNotes[REPLACING_ANNOTATION]), found.nodes, leaseNotes['kubectl-prod.io/walk-target'] ?? target)
      : new Map<string, string>()
    const owedText = [...owedOfLease.keys()].map(n => `${n} (handed over for replacement, gone, no successor yet)`)
    let walkId: string
    if ((unfinished.size || owedOfLease.size) && !flags.resume && !flags['dry-run']) {
      const [id, at] = unfinished.size ? [...unfinished][0]! : [leaseWalk!, owedText]
      throw new InputError(`pool ${pool} has an unfinished walk ${id} (${at.join(', ')})`, unfinished.size
        ? 'continue it with --resume (the same command), or finish those nodes by hand and remove their kubectl-prod.io/walk annotations'
        : `continue it with --resume (the same command, with --replace); if the pool is not getting those nodes back, remove the annotation ${REPLACING_ANNOTATION} from Lease ${leaseRef.namespace}/${leaseRef.name}`)
    }
    if (owedOfLease.size && !flags.replace && (flags.resume || flags['dry-run'])) {
      throw new InputError(`pool ${pool}'s walk ${leaseWalk} replaces nodes and waits for the successor of ${[...owedOfLease.keys()].join(', ')}`, 'resume it with --replace')
    }
    if ((flags.resume || flags['dry-run']) && unfinished.size) walkId = [...unfinished.keys()][0]!
    else if ((flags.resume || flags['dry-run']) && owedOfLease.size) walkId = leaseWalk!
    else if (flags.resume && leaseWalk && leaseState === 'running') walkId = leaseWalk
    else walkId = `${clock.now().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').toLowerCase()}-${Math.random().toString(36).slice(2, 6)}`

    // Progress: JSON lines, or lines on stderr; the walk itself may draw a tree instead (below).
    const {jsonView, lineView, wantsTree} = await import('../../cli/views/walk.js')
    let view: WalkView = format === 'json' ? jsonView(process.stdout, process.stderr) : lineView(process.stderr)
    const emitEvent = (e: WalkEvent) => view.onEvent(e)
    const {renderWalkSummary} = await import('../../render/nodepool.js')
    const say = (type: WalkEvent['type'], message: string, node?: string) =>
      emitEvent({time: clock.now().toISOString(), type, pool, ...(node ? {node} : {}), message})

    // Preflight: upgrade-plan's checks, for this pool.
    const {collectUpgradeSnapshot} = await import('../../kube/upgrade-snapshot.js')
    const {walkPreflight, walkNodesOf} = await import('../../upgrade/walk/preflight.js')
    const snapshot = await collectUpgradeSnapshot(kube, {table: {rows: []}, now: clock.now()})
    const poolNow = groupPools(snapshot.nodes, poolLabelFlag).find(p => p.name === pool) ?? found
    const findings = walkPreflight(snapshot, poolNow, maxUnavailable, walkId)
    const blockers = findings.filter(f => f.severity === 'blocker')
    for (const f of findings) say('preflight', `${f.severity}: ${f.message}`)
    if (!findings.length) say('preflight', `preflight: nothing in pool ${pool} blocks a drain`)

    const summary = (status: WalkSummary['status'], message: string, done: string[], remaining: string[], nextWindow?: Date): WalkSummary => ({
      apiVersion: 'kubectl-prod/v1', kind: 'NodePoolWalk', pool, walkId, target, status, message, done, remaining,
      ...(nextWindow ? {nextWindow: nextWindow.toISOString()} : {}),
    })
    const finish = async (s: WalkSummary, code: number): Promise<WalkSummary> => {
      if (format === 'json') await writeOut(JSON.stringify(s) + '\n')
      else await this.emit(s, () => renderWalkSummary(s, this.style))
      this.setExit(code as 0)
      return s
    }
    const names = poolNow.nodes.map(n => n.metadata.name ?? '')
    if (blockers.length && !flags['ignore-preflight']) {
      return finish(summary('stopped', `preflight found ${blockers.length} blocker${blockers.length === 1 ? '' : 's'} in pool ${pool}; nothing was changed: fix ${blockers.length === 1 ? 'it' : 'them'}, or walk anyway with --ignore-preflight`, [], names), ExitCode.FINDINGS)
    }

    if (!flags['dry-run']) {
      if (!flags.yes) {
        const {decisionRequired} = await import('../../cli/tty.js')
        const question = `walk pool ${pool} (${names.length} nodes) to ${target}: cordon, drain and hand over each node`
        if (!isInteractive()) decisionRequired(question, '--yes')
        const {confirm} = await import('@inquirer/prompts')
        if (!await confirm({message: `${question}?`, default: false}, {output: process.stderr, signal: this.abort.signal})) {
          throw new CliError('not confirmed; nothing was changed', ExitCode.FINDINGS)
        }
      }
    }

    const {runWalk} = await import('../../upgrade/walk/run.js')
    const owed = walkId === leaseWalk ? owedOfLease : new Map<string, string>()
    const walkOptions = {
      pool, walkId, target, owed: [...owed.keys()], nodes: walkNodesOf(poolNow, snapshot.pods), order: flags.order as (typeof ORDERS)[number], maxUnavailable,
      ...(window ? {window} : {}), soakMs, readyTimeoutMs, replace: flags.replace, surge, operator: byOperator, dryRun: flags['dry-run'], clock, emit: emitEvent,
    }
    if (flags['dry-run']) {
      const {nodeView} = await import('../../upgrade/walk/ops.js')
      const byName = new Map(poolNow.nodes.map(n => [n.metadata.name ?? '', n]))
      const readOnly = {read: async (name: string) => nodeView(name, byName.get(name))}
      const never = () => { throw new Error('a dry run does not change the cluster') }
      const outcome = await runWalk({...walkOptions, signal: this.abort.signal}, {...readOnly, write: never, drain: never, handOver: never, waitReady: never, waitSurge: never, awaitSuccessor: never, soak: never})
      return finish(summary(outcome.status === 'dry-run' ? 'dry-run' : 'stopped', outcome.message, outcome.done, outcome.remaining, outcome.nextWindow), outcome.status === 'dry-run' ? ExitCode.OK : ExitCode.FINDINGS)
    }

    // The pool's nodes when the walk began, by UID (a new node is one not among them): kept on the
    // Lease, so that a resumed walk counts the nodes that joined since as new, as the first did.
    const kept = leaseWalk === walkId ? existingLease?.metadata.annotations?.[KNOWN_NODES_ANNOTATION] : undefined
    const knownText = kept ?? encodeKnownNodes(found.nodes)
    const known = decodeKnownNodes(knownText)!

    const {holdLease, kubeWalkOps, leaseLedger} = await import('../../upgrade/walk/ops.js')
    const {userInfo, hostname} = await import('node:os')
    let user = 'someone'
    try { user = userInfo().username } catch { /* no user entry: keep the placeholder */ }
    const holder = `${user}@${hostname()} (pid ${process.pid}, walk ${walkId})`
    const held = await holdLease(kube, leaseRef, {holder, durationSeconds: leaseSeconds, clock, annotations: {
      'kubectl-prod.io/walk': walkId, 'kubectl-prod.io/walk-target': target, 'kubectl-prod.io/walk-state': 'running', [KNOWN_NODES_ANNOTATION]: knownText,
      // The ledger keeps only what is still owed.
      [REPLACING_ANNOTATION]: encodeLedger(owed),
    }})
    if (!held.keeper) throw lockedError(pool, held.answer.holder, held.answer.expiresAt, leaseRef)
    const keeper = held.keeper
    say('lease-acquired', `holding Lease ${leaseRef.namespace}/${leaseRef.name}${held.answer.tookOverFrom ? ` (taken over from ${held.answer.tookOverFrom}, whose walk stopped renewing it)` : ''}`)
    const signal = AbortSignal.any([this.abort.signal, keeper.lost])
    const {homedir} = await import('node:os')
    const {join} = await import('node:path')
    const kubeconfig = (this.baseFlagValues.kubeconfig as string | undefined) ?? process.env.KUBECONFIG?.split(':')[0] ?? join(homedir(), '.kube', 'config')

    // Questions at a terminal go through the view, one at a time. Ctrl-C at a question stops the whole walk.
    const interrupted = (err: unknown): never => {
      if (err instanceof InterruptedError && !this.abort.signal.aborted) this.abort.abort(new InterruptedError(this.interruptedMessage()))
      throw this.abort.signal.aborted ? this.abort.signal.reason : err
    }
    // A PDB that keeps refusing: a terminal asks; otherwise --on-blocked decides.
    const policy = flags['on-blocked'] as 'wait' | 'skip' | 'fail'
    const onBlocked: DrainOptions['onBlocked'] = interactive
      ? async (pod, budget, waited) => {
        const {askBlocked} = await import('../../cli/prompts/blocked-pdb.js')
        return view.ask({pod: `${pod.namespace}/${pod.name}`}, output => askBlocked(pod, budget, waited, this.abort.signal, output)).catch(interrupted)
      }
      : async (): Promise<BlockedDecision> => policy === 'skip' ? 'skip' : policy === 'fail' ? 'abort' : 'wait'
    // Waiting needs no question: --on-blocked wait waits until --drain-timeout.
    const blockedPatienceMs = interactive || policy !== 'wait' ? 30_000 : Number.MAX_SAFE_INTEGER
    // The operator hand-over: once one answer stops the walk, the nodes still under way are not asked again.
    let stopped = false
    const askOperator: AskOperator = async (node, withdraw) => {
      if (stopped) return 'abort'
      const {askHandOver} = await import('../../cli/prompts/hand-over.js')
      const question = AbortSignal.any([withdraw, this.abort.signal])
      const answer = await view.ask({node}, output => askHandOver(node, target, {signal: question, output}), question).catch(err => {
        if (withdraw.aborted && !this.abort.signal.aborted) throw err
        return interrupted(err)
      })
      if (answer === 'abort') stopped = true
      return answer
    }
    const ops = kubeWalkOps(kube, {
      pool, poolLabel, target, known, poolNodes: found.nodes, ...(flags.replace ? {ledger: leaseLedger(keeper, owed)} : {}), ...(flags.hook ? {hook: flags.hook} : {}), ...(byOperator ? {operator: askOperator} : {}),
      kubeconfig, replace: flags.replace, handOverTimeoutMs, clock, signal,
      drain: {
        force: flags.force, deleteEmptyDirData: flags['delete-emptydir-data'], timeoutMs: drainTimeoutMs, concurrency: 10,
        waitForReplacements: true, onBlocked, blockedPatienceMs, dryRun: false,
        ...(flags['grace-period'] !== undefined ? {gracePeriodSeconds: flags['grace-period']} : {}),
      },
    })
    // At a terminal, the walk is drawn as a tree from here on.
    if (wantsTree({format, dryRun: false, verbose: Number(this.baseFlagValues.v ?? 0), stderr: process.stderr, env: process.env})) {
      const {treeView} = await import('../../cli/views/walk-listr.js')
      view = await treeView({pool, target, stream: process.stderr, now: () => clock.now(), ...(window ? {window} : {})})
    }
    let state = 'stopped'
    try {
      const outcome = await runWalk({...walkOptions, signal}, ops)
      state = outcome.status === 'done' ? 'done' : 'stopped'
      await view.close()
      return await finish(summary(outcome.status, outcome.message, outcome.done, outcome.remaining, outcome.nextWindow), outcome.status === 'done' ? ExitCode.OK : ExitCode.FINDINGS)
    } catch (err) {
      if (keeper.lost.aborted && !this.abort.signal.aborted) throw keeper.lost.reason
      throw err
    } finally {
      // The tree's last frame comes before any line that follows (the error, the interruption).
      await view.close()
      // After Ctrl-C the walk's connection refuses every request: the Lease is freed through a new one.
      const via = this.abort.signal.aborted ? await this.cleanupConnection().catch(() => undefined) : undefined
      await keeper.stop({'kubectl-prod.io/walk-state': state}, via).catch(() => undefined)
      via?.close()
    }
  }

  /** A connection that Ctrl-C does not cancel, bounded to a few seconds per request. */
  private async cleanupConnection(): Promise<import('../../kube/client.js').Kube> {
    const {connect} = await import('../../kube/client.js')
    const f = this.baseFlagValues
    return connect(await this.resolveConfig(), {
      requestTimeoutMs: 10_000, verbose: 0,
      as: f.as as string | undefined, asGroups: f['as-group'] as string[] | undefined, asUid: f['as-uid'] as string | undefined,
    })
  }
}

function lockedError(pool: string, holder: string, expiresAt: Date, ref: {namespace: string; name: string}): CliError {
  return new CliError(
    `pool ${pool} is being walked by ${holder || 'another walk'} (Lease ${ref.namespace}/${ref.name}, held until ${expiresAt.toISOString()} unless renewed)`,
    ExitCode.FINDINGS,
    'wait for that walk to end; if it was killed, run again with --resume after that time',
  )
}
