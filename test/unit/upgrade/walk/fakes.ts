// A pool in memory for the walk: nodes with their records, operations that count what they do,
// and a clock that moves only when told (or when something sleeps on it).
import type {Clock} from '../../../../src/model/clock.ts'
import type {NodeWalkRecord} from '../../../../src/kube/journal.ts'
import type {DrainResult} from '../../../../src/upgrade/drain/types.ts'
import type {WalkEvent} from '../../../../src/model/reports/nodepool.ts'
import type {Node} from '../../../../src/model/k8s.ts'
import {freeSuccessor, owedSuccessors, poolStanding, replacedMessage, takenSuccessors} from '../../../../src/upgrade/walk/surge.ts'
import type {HandOverResult, NodeView, WalkNode, WalkOps, WalkOptions} from '../../../../src/upgrade/walk/types.ts'

export class FakeClock implements Clock {
  ms: number
  constructor(ms: number) { this.ms = ms }
  now() { return new Date(this.ms) }
  advance(ms: number) { this.ms += ms }
  async sleep(ms: number) { this.ms += ms }
}

export interface FakeNode {
  unschedulable: boolean
  ready: boolean
  version: string
  record?: NodeWalkRecord
  exists: boolean
  uid: string
  /** Order of creation (the pool's nodes come first). */
  created: number
}

export class Crash extends Error {}

export class FakePool {
  nodes = new Map<string, FakeNode>()
  drains: string[] = []
  hooks: string[] = []
  /** Every drain started on a node whose record already said drained (or later): must stay empty. */
  drainedTwice: string[] = []
  uncordoned: string[] = []
  writes = 0
  calls = 0
  /** Throw a Crash at this operation call (1-based); 0: never. */
  crashAt = 0
  hookExit = new Map<string, number>()
  drainMs = 60_000
  handOverMs = 5 * 60_000
  cordonedAtOnce = 0
  maxCordonedAtOnce = 0
  successors = new Map<string, string>()
  /** The replacement mode: a handed-over node is deleted by the "cloud", which adds a new node unless a free one stands ready. */
  replacing = false
  /** With replacing: the cloud makes a new node when it deletes one and no free new node stands ready (false: only the test adds nodes). */
  joinOnDelete = true
  /** A provider that surges: new nodes join when the walk waits for them (after a moment, so nodes walked at once all wait). */
  surging = true
  /** New nodes the "cloud" made, in order. */
  joined: string[] = []
  /** Each time waitSurge found too few new nodes and had to wait. */
  surgeWaits = 0
  /** Lanes inside waitSurge now. */
  private inSurge = 0
  /** Events of the pool in order: cordon, join, drain (to see what happened before what). */
  log: string[] = []
  /** The UIDs of the pool when the walk began (kept on the Lease in the real walk: it outlives a crash). */
  known: Set<string>
  /** Pods on a node that are not Ready when its soak time ends, by node. */
  unreadyPods = new Map<string, string[]>()
  /** Nodes that go not Ready during their soak time. */
  flapping = new Set<string>()
  /** Nodes handed over for replacement whose successors were not taken yet, name → UID (on the Lease in the real walk). */
  ledger = new Map<string, string>()
  /** The most nodes down at once, as the walk cordoned one: cordoned by the walk, plus known nodes gone without a successor Ready. */
  maxDown = 0

  clock: FakeClock
  target: string
  private made = 0
  constructor(clock: FakeClock, names: string[], target = '1.37') {
    this.clock = clock
    this.target = target
    for (const n of names) this.add(n, 'v1.36.4')
    this.known = new Set([...this.nodes.values()].map(n => n.uid))
  }

  add(name: string, version: string): FakeNode {
    const n: FakeNode = {unschedulable: false, ready: true, version, exists: true, uid: `uid-${name}-${this.made}`, created: this.made++}
    this.nodes.set(name, n)
    return n
  }

  /** The "cloud" adds a new node at the target to the pool. */
  join(name = `new-${this.joined.length}`): string {
    this.add(name, `v${this.target}.0`)
    this.joined.push(name)
    this.log.push(`join ${name}`)
    return name
  }

  /** What the command passes a resumed walk: the ledger's nodes whose successors are still owed. */
  owed(): string[] {
    return [...owedSuccessors(this.known, this.ledger, this.asNodes(), this.target).keys()]
  }

