// Drains one node: cordon, list its pods once, sort them with kubectl's filters, evict them
// through the Eviction API (bounded parallelism, UID preconditions), wait until they are gone
// (watched, by UID) and, when asked, until their workloads and PDBs have recovered. The engine
// emits events and never prints; the policy for each eviction answer (evict-loop.ts) is here,
// the reading of the answers is src/kube/evict.ts. Time is the injected clock.
import type {Kube} from '../../kube/client.js'
import type {EvictionAnswer} from '../../kube/evict.js'
import {ClusterError} from '../../model/errors.js'
import type {Pod} from '../../model/k8s.js'
import type {PodDisruptionBudget} from '../../model/upgrade.js'
import {count, listNames} from '../../model/text.js'
import type {BlockingBudget, DrainEvent, DrainEventType, DrainOptions, DrainResult} from './types.js'
import {classifyPods, drainPodKey, isRefusal, podLabel, type ClassifiedPod} from './filters.js'
import {budgetPlanLines, budgetsCovering, planBudgets} from './budgets.js'
import {kubeDrainOps, type DrainOps} from './ops.js'
import {PodPresence} from './presence.js'
import {isReadyPod} from './replacements.js'
import {waitForRecovery} from './recovery.js'
import {patientDrainOps} from './patient.js'
import {sortArrivals} from './arrivals.js'

const DEFAULT_PATIENCE_MS = 30_000
const DEFAULT_RECHECK_MS = 5000
/** How often a budget that refuses is read while pods wait on it. */
const BUDGET_POLL_MS = 1000
const THROTTLE_FIRST_MS = 500
const THROTTLE_MAX_MS = 30_000
// Pods that keep arriving on a cordoned node (bound by spec.nodeName, or tolerating the unschedulable taint): give up after this many rounds.
const MAX_ROUNDS = 10

/** Drains `node` through the cluster's API. */
export function drainNode(kube: Kube, node: string, opts: DrainOptions, emit: (e: DrainEvent) => void): Promise<DrainResult> {
  return drainWith(kubeDrainOps(kube, opts.signal, opts.clock), node, opts, emit)
}

type PodOutcome = 'evicted' | 'deleted' | 'gone' | 'skipped' | 'misconfigured' | 'failed' | 'timeout' | 'aborted' | 'stopped'

