// The walk's progress as a tree: pool -> node -> pod. A pure projection of the walk's events
// (WalkEvent, DESIGN 3.5): the listr2 view (walk-listr.ts) draws it at a terminal, and tests
// read it. A node appears with its first event (a replacement node too, when it joins); a pod
// appears when the drain starts on it, with the PDB that keeps it waiting and for how long. The
// pool's line counts the nodes and says how long the maintenance window stays open.
import type {WalkEvent} from '../../model/reports/nodepool.js'
import {formatAge} from '../../model/age.js'
import type {MaintenanceWindow} from '../../upgrade/window.js'
import {successorNamed} from '../../upgrade/walk/surge.js'

export type LineState = 'waiting' | 'running' | 'done' | 'failed' | 'skipped'

export interface PodLine {
  pod: string
  state: LineState
  /** What is happening to it, after its name. */
  text: string
  /** Since when a PDB refuses its eviction (ms since the epoch). */
  blockedSince?: number
}

export interface NodeLine {
  node: string
  state: LineState
  /** Where the node stands: "draining", "waiting for Ready at 1.37", "done: Ready at 1.37". */
  step: string
  /** The last thing said about it (a hook's line, the replacements waited for). */
  detail?: string
  /** The node that took its place (its walk goes on there). */
  replacedBy?: string
  pods: PodLine[]
}

// Drain events that are about the node as a whole: shown as its last line.
const NODE_DETAIL = new Set(['pods-listed', 'waiting-replacements', 'replacements-ready', 'reconnecting', 'reconnected', 'pods-arrived', 'refused', 'cordoned', 'already-cordoned', 'drained'])

export class WalkTree {
  readonly pool: string
  readonly target: string
  state: LineState = 'running'
  /** The pool's last line (preflight, the window, why it stopped). */
  detail?: string
  readonly nodes: NodeLine[] = []

  constructor(pool: string, target: string) {
    this.pool = pool
    this.target = target
  }

  node(name: string): NodeLine {
    let n = this.nodes.find(l => l.node === name)
    if (!n) {
      n = {node: name, state: 'running', step: 'starting', pods: []}
      this.nodes.push(n)
    }
    return n
  }

  private pod(node: NodeLine, name: string): PodLine {
    let p = node.pods.find(l => l.pod === name)
    if (!p) {
      p = {pod: name, state: 'waiting', text: ''}
      node.pods.push(p)
    }
    return p
  }

  apply(e: WalkEvent): void {
    if (e.type === 'walk-done' || e.type === 'walk-failed' || e.type === 'walk-stopped') {
      this.state = e.type === 'walk-done' ? 'done' : e.type === 'walk-failed' ? 'failed' : 'skipped'
      this.detail = e.message
      return
    }
    if (!e.node || e.type === 'window-closing') { this.detail = e.message; return }
    const n = this.node(e.node)
    switch (e.type) {
      case 'node-skipped': n.state = 'skipped'; n.step = e.message; return
      case 'node-started': n.state = 'running'; n.step = 'starting'; return
      case 'cordoned': case 'already-cordoned': n.step = 'cordoned'; n.detail = e.message; return
      case 'draining': n.step = 'draining'; n.detail = undefined; return
      case 'drain': return this.applyDrain(n, e)
      case 'drained': n.step = e.message; n.detail = undefined; return
      case 'hand-over':
        // Surge comes before the drain; the rest after it.
        n.step = e.message.startsWith('surge:') ? 'waiting for new nodes (surge)' : 'handing over'
        if (!/^(surge: waiting for|waiting for the node to be replaced$|handing over)/.test(e.message)) n.detail = e.message
        return
      case 'handed-over': {
        const successor = successorNamed(e.message)
        if (successor) { n.state = 'done'; n.replacedBy = successor; n.step = `replaced by ${successor}`; n.detail = undefined } else n.detail = e.message
        return
      }
      case 'waiting-ready': n.step = `waiting for Ready at ${this.target}`; return
      case 'soaking': n.step = 'soaking'; n.detail = e.message; return
      case 'ready': case 'uncordoned': case 'left-cordoned': n.detail = e.message; return
      case 'node-done': n.state = 'done'; n.step = e.message; n.detail = undefined; return
      default: n.detail = e.message
    }
  }