  /** The pool as the API server would list it. */
  asNodes(): Node[] {
    return [...this.nodes.entries()].filter(([, n]) => n.exists).map(([name, n]) => ({
      metadata: {name, uid: n.uid, creationTimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, n.created)).toISOString()},
      spec: {unschedulable: n.unschedulable},
      status: {conditions: [{type: 'Ready', status: n.ready ? 'True' : 'False'}], nodeInfo: {kubeletVersion: n.version}},
    }))
  }

  private tick(): void {
    this.calls++
    if (this.crashAt && this.calls === this.crashAt) throw new Crash(`crash at call ${this.calls}`)
  }

  private node(name: string): FakeNode {
    const n = this.nodes.get(name)
    if (!n) throw new Error(`no node ${name}`)
    return n
  }

  ops(): WalkOps {
    // As kubeWalkOps starts: new nodes that already stand in for nodes gone are taken.
    const taken = takenSuccessors(this.known, this.asNodes(), this.target)
    const successorOf = (name: string): HandOverResult => {
      let free = freeSuccessor(this.known, taken, this.asNodes(), this.target)
      if (!free && !this.joinOnDelete) return {ok: false, message: `no replacement of ${name} joined`}
      if (!free) { this.join(this.successors.get(name)); free = freeSuccessor(this.known, taken, this.asNodes(), this.target) }
      taken.add(free!.metadata.uid!)
      this.ledger.delete(name)
      const successor = free!.metadata.name!
      return {ok: true, node: successor, message: replacedMessage(name, successor)}
    }
    return {
      read: async name => {
        this.tick()
        const n = this.nodes.get(name)
        if (!n || !n.exists) return {name, exists: false, unschedulable: false, ready: false}
        const view: NodeView = {name, exists: true, unschedulable: n.unschedulable, ready: n.ready, kubeletVersion: n.version}
        if (n.record) view.record = {...n.record}
        return view
      },
      write: async (name, record, unschedulable) => {
        this.tick()
        const n = this.node(name)
        n.record = {...record}
        this.writes++
        if (unschedulable === true && !n.unschedulable) {
          n.unschedulable = true
          this.cordonedAtOnce++
          this.log.push(`cordon ${name}`)
          this.maxDown = Math.max(this.maxDown, this.cordonedAtOnce + Math.max(0, -poolStanding(this.known, this.asNodes(), this.target).spare))
        }
        if (unschedulable === false && n.unschedulable) { n.unschedulable = false; this.uncordoned.push(name); this.cordonedAtOnce-- }
        this.maxCordonedAtOnce = Math.max(this.maxCordonedAtOnce, this.cordonedAtOnce)
      },
      drain: async (name, emit) => {
        this.tick()
        const step = this.node(name).record?.step
        if (step && !['cordoned', 'draining'].includes(step)) this.drainedTwice.push(name)
        this.drains.push(name)
        this.log.push(`drain ${name}`)
        // As the real drain does on a node the walk cordoned.
        emit({time: this.clock.now().toISOString(), type: 'already-cordoned', node: name, message: `node ${name} was already cordoned`})
        emit({time: this.clock.now().toISOString(), type: 'evicted', node: name, pod: 'shop/web-1', message: 'evicted shop/web-1'})
        // Yield, so nodes walked at once overlap.
        await new Promise(r => setTimeout(r, 1))
        this.clock.advance(this.drainMs)
        return {node: name, status: 'drained', remaining: [], message: 'drained', cordonedByUs: false} satisfies DrainResult
      },
      handOver: async (name, emit): Promise<HandOverResult> => {
        this.tick()
        this.hooks.push(name)
        this.clock.advance(this.handOverMs)
        const exit = this.hookExit.get(name) ?? 0
        emit(`hook output for ${name}`)
        if (exit !== 0) return {ok: false, message: `the hook exited ${exit}`}
        if (this.replacing || this.successors.has(name)) {
          // Noted on the ledger, then the cloud deletes the node (the walk may stop right then);
          // a free new node takes its place, or the cloud makes one.
          const old = this.node(name)
          this.ledger.set(name, old.uid)
          old.exists = false
          if (old.unschedulable) this.cordonedAtOnce--
          this.tick()
          return successorOf(name)
        }
        this.node(name).version = `v${this.target}.1`
        return {ok: true, node: name, message: 'the hook exited 0'}
      },
      awaitSuccessor: async (old, emit) => {
        this.tick()
        if (!this.ledger.has(old)) return {ok: false, message: `${old} is not in the ledger`}
        emit(`waiting for a new node in place of ${old}`)
        this.clock.advance(this.handOverMs)
        return successorOf(old)
      },
      waitReady: async name => {
        this.tick()
        const n = this.node(name)
        return n.ready && n.version.startsWith(`v${this.target}`) ? {ok: true, message: 'Ready'} : {ok: false, message: `${name} did not become Ready at ${this.target}`}
      },
      soak: async (name, ms) => {
        this.tick()
        this.clock.advance(ms)
        if (this.flapping.has(name)) return {ok: false, message: `${name} went not Ready during the soak time`}
        const unready = this.unreadyPods.get(name) ?? []
        if (unready.length) return {ok: false, message: `after the soak time, ${unready.length} pods on ${name} are not Ready: ${unready.join(', ')}`}
        return {ok: true, message: 'stayed Ready for the soak time'}
      },
      waitSurge: async (count, emit) => {
        this.tick()
        if (poolStanding(this.known, this.asNodes(), this.target).spare < count) {
          this.surgeWaits++
          if (!this.surging) return {ok: false, message: `fewer than ${count} new nodes joined`}
          // The provider answers once every node the walk cordoned and has not drained yet waits for
          // room (the nodes walked at once), or after a bounded number of turns (a node cordoned
          // before the walk waits for nothing): the order of the lanes then does not decide how
          // many nodes join.
          this.inSurge++
          const cordonedUndrained = () => [...this.nodes.entries()].filter(([n, v]) => v.exists && v.unschedulable && !this.drains.includes(n)).length
          for (let turn = 0; turn < 1000 && this.inSurge < cordonedUndrained(); turn++) await new Promise(r => setImmediate(r))
          this.inSurge--
          while (poolStanding(this.known, this.asNodes(), this.target).spare < count) this.join()
          emit('the new nodes joined')
        }
        return {ok: true, message: `surge: ${count} new nodes Ready`}
      },
    }
  }
}

export function walkNodes(names: string[], zones: string[] = [], pods: number[] = []): WalkNode[] {
  return names.map((name, i) => ({name, ...(zones[i] ? {zone: zones[i]} : {}), podGraceSeconds: Array.from({length: pods[i] ?? 2}, () => 30)}))
}

export function walkOptions(pool: FakePool, over: Partial<WalkOptions> = {}): WalkOptions & {events: WalkEvent[]} {
  const events: WalkEvent[] = []
  return {
    pool: 'pool-a', walkId: 'w1', target: pool.target, nodes: walkNodes([...pool.nodes.keys()]), order: 'name', maxUnavailable: 1,
    soakMs: 0, readyTimeoutMs: 600_000, replace: false, dryRun: false, clock: pool.clock,
    emit: e => { events.push(e) }, events, ...over,
  }
}
