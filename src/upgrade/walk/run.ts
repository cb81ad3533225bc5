// The walk's driver: takes the pool's nodes in order, at most maxUnavailable at a time, and moves
// each through the state machine (machine.ts), recording every step on the node before going on.
// Before starting a node it asks the window whether the node can finish in time (estimate.ts);
// when it cannot, no further node is started, the nodes under way finish, and the outcome says
// what remains and when the window opens next. A node that fails (a drain that does not finish,
// a hook that exits non-zero, a node that does not come back Ready) stops the walk the same way,
// with that node left cordoned and its record saying why; so does an operator who aborts. A node
// the operator skips stays drained and cordoned, and the walk goes on without it. With surge, a
// cordoned node is drained only once enough new nodes have joined (surge.ts); the wait is not
// recorded: it is read again from the pool, so a resumed walk does not wait twice. With --replace,
// a node handed over before the walk stopped and deleted since is in no list: the ledger on the
// Lease names it (surge.ts), and the resumed walk first waits for its successor to join and be
// Ready, in one of the maxUnavailable lanes, before it takes another node down. Nothing here
// writes to a terminal: it emits events.
import type {DrainEvent} from '../drain/types.js'
import type {WalkEvent, WalkEventType} from '../../model/reports/nodepool.js'
import type {NodeWalkRecord} from '../../kube/journal.js'
import {count} from '../../model/text.js'
import {formatAge} from '../../model/age.js'
import {advanceRecord, cordonedRecord, failedRecord, isAtTarget, isInProgress, nextWalkAction, shouldUncordon} from './machine.js'
import {emptyHistory, estimateNode, windowVerdict, type WalkHistory} from './estimate.js'
import {orderWalkNodes} from './order.js'
import type {WalkNode, WalkOps, WalkOptions, WalkOutcome} from './types.js'

const minutes = (ms: number) => `${Math.max(1, Math.round(ms / 60_000))} min`

