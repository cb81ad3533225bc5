// A scripted cluster for the drain engine (the DrainOps it calls) and a clock that jumps.
import type {EvictionAnswer} from '../../../../src/kube/evict.ts'
import type {Node, Pod, Workload} from '../../../../src/model/k8s.ts'
import type {PodDisruptionBudget} from '../../../../src/model/upgrade.ts'
import type {Clock} from '../../../../src/model/clock.ts'
import type {DrainOps} from '../../../../src/upgrade/drain/ops.ts'
import type {PresenceEvent} from '../../../../src/upgrade/drain/presence.ts'
import type {DrainEvent, DrainOptions} from '../../../../src/upgrade/drain/types.ts'
import {compileLabelSelector} from '../../../../src/model/labels.ts'

export const START = new Date('2026-03-01T02:00:00Z')

/** A clock whose sleeps return at once, moving time on by what was asked. */
export function jumpingClock(): Clock & {slept: number[]} {
  let now = START.getTime()
  const slept: number[] = []
  return {
    slept,
    now: () => new Date(now),
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason
      slept.push(ms)
      now += ms
      await new Promise(r => setImmediate(r))
    },
  }
}

export function managedPod(name: string, o: {uid?: string; labels?: Record<string, string>; owner?: {kind: string; name: string; apiVersion?: string} | null; phase?: string; emptyDir?: boolean; mirror?: boolean; ready?: boolean; node?: string} = {}): Pod {
  const owner = o.owner === undefined ? {kind: 'ReplicaSet', name: 'web-7d9f', apiVersion: 'apps/v1'} : o.owner
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace: 'shop', uid: o.uid ?? `uid-${name}`, labels: o.labels ?? {app: 'web'},
      ...(owner ? {ownerReferences: [{apiVersion: owner.apiVersion ?? 'apps/v1', kind: owner.kind, name: owner.name, uid: `uid-${owner.name}`, controller: true}]} : {}),
      ...(o.mirror ? {annotations: {'kubernetes.io/config.mirror': 'x'}} : {}),
    },
    spec: {nodeName: o.node ?? 'node-a', containers: [{name: 'app'}], ...(o.emptyDir ? {volumes: [{name: 'cache', emptyDir: {}}]} : {})},
    status: {phase: o.phase ?? 'Running', conditions: [{type: 'Ready', status: o.ready === false ? 'False' : 'True'}]},
  }
}

export function budget(name: string, o: {app?: string; allowed: number; desired?: number; current?: number; expected?: number}): PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget',
    metadata: {name, namespace: 'shop', generation: 1} as PodDisruptionBudget['metadata'],
    spec: {selector: {matchLabels: {app: o.app ?? 'web'}}, maxUnavailable: 1},
    status: {disruptionsAllowed: o.allowed, desiredHealthy: o.desired ?? 2, currentHealthy: o.current ?? 2, expectedPods: o.expected ?? 3, observedGeneration: 1} as PodDisruptionBudget['status'],
  }
}

export interface FakeCluster extends DrainOps {
  calls: string[]
  pods: Map<string, Pod>
  /** Scripted answers to evictions, per pod name, consumed in order; then 'evicted'. */
  answers: Map<string, EvictionAnswer[]>
  budgets: PodDisruptionBudget[]
  workloads: Map<string, Workload[]>
  unschedulable: boolean
  /** A pod bound to the node now (as the scheduler or a nodeName would): listed from now on, and an ADDED on the watch. */
  arrive(pod: Pod): void
}

export function fakeCluster(pods: Pod[], budgets: PodDisruptionBudget[] = []): FakeCluster {
  const queue: PresenceEvent[] = []
  let wake: (() => void) | undefined
  const push = (e: PresenceEvent) => { queue.push(e); wake?.() }
  const c: FakeCluster = {
    calls: [],
    pods: new Map(pods.map(p => [p.metadata.uid!, p])),
    answers: new Map(),
    budgets,
    workloads: new Map(),
    unschedulable: false,
    arrive: pod => { c.pods.set(pod.metadata.uid!, pod); push({type: 'ADDED', object: pod}) },
    getNode: async name => { c.calls.push(`get node ${name}`); return {kind: 'Node', metadata: {name}, spec: {unschedulable: c.unschedulable}} as Node },
    setUnschedulable: async (node, value) => {
      c.calls.push(`cordon ${node} ${value}`)
      const changed = c.unschedulable !== value
      c.unschedulable = value
      return {changed}
    },
    listNodePods: async node => { c.calls.push(`list pods ${node}`); return [...c.pods.values()] },
    watchNodePods: (_node, signal) => (async function* () {
      yield {type: 'SYNC', items: [...c.pods.values()]} as PresenceEvent
      while (!signal.aborted) {
        const e = queue.shift()
        if (e) { yield e; continue }
        await new Promise<void>(r => { wake = r; signal.addEventListener('abort', () => r(), {once: true}) })
      }
    })(),
    listBudgets: async () => { c.calls.push('list pdbs'); return c.budgets },
    getBudget: async (_ns, name) => { c.calls.push(`get pdb ${name}`); return c.budgets.find(b => b.metadata.name === name) },
    listPods: async (_ns, selector) => [...c.pods.values()].filter(p => compileLabelSelector(selector)(p.metadata.labels)),
    evict: async pod => {
      c.calls.push(`evict ${pod.name} ${pod.uid}`)
      const answer = c.answers.get(pod.name)?.shift() ?? {outcome: 'evicted'}
      if (answer.outcome === 'evicted') {
        const gone = c.pods.get(pod.uid!)
        c.pods.delete(pod.uid!)
        if (gone) push({type: 'DELETED', object: gone})
      }
      return answer
    },
    delete: async (pod, o) => {
      c.calls.push(`delete ${pod.name} ${pod.uid} grace=${o.gracePeriodSeconds}`)
      const gone = c.pods.get(pod.uid!)
      c.pods.delete(pod.uid!)
      if (gone) push({type: 'DELETED', object: gone})
      return 'deleted'
    },
    getWorkload: async (kind, _ns, name) => {
      c.calls.push(`get ${kind} ${name}`)
      const list = c.workloads.get(`${kind}/${name}`)
      return list && list.length > 1 ? list.shift() : list?.[0]
    },
  }
  return c
}

export function options(clock: Clock, o: Partial<DrainOptions> = {}): DrainOptions {
  return {
    force: false, deleteEmptyDirData: false, timeoutMs: 60_000, concurrency: 1, waitForReplacements: false,
    onBlocked: async () => 'wait', dryRun: false, clock, blockedPatienceMs: 10_000, ...o,
  }
}

export function recorder(): {events: DrainEvent[]; emit: (e: DrainEvent) => void; types: () => string[]} {
  const events: DrainEvent[] = []
  return {events, emit: e => { events.push(e) }, types: () => events.map(e => e.type)}
}
