// The walk's operations against the cluster: node reads and records (src/kube/journal.ts), the
// drain engine, the hand-over (a hook, waiting for a replacement node, or the operator at the
// terminal while the pool is watched), surge (waiting for new nodes before a drain), and waiting
// for Ready by watching the node. Also the Lease keeper that renews the pool's lock while the walk
// runs.
import type {Kube} from '../../kube/client.js'
import {getNode} from '../../kube/cordon.js'
import {writeWalkRecord, decodeWalkRecord} from '../../kube/journal.js'
import {acquireLease, annotateLease, releaseLease, renewLease, type Lease, type LeaseAnswer, type LeaseRef} from '../../kube/lease.js'
import {listAndWatch, pause} from '../../kube/watch.js'
import {isTransientFailure} from '../../kube/pods-watch.js'
import type {Clock} from '../../model/clock.js'
import type {Node, Pod} from '../../model/k8s.js'
import {drainNode} from '../drain/drain.js'
import {isReadyPod} from '../drain/replacements.js'
import {listAll} from '../../kube/list.js'
import type {DrainOptions} from '../drain/types.js'
import {isNodeReadyNow} from './inventory.js'
import {isAtTarget} from './machine.js'
import {runHook} from './hook.js'
import {awaitOperator, type AskOperator} from './operator.js'
import {REPLACING_ANNOTATION, encodeLedger, freeSuccessor, poolStanding, replacedMessage, takenSuccessors, type PoolStanding} from './surge.js'
import type {HandOverResult, NodeView, WalkOps} from './types.js'
import {count} from '../../model/text.js'

export interface KubeWalkOptions {
  pool: string
  /** The label that names the pool, to find replacement nodes. */
  poolLabel: string
  target: string
  /** The UIDs of the pool's nodes when the walk began (kept on the Lease): a new node is one not among them. */
  known: ReadonlySet<string>
  /** The pool's nodes as this run found them: new nodes already standing in for nodes gone are taken. */
  poolNodes: Node[]
  /** With replace: the ledger of nodes handed over whose successors are not yet taken (surge.ts), kept on the Lease. */
  ledger?: ReplacementLedger
  hook?: string
  /** Neither hook nor replacement: ask the operator about each drained node (cli/prompts/hand-over.ts). */
  operator?: AskOperator
  kubeconfig: string
  replace: boolean
  handOverTimeoutMs: number
  drain: Omit<DrainOptions, 'signal' | 'clock'>
  clock: Clock
  signal?: AbortSignal
}

/** Nodes handed over for replacement, by name, with their UIDs, until their successors are taken. */
export interface ReplacementLedger {
  get(name: string): string | undefined
  add(name: string, uid: string): Promise<void>
  remove(name: string): Promise<void>
}

/** The ledger on the pool's Lease: each change is written through the keeper before the walk goes on. */
export function leaseLedger(keeper: LeaseKeeper, initial: ReadonlyMap<string, string>): ReplacementLedger {
  const entries = new Map(initial)
  const save = () => keeper.annotate({[REPLACING_ANNOTATION]: encodeLedger(entries)})
  return {
    get: name => entries.get(name),
    add: async (name, uid) => { if (entries.get(name) === uid) return; entries.set(name, uid); await save() },
    remove: async name => { if (!entries.delete(name)) return; await save() },
  }
}

export function nodeView(name: string, node: Node | undefined): NodeView {
  if (!node) return {name, exists: false, unschedulable: false, ready: false}
  const record = decodeWalkRecord(node.metadata.annotations)
  const version = node.status?.nodeInfo?.kubeletVersion
  return {
    name, exists: true, unschedulable: node.spec?.unschedulable === true, ready: isNodeReadyNow(node),
    ...(version ? {kubeletVersion: version} : {}), ...(record ? {record} : {}),
  }
}

const RETRY_FIRST_MS = 500
const RETRY_MAX_MS = 5000

/**
 * The call, tried again with backoff while it fails because the API server does not answer (a
 * restart), for up to `limitMs`; other failures, and the last one past the limit, are thrown.
 */
async function untilAnswered<R>(call: () => Promise<R>, limitMs: number, clock: Clock, signal?: AbortSignal): Promise<R> {
  const until = clock.now().getTime() + limitMs
  let wait = RETRY_FIRST_MS
  for (;;) {
    try {
      return await call()
    } catch (err) {
      if (!isTransientFailure(err) || signal?.aborted || clock.now().getTime() + wait > until) throw err
      try { await clock.sleep(wait, signal) } catch { throw err }
      wait = Math.min(wait * 2, RETRY_MAX_MS)
    }
  }
}