export async function runWalk(o: WalkOptions, ops: WalkOps): Promise<WalkOutcome> {
  const say = (type: WalkEventType, message: string, extra: Partial<WalkEvent> = {}) =>
    o.emit({time: o.clock.now().toISOString(), type, pool: o.pool, ...extra, message})

  // Where each node stands.
  const views = new Map<string, Awaited<ReturnType<WalkOps['read']>>>()
  for (const n of o.nodes) views.set(n.name, await ops.read(n.name))
  const done: string[] = []
  const todo: WalkNode[] = []
  for (const n of o.nodes) {
    const v = views.get(n.name)!
    if (!v.exists) continue
    if (v.record?.walk === o.walkId && v.record.step === 'done') { done.push(n.name); continue }
    if (!isInProgress(v.record, o.walkId) && v.ready && isAtTarget(v.kubeletVersion, o.target)) {
      say('node-skipped', `already Ready at ${o.target} (${v.kubeletVersion})`, {node: n.name})
      done.push(n.name)
      continue
    }
    todo.push(n)
  }
  const inProgress = new Set(todo.filter(n => isInProgress(views.get(n.name)!.record, o.walkId)).map(n => n.name))
  const queue = orderWalkNodes(todo, o.order, inProgress)
  const history = emptyHistory()
  // Nodes gone while their successors are owed: waited for before any other node is taken down.
  const owed = o.replace ? o.owed ?? [] : []
  const first = owed.length ? `; first the successor${owed.length === 1 ? '' : 's'} of ${owed.join(', ')}, handed over before the walk stopped` : ''
  say('walk-started', `walk ${o.walkId}: ${count(queue.length, 'node')} to take to ${o.target} (${queue.map(n => n.name).join(', ') || 'none'}), ${o.maxUnavailable} at a time${first}${o.dryRun ? ' (dry run: nothing is changed)' : ''}`)

  if (o.dryRun) return simulate(o, queue, views, history, done, say, owed)

  let next = 0
  let stop: {status: 'stopped' | 'failed'; message: string; nextWindow?: Date} | undefined
  const skipped: string[] = []
  let nextOwed = 0
  const vanished: string[] = []
  const worker = async () => {
    while (!stop && nextOwed < owed.length) {
      const old = owed[nextOwed++]!
      const end = await awaitOwed(o, ops, old, history, say)
      if (end.kind === 'done') done.push(old)
      else stop ??= {status: 'failed', message: `${old}: ${end.why}`}
    }
    while (!stop && next < queue.length) {
      // Taken before any await: the other lanes go on to the next node.
      const node = queue[next++]!
      if (!inProgress.has(node.name)) {
        // The pool moves while the walk goes: a node gone since it was listed, or one Ready at the
        // target by now (a successor that was still starting then), is not taken down.
        const view = await ops.read(node.name)
        if (!view.exists || (view.ready && isAtTarget(view.kubeletVersion, o.target))) {
          say('node-skipped', view.exists ? `already Ready at ${o.target} (${view.kubeletVersion})` : 'gone from the pool since the walk began', {node: node.name})
          if (view.exists) done.push(node.name)
          else vanished.push(node.name)
          continue
        }
        const estimate = estimateNode(node.podGraceSeconds, history, o.soakMs)
        const verdict = windowVerdict(o.window, o.clock.now(), estimate.totalMs)
        if (!verdict.start) {
          stop ??= {status: 'stopped', message: `not starting ${node.name}: ${verdict.reason}`, ...(verdict.nextOpening ? {nextWindow: verdict.nextOpening} : {})}
          say('window-closing', stop.message, {node: node.name})
          return
        }
      }
      const end = await walkNode(o, ops, node, views.get(node.name)!.record, history, say)
      if (end.kind === 'failed') stop ??= {status: 'failed', message: `${node.name}: ${end.why}`}
      else if (end.kind === 'aborted') stop ??= {status: 'stopped', message: `${node.name}: ${end.why}`}
      else if (end.kind === 'skipped') skipped.push(node.name)
      else done.push(node.name)
    }
  }
  await Promise.all(Array.from({length: Math.max(1, Math.min(o.maxUnavailable, queue.length + owed.length))}, worker))
  const remaining = [...owed, ...queue.map(n => n.name)].filter(n => !done.includes(n) && !vanished.includes(n))
  if (!stop && skipped.length) {
    stop = {status: 'stopped', message: `skipped by the operator: ${skipped.join(', ')} (drained and left cordoned; --resume asks again)`}
  }
  if (stop) {
    const tail = remaining.length ? `; remaining: ${remaining.join(', ')}` : ''
    const when = stop.nextWindow ? `; the window opens next at ${stop.nextWindow.toISOString()}` : ''
    say(stop.status === 'failed' ? 'walk-failed' : 'walk-stopped', `${stop.message}${tail}${when}`)
    return {status: stop.status, message: stop.message, done, remaining, ...(stop.nextWindow ? {nextWindow: stop.nextWindow} : {})}
  }
  say('walk-done', `every node of pool ${o.pool} is at ${o.target} (${count(done.length, 'node')})`)
  return {status: 'done', message: `every node is at ${o.target}`, done, remaining: []}
}

type Say = (type: WalkEventType, message: string, extra?: Partial<WalkEvent>) => void

/** How one node's walk ended: done, or stopped there (failed, skipped or aborted by the operator) and why. */
type NodeEnd = {kind: 'done'} | {kind: 'failed' | 'skipped' | 'aborted'; why: string}