/** The drain over any DrainOps (the cluster's, or a test's). */
export async function drainWith(given: DrainOps, node: string, opts: DrainOptions, emit: (e: DrainEvent) => void): Promise<DrainResult> {
  const {clock} = opts
  const started = clock.now().getTime()
  const deadline = opts.timeoutMs > 0 ? started + opts.timeoutMs : Infinity
  const stop = new AbortController()
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal
  const say = (type: DrainEventType, message: string, extra: Partial<DrainEvent> = {}) =>
    emit({time: clock.now().toISOString(), type, node, message, ...extra})
  const timeLeft = () => deadline - clock.now().getTime()
  /** Sleeps up to ms, never past the deadline; false when the drain should stop (aborted, stopping or out of time). */
  const pause = async (ms: number): Promise<boolean> => {
    const wait = Math.min(ms, timeLeft())
    if (wait <= 0 || signal.aborted) return false
    try { await clock.sleep(wait, signal) } catch { return false }
    return !signal.aborted && timeLeft() > 0
  }
  // Through an API server restart the drain waits and goes on, within its time.
  const ops = patientDrainOps(given, {
    pause,
    lost: message => say('reconnecting', `the API server does not answer (${message}); waiting for it${Number.isFinite(deadline) ? ` for up to ${seconds(Math.max(0, timeLeft()))}` : ''}`),
    regained: () => say('reconnected', 'the API server answers again'),
  })
  const filterOptions = {force: opts.force, deleteEmptyDirData: opts.deleteEmptyDirData, skipWaitForDeleteTimeoutMs: opts.skipWaitForDeleteTimeoutMs}
  const result = (status: DrainResult['status'], message: string, more: Partial<DrainResult> = {}): DrainResult =>
    ({node, status, remaining: [], message, cordonedByUs, ...more})
  let cordonedByUs = false

  // The filters first, before the node is cordoned: a drain they refuse changes nothing.
  const first = classifyPods(await ops.listNodePods(node, opts.podSelector), filterOptions, clock.now())
  const refused = refusalOf(first)
  if (refused) {
    for (const r of refused.groups) say('refused', r.line, {pods: r.pods})
    say('failed', refused.message)
    return result('refused', refused.message, {reason: 'refused', remaining: first.filter(isRefusal).map(c => drainPodKey(c.pod))})
  }

  if (opts.dryRun) return dryRun(ops, node, opts, first, say, result)

  const cordon = await ops.setUnschedulable(node, true)
  cordonedByUs = cordon.changed
  say(cordon.changed ? 'cordoned' : 'already-cordoned', cordon.changed ? `cordoned node ${node}` : `node ${node} was already cordoned`)

  // The list the drain works from, taken once after the cordon (kubectl's GetPodsForDeletion).
  const classified = classifyPods(await ops.listNodePods(node, opts.podSelector), filterOptions, clock.now())
  const again = refusalOf(classified)
  if (again) {
    for (const r of again.groups) say('refused', r.line, {pods: r.pods})
    say('failed', `${again.message}; node ${node} stays cordoned`)
    return result('refused', again.message, {reason: 'refused', remaining: classified.filter(isRefusal).map(c => drainPodKey(c.pod))})
  }
  const toEvict = classified.filter(c => c.decision === 'evict')
  const finished = classified.filter(c => c.decision === 'delete-finished')
  say('pods-listed', summary(classified))
  for (const c of classified) if (c.decision.startsWith('skip-')) say('pod-skipped', `${podLabel(c.pod)} left: ${c.reason}`, {pod: podLabel(c.pod)})
  for (const c of toEvict) if (c.reason) say('pod-skipped', `warning: ${podLabel(c.pod)} ${c.reason}`, {pod: podLabel(c.pod)})

  const namespaces = [...new Set(toEvict.map(c => c.pod.metadata.namespace ?? 'default'))]
  const budgets: PodDisruptionBudget[] = namespaces.length ? await ops.listBudgets(namespaces) : []

  // The node's pods, watched from now on: the evicted ones are known gone by UID as it happens.
  const watching = new AbortController()
  const presence = new PodPresence(ops.watchNodePods(node, AbortSignal.any([watching.signal, signal])))
  const outcomes = new Map<Pod, PodOutcome>()
  let stopReason: 'misconfigured' | 'aborted' | undefined
  /** The refusal onBlocked answered 'abort' to. */
  let abortedOn: string | undefined
  /** Every pod the drain has looked at, by UID: what a later list holds beyond these arrived during the drain. */
  const seen = new Set(classified.map(c => c.pod.metadata.uid ?? ''))
  const firstList = new Set(classified.map(c => c.pod))
  try {
    const deleteFinished = async (pods: ClassifiedPod[]) => {
      for (const c of pods) {
        const r = await ops.delete(drainPodKey(c.pod), {gracePeriodSeconds: opts.gracePeriodSeconds})
        if (r === 'deleted' || r === 'gone') {
          outcomes.set(c.pod, r === 'deleted' ? 'deleted' : 'gone')
          say('deleted', `deleted ${podLabel(c.pod)} (${c.pod.status?.phase})`, {pod: podLabel(c.pod)})
        } else {
          throw new ClusterError(r.status === 403 ? 'forbidden' : 'server', `delete pod ${podLabel(c.pod)}: ${r.message}`, undefined, r.status)
        }
      }
    }

    /**
     * Waits until the budget allows a disruption or `until` passes. The pods it holds share one
     * read a second (the disruption controller writes the status about as often).
     */
    const polls = new Map<string, Promise<boolean>>()
    const budgetAllows = async (namespace: string, name: string, until: number): Promise<void> => {
      const key = `${namespace}/${name}`
      for (;;) {
        const left = until - clock.now().getTime()
        if (left <= 0) return
        let poll = polls.get(key)
        if (!poll) {
          poll = (async () => {
            if (!await pause(Math.min(BUDGET_POLL_MS, left))) return true
            // A failure is the drain's, as for any read (an API server that does not come back ends it).
            const pdb = await ops.getBudget(namespace, name)
            return (pdb?.status?.disruptionsAllowed ?? 0) > 0
          })().finally(() => polls.delete(key))
          polls.set(key, poll)
        }
        if (await poll) return
        if (signal.aborted || timeLeft() <= 0) return
      }
    }

    const evictOne = async (c: ClassifiedPod): Promise<PodOutcome> => {
      const key = drainPodKey(c.pod)
      const label = podLabel(c.pod)
      let throttleWait = THROTTLE_FIRST_MS
      let blockedSince: number | undefined
      let nextAsk = 0
      let lastBudget = ''
      say('evicting', `evicting ${label}`, {pod: label})
      for (;;) {
        if (opts.signal?.aborted || stopReason === 'aborted') return 'aborted'
        if (stopReason) return 'stopped'
        if (timeLeft() <= 0) return 'timeout'
        const answer: EvictionAnswer = await ops.evict(key, {gracePeriodSeconds: opts.gracePeriodSeconds})
        switch (answer.outcome) {
          case 'evicted':
            say('evicted', `evicted ${label}`, {pod: label})
            return 'evicted'
          case 'gone':
            say('gone', `${label} is already gone`, {pod: label})
            return 'gone'
          case 'throttled': {
            const wait = Math.max(answer.retryAfterMs, 0) || throttleWait
            throttleWait = Math.min(throttleWait * 2, THROTTLE_MAX_MS)
            say('throttled', `the API server throttled the eviction of ${label} (${answer.message}); retrying in ${seconds(wait)}`, {pod: label, retryAfterMs: wait})
            await pause(wait)
            continue
          }
          case 'blocked': {
            const now = clock.now().getTime()
            blockedSince ??= now
            const budget = await readBudget(ops, c.pod, answer, budgets)
            const fingerprint = JSON.stringify([budget.name, budget.desiredHealthy, budget.currentHealthy, budget.expectedPods, budget.disruptionsAllowed, budget.unreadyPods])
            if (fingerprint !== lastBudget) {
              lastBudget = fingerprint
              say('blocked', `${label} waits: ${blockingLine(budget)}`, {pod: label, budget})
            }
            const patience = opts.blockedPatienceMs ?? DEFAULT_PATIENCE_MS
            if (now - blockedSince >= patience && now >= nextAsk) {
              const decision = await opts.onBlocked(key, budget, now - blockedSince)
              say('decided', `${label}: ${decision === 'wait' ? 'keep waiting' : decision === 'skip' ? 'skip this pod' : decision === 'delete' ? 'delete it, bypassing its PDB' : 'abort the drain'}`, {pod: label, decision, budget})
              if (decision === 'skip') return 'skipped'
              if (decision === 'abort') {
                abortedOn ??= `${label} refused for ${seconds(now - blockedSince)} by ${blockingLine(budget)}`
                stopReason = 'aborted'
                stop.abort()
                return 'aborted'
              }
              if (decision === 'delete') {
                const r = await ops.delete(key, {gracePeriodSeconds: opts.gracePeriodSeconds})
                if (r === 'gone') { say('gone', `${label} is already gone`, {pod: label}); return 'gone' }
                if (r !== 'deleted') { say('failed', `could not delete ${label}: ${r.message}`, {pod: label}); return 'failed' }
                say('deleted', `deleted ${label}, bypassing PDB ${budget.namespace}/${budget.name}`, {pod: label, budget})
                return 'deleted'
              }
              nextAsk = clock.now().getTime() + Math.max(patience, 1000)
            }
            // Asked again as soon as the budget allows a disruption (read every second, once for
            // all the pods it holds), or after the recheck interval at the latest.
            const recheck = Math.min(answer.retryAfterMs, opts.recheckBlockedMs ?? DEFAULT_RECHECK_MS)
            if (budget.name === '(unnamed)') await pause(recheck)
            else await budgetAllows(budget.namespace, budget.name, clock.now().getTime() + recheck)
            continue
          }
          case 'misconfigured': {
            const names = budgetsCovering(c.pod, budgets).map(p => p.metadata.name ?? '')
            const message = names.length > 1
              ? `${label} is under ${names.length} PDBs (${listNames(names, 5)}): the API server refuses to evict it (${answer.message}); make their selectors disjoint or delete all but one`
              : `evicting ${label} is refused by a PDB misconfiguration: ${answer.message}`
            say('misconfigured', message, {pod: label, pods: [label]})
            stopReason ??= 'misconfigured'
            return 'misconfigured'
          }
          case 'error':
            // The API server failing (restarting, overloaded): asked again after a pause, within the drain's time.
            if (answer.status >= 500 && answer.status !== 501) {
              const wait = throttleWait
              throttleWait = Math.min(throttleWait * 2, THROTTLE_MAX_MS)
              say('reconnecting', `the API server answered ${answer.status} to the eviction of ${label} (${answer.message}); retrying in ${seconds(wait)}`, {pod: label, retryAfterMs: wait})
              await pause(wait)
              continue
            }
            if (answer.status === 401 || answer.status === 403) {
              throw new ClusterError(answer.status === 403 ? 'forbidden' : 'unauthorized', `you are not allowed to evict pod ${label} (${answer.message})`, 'ask for that permission; `kubectl prod rbac drain` prints the ClusterRole drain needs', answer.status)
            }
            say('failed', `evicting ${label} failed with ${answer.status}: ${answer.message}`, {pod: label})
            return 'failed'
        }
      }
    }

    // Bounded parallelism: `concurrency` evictions at a time, in list order.
    const evictAll = async (pods: ClassifiedPod[]) => {
      let next = 0
      const worker = async () => {
        while (next < pods.length) {
          const c = pods[next++]!
          if (stopReason) { outcomes.set(c.pod, stopReason === 'aborted' ? 'aborted' : 'stopped'); continue }
          outcomes.set(c.pod, await evictOne(c))
        }
      }
      await Promise.all(Array.from({length: Math.max(1, Math.min(opts.concurrency, pods.length))}, worker))
    }

    const cordoned = `node ${node} stays cordoned`
    const removedOf = (pods: ClassifiedPod[]) => pods.filter(c => outcomes.get(c.pod) === 'evicted' || outcomes.get(c.pod) === 'deleted').map(c => c.pod)
    const baseOf = () => ({
      evicted: [...outcomes].filter(([, o]) => o === 'evicted' || o === 'deleted').map(([p]) => drainPodKey(p)),
      skipped: [...outcomes].filter(([, o]) => o === 'skipped').map(([p]) => drainPodKey(p)),
    })
    /** Why the evictions so far stop the drain, or undefined when they all went. */
    const stoppedBy = (): DrainResult | undefined => {
      const left = [...outcomes].filter(([, o]) => !['evicted', 'deleted', 'gone', 'skipped'].includes(o)).map(([p]) => p)
      const base = baseOf()
      const values = [...outcomes.values()]
      if (abortedOn && !opts.signal?.aborted) {
        const message = `drain of ${node} stopped: ${abortedOn}; ${count(left.length, 'pod')} not evicted; ${cordoned}`
        say('failed', message, {pods: left.map(podLabel)})
        return result('blocked', message, {...base, reason: 'pdb', remaining: left.map(drainPodKey)})
      }
      if (values.includes('aborted') || opts.signal?.aborted) {
        const message = `drain of ${node} aborted with ${count(left.length, 'pod')} not evicted; ${cordoned}`
        say('failed', message)
        return result('aborted', message, {...base, reason: 'aborted', remaining: left.map(drainPodKey)})
      }
      if (values.includes('misconfigured') || values.includes('failed')) {
        const misconfigured = values.includes('misconfigured')
        const message = misconfigured
          ? `cannot drain ${node}: a PDB misconfiguration refuses evictions (no wait fixes it); ${cordoned}`
          : `cannot drain ${node}: ${count(values.filter(v => v === 'failed').length, 'eviction')} failed; ${cordoned}`
        say('failed', message)
        return result('blocked', message, {...base, reason: misconfigured ? 'misconfigured' : 'error', remaining: left.map(drainPodKey)})
      }
      if (values.includes('timeout')) {
        const blocked = left.map(podLabel)
        const message = `timed out after ${seconds(opts.timeoutMs)} with ${count(left.length, 'pod')} still refused by their PDBs (${listNames(blocked)}); ${cordoned}`
        say('failed', message, {pods: blocked})
        return result('timeout', message, {...base, reason: 'timeout', remaining: left.map(drainPodKey)})
      }
      return undefined
    }
    /** The pods that reached the node since the drain last listed it, sorted by the same filters. */
    const arrivals = async () => {
      const found = sortArrivals(await ops.listNodePods(node, opts.podSelector), seen, filterOptions, clock.now())
      for (const c of found.left) say('pod-skipped', `${podLabel(c.pod)} arrived during the drain, left: ${c.reason}`, {pod: podLabel(c.pod)})
      return found
    }

    // Rounds: evict, wait until gone, list the node again; pods that arrived meanwhile (placed
    // before the cordon took effect, or bound by spec.nodeName) are the next round's. Then the
    // replacements, and one more look, until a list finds nothing new or the time runs out.
    let batch = {finished, toEvict}
    let unrecovered: Pod[] = []
    for (let round = 1; ; round++) {
      await deleteFinished(batch.finished)
      await evictAll(batch.toEvict)
      const stopped = stoppedBy()
      if (stopped) return stopped
      const removed = removedOf([...batch.finished, ...batch.toEvict])

      // Gone, by UID: the watch says when.
      const goneOk = await waitGone(presence, removed, opts, timeLeft, say)
      if (goneOk !== true) {
        const message = `timed out after ${seconds(opts.timeoutMs)} waiting for ${count(goneOk.length, 'pod')} to terminate (${listNames(goneOk.map(podLabel))}); ${cordoned}`
        say('failed', message, {pods: goneOk.map(podLabel)})
        return result(signal.aborted ? 'aborted' : 'timeout', message, {...baseOf(), reason: signal.aborted ? 'aborted' : 'timeout', remaining: goneOk.map(drainPodKey)})
      }
      unrecovered.push(...removed)

      let found = await arrivals()
      if (!found.act.length && !found.refused.length && opts.waitForReplacements && unrecovered.length) {
        const recovered = await waitForRecovery(ops, node, unrecovered, budgets, {say, pause})
        if (!recovered) {
          const message = `timed out after ${seconds(opts.timeoutMs)} waiting for the evicted pods' replacements to be available; ${cordoned}`
          say('failed', message)
          return result(signal.aborted ? 'aborted' : 'timeout', message, {...baseOf(), reason: signal.aborted ? 'aborted' : 'timeout'})
        }
        unrecovered = []
        found = await arrivals()
      }
      if (!found.act.length && !found.refused.length) break

      const newcomers = [...found.act, ...found.refused].map(c => podLabel(c.pod))
      if (found.refused.length) {
        const refusedNow = refusalOf(found.refused)!
        for (const r of refusedNow.groups) say('refused', `arrived during the drain: ${r.line}`, {pods: r.pods})
        const message = `cannot finish draining ${node}: ${count(found.refused.length, 'pod')} arrived on the node during the drain and cannot be evicted safely (${listNames(found.refused.map(c => podLabel(c.pod)))}); ${cordoned}`
        say('failed', message, {pods: found.refused.map(c => podLabel(c.pod))})
        return result('refused', message, {...baseOf(), reason: 'refused', remaining: [...found.refused, ...found.act].map(c => drainPodKey(c.pod))})
      }
      if (timeLeft() <= 0 || signal.aborted) {
        const message = `timed out after ${seconds(opts.timeoutMs)} with ${count(newcomers.length, 'pod')} that arrived on the node during the drain still there (${listNames(newcomers)}); ${cordoned}`
        say('failed', message, {pods: newcomers})
        return result(signal.aborted ? 'aborted' : 'timeout', message, {...baseOf(), reason: signal.aborted ? 'aborted' : 'timeout', remaining: found.act.map(c => drainPodKey(c.pod))})
      }
      if (round >= MAX_ROUNDS) {
        const message = `cannot drain ${node}: pods keep arriving on it after ${MAX_ROUNDS} rounds of evictions (${listNames(newcomers)}: bound by spec.nodeName, or tolerating node.kubernetes.io/unschedulable, so the cordon does not keep them off); ${cordoned}`
        say('failed', message, {pods: newcomers})
        return result('blocked', message, {...baseOf(), reason: 'error', remaining: found.act.map(c => drainPodKey(c.pod))})
      }
      say('pods-arrived', `${count(newcomers.length, 'pod')} arrived on the node during the drain (${listNames(newcomers)}): evicting ${newcomers.length === 1 ? 'it' : 'them'} too`, {pods: newcomers})
      for (const c of found.act) if (c.reason) say('pod-skipped', `warning: ${podLabel(c.pod)} ${c.reason}`, {pod: podLabel(c.pod)})
      const more = [...new Set(found.act.map(c => c.pod.metadata.namespace ?? 'default'))].filter(n => !namespaces.includes(n))
      if (more.length) { namespaces.push(...more); budgets.push(...await ops.listBudgets(more)) }
      batch = {finished: found.act.filter(c => c.decision === 'delete-finished'), toEvict: found.act.filter(c => c.decision === 'evict')}
    }

    const {evicted, skipped} = baseOf()
    const arrived = [...outcomes].filter(([p, o]) => !firstList.has(p) && (o === 'evicted' || o === 'deleted')).length
    const message = `node ${node} drained: ${count(evicted.length, 'pod')} evicted${arrived ? ` (${arrived} of them arrived during the drain)` : ''}${skipped.length ? `, ${count(skipped.length, 'pod')} skipped (${listNames(skipped.map(podLabel))})` : ''}`
    say('drained', message)
    return result('drained', message, {evicted, skipped})
  } finally {
    watching.abort()
  }
}

