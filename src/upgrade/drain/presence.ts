// Which pods are still bound to the node, kept from a list-then-watch of its pods. The drain
// asks it whether the pods it evicted are gone, by UID: a pod recreated under the same name (a
// StatefulSet's) is another pod (kubernetes/kubernetes#34782). Nothing polls: each answer comes
// from the events as they arrive.
import type {Pod} from '../../model/k8s.js'

/** The events of a list-then-watch (src/kube/watch.ts ListWatchEvent), as this tracker reads them. */
export type PresenceEvent = {type: 'SYNC'; items: Pod[]} | {type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: Pod}

export class PodPresence {
  private readonly present = new Map<string, Pod>()
  private waiters: (() => void)[] = []
  private synced = false
  private failure: unknown
  private ended = false

  constructor(events: AsyncIterable<PresenceEvent>) {
    void this.consume(events)
  }

  private async consume(events: AsyncIterable<PresenceEvent>): Promise<void> {
    try {
      for await (const e of events) {
        if (e.type === 'SYNC') {
          this.present.clear()
          for (const p of e.items) if (p.metadata.uid) this.present.set(p.metadata.uid, p)
          this.synced = true
        } else if (e.type === 'BOOKMARK') {
          continue
        } else if (e.object.metadata.uid) {
          if (e.type === 'DELETED') this.present.delete(e.object.metadata.uid)
          else this.present.set(e.object.metadata.uid, e.object)
        }
        this.notify()
      }
    } catch (err) {
      this.failure = err
    }
    this.ended = true
    this.notify()
  }

  private notify(): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }

  /** The pod with this UID as last seen on the node, or undefined once it is gone. */
  get(uid: string): Pod | undefined {
    return this.present.get(uid)
  }

  /** True once the first list has arrived. */
  get ready(): boolean {
    return this.synced
  }

  /** Resolves at the next change (or when the watch ends); rejects when the watch failed. */
  nextChange(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    if (this.ended) return new Promise(() => undefined)
    return new Promise<void>(resolve => this.waiters.push(resolve)).then(() => {
      if (this.failure) throw this.failure
    })
  }
}
