// The walk's operations against the cluster: node reads and records (src/kube/journal.ts), the
// drain engine, the hand-over (a hook, or waiting for a replacement node), and waiting for Ready
// by watching the node. Also the Lease keeper that renews the pool's lock while the walk runs.
import type {Kube} from '../../kube/client.js'
import {getNode} from '../../kube/cordon.js'
import {writeWalkRecord, decodeWalkRecord} from '../../kube/journal.js'
import {acquireLease, releaseLease, renewLease, type Lease, type LeaseAnswer, type LeaseRef} from '../../kube/lease.js'
import {listAndWatch} from '../../kube/watch.js'
import {isTransientFailure} from '../../kube/pods-watch.js'
import type {Clock} from '../../model/clock.js'
import type {Node} from '../../model/k8s.js'
import {drainNode} from '../drain/drain.js'
import type {DrainOptions} from '../drain/types.js'
import {isNodeReadyNow} from './inventory.js'
import {isAtTarget} from './machine.js'
import {runHook} from './hook.js'
import type {HandOverResult, NodeView, WalkOps} from './types.js'

export interface KubeWalkOptions {
  pool: string
  /** The label that names the pool, to find replacement nodes. */
  poolLabel: string
  target: string
  /** The nodes of the pool when the walk began: a replacement is a node not among them. */
  knownNodes: string[]
  hook?: string
  kubeconfig: string
  replace: boolean
  handOverTimeoutMs: number
  drain: Omit<DrainOptions, 'signal' | 'clock'>
  clock: Clock
  signal?: AbortSignal
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

/** Sleeps ms; false when the signal aborted first. */
function rest(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise(resolve => {
    if (signal?.aborted) return resolve(false)
    const done = (ok: boolean) => { clearTimeout(timer); signal?.removeEventListener('abort', onAbort); resolve(ok) }
    const onAbort = () => done(false)
    const timer = setTimeout(() => done(true), ms)
    signal?.addEventListener('abort', onAbort, {once: true})
  })
}

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
    if (!await rest(wait, stop)) break
    wait = Math.min(wait * 2, RETRY_MAX_MS)
  }
  if (signal?.aborted) throw signal.reason
  return false
}

export function kubeWalkOps(kube: Kube, o: KubeWalkOptions): WalkOps {
  const claimed = new Set(o.knownNodes)
  const readyAtTarget = (n: Node | undefined) => !!n && isNodeReadyNow(n) && isAtTarget(n.status?.nodeInfo?.kubeletVersion, o.target)
  const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`
  // How long a read or a record may wait for an API server that does not answer: as long as a drain may take.
  const patience = o.drain.timeoutMs > 0 ? o.drain.timeoutMs : 30 * 60_000
  return {
    read: async name => nodeView(name, await untilAnswered(() => getNode(kube, name, o.signal), patience, o.clock, o.signal)),
    write: async (name, record, unschedulable) => { await untilAnswered(() => writeWalkRecord(kube, name, record, unschedulable === undefined ? {} : {unschedulable}), patience, o.clock, o.signal) },
    drain: (name, emit) => drainNode(kube, name, {...o.drain, clock: o.clock, ...(o.signal ? {signal: o.signal} : {})}, emit),
    handOver: async (name, emit): Promise<HandOverResult> => {
      if (o.hook) {
        const run = await runHook(o.hook, {
          KUBECTL_PROD_NODE: name, KUBECTL_PROD_POOL: o.pool, KUBECTL_PROD_TARGET_VERSION: o.target, KUBECONFIG: o.kubeconfig,
        }, line => emit(`hook: ${line}`), o.signal)
        if (run.exitCode !== 0) return {ok: false, message: `the hook ${run.signal ? `was killed by ${run.signal}` : `exited ${run.exitCode}`}`}
        if (!o.replace) return {ok: true, node: name, message: 'the hook exited 0'}
      }
      // Replacement: the old node goes, a new one joins the pool Ready.
      emit(`waiting for ${name} to be deleted and a new node to join pool ${o.pool}`)
      let successor: string | undefined
      const found = await watchNodesUntil(kube, {labelSelector: `${o.poolLabel}=${o.pool}`}, nodes => {
        if (nodes.has(name)) return false
        successor = [...nodes.values()].find(n => !claimed.has(n.metadata.name ?? '') && isNodeReadyNow(n))?.metadata.name
        return !!successor
      }, o.handOverTimeoutMs, o.signal)
      if (!found || !successor) return {ok: false, message: `no replacement of ${name} joined pool ${o.pool} Ready within ${minutes(o.handOverTimeoutMs)}`}
      claimed.add(successor)
      return {ok: true, node: successor, message: `${name} was replaced by ${successor}`}
    },
    waitReady: async (name, timeoutMs) => {
      let last: Node | undefined
      const ok = await watchNodesUntil(kube, {fieldSelector: `metadata.name=${name}`}, nodes => readyAtTarget(last = nodes.get(name)), timeoutMs, o.signal)
      const version = last?.status?.nodeInfo?.kubeletVersion ?? 'unknown'
      return ok
        ? {ok: true, message: `Ready at ${version}`}
        : {ok: false, message: `${name} was not Ready at ${o.target} within ${minutes(timeoutMs)} (${last ? `${isNodeReadyNow(last) ? 'Ready' : 'not Ready'}, kubelet ${version}` : 'gone'})`}
    },
  }
}

export interface LeaseKeeper {
  /** Aborted when the Lease is lost to another walk. */
  readonly lost: AbortSignal
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
  const loop = (async () => {
    while (!stopped.signal.aborted) {
      try { await o.clock.sleep(o.durationSeconds * 1000 / 3, stopped.signal) } catch { return }
      try {
        lease = await renewLease(kube, ref, lease, o.clock.now())
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
      stop: async (annotations, via) => {
        stopped.abort()
        await loop
        if (!lost.signal.aborted) await releaseLease(via ?? kube, ref, lease, annotations)
      },
    },
  }
}
