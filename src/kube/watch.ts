// Watches: a collection's changes as a stream of events, read line by line as the server
// writes them (newline-delimited JSON over one long GET). The rules are client-go's: the
// watch resumes from the last resourceVersion it saw when the server ends the stream
// (tools/cache/reflector.go, tools/watch/retrywatcher.go); a resourceVersion the server no
// longer has (410 Gone, reason Expired) means the caller must list again.
import type {Kube, KubeStream} from './client.js'
import {toClusterError, type Status} from './http-errors.js'
import {list, METADATA_LIST_ACCEPT, type ListOptions} from './list.js'
import {ClusterError} from '../model/errors.js'
import type {KubeObject} from '../model/k8s.js'

export type ObjectEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'

/** A change. A BOOKMARK's object carries only a kind and metadata.resourceVersion. */
export interface ObjectEvent<T> {
  type: ObjectEventType
  object: T
}

/** The last event of a watch whose resourceVersion is gone: list again, then watch from the list. */
export interface ResyncEvent {
  type: 'RESYNC'
  reason: string
}

export type WatchEvent<T> = ObjectEvent<T> | ResyncEvent

export interface WatchOptions {
  /** Where to start: a list's resourceVersion. Without it the server first sends every existing object as ADDED. */
  resourceVersion?: string
  labelSelector?: string
  fieldSelector?: string
  /** Periodic BOOKMARK events that move the resourceVersion on while nothing changes (default true). */
  allowWatchBookmarks?: boolean
  /** How long the server keeps one connection open before ending it (default 300; 0 lets the server pick 30 to 60 minutes); the watch then reopens. */
  timeoutSeconds?: number
  /** Objects as metadata only (PartialObjectMetadata). */
  metadataOnly?: boolean
  /** Ends the watch quietly. */
  signal?: AbortSignal
}

const METADATA_WATCH_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json'

// A connection the server should have ended by now is presumed dead (a half-open TCP
// connection never ends by itself); it is closed and the watch reopens.
const DEAD_AFTER_EXTRA_MS = 30_000

// client-go's reflector backs off when a watch closes within a second having sent nothing
// ("very short watch"): 800 ms doubling to 30 s.
const SHORT_WATCH_MS = 1000
const BACKOFF_FIRST_MS = 800
const BACKOFF_MAX_MS = 30_000

/**
 * The events of a collection (path without ?watch), from opts.resourceVersion on. The server
 * closing the stream is not an end: the watch reopens from the last resourceVersion seen (an
 * object's or a BOOKMARK's). It ends when the signal aborts (quietly), after a RESYNC event
 * (410), or by throwing a ClusterError (another ERROR event, or a request that fails for good).
 */
export async function* watch<T extends KubeObject = KubeObject>(kube: Kube, path: string, opts: WatchOptions = {}): AsyncGenerator<WatchEvent<T>, void, undefined> {
  const {signal} = opts
  const timeoutSeconds = opts.timeoutSeconds ?? 300
  let resourceVersion = opts.resourceVersion
  let backoff = BACKOFF_FIRST_MS
  while (!signal?.aborted) {
    const opened = Date.now()
    let stream: KubeStream
    try {
      stream = await kube.stream(path, {
        query: {
          watch: true, resourceVersion, timeoutSeconds,
          allowWatchBookmarks: opts.allowWatchBookmarks ?? true,
          labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector,
        },
        accept: opts.metadataOnly ? METADATA_WATCH_ACCEPT : undefined,
        signal,
      })
    } catch (err) {
      if (signal?.aborted) return
      if (err instanceof ClusterError && err.status === 410) { yield {type: 'RESYNC', reason: err.message}; return }
      throw err
    }
    let received = 0
    const dead = timeoutSeconds > 0 ? setTimeout(() => stream.close(), timeoutSeconds * 1000 + DEAD_AFTER_EXTRA_MS) : undefined
    try {
      const lines = splitLines(stream.chunks)[Symbol.asyncIterator]()
      for (;;) {
        let next: IteratorResult<string>
        try {
          next = await lines.next()
        } catch {
          // A broken connection ends this stream as a close does: reopen from where it got to.
          break
        }
        if (next.done) break
        const event = parseEvent(next.value)
        // Half a line from a cut connection: reopen from the last whole event.
        if (!event) break
        if (event.type === 'ERROR') {
          const status = event.object as Status
          if (isExpired(status)) { yield {type: 'RESYNC', reason: status.message ?? 'resourceVersion expired'}; return }
          // retrywatcher.go reopens after these two; anything else is the caller's to see.
          if (status.code === 500 || status.code === 504) break
          throw toClusterError({status: status.code, body: status}, {method: 'GET', path, server: kube.server})
        }
        received++
        resourceVersion = (event.object as KubeObject).metadata?.resourceVersion || resourceVersion
        yield event as ObjectEvent<T>
      }
    } finally {
      clearTimeout(dead)
      stream.close()
    }
    if (signal?.aborted) return
    if (received === 0 && Date.now() - opened < SHORT_WATCH_MS) {
      if (!await pause(backoff, signal)) return
      backoff = Math.min(backoff * 2, BACKOFF_MAX_MS)
    } else {
      backoff = BACKOFF_FIRST_MS
    }
  }
}