/** Waits until `test` holds for the nodes the watch sees; false at the timeout. Rides out an API server restart (lists again). */
async function watchNodesUntil(kube: Kube, selector: {labelSelector?: string; fieldSelector?: string}, test: (nodes: Map<string, Node>) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  const timeout = AbortSignal.timeout(Math.max(1, timeoutMs))
  const stop = signal ? AbortSignal.any([signal, timeout]) : timeout
  const nodes = new Map<string, Node>()
  let wait = RETRY_FIRST_MS
  while (!stop.aborted) {
    try {
      for await (const event of listAndWatch<Node>(kube, '/api/v1/nodes', {...selector, signal: stop, timeoutSeconds: 60})) {
        wait = RETRY_FIRST_MS
        if (event.type === 'SYNC') {
          nodes.clear()
          for (const n of event.items) nodes.set(n.metadata.name ?? '', n)
        } else if (event.type === 'DELETED') {
          nodes.delete(event.object.metadata.name ?? '')
        } else if (event.type !== 'BOOKMARK') {
          nodes.set(event.object.metadata.name ?? '', event.object)
        }
        if (event.type !== 'BOOKMARK' && test(nodes)) return true
      }
      break
    } catch (err) {
      if (stop.aborted) break
      if (!isTransientFailure(err)) throw err
    }
    if (!await pause(wait, stop)) break
    wait = Math.min(wait * 2, RETRY_MAX_MS)
  }
  if (signal?.aborted) throw signal.reason
  return false
}