/** Moves one node to the end, or as far as it goes. */
async function walkNode(o: WalkOptions, ops: WalkOps, node: WalkNode, start: NodeWalkRecord | undefined, history: WalkHistory, say: Say): Promise<NodeEnd> {
  const name = node.name
  let record = start?.walk === o.walkId ? start : undefined
  const now = () => o.clock.now()
  const stopAt = async (why: string, kind: 'failed' | 'skipped' | 'aborted' = 'failed'): Promise<NodeEnd> => {
    if (record) { record = failedRecord(record, why, now()); await ops.write(name, record) }
    return {kind, why}
  }
  const fail = (why: string) => stopAt(why)
  // Time spent waiting for surge nodes counts as hand-over time in the estimates.
  let surgeMs = 0
  for (;;) {
    const action = nextWalkAction(record, o.walkId)
    switch (action) {
      case 'cordon': {
        const view = await ops.read(name)
        record = cordonedRecord(o.walkId, o.target, view.unschedulable, now())
        await ops.write(name, record, view.unschedulable ? undefined : true)
        say('node-started', `starting ${name}`, {node: name})
        say(view.unschedulable ? 'already-cordoned' : 'cordoned', view.unschedulable ? 'was already cordoned: it stays cordoned at the end' : 'cordoned', {node: name})
        break
      }
      case 'drain': {
        if (o.surge && record!.step === 'cordoned') {
          // Drained only once the pool has room beyond it: counted from the pool, not recorded, so a resumed walk does not wait twice.
          say('hand-over', `surge: waiting for ${count(o.surge, 'new node')} Ready at ${o.target} to join pool ${o.pool} before draining`, {node: name})
          const t0 = now().getTime()
          const joined = await ops.waitSurge(o.surge, message => say('hand-over', message, {node: name}))
          if (!joined.ok) return fail(joined.message)
          surgeMs += now().getTime() - t0
          say('hand-over', joined.message, {node: name})
        }
        record = advanceRecord(record!, 'draining', now())
        await ops.write(name, record)
        // Its pods are counted by the drain's own list (the walk's inventory is older: earlier nodes' pods may have moved here since).
        say('draining', 'draining', {node: name})
        const t0 = now().getTime()
        // The drain finds the node cordoned by the walk (said above): its own line about that would only confuse.
        const result = await ops.drain(name, (e: DrainEvent) => { if (e.type !== 'already-cordoned') say('drain', e.message, {node: name, drain: e.type, ...(e.pod ? {pod: e.pod} : {})}) })
        if (result.status !== 'drained') return fail(`drain ${result.status}: ${result.message}`)
        history.drainMs.push(now().getTime() - t0)
        record = advanceRecord(record, 'drained', now())
        await ops.write(name, record)
        const took = now().getTime() - t0
        say('drained', `drained in ${took < 1000 ? 'under a second' : formatAge(took)}`, {node: name})
        break
      }
      case 'hand-over': {
        say('hand-over', o.replace ? 'waiting for the node to be replaced' : o.operator ? 'handing over to the operator' : 'handing over', {node: name})
        const t0 = now().getTime()
        const result = await ops.handOver(name, message => say('hand-over', message, {node: name}))
        if (!result.ok) {
          if (result.decision === 'skip') {
            say('node-skipped', `${result.message}: drained and left cordoned (--resume asks again)`, {node: name})
            return stopAt(result.message, 'skipped')
          }
          return stopAt(result.message, result.decision === 'abort' ? 'aborted' : 'failed')
        }
        history.handOverMs.push(now().getTime() - t0 + surgeMs)
        say('handed-over', result.message, {node: name})
        if (result.node !== name) {
          // The node is gone, and its record with it: its successor carries the walk on.
          const why = await waitReplacement(o, ops, name, result.node, history, say)
          return why ? {kind: 'failed', why} : {kind: 'done'}
        }
        record = advanceRecord(record!, 'handed-over', now())
        await ops.write(name, record)
        break
      }
      case 'wait-ready': {
        const why = await waitReadyAndSoak(o, ops, name, history, say)
        if (why) return fail(why)
        record = advanceRecord(record!, 'ready', now())
        await ops.write(name, record)
        break
      }
      case 'uncordon': {
        const uncordon = shouldUncordon(record!)
        record = advanceRecord(record!, 'done', now())
        await ops.write(name, record, uncordon ? false : undefined)
        say(uncordon ? 'uncordoned' : 'left-cordoned', uncordon ? 'uncordoned' : 'left cordoned: it was cordoned before the walk', {node: name})
        say('node-done', `done: Ready at ${o.target}`, {node: name})
        return {kind: 'done'}
      }
      case 'none':
        return {kind: 'done'}
    }
  }
}

/** A node handed over before the walk stopped and gone since: its successor joins, then is Ready at the target. */
async function awaitOwed(o: WalkOptions, ops: WalkOps, old: string, history: WalkHistory, say: Say): Promise<NodeEnd> {
  say('node-started', `resuming ${old}: it was handed over for replacement before the walk stopped and is gone; waiting for its successor before taking another node down`, {node: old})
  const t0 = o.clock.now().getTime()
  const result = await ops.awaitSuccessor(old, message => say('hand-over', message, {node: old}))
  if (!result.ok) return {kind: 'failed', why: result.message}
  history.handOverMs.push(o.clock.now().getTime() - t0)
  say('handed-over', result.message, {node: old})
  const why = await waitReplacement(o, ops, old, result.node, history, say)
  return why ? {kind: 'failed', why} : {kind: 'done'}
}

async function waitReplacement(o: WalkOptions, ops: WalkOps, old: string, successor: string, history: WalkHistory, say: Say): Promise<string | undefined> {
  const why = await waitReadyAndSoak(o, ops, successor, history, say)
  if (!why) say('node-done', `done: in place of ${old}, Ready at ${o.target}`, {node: successor})
  return why
}