  private applyDrain(n: NodeLine, e: WalkEvent): void {
    const kind = e.drain ?? ''
    if (!e.pod || NODE_DETAIL.has(kind)) {
      if (kind === 'failed') n.detail = e.message
      else if (kind !== 'drained') n.detail = e.message
      return
    }
    const p = this.pod(n, e.pod)
    const time = Date.parse(e.time)
    switch (kind) {
      case 'evicting': p.state = 'running'; p.text = 'evicting'; return
      case 'evicted': p.state = 'done'; p.text = 'evicted'; p.blockedSince = undefined; return
      case 'gone': p.state = 'done'; p.text = p.text === 'evicted' ? 'evicted, gone' : 'gone'; p.blockedSince = undefined; return
      case 'deleted': p.state = 'done'; p.text = e.message.replace(`deleted ${e.pod}`, 'deleted').trim(); p.blockedSince = undefined; return
      case 'blocked':
        p.state = 'running'
        p.text = e.message.replace(`${e.pod} waits: `, 'waits: ')
        p.blockedSince ??= Number.isNaN(time) ? undefined : time
        return
      case 'throttled': p.state = 'running'; p.text = 'throttled by the API server; retrying'; return
      case 'decided': p.text = `${p.text.replace(/; answered: .*$/, '')}; answered: ${e.message.replace(`${e.pod}: `, '')}`; return
      case 'misconfigured': case 'failed': p.state = 'failed'; p.text = e.message; p.blockedSince = undefined; return
      case 'pod-skipped':
        // A warning is about a pod that is evicted all the same.
        if (e.message.startsWith('warning:')) p.text = e.message
        else { p.state = 'skipped'; p.text = e.message.replace(`${e.pod} `, '') }
        return
      default: p.text = e.message
    }
  }

  /** At the end: what is still under way was cut short (the walk stopped, failed or was interrupted). */
  finish(why = 'stopped here'): void {
    if (this.state === 'running') { this.state = 'failed'; this.detail = 'stopped before the end' }
    for (const n of this.nodes) {
      for (const p of n.pods) if (p.state === 'running' || p.state === 'waiting') { p.state = 'failed'; p.blockedSince = undefined }
      if (n.state === 'running' || n.state === 'waiting') { n.state = 'failed'; n.detail = `${n.step}: ${why}` }
    }
  }

  poolTitle(now: Date, window?: MaintenanceWindow): string {
    // A node replaced is counted once, as its successor.
    const done = this.nodes.filter(n => n.state === 'done' && !n.replacedBy).length
    const running = this.nodes.filter(n => n.state === 'running').length
    const head = `pool ${this.pool} to ${this.target}`
    if (this.state !== 'running') return `${head}: ${this.detail ?? this.state}`
    const counts = `${done} done${running ? `, ${running} under way` : ''}`
    return `${head}: ${counts}${window ? ` · ${windowLeft(window, now)}` : ''}`
  }

  nodeTitle(n: NodeLine): string {
    return `${n.node}: ${n.step}`
  }

  podTitle(p: PodLine, now: Date): string {
    const waited = p.blockedSince !== undefined && p.state === 'running' ? ` (${formatAge(now.getTime() - p.blockedSince)})` : ''
    return `${p.pod}${p.text ? `: ${p.text}` : ''}${waited}`
  }
}

/** "window closes in 1h12m (05:00 UTC)", or that it is closed and when it opens. */
export function windowLeft(window: MaintenanceWindow, now: Date): string {
  const closes = window.closesAt(now)
  if (closes) return `window closes in ${formatAge(closes.getTime() - now.getTime())} (${closes.toISOString().slice(11, 16)} UTC)`
  const opens = window.nextOpening(now)
  return opens ? `window closed; opens in ${formatAge(opens.getTime() - now.getTime())}` : 'window closed'
}