export function kubeWalkOps(kube: Kube, o: KubeWalkOptions): WalkOps {
  // New nodes that already stand in for nodes gone (a resumed walk) are not anyone's replacement again.
  const taken = takenSuccessors(o.known, o.poolNodes, o.target)
  const pool = {labelSelector: `${o.poolLabel}=${o.pool}`}
  const nameOf = (n: Node) => n.metadata.name ?? ''
  const readyAtTarget = (n: Node | undefined) => !!n && isNodeReadyNow(n) && isAtTarget(n.status?.nodeInfo?.kubeletVersion, o.target)
  /** The node handed over is still in the pool: the same object (a new machine under the same name is not it). */
  const stillThere = (nodes: Map<string, Node>, name: string, uid: string | undefined) => !!uid && nodes.get(name)?.metadata.uid === uid
  const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`
  // How long a read or a record may wait for an API server that does not answer: as long as a drain may take.
  const patience = o.drain.timeoutMs > 0 ? o.drain.timeoutMs : 30 * 60_000
  const fetchNode = (name: string) => untilAnswered(() => getNode(kube, name, o.signal), patience, o.clock, o.signal)
  const read = async (name: string) => nodeView(name, await fetchNode(name))
  const take = (n: Node): string => { taken.add(n.metadata.uid ?? ''); return nameOf(n) }
  /** A ledger write, as patient as a node record. */
  const note = (write: () => Promise<void> | undefined) => untilAnswered(async () => { await write() }, patience, o.clock, o.signal)

  /** The old node leaves the pool, a new one joins Ready at the target: it is taken as the successor. */
  const replacement = async (name: string, emit: (message: string) => void, gone?: string): Promise<HandOverResult> => {
    emit(gone ? `waiting for a new node to join pool ${o.pool} in place of ${name}` : `waiting for ${name} to be deleted and a new node to join pool ${o.pool}`)
    const uid = gone ?? (await fetchNode(name))?.metadata.uid
    let successor: Node | undefined
    const found = await watchNodesUntil(kube, pool, nodes => {
      if (stillThere(nodes, name, uid)) return false
      successor = freeSuccessor(o.known, taken, nodes.values(), o.target)
      return !!successor
    }, o.handOverTimeoutMs, o.signal)
    if (!found || !successor) return {ok: false, message: `no replacement of ${name} joined pool ${o.pool} Ready within ${minutes(o.handOverTimeoutMs)}`}
    const next = take(successor)
    await note(() => o.ledger?.remove(name))
    return {ok: true, node: next, message: replacedMessage(name, nameOf(successor))}
  }

  /** The operator upgrades or replaces the node; the pool is watched meanwhile, and a node Ready at the target settles it without an answer. */
  const operatorHandOver = async (name: string, ask: AskOperator, emit: (message: string) => void): Promise<HandOverResult> => {
    emit(`over to you: upgrade ${name} to ${o.target} (or replace it), then answer; the walk goes on by itself once ${name}, or a new node in its place, is Ready at ${o.target}`)
    const uid = (await fetchNode(name))?.metadata.uid
    let seen: Node | undefined
    const outcome = await awaitOperator(signal => ask(name, signal), async signal => {
      const found = await watchNodesUntil(kube, pool, nodes => {
        const self = nodes.get(name)
        if (self && readyAtTarget(self)) { seen = self; return true }
        if (stillThere(nodes, name, uid)) return false
        seen = freeSuccessor(o.known, taken, nodes.values(), o.target)
        return !!seen
      }, o.handOverTimeoutMs, o.signal ? AbortSignal.any([o.signal, signal]) : signal)
      return found && seen ? nameOf(seen) : undefined
    })
    if (outcome.by === 'seen') {
      if (outcome.node === name) return {ok: true, node: name, message: `${name} is Ready at ${seen?.status?.nodeInfo?.kubeletVersion ?? o.target}: going on without an answer`}
      return {ok: true, node: take(seen!), message: replacedMessage(name, outcome.node)}
    }
    if (outcome.answer === 'skip') return {ok: false, decision: 'skip', message: 'skipped by the operator'}
    if (outcome.answer === 'abort') return {ok: false, decision: 'abort', message: 'the operator stopped the walk'}
    // Done: the node itself is waited for (Ready at the target), or, when it is gone, its replacement.
    if ((await read(name)).exists) return {ok: true, node: name, message: 'the operator says it is done'}
    return replacement(name, emit)
  }

  return {
    read,
    write: async (name, record, unschedulable) => { await untilAnswered(() => writeWalkRecord(kube, name, record, unschedulable === undefined ? {} : {unschedulable}), patience, o.clock, o.signal) },
    drain: (name, emit) => drainNode(kube, name, {...o.drain, clock: o.clock, ...(o.signal ? {signal: o.signal} : {})}, emit),
    handOver: async (name, emit): Promise<HandOverResult> => {
      if (o.replace && o.ledger) {
        // Noted before the node can go: a walk stopped once it is deleted still knows to wait for its successor.
        const uid = (await fetchNode(name))?.metadata.uid
        if (uid) await note(() => o.ledger?.add(name, uid))
      }
      if (o.hook) {
        const run = await runHook(o.hook, {
          KUBECTL_PROD_NODE: name, KUBECTL_PROD_POOL: o.pool, KUBECTL_PROD_TARGET_VERSION: o.target, KUBECONFIG: o.kubeconfig,
        }, line => emit(`hook: ${line}`), o.signal)
        if (run.exitCode !== 0) return {ok: false, message: `the hook ${run.signal ? `was killed by ${run.signal}` : `exited ${run.exitCode}`}`}
        if (!o.replace) return {ok: true, node: name, message: 'the hook exited 0'}
      }
      if (o.replace) return replacement(name, emit)
      if (o.operator) return operatorHandOver(name, o.operator, emit)
      return {ok: false, message: 'no way to hand the node over was given (--hook, --replace, or a terminal to ask in)'}
    },
    awaitSuccessor: async (old, emit) => {
      const uid = o.ledger?.get(old)
      if (!uid) return {ok: false, message: `${old} is not in the walk's ledger of nodes handed over`}
      return replacement(old, emit, uid)
    },
    waitReady: async (name, timeoutMs) => {
      let last: Node | undefined
      const ok = await watchNodesUntil(kube, {fieldSelector: `metadata.name=${name}`}, nodes => readyAtTarget(last = nodes.get(name)), timeoutMs, o.signal)
      const version = last?.status?.nodeInfo?.kubeletVersion ?? 'unknown'
      return ok
        ? {ok: true, message: `Ready at ${version}`}
        : {ok: false, message: `${name} was not Ready at ${o.target} within ${minutes(timeoutMs)} (${last ? `${isNodeReadyNow(last) ? 'Ready' : 'not Ready'}, kubelet ${version}` : 'gone'})`}
    },
    soak: async (name, ms) => {
      let broke: string | undefined
      const cut = await watchNodesUntil(kube, {fieldSelector: `metadata.name=${name}`}, nodes => {
        const n = nodes.get(name)
        if (!n) broke = 'was deleted'
        else if (!isNodeReadyNow(n)) broke = 'went not Ready'
        else if (!isAtTarget(n.status?.nodeInfo?.kubeletVersion, o.target)) broke = `moved to kubelet ${n.status?.nodeInfo?.kubeletVersion ?? 'unknown'}`
        else broke = undefined
        return broke !== undefined
      }, ms, o.signal)
      if (o.signal?.aborted) throw o.signal.reason
      if (cut) return {ok: false, message: `${name} ${broke} during the soak time`}
      // Its pods (DaemonSets, static pods: it is still cordoned) have had the soak time to become Ready.
      const pods = await untilAnswered(() => listAll<Pod>(kube, '/api/v1/pods', {fieldSelector: `spec.nodeName=${name},status.phase!=Succeeded,status.phase!=Failed`, skipManagedFields: true, ...(o.signal ? {signal: o.signal} : {})}), patience, o.clock, o.signal)
      const unready = pods.filter(p => !p.metadata.deletionTimestamp && !isReadyPod(p)).map(p => `${p.metadata.namespace}/${p.metadata.name}`).sort()
      if (unready.length) return {ok: false, message: `after the soak time, ${count(unready.length, 'pod')} on ${name} ${unready.length === 1 ? 'is' : 'are'} not Ready: ${unready.slice(0, 5).join(', ')}${unready.length > 5 ? `, and ${unready.length - 5} more` : ''}`}
      return {ok: true, message: `stayed Ready for the soak time${pods.length ? `, its ${count(pods.length, 'pod')} Ready` : ''}`}
    },
    waitSurge: async (wanted, emit) => {
      let standing: PoolStanding | undefined
      let said: number | undefined
      const ok = await watchNodesUntil(kube, pool, nodes => {
        standing = poolStanding(o.known, nodes.values(), o.target)
        const spare = Math.max(0, standing.spare)
        if (spare < wanted && said !== undefined && spare !== said) emit(`surge: ${spare} of ${wanted} new nodes so far`)
        said = spare
        return standing.spare >= wanted
      }, o.handOverTimeoutMs, o.signal)
      const spareNames = standing ? standing.joined.slice(Math.max(0, standing.gone)).map(nameOf) : []
      return ok
        ? {ok: true, message: `surge: ${count(spareNames.length, 'new node')} Ready at ${o.target} in pool ${o.pool} (${spareNames.join(', ')}): draining`}
        : {ok: false, message: `fewer than ${count(wanted, 'new node')} Ready at ${o.target} joined pool ${o.pool} within ${minutes(o.handOverTimeoutMs)} (${spareNames.length} beyond the nodes already replaced)`}
    },
  }
}