/** Waits for Ready at the target, then watches it stay Ready for the soak time, its pods Ready at the end; returns why not. */
async function waitReadyAndSoak(o: WalkOptions, ops: WalkOps, name: string, history: WalkHistory, say: Say): Promise<string | undefined> {
  say('waiting-ready', `waiting for Ready at ${o.target}`, {node: name})
  const t0 = o.clock.now().getTime()
  const ready = await ops.waitReady(name, o.readyTimeoutMs)
  if (!ready.ok) return ready.message
  history.readyMs.push(o.clock.now().getTime() - t0)
  say('ready', ready.message, {node: name})
  if (o.soakMs > 0) {
    say('soaking', `watching it stay Ready for ${minutes(o.soakMs)}, and its pods become Ready`, {node: name})
    const soaked = await ops.soak(name, o.soakMs)
    if (!soaked.ok) return soaked.message
    say('ready', soaked.message, {node: name})
  }
  return undefined
}

/** The walk as it would go: estimates in place of work, the window checked at each start. */
function simulate(o: WalkOptions, queue: WalkNode[], views: Map<string, {unschedulable: boolean; record?: NodeWalkRecord}>, history: WalkHistory, done: string[], say: Say, owed: string[]): WalkOutcome {
  const lanes = Array.from({length: Math.max(1, Math.min(o.maxUnavailable, queue.length + owed.length))}, () => o.clock.now().getTime())
  const fit: string[] = []
  for (const old of owed) {
    // Under way already: the window does not hold it back.
    const lane = lanes.indexOf(Math.min(...lanes))
    const startAt = new Date(lanes[lane]!)
    const estimate = estimateNode([], history, o.soakMs)
    say('node-started', `would wait for the successor of ${old} (handed over before the walk stopped, and gone) to join and be Ready at ${o.target}${o.soakMs ? `, soak ${minutes(o.soakMs)}` : ''}: about ${minutes(estimate.totalMs)} from ${startAt.toISOString()}`, {node: old})
    lanes[lane] = startAt.getTime() + estimate.totalMs
    fit.push(old)
  }
  for (const node of queue) {
    const lane = lanes.indexOf(Math.min(...lanes))
    const startAt = new Date(lanes[lane]!)
    const estimate = estimateNode(node.podGraceSeconds, history, o.soakMs)
    const action = nextWalkAction(views.get(node.name)?.record, o.walkId)
    if (action === 'cordon') {
      const verdict = windowVerdict(o.window, startAt, estimate.totalMs)
      if (!verdict.start) {
        const remaining = queue.map(n => n.name).filter(n => !fit.includes(n))
        const message = `would not start ${node.name} at ${startAt.toISOString()}: ${verdict.reason}`
        say('walk-stopped', `${message}; would remain: ${remaining.join(', ')}`, {node: node.name})
        return {status: 'stopped', message: `dry run: ${message}`, done, remaining, ...(verdict.nextOpening ? {nextWindow: verdict.nextOpening} : {})}
      }
    }
    const pre = views.get(node.name)?.unschedulable && action === 'cordon'
    const surge = o.surge && (action === 'cordon' || views.get(node.name)?.record?.step === 'cordoned') ? `, wait for ${count(o.surge, 'new node')} at ${o.target}` : ''
    const steps = action === 'cordon' ? `cordon${surge}, drain` : `resume at ${action}${surge}`
    say('node-started', `would ${steps} (${count(node.podGraceSeconds.length, 'pod')}, about ${minutes(estimate.drainMs)}), hand over, wait for Ready at ${o.target}${o.soakMs ? `, soak ${minutes(o.soakMs)}` : ''}${pre ? ', and leave it cordoned (it was before)' : ', uncordon'}: about ${minutes(estimate.totalMs)} from ${startAt.toISOString()}`, {node: node.name})
    lanes[lane] = startAt.getTime() + estimate.totalMs
    fit.push(node.name)
  }
  const end = new Date(Math.max(...lanes))
  say('walk-done', `dry run: ${count(fit.length, 'node')} would be done by about ${end.toISOString()}`)
  return {status: 'dry-run', message: `${count(fit.length, 'node')} would be walked, done by about ${end.toISOString()}`, done, remaining: fit}
}