/** Waits until every pod is gone from the node (by UID), or, past skipWaitForDeleteTimeout, stops waiting for it. true, or the pods still there. */
async function waitGone(presence: PodPresence, pods: Pod[], opts: DrainOptions, timeLeft: () => number,
  say: (t: DrainEventType, m: string, e?: Partial<DrainEvent>) => void): Promise<true | Pod[]> {
  const {clock} = opts
  const told = new Set<string>()
  for (;;) {
    const now = clock.now().getTime()
    const still: Pod[] = []
    let nextExpiry = Infinity
    for (const pod of pods) {
      const uid = pod.metadata.uid ?? ''
      const seen = presence.ready ? presence.get(uid) : pod
      if (!seen) {
        if (!told.has(uid)) { told.add(uid); say('gone', `${podLabel(pod)} is gone`, {pod: podLabel(pod)}) }
        continue
      }
      const since = seen.metadata.deletionTimestamp ? Date.parse(seen.metadata.deletionTimestamp) : NaN
      if (opts.skipWaitForDeleteTimeoutMs && Number.isFinite(since)) {
        const expires = since + opts.skipWaitForDeleteTimeoutMs
        if (now >= expires) {
          if (!told.has(uid)) { told.add(uid); say('gone', `${podLabel(pod)} still terminating past --skip-wait-for-delete-timeout: no longer waited for`, {pod: podLabel(pod)}) }
          continue
        }
        nextExpiry = Math.min(nextExpiry, expires)
      }
      still.push(pod)
    }
    if (!still.length) return true
    if (timeLeft() <= 0) return still
    // The next event, or the next pod whose wait expires, or the deadline: whichever comes first.
    const timer = new AbortController()
    const untilExpiry = Math.min(nextExpiry - now, timeLeft())
    const tick = Number.isFinite(untilExpiry) ? clock.sleep(Math.max(0, untilExpiry), timer.signal).catch(() => undefined) : new Promise<void>(() => undefined)
    try {
      await Promise.race([presence.nextChange(), tick])
    } finally {
      timer.abort()
    }
    if (opts.signal?.aborted) return still
  }
}

