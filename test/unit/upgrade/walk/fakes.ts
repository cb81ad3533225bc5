// A pool in memory for the walk: nodes with their records, operations that count what they do,
// and a clock that moves only when told (or when something sleeps on it).
import type {Clock} from '../../../../src/model/clock.ts'
import type {NodeWalkRecord} from '../../../../src/kube/journal.ts'
import type {DrainResult} from '../../../../src/upgrade/drain/types.ts'
import type {WalkEvent} from '../../../../src/model/reports/nodepool.ts'
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

  clock: FakeClock
  target: string
  constructor(clock: FakeClock, names: string[], target = '1.37') {
    this.clock = clock
    this.target = target
    for (const n of names) this.nodes.set(n, {unschedulable: false, ready: true, version: 'v1.36.4', exists: true})
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
        if (unschedulable === true && !n.unschedulable) { n.unschedulable = true; this.cordonedAtOnce++ }
        if (unschedulable === false && n.unschedulable) { n.unschedulable = false; this.uncordoned.push(name); this.cordonedAtOnce-- }
        this.maxCordonedAtOnce = Math.max(this.maxCordonedAtOnce, this.cordonedAtOnce)
      },
      drain: async (name, emit) => {
        this.tick()
        const step = this.node(name).record?.step
        if (step && !['cordoned', 'draining'].includes(step)) this.drainedTwice.push(name)
        this.drains.push(name)
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
        const successor = this.successors.get(name)
        if (successor) {
          this.node(name).exists = false
          this.nodes.set(successor, {unschedulable: false, ready: true, version: `v${this.target}.0`, exists: true})
          return {ok: true, node: successor, message: `replaced by ${successor}`}
        }
        this.node(name).version = `v${this.target}.1`
        return {ok: true, node: name, message: 'the hook exited 0'}
      },
      waitReady: async name => {
        this.tick()
        const n = this.node(name)
        return n.ready && n.version.startsWith(`v${this.target}`) ? {ok: true, message: 'Ready'} : {ok: false, message: `${name} did not become Ready at ${this.target}`}
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