/** A whole list, and then its changes. */
export type ListWatchEvent<T> = {type: 'SYNC'; items: T[]; resourceVersion: string} | ObjectEvent<T>

/**
 * Lists the collection (SYNC: the caller replaces what it holds with `items`), then watches
 * from the list's resourceVersion; when that expires (410) it lists again and emits a new SYNC,
 * as client-go's reflector relists. Ends quietly when the signal aborts.
 */
export async function* listAndWatch<T extends KubeObject = KubeObject>(kube: Kube, path: string, opts: Omit<WatchOptions, 'resourceVersion'> & Pick<ListOptions<T>, 'limit'> = {}): AsyncGenerator<ListWatchEvent<T>, void, undefined> {
  const {signal} = opts
  while (!signal?.aborted) {
    let listed
    try {
      listed = await list<T>(kube, path, {
        labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector, limit: opts.limit, signal,
        accept: opts.metadataOnly ? METADATA_LIST_ACCEPT : undefined,
      })
    } catch (err) {
      if (signal?.aborted) return
      throw err
    }
    yield {type: 'SYNC', items: listed.items, resourceVersion: listed.resourceVersion}
    let expired = false
    for await (const event of watch<T>(kube, path, {...opts, resourceVersion: listed.resourceVersion})) {
      if (event.type === 'RESYNC') { expired = true; break }
      yield event
    }
    if (!expired) return
  }
}

/** apimachinery errors.IsResourceExpired / IsGone: the resourceVersion is older than what etcd keeps. */
function isExpired(status: Status): boolean {
  return status.code === 410 || status.reason === 'Expired' || status.reason === 'Gone'
}

function parseEvent(line: string): {type: ObjectEventType | 'ERROR'; object: unknown} | undefined {
  try {
    const e = JSON.parse(line) as {type?: unknown; object?: unknown}
    return typeof e.type === 'string' && typeof e.object === 'object' && e.object !== null ? e as {type: ObjectEventType | 'ERROR'; object: unknown} : undefined
  } catch {
    return undefined
  }
}

/** Whole lines of text however the chunks cut them (a line may span many chunks, a chunk many lines). */
export async function* splitLines(chunks: AsyncIterable<string>): AsyncGenerator<string, void, undefined> {
  // Each chunk is scanned once; only the unfinished tail of the last line is carried over.
  let partial = ''
  for await (const chunk of chunks) {
    let start = 0
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      const line = partial + chunk.slice(start, nl)
      partial = ''
      start = nl + 1
      if (line.trim() !== '') yield line
    }
    partial += chunk.slice(start)
  }
  if (partial.trim() !== '') yield partial
}

/** Waits ms; false when the signal aborted first. */
export function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise(resolve => {
    if (signal?.aborted) return resolve(false)
    const done = (ok: boolean) => { clearTimeout(timer); signal?.removeEventListener('abort', onAbort); resolve(ok) }
    const onAbort = () => done(false)
    const timer = setTimeout(() => done(true), ms)
    signal?.addEventListener('abort', onAbort, {once: true})
  })
}