/** The PDB behind a refusal, with its numbers and its pods that are not Ready. */
async function readBudget(ops: DrainOps, pod: Pod, answer: Extract<EvictionAnswer, {outcome: 'blocked'}>, known: PodDisruptionBudget[]): Promise<BlockingBudget> {
  const namespace = pod.metadata.namespace ?? 'default'
  const name = answer.budget ?? budgetsCovering(pod, known)[0]?.metadata.name
  const pdb = name ? await ops.getBudget(namespace, name) : undefined
  const s = pdb?.status
  const unreadyPods = pdb ? (await ops.listPods(namespace, pdb.spec?.selector))
    .filter(p => !p.metadata.deletionTimestamp && !isReadyPod(p) && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
    .map(p => p.metadata.name ?? '').sort() : []
  return {
    namespace, name: name ?? '(unnamed)',
    ...(s?.desiredHealthy !== undefined ? {desiredHealthy: s.desiredHealthy} : answer.needs !== undefined ? {desiredHealthy: answer.needs} : {}),
    ...(s?.currentHealthy !== undefined ? {currentHealthy: s.currentHealthy} : answer.has !== undefined ? {currentHealthy: answer.has} : {}),
    ...(s?.expectedPods !== undefined ? {expectedPods: s.expectedPods} : {}),
    ...(s?.disruptionsAllowed !== undefined ? {disruptionsAllowed: s.disruptionsAllowed} : {}),
    unreadyPods, message: answer.message,
  }
}

/** "PDB shop/web-pdb allows 0 disruptions: needs 3 healthy, has 3, expects 3; not Ready: web-2". */
export function blockingLine(b: BlockingBudget): string {
  const numbers = [
    b.desiredHealthy !== undefined ? `needs ${b.desiredHealthy} healthy` : '',
    b.currentHealthy !== undefined ? `has ${b.currentHealthy}` : '',
    b.expectedPods !== undefined ? `expects ${b.expectedPods}` : '',
  ].filter(Boolean).join(', ')
  const allowed = b.disruptionsAllowed !== undefined ? ` allows ${b.disruptionsAllowed} disruption${b.disruptionsAllowed === 1 ? '' : 's'}` : ' refuses the eviction'
  return `PDB ${b.namespace}/${b.name}${allowed}${numbers ? ` (${numbers})` : ''}${b.unreadyPods.length ? `; not Ready: ${listNames(b.unreadyPods, 5)}` : ''}`
}

function refusalOf(classified: ClassifiedPod[]): {message: string; groups: {line: string; pods: string[]}[]} | undefined {
  const groups: {line: string; pods: string[]}[] = []
  const unmanaged = classified.filter(c => c.decision === 'refuse-unmanaged').map(c => podLabel(c.pod))
  const local = classified.filter(c => c.decision === 'refuse-local-storage').map(c => podLabel(c.pod))
  if (local.length) groups.push({pods: local, line: `cannot delete pods with local storage (use --delete-emptydir-data to override): ${local.join(', ')}`})
  if (unmanaged.length) groups.push({pods: unmanaged, line: `cannot delete pods that declare no controller (use --force to override): ${unmanaged.join(', ')}`})
  if (!groups.length) return undefined
  return {groups, message: `refused to drain: ${count(local.length + unmanaged.length, 'pod')} cannot be evicted safely (${listNames([...local, ...unmanaged])}); nothing was evicted`}
}

function summary(classified: ClassifiedPod[]): string {
  const n = (d: ClassifiedPod['decision']) => classified.filter(c => c.decision === d).length
  const parts = [
    `${n('evict')} to evict`,
    n('delete-finished') ? `${n('delete-finished')} finished to delete` : '',
    n('skip-daemonset') ? `${n('skip-daemonset')} DaemonSet-managed left` : '',
    n('skip-mirror') ? `${n('skip-mirror')} mirror left` : '',
    n('skip-deleted') ? `${n('skip-deleted')} long-terminating left` : '',
  ].filter(Boolean)
  return `${count(classified.length, 'pod')} on the node: ${parts.join(', ')}`
}

export function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`
}

/** What a drain would do, computed from the current state; nothing is written. */
async function dryRun(ops: DrainOps, node: string, opts: DrainOptions, classified: ClassifiedPod[],
  say: (t: DrainEventType, m: string, e?: Partial<DrainEvent>) => void,
  result: (status: DrainResult['status'], message: string, more?: Partial<DrainResult>) => DrainResult): Promise<DrainResult> {
  const n = await ops.getNode(node)
  say(n?.spec?.unschedulable ? 'already-cordoned' : 'cordoned', n?.spec?.unschedulable ? `node ${node} is already cordoned` : `would cordon node ${node} (dry run)`)
  say('pods-listed', summary(classified))
  const toEvict = classified.filter(c => c.decision === 'evict').map(c => c.pod)
  for (const c of classified) {
    if (c.decision === 'evict' || c.decision === 'delete-finished') say('would-evict', `would ${c.decision === 'evict' ? 'evict' : 'delete'} ${podLabel(c.pod)}${c.reason ? ` (${c.reason})` : ''}`, {pod: podLabel(c.pod)})
    else say('pod-skipped', `${podLabel(c.pod)} left: ${c.reason}`, {pod: podLabel(c.pod)})
  }
  const namespaces = [...new Set(toEvict.map(p => p.metadata.namespace ?? 'default'))]
  const plan = planBudgets(toEvict, namespaces.length ? await ops.listBudgets(namespaces) : [])
  const lines = budgetPlanLines(plan)
  for (const l of lines) say('would-block', l.line, {pod: podLabel(l.pod)})
  const forever = lines.filter(l => l.forever)
  const waits = lines.length - forever.length
  const message = forever.length
    ? `dry run: draining ${node} would block on ${count(forever.length, 'pod')} (${listNames(forever.map(l => podLabel(l.pod)))}); nothing was changed`
    : `dry run: ${node} would drain (${count(toEvict.length, 'pod')} evicted${waits ? `, ${waits} after waiting for replacements` : ''}); nothing was changed`
  say(forever.length ? 'failed' : 'drained', message)
  return result(forever.length ? 'blocked' : 'drained', message, {dryRun: true, remaining: forever.map(l => drainPodKey(l.pod)), ...(forever.length ? {reason: plan.overlaps.length ? 'misconfigured' : 'pdb'} : {})})
}
