// Which nodes of a pool are new, for the replacement hand-over and for surge. A node is new when
// the walk has not seen it before: it was not among the pool's nodes when the walk began, by UID
// (a machine that comes back under a reused name is a new node). That set is kept on the pool's
// Lease, so a walk resumed on another machine counts exactly as the first one did.
//
// Surge (`--surge N` with `--replace`): before the walk drains a node, N new nodes Ready at the
// target must stand in the pool beyond the successors of the pool's nodes already gone:
// spare = new nodes Ready at the target - known nodes no longer in the pool >= N. The count is
// read from the cluster each time, so a resumed walk does not wait again for nodes that joined
// before it stopped, and a node replaced since uses up one of them.
//
// The ledger: with --replace, each node handed over is noted on the Lease (name and UID) until its
// successor is taken. A walk stopped after the cloud deleted a node but before its successor
// joined finds the node in no list when resumed; the ledger names it, and the walk waits for that
// successor (and for it to be Ready) before it takes another node down. A ledger entry is owed
// only while the pool is short: new nodes Ready at the target fewer than the known nodes gone.
import type {Node} from '../../model/k8s.js'
import {isNodeReadyNow} from './inventory.js'
import {isAtTarget} from './machine.js'

/** Lease annotation: the UIDs of the pool's nodes when the walk began. */
export const KNOWN_NODES_ANNOTATION = 'kubectl-prod.io/walk-nodes'

export function encodeKnownNodes(nodes: Node[]): string {
  return nodes.map(n => n.metadata.uid ?? '').filter(Boolean).sort().join(',')
}

/** The UIDs an annotation holds; undefined when there is none. */
export function decodeKnownNodes(text: string | undefined): Set<string> | undefined {
  if (text === undefined) return undefined
  return new Set(text.split(',').map(s => s.trim()).filter(Boolean))
}

const isReadyAt = (n: Node, target: string) => isNodeReadyNow(n) && isAtTarget(n.status?.nodeInfo?.kubeletVersion, target)
const byAge = (a: Node, b: Node) =>
  (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '')

export interface PoolStanding {
  /** New nodes Ready at the target, oldest first. */
  joined: Node[]
  /** Known nodes that are no longer in the pool (each has used up one new node). */
  gone: number
  /** New nodes beyond the successors of the nodes gone: joined - gone. */
  spare: number
}

export function poolStanding(known: ReadonlySet<string>, nodes: Iterable<Node>, target: string): PoolStanding {
  const present = new Set<string>()
  const joined: Node[] = []
  for (const n of nodes) {
    const uid = n.metadata.uid ?? ''
    present.add(uid)
    if (!known.has(uid) && !n.metadata.deletionTimestamp && isReadyAt(n, target)) joined.push(n)
  }
  let gone = 0
  for (const uid of known) if (!present.has(uid)) gone++
  joined.sort(byAge)
  return {joined, gone, spare: joined.length - gone}
}

/**
 * The new nodes that already stand in for known nodes gone, when a walk starts or resumes: the
 * oldest, one per node gone. A replacement is looked for among the others.
 */
export function takenSuccessors(known: ReadonlySet<string>, nodes: Iterable<Node>, target: string): Set<string> {
  const s = poolStanding(known, nodes, target)
  return new Set(s.joined.slice(0, Math.max(0, s.gone)).map(n => n.metadata.uid ?? ''))
}

/** The oldest new node Ready at the target that no node has taken as its successor yet. */
export function freeSuccessor(known: ReadonlySet<string>, taken: ReadonlySet<string>, nodes: Iterable<Node>, target: string): Node | undefined {
  return poolStanding(known, nodes, target).joined.find(n => !taken.has(n.metadata.uid ?? ''))
}

/** The hand-over's line when a node took another's place (the walk of the old node ends there). */
export function replacedMessage(old: string, successor: string): string {
  return `${old} was replaced by ${successor}`
}

/** The successor a hand-over line names, when it is replacedMessage's. */
export function successorNamed(message: string): string | undefined {
  return /^\S+ was replaced by (\S+)$/.exec(message)?.[1]
}

/** Lease annotation: nodes handed over for replacement whose successor was not yet taken, as name=uid. */
export const REPLACING_ANNOTATION = 'kubectl-prod.io/walk-replacing'

export function encodeLedger(entries: ReadonlyMap<string, string>): string {
  return [...entries].sort(([a], [b]) => a.localeCompare(b)).map(([name, uid]) => `${name}=${uid}`).join(',')
}

/** name → UID; entries that do not read as name=uid are dropped. */
export function decodeLedger(text: string | undefined): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of (text ?? '').split(',')) {
    const m = /^\s*([^=\s]+)=([^=\s]+)\s*$/.exec(part)
    if (m) out.set(m[1]!, m[2]!)
  }
  return out
}

/**
 * The ledger's nodes whose successors are still owed when a walk starts or resumes: those gone from
 * the pool, as many as the pool is short (known nodes gone beyond the new nodes Ready at the
 * target), by name. The others have a successor standing, or are still in the pool with their own
 * record.
 */
export function owedSuccessors(known: ReadonlySet<string>, ledger: ReadonlyMap<string, string>, nodes: Iterable<Node>, target: string): Map<string, string> {
  const list = [...nodes]
  const present = new Set(list.map(n => n.metadata.uid ?? ''))
  const short = Math.max(0, -poolStanding(known, list, target).spare)
  const gone = [...ledger].filter(([, uid]) => !present.has(uid)).sort(([a], [b]) => a.localeCompare(b))
  return new Map(gone.slice(0, short))
}