export interface LeaseKeeper {
  /** Aborted when the Lease is lost to another walk. */
  readonly lost: AbortSignal
  /** Merges annotations into the Lease, between renewals. Throws when the Lease was lost. */
  annotate(annotations: Record<string, string>): Promise<void>
  /** Stops renewing and frees the Lease; `via` is a connection to use instead (the walk's own is closed after Ctrl-C). */
  stop(annotations?: Record<string, string>, via?: Kube): Promise<void>
}

/** Takes the pool's Lease (or says who holds it), then renews it every third of its duration until stopped. */
export async function holdLease(kube: Kube, ref: LeaseRef, o: {holder: string; durationSeconds: number; clock: Clock; annotations: Record<string, string>}): Promise<{keeper: LeaseKeeper; answer: LeaseAnswer & {acquired: true}} | {keeper?: undefined; answer: LeaseAnswer & {acquired: false}}> {
  const answer = await acquireLease(kube, ref, {holder: o.holder, durationSeconds: o.durationSeconds, now: o.clock.now(), annotations: o.annotations})
  if (!answer.acquired) return {answer}
  let lease: Lease = answer.lease
  const lost = new AbortController()
  const stopped = new AbortController()
  // Renewals and annotations write one at a time, each from the Lease the last one left.
  let turn: Promise<unknown> = Promise.resolve()
  const serial = <T>(write: () => Promise<T>): Promise<T> => {
    const p = turn.then(write)
    turn = p.catch(() => undefined)
    return p
  }
  const loop = (async () => {
    while (!stopped.signal.aborted) {
      try { await o.clock.sleep(o.durationSeconds * 1000 / 3, stopped.signal) } catch { return }
      try {
        lease = await serial(() => renewLease(kube, ref, lease, o.clock.now()))
      } catch (err) {
        // A lost Lease stops the walk; a failed renewal is tried again at the next tick.
        if ((err as {kind?: string}).kind === 'conflict') { lost.abort(err); return }
      }
    }
  })()
  return {
    answer,
    keeper: {
      lost: lost.signal,
      annotate: annotations => serial(async () => {
        if (lost.signal.aborted) throw lost.signal.reason
        try {
          lease = await annotateLease(kube, ref, lease, annotations, o.clock.now())
        } catch (err) {
          if ((err as {kind?: string}).kind === 'conflict') lost.abort(err)
          throw err
        }
      }),
      stop: async (annotations, via) => {
        stopped.abort()
        await loop
        await turn
        if (!lost.signal.aborted) await releaseLease(via ?? kube, ref, lease, annotations)
      },
    },
  }
}
