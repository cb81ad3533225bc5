import {setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'
import type {Kube} from './client.js'
import {ClusterError} from '../model/errors.js'
import type {KubeObject} from '../model/k8s.js'

export interface ListOptions<T = unknown> {
  labelSelector?: string
  fieldSelector?: string
  /** Page size (kubectl uses 500). */
  limit?: number
  /** Applied to each item as its page arrives, so whole pages are never all held at once. */
  map?: (item: T) => T
  signal?: AbortSignal
}

/** Items carry only apiVersion, kind and metadata (a PartialObjectMetadata each). */
export const METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json'

/** An object as a metadata-only list or watch returns it. */
export type PartialObjectMetadata = KubeObject

interface ListPage<T> {
  items?: T[]
  metadata?: {continue?: string; resourceVersion?: string}
}

/** Every item of a collection, and the resourceVersion the list was read at (to watch from). */
export interface Listed<T> {
  items: T[]
  resourceVersion: string
}

/**
 * Lists every item of a collection, page by page (limit/continue). When a continue token
 * expires (410 Gone), the list starts over, as client-go's pager does (tools/pager). Every
 * page of one list is read at the same resourceVersion, so the last page's is the list's.
 */
export async function list<T>(kube: Kube, path: string, opts: ListOptions<T> & {accept?: string} = {}): Promise<Listed<T>> {
  let pages = 0
  for (let restarts = 0; ; restarts++) {
    const items: T[] = []
    let token: string | undefined
    let resourceVersion = ''
    try {
      do {
        const query = {limit: opts.limit ?? 500, continue: token, labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector}
        const page = await kube.request<ListPage<T>>(path, {query, accept: opts.accept, signal: opts.signal})
        for (const item of page.items ?? []) items.push(opts.map ? opts.map(item) : item)
        token = page.metadata?.continue || undefined
        resourceVersion = page.metadata?.resourceVersion ?? resourceVersion
        if (token && ++pages % RECLAIM_EVERY === 0) reclaim()
      } while (token)
      return {items, resourceVersion}
    } catch (err) {
      if (err instanceof ClusterError && err.status === 410 && restarts < 2) continue
      throw err
    }
  }
}

/** Every item of a collection (see list()). */
export async function listAll<T>(kube: Kube, path: string, opts: ListOptions<T> = {}): Promise<T[]> {
  return (await list(kube, path, opts)).items
}

/**
 * Every item of a collection as metadata only: names, labels, owners, resourceVersions, at a
 * fraction of the bytes of full objects (the metadata client of client-go asks the same way).
 */
export async function listMetadata(kube: Kube, path: string, opts: ListOptions<PartialObjectMetadata> = {}): Promise<PartialObjectMetadata[]> {
  return (await list(kube, path, {...opts, accept: METADATA_LIST_ACCEPT})).items
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
