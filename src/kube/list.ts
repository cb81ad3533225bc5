import {setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'
import type {Kube} from './client.js'
import {ClusterError} from '../model/errors.js'

export interface ListOptions<T = unknown> {
  labelSelector?: string
  fieldSelector?: string
  /** Page size (kubectl uses 500). */
  limit?: number
  /** Applied to each item as its page arrives, so whole pages are never all held at once. */
  map?: (item: T) => T
}

interface ListPage<T> {
  items?: T[]
  metadata?: {continue?: string; resourceVersion?: string}
}

/**
 * Lists every item of a collection, page by page (limit/continue). When a continue token
 * expires (410 Gone), the list starts over, as client-go's pager does.
 */
export async function listAll<T>(kube: Kube, path: string, opts: ListOptions<T> = {}): Promise<T[]> {
  let pages = 0
  for (let restarts = 0; ; restarts++) {
    const items: T[] = []
    let token: string | undefined
    try {
      do {
        const page = await kube.get<ListPage<T>>(path, {limit: opts.limit ?? 500, continue: token, labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector})
        for (const item of page.items ?? []) items.push(opts.map ? opts.map(item) : item)
        token = page.metadata?.continue || undefined
        if (token && ++pages % RECLAIM_EVERY === 0) reclaim()
      } while (token)
      return items
    } catch (err) {
      if (err instanceof ClusterError && err.status === 410 && restarts < 2) continue
      throw err
    }
  }
}

// Each page arrives as a megabyte or two of text that is parsed and mostly dropped. V8 puts
// such large strings straight into old space and collects them only at a major GC, which it
// postpones while the heap is far from its limit, so a 20,000-pod list left hundreds of
// megabytes of dead pages behind. A full collection every few pages keeps the peak nearer to
// what is really kept (at 20,000 pods it cost no measurable time).
const RECLAIM_EVERY = 2
let collect: (() => void) | null | undefined
function reclaim(): void {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc')
      collect = runInNewContext('gc') as () => void
    } catch {
      collect = null
    }
  }
  collect?.()
}
