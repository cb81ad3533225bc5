import {getHeapSpaceStatistics, setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'
import {setTimeout as sleep} from 'node:timers/promises'
import type {Kube, KubeStream} from './client.js'
import {isRetryable, toClusterError} from './http-errors.js'
import {ClusterError} from '../model/errors.js'
import type {KubeObject} from '../model/k8s.js'

export interface ListOptions<T = unknown> {
  labelSelector?: string
  fieldSelector?: string
  /** Page size (kubectl uses 500). */
  limit?: number
  /** Applied to each item as it arrives, so whole pages are never all held at once. */
  map?: (item: T) => T
  /**
   * Items come with metadata.managedFields empty: the field-ownership records are a third or
   * more of most objects and are then never parsed. For callers that do not read them.
   */
  skipManagedFields?: boolean
  /**
   * Items keep their managedFields entries, each with its fieldsV1 tree cut to what
   * holdsLastApplied reads: the path to the last-applied annotation when the entry holds it, {}
   * otherwise (see withLeanFieldsV1). For callers that read who wrote an object, not which fields.
   */
  leanFieldsV1?: boolean
  /** How long a page's body may go without a byte before its connection is taken for dead (default 60 s). */
  stallMs?: number
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
 *
 * Pages are pipelined: a List's metadata (and so its continue token) comes before its items,
 * so the next page is asked for as soon as the start of the current one has arrived, and the
 * server prepares it while this one is received and parsed. At most two requests of one list
 * are open at a time. Each item is parsed (and mapped) as soon as its text is complete.
 */
export async function list<T>(kube: Kube, path: string, opts: ListOptions<T> & {accept?: string} = {}): Promise<Listed<T>> {
  for (let restarts = 0; ; restarts++) {
    const items: T[] = []
    let resourceVersion = ''
    let next: PageRequest | undefined = openPage(kube, path, opts, undefined)
    // The page after the one being read, asked for as soon as its token shows (see readPage).
    let early: PageRequest | undefined
    try {
      while (next) {
        const current: PageRequest = next
        early = undefined
        const page = await readPage(kube, path, opts, current, token => { early = openPage(kube, path, opts, token) })
        const token = page.metadata?.continue || undefined
        next = early as PageRequest | undefined
        early = undefined
        // The parsed token is the one that counts: a page asked for on a wrong reading is dropped.
        if (next?.token !== token) {
          if (next) discard(next)
          next = token ? openPage(kube, path, opts, token) : undefined
        }
        for (const item of page.items) items.push(item)
        resourceVersion = page.metadata?.resourceVersion ?? resourceVersion
        if (token) keepMemoryDown()
      }
      return {items, resourceVersion}
    } catch (err) {
      // Whatever is still open of this attempt is closed (closing twice is harmless).
      for (const p of [early, next] as (PageRequest | undefined)[]) if (p) discard(p)
      if (err instanceof ClusterError && err.status === 410 && restarts < 2) continue
      throw err
    }
  }
}

/** One page asked for: the continue token it was asked with, and the response on its way. */
interface PageRequest {
  token: string | undefined
  response: Promise<KubeStream>
}

function openPage<T>(kube: Kube, path: string, opts: ListOptions<T> & {accept?: string}, token: string | undefined): PageRequest {
  const query = {limit: opts.limit ?? 500, continue: token, labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector}
  const response = kube.stream(path, {query, accept: opts.accept, signal: opts.signal})
  // Awaited later, or never when the list fails first: its failure must not go unhandled meanwhile.
  response.catch(() => undefined)
  return {token, response}
}

function discard(page: PageRequest): void {
  page.response.then(s => s.close(), () => undefined)
}

// A broken connection in the middle of a body is asked again, as request() does for a whole page.
const BODY_ATTEMPTS = 3
// The client's deadline ends with a stream's headers; a body that stops coming is cut here
// (a page of 500 takes well under a second to arrive).
const BODY_STALL_MS = 60_000

/**
 * One page: its items (mapped) and metadata. `early` receives the page's continue token as
 * soon as the start of the body shows it (at most once, and never an empty one).
 */
async function readPage<T>(kube: Kube, path: string, opts: ListOptions<T>, page: PageRequest, early: (token: string) => void): Promise<{items: T[]; metadata: ListPage<T>['metadata']}> {
  let announced = false
  attempts: for (let attempt = 1; ; attempt++) {
    const stream = await page.response
    const items: T[] = []
    const body = new ListBody(text => {
      const item = JSON.parse(text) as T
      items.push(opts.map ? opts.map(item) : item)
    }, opts)
    const chunks = stream.chunks[Symbol.asyncIterator]()
    const stallMs = opts.stallMs ?? BODY_STALL_MS
    let stalled = false
    const watchdog = setTimeout(() => { stalled = true; stream.close() }, stallMs)
    for (;;) {
      let chunk: IteratorResult<string>
      try {
        chunk = await chunks.next()
        watchdog.refresh()
      } catch (err) {
        // The connection broke, went silent, or was cancelled in the middle of the body.
        clearTimeout(watchdog)
        stream.close()
        if (opts.signal?.aborted) throw opts.signal.reason
        if ((err as Error).name === 'AbortError' && !stalled) throw err
        const failure = {error: stalled ? Object.assign(new Error(`no data for ${stallMs / 1000}s in the middle of a page`), {code: 'ETIMEDOUT'}) : err as NodeJS.ErrnoException}
        if (attempt >= BODY_ATTEMPTS || !isRetryable(failure, 'GET')) throw toClusterError(failure, {method: 'GET', path, server: kube.server})
        await sleep(200 * 2 ** (attempt - 1), undefined, {signal: opts.signal})
        page = openPage(kube, path, opts, page.token)
        continue attempts
      }
      if (chunk.done) break
      unreclaimed += chunk.value.length
      try {
        body.push(chunk.value)
      } catch (err) {
        // Not JSON, or a map that throws: the rest of the body is not wanted.
        clearTimeout(watchdog)
        stream.close()
        throw err
      }
      if (!announced && body.token !== undefined) {
        announced = true
        if (body.token) early(body.token)
      }
    }
    clearTimeout(watchdog)
    const rest = body.end() as ListPage<T>
    // A body the item scan could not follow was parsed whole: its items are mapped here.
    for (const item of rest.items ?? []) items.push(opts.map ? opts.map(item) : item)
    return {items, metadata: rest.metadata}
  }
}

// The metadata of a List is a few hundred characters; past this without the items having
// begun, the body is read whole and parsed at its end.
const HEAD_CHARS = 64 * 1024
const ITEMS = '"items":['
// The longest text a key looked for takes: "managedFields":[
const KEY_CHARS = 20
const QUOTE = 34, BACKSLASH = 92, COLON = 58, COMMA = 44, SPACE = 32, OPEN_BRACE = 123, OPEN_BRACKET = 91, CLOSE_BRACE = 125, CLOSE_BRACKET = 93

/**
 * A List body read as it arrives (the API server writes `{"kind":..,"metadata":{..},"items":[..]}`):
 * each item's text is handed over as soon as it is complete, so a page is never held whole, as
 * a string or as objects, and what is dropped of each item dies young (cheap to collect). The
 * rest (kind, metadata) is parsed at the end, without the items. A body shaped otherwise
 * (whitespace, items first) is read whole and parsed at the end.
 *
 * Items are found in one of two ways. Items of built-in kinds begin with their metadata, and
 * the text `},{"metadata":{` can only be the end of an object followed by an object whose
 * first key is metadata (a quote inside a string is escaped), so the next one is taken for the
 * end of the item, and the whole item for its text: when it is not (a StatefulSet's claim
 * templates), that text is not JSON, `onItem` throws a SyntaxError, and the rest of the body
 * is read the other way: character by character, following strings and nesting. That is
 * exact for any body, and the only way for items of other shapes.
 */
export class ListBody {
  /** The continue token as the start of the body shows it ('' for none), once the items have begun. */
  token: string | undefined
  private state: 'head' | 'fast' | 'items' | 'tail' | 'whole' = 'head'
  /** In 'fast': the text from the start of the next item (or the comma before it). */
  private pending = ''
  /** In 'fast': where the search for the end of the current item resumes in `pending`. */
  private searched = 0
  /** Before the items: the text so far; then the text before "items"; in 'whole', everything. */
  private text = ''
  private tail = ''
  // The scan of the items array: nesting inside the current item, inside a string, the string's
  // last character a backslash (at a chunk's end), the current item's text from earlier chunks.
  private depth = 0
  private inString = false
  private escaped = false
  private partial = ''
  // Skipping metadata.managedFields: the last key of the item was "metadata", the object open at
  // depth 2 is the item's metadata, the depth of the array being skipped (0: none).
  private metadataKey = false
  private inMetadata = false
  private skipping = 0
  /** The end of the previous chunk, from the quote of a key that may be one looked for. */
  private carry = ''
  private readonly onItem: (text: string) => void
  private readonly skipManagedFields: boolean
  private readonly leanFieldsV1: boolean
  /** The start every item has, once the first is seen (FAST_START or META_START), and the text that ends one item and begins the next. */
  private prefix: string | undefined
  private fastEnd = ''

  /**
   * `onItem` gets each item's text. It may throw a SyntaxError for a text that is not JSON: that
   * item is then found again the exact way and handed over once more; thrown again, it stands.
   */
  constructor(onItem: (text: string) => void, opts: {skipManagedFields?: boolean; leanFieldsV1?: boolean} = {}) {
    this.onItem = onItem
    this.skipManagedFields = opts.skipManagedFields ?? false
    this.leanFieldsV1 = !this.skipManagedFields && (opts.leanFieldsV1 ?? false)
  }

  push(chunk: string): void {
    if (this.state === 'fast') {
      this.pending += chunk
      return this.fast(false)
    }
    if (this.state === 'items') {
      const c = this.carry + chunk
      this.carry = ''
      return this.scan(c, 0)
    }
    if (this.state === 'tail') { this.tail += chunk; return }
    this.text += chunk
    if (this.state === 'whole') return
    const at = this.text.indexOf(ITEMS)
    if (at < 0) {
      if (this.text.length > HEAD_CHARS) { this.state = 'whole'; this.token = '' }
      return
    }
    const head = this.text
    this.text = head.slice(0, at)
    this.token = continueToken(head.slice(0, at + ITEMS.length))
    this.state = 'fast'
    this.pending = head.slice(at + ITEMS.length)
    this.fast(false)
  }

  /** The body without its items (or whole, when it was read whole), parsed. */
  end(): unknown {
    if (this.state === 'fast') this.fast(true)
    if (this.state === 'whole' || this.state === 'head') return JSON.parse(this.text)
    if (this.state === 'items') throw new SyntaxError('the list ended inside its items')
    return JSON.parse(this.text + ITEMS + this.tail)
  }

  /**
   * Hands over the complete items at the start of `pending`, found the fast way (see the class).
   * At the end of the body, the last item is the text before the closing `]}`. Anything else
   * (another first key, whitespace, an item that is not JSON) goes to the exact scan.
   */
  private fast(ending: boolean): void {
    for (;;) {
      let text = this.pending
      let at = 0
      while (text.charCodeAt(at) === COMMA) at++
      if (at > 0) { text = text.slice(at); this.pending = text; this.searched = Math.max(0, this.searched - at) }
      if (text.length === 0 && !ending) return
      if (text.charCodeAt(0) === CLOSE_BRACKET) { this.state = 'tail'; this.tail = text; this.pending = ''; return }
      if (this.prefix === undefined) {
        const prefix = text.startsWith(FAST_START) ? FAST_START : text.startsWith(META_START) ? META_START : undefined
        if (!prefix) {
          // The start of an item so far: its first key is yet to come.
          if (!ending && (FAST_START.startsWith(text) || META_START.startsWith(text))) return
          return this.exact()
        }
        this.prefix = prefix
        this.fastEnd = `},${prefix}`
      }
      const prefix = this.prefix
      if (!text.startsWith(prefix)) {
        if (text.length < prefix.length && prefix.startsWith(text) && !ending) return
        return this.exact()
      }
      let end = text.indexOf(this.fastEnd, Math.max(1, this.searched))
      if (end < 0) {
        if (ending && (text.endsWith(FAST_LAST) || text.endsWith(FAST_LAST + '\n'))) end = text.lastIndexOf(FAST_LAST)
        else if (ending || text.length > FAST_MAX_CHARS) return this.exact()
        else { this.searched = Math.max(1, text.length - this.fastEnd.length + 1); return }
      }
      const item = this.skipManagedFields ? withoutManagedFields(text, end + 1, prefix.length)
        : this.leanFieldsV1 ? withLeanFieldsV1(text, end + 1, prefix.length)
        : text.slice(0, end + 1)
      if (item === undefined) return this.exact()
      try {
        this.onItem(item)
      } catch (err) {
        if (err instanceof SyntaxError) return this.exact()
        throw err
      }
      this.pending = text.slice(end + 1)
      this.searched = 0
    }
  }

  /** From the start of the current item on, the exact scan. */
  private exact(): void {
    const rest = this.pending
    this.pending = ''
    this.state = 'items'
    this.scan(rest, 0)
  }

  private scan(c: string, from: number): void {
    const n = c.length
    let i = from
    // The hot loop works on locals, written back whenever it leaves.
    let depth = this.depth
    let skipping = this.skipping
    let inMetadata = this.inMetadata
    let metadataKey = this.metadataKey
    const watching = this.skipManagedFields
    // Where the current item's text resumes in this chunk (-1: between items, skipping, or done).
    let start = depth > 0 && !skipping ? from : -1
    if (this.inString) {
      const j = this.closeString(c, from)
      if (j < 0) { if (start >= 0) this.partial += c.slice(start); return }
      // Too long to be a key looked for (those are carried over whole, see below).
      if (depth === 1) metadataKey = false
      i = j + 1
    }
    for (; i < n; i++) {
      const ch = c.charCodeAt(i)
      if (ch === QUOTE) {
        if (depth === 0) throw new SyntaxError('a list item that is not an object')
        // Most strings hold no escape: one search finds their end.
        let j = c.indexOf('"', i + 1)
        if (j < 0 || c.charCodeAt(j - 1) === BACKSLASH) j = this.closeString(c, i + 1)
        const watch = watching && !skipping && depth <= 2
        if (j < 0 || j + 2 >= n) {
          // A key looked for, cut by the chunk's end: read again from its quote with the next chunk.
          if (watch && n - i <= KEY_CHARS) {
            this.inString = false
            this.escaped = false
            if (start >= 0) this.partial += c.slice(start, i)
            this.carry = c.slice(i)
            start = -1
            break
          }
          if (j < 0) break
        }
        if (watch) {
          // A key is followed by a colon (the API server writes no whitespace).
          const key = c.charCodeAt(j + 1) === COLON
          if (depth === 1) {
            metadataKey = key && j - i === 9 && c.startsWith('metadata', i + 1)
          } else if (inMetadata && key && j - i === 14 && c.startsWith('managedFields', i + 1) && c.charCodeAt(j + 2) === OPEN_BRACKET) {
            // Kept as "managedFields":[] : the array's content is skipped.
            this.partial += c.slice(start, j + 3)
            start = -1
            skipping = ++depth
            i = j + 2
            continue
          }
        }
        i = j
      } else if (ch === OPEN_BRACE || ch === OPEN_BRACKET) {
        if (depth === 1) inMetadata = metadataKey && ch === OPEN_BRACE
        if (depth++ === 0) { start = i; metadataKey = false; inMetadata = false }
      } else if (ch === CLOSE_BRACE || ch === CLOSE_BRACKET) {
        if (depth === 0) { this.state = 'tail'; this.tail = c.slice(i); start = -1; break }
        if (depth === skipping) { skipping = 0; start = i }
        if (depth === 2) inMetadata = false
        if (--depth === 0) {
          const text = this.partial + c.slice(start, i + 1)
          this.partial = ''
          start = -1
          this.onItem(text)
        }
      } else if (depth === 0 && ch !== COMMA && ch > SPACE) {
        throw new SyntaxError('a list item that is not an object')
      }
    }
    if (start >= 0 && depth > 0) this.partial += c.slice(start)
    this.depth = depth
    this.skipping = skipping
    this.inMetadata = inMetadata
    this.metadataKey = metadataKey
  }

  /** The index of the quote that ends the string going on at `from`, or -1 when it goes past this chunk. */
  private closeString(c: string, from: number): number {
    // A backslash ending the previous chunk escapes this one's first character.
    const lo = this.escaped ? from + 1 : from
    this.escaped = false
    for (let j = lo; ; j++) {
      j = c.indexOf('"', j)
      if (j < 0) {
        this.inString = true
        this.escaped = oddBackslashesBefore(c, c.length, lo)
        return -1
      }
      if (!oddBackslashesBefore(c, j, lo)) { this.inString = false; return j }
    }
  }
}

// Items of built-in kinds begin with their metadata; those of a metadata-only list with their
// kind and apiVersion, then their metadata. `},` and the start end one item and begin the next.
const FAST_START = '{"metadata":{'
const META_START = '{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{'
// The end of the last item, the items array and the List (its metadata comes before the items;
// the API server ends the body with a newline).
const FAST_LAST = '}]}'
// An item this long without the next one's start: read the rest exactly.
const FAST_MAX_CHARS = 4 * 1024 * 1024
const MANAGED_FIELDS = '"managedFields":['
const LOWER_A = 97, LOWER_Z = 122, UPPER_A = 65, UPPER_Z = 90

/**
 * The item `text.slice(0, end)` (its metadata's content begins at `start`) with the content of
 * its metadata.managedFields dropped, as the exact scan drops it; undefined when that cannot be
 * done with certainty here (the exact scan then reads the item). The array is cut when the key
 * is a direct key of the metadata (nesting followed from the item's start), no `[` comes before
 * the first `]` after it, and that `]` is followed by `}` (the metadata ends: managedFields is
 * the last field the API server writes of it), then either `,"` and a letter (a key) or the
 * item's closing `}` (a metadata-only item); both rule out a `]` inside a string.
 */
export function withoutManagedFields(text: string, end: number, start = FAST_START.length): string | undefined {
  const array = managedFieldsArray(text, end, start)
  if (array === undefined) return undefined
  if (array === null) return text.slice(0, end)
  return text.slice(0, array.open) + text.slice(array.close, end)
}

/**
 * Where the content of the item's metadata.managedFields array lies (`open` just past its `[`,
 * `close` at its `]`), as withoutManagedFields finds it; null when the item has none, undefined
 * when that cannot be told with certainty here.
 */
function managedFieldsArray(text: string, end: number, start: number): {open: number; close: number} | null | undefined {
  const at = text.indexOf(MANAGED_FIELDS, start)
  if (at < 0 || at >= end) return null
  const where = keyOfMetadata(text, at, start)
  // The metadata ended before: it has no managedFields, and the exact scan drops nothing.
  if (where === 'after') return null
  if (where !== 'direct') return undefined
  const open = at + MANAGED_FIELDS.length
  const close = text.indexOf(']', open)
  const nested = text.indexOf('[', open)
  const metadataEnds = text.charCodeAt(close + 1) === CLOSE_BRACE
  const keyFollows = text.charCodeAt(close + 2) === COMMA && text.charCodeAt(close + 3) === QUOTE && isLetter(text.charCodeAt(close + 4))
  const itemEnds = close + 3 === end && text.charCodeAt(close + 2) === CLOSE_BRACE
  if (close < 0 || close >= end || (nested >= 0 && nested < close) || !metadataEnds || !(keyFollows || itemEnds)) return undefined
  return {open, close}
}

const FIELDS_V1 = '"fieldsV1":'
const SUBRESOURCE = ',"subresource":"'
const NEXT_ENTRY = '},{"'
const LAST_APPLIED_KEY = '"f:kubectl.kubernetes.io/last-applied-configuration":'
/** A fieldsV1 tree cut to the one path that says its entry holds the last-applied annotation. */
export const FIELDS_V1_LAST_APPLIED = '{"f:metadata":{"f:annotations":{"f:kubectl.kubernetes.io/last-applied-configuration":{}}}}'

/**
 * The item `text.slice(0, end)` with the fieldsV1 tree of each of its managedFields entries cut
 * to FIELDS_V1_LAST_APPLIED when the entry holds the last-applied annotation, else to {}; the
 * rest of each entry (manager, operation, apiVersion, time, subresource) as it was. undefined
 * when that cannot be done with certainty here (the item is then read whole).
 *
 * The trees are found by text alone, which is exact for the way the API server writes an entry
 * (its fields in the order of the Go type: ... fieldsType, fieldsV1, subresource): a tree holds
 * only objects, whose keys always carry a prefix (`f:`, `k:`, `v:`, `i:`) or are ".", so the
 * key "fieldsV1", the text `,"subresource":"` and `},{"` followed by a letter (the end of an
 * entry and the first key of the next) can only stand outside a tree; and a quote inside a
 * string is escaped. The path of each last-applied key found is followed from the tree's start.
 */
export function withLeanFieldsV1(text: string, end: number, start = FAST_START.length): string | undefined {
  // The item alone (the text may run on into the next ones), so that no search goes past it.
  const item = text.length === end ? text : text.slice(0, end)
  const array = managedFieldsArray(item, end, start)
  if (array === undefined) return undefined
  if (array === null) return item
  const {open, close} = array
  // Searched within the array's content; positions below are in it.
  const fields = item.slice(open, close)
  let out = ''
  let copied = 0
  for (let at = fields.indexOf(FIELDS_V1); at >= 0; at = fields.indexOf(FIELDS_V1, at)) {
    const tree = at + FIELDS_V1.length
    let entryEnd = fields.indexOf(NEXT_ENTRY, tree)
    while (entryEnd >= 0 && !isLetter(fields.charCodeAt(entryEnd + NEXT_ENTRY.length))) entryEnd = fields.indexOf(NEXT_ENTRY, entryEnd + 1)
    if (entryEnd < 0) entryEnd = fields.length - 1
    const sub = fields.indexOf(SUBRESOURCE, tree)
    const treeEnd = sub >= 0 && sub < entryEnd ? sub : entryEnd
    if (fields.charCodeAt(tree) !== OPEN_BRACE || fields.charCodeAt(treeEnd - 1) !== CLOSE_BRACE || fields.charCodeAt(entryEnd) !== CLOSE_BRACE) return undefined
    const holds = holdsLastAppliedText(fields.slice(tree, treeEnd))
    if (holds === undefined) return undefined
    out += fields.slice(copied, tree) + (holds ? FIELDS_V1_LAST_APPLIED : '{}')
    copied = treeEnd
    at = entryEnd
  }
  return copied === 0 ? item : item.slice(0, open) + out + fields.slice(copied) + item.slice(close)
}

/**
 * Whether the fieldsV1 tree `tree` has the key f:kubectl.kubernetes.io/last-applied-configuration
 * at f:metadata > f:annotations; undefined when its text does not read as expected.
 */
function holdsLastAppliedText(tree: string): boolean | undefined {
  for (let at = tree.indexOf(LAST_APPLIED_KEY); at >= 0; at = tree.indexOf(LAST_APPLIED_KEY, at + 1)) {
    const path = pathTo(tree, at)
    if (path === undefined) return undefined
    if (path.length === 2 && path[0] === 'f:metadata' && path[1] === 'f:annotations') return true
  }
  return false
}

/** The keys of the objects open at `at` (a key's quote) in the tree `text`; undefined when `at` is not where a key begins. */
function pathTo(text: string, at: number): string[] | undefined {
  const path: string[] = []
  let key = ''
  for (let i = 1; i < at; i++) {
    const ch = text.charCodeAt(i)
    if (ch === QUOTE) {
      const j = closingQuote(text, i)
      if (j < 0 || j >= at) return undefined
      key = text.slice(i + 1, j)
      i = j
    } else if (ch === OPEN_BRACE) {
      path.push(key)
    } else if (ch === CLOSE_BRACE) {
      if (path.pop() === undefined) return undefined
    }
  }
  const before = text.charCodeAt(at - 1)
  return before === OPEN_BRACE || before === COMMA ? path : undefined
}

function isLetter(ch: number): boolean {
  return (ch >= LOWER_A && ch <= LOWER_Z) || (ch >= UPPER_A && ch <= UPPER_Z)
}

/**
 * Where the key beginning at `at` (a quote) stands: a direct key of the metadata, whose content
 * begins at `start` ('direct'), after the metadata has ended ('after'), or otherwise ('nested').
 */
function keyOfMetadata(text: string, at: number, start: number): 'direct' | 'after' | 'nested' {
  let depth = 0
  for (let i = start; i < at; i++) {
    const ch = text.charCodeAt(i)
    if (ch === QUOTE) {
      const j = closingQuote(text, i)
      if (j < 0 || j >= at) return 'nested'
      i = j
    } else if (ch === OPEN_BRACE || ch === OPEN_BRACKET) {
      depth++
    } else if (ch === CLOSE_BRACE || ch === CLOSE_BRACKET) {
      if (--depth < 0) return 'after'
    }
  }
  return depth === 0 && (at === start || text.charCodeAt(at - 1) === COMMA) ? 'direct' : 'nested'
}

/** The index of the quote that closes the string whose opening quote is at `open`, or -1. */
function closingQuote(text: string, open: number): number {
  let j = text.indexOf('"', open + 1)
  while (j >= 0 && oddBackslashesBefore(text, j, open + 1)) j = text.indexOf('"', j + 1)
  return j
}

function oddBackslashesBefore(c: string, j: number, lo: number): boolean {
  let k = j - 1
  while (k >= lo && c.charCodeAt(k) === BACKSLASH) k--
  return (j - 1 - k) % 2 === 1
}

/**
 * The continue token in the start of a List's body: the token (empty when the metadata has
 * none, i.e. the last page), or undefined while the metadata has not all arrived. Only what
 * precedes "items" is read, so no item's field can be taken for it.
 */
export function continueToken(head: string): string | undefined {
  const itemsAt = head.indexOf('"items"')
  const meta = itemsAt < 0 ? head : head.slice(0, itemsAt)
  const m = /"continue"\s*:\s*"([^"\\]*)"/.exec(meta)
  if (m) return m[1]!
  return itemsAt < 0 ? undefined : ''
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

// Memory. Items are parsed one by one and mostly dropped (see ListBody): that garbage dies
// young, and costs little to collect, but what survives makes V8 grow its young generation,
// which it never gives back: here up to 128 MiB of resident memory for a few MiB of live young
// objects at 20,000 pods. It is let grow to YOUNG_GENERATION_BYTES and no further, for the rest of
// the process (V8 reads the growth factor each time it would grow it; 64 MiB was measured no
// faster, for 40 MiB more). What does reach old space dead (the parts of items
// that outlive a young collection) waits for a major GC, which V8 postpones while the heap is
// far from its limit; a full collection every RECLAIM_CHARS of pages read bounds it. At 20,000
// pods (73 MiB of pages) the one that 64 MiB gave cost 70 ms and kept no memory down (171 MiB
// resident either way), so the first comes at about 35,000 pods.
const YOUNG_GENERATION_BYTES = 32 * 1024 * 1024
const RECLAIM_CHARS = 128 * 1024 * 1024
let unreclaimed = 0
let youngBounded = false

function keepMemoryDown(): void {
  if (!youngBounded && (getHeapSpaceStatistics().find(s => s.space_name === 'new_space')?.space_size ?? 0) >= YOUNG_GENERATION_BYTES) {
    youngBounded = true
    setFlagsFromString('--semi-space-growth-factor=1')
  }
  if (unreclaimed >= RECLAIM_CHARS) {
    unreclaimed = 0
    reclaim()
  }
}

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
