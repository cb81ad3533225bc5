// Reads Kubernetes objects from manifest files, directories of them and standard input
// (what `kubectl apply -f` accepts), and says where each object starts: its file and the
// 1-based line of its first key (for an item of a List, the line of that item).
//
// - Paths: files, directories (walked recursively, entries sorted by name, hidden
//   directories such as .git skipped; only .yaml, .yml and .json files are read in a
//   directory, a file named explicitly is read whatever its name) and `-` for standard
//   input, reported as the path `<stdin>` (STDIN_PATH). A file reached twice is read once.
// - Formats: multi-document YAML (`---`), JSON holding one document or a stream of
//   concatenated documents (as `kubectl cluster-info dump` writes to stdout, whose
//   `==== START logs ... ==== END logs ...` blocks are passed over). `.json` files are JSON;
//   anything else is YAML, or JSON when it starts with `{` or `[` and parses as JSON.
// - Lists (List, PodList, ..., nested too) are unwrapped; items of a typed list get the
//   kind and apiVersion their list implies when they lack them.
// - A document that is not a Kubernetes object (empty, not a mapping, no `kind`, or neither
//   `apiVersion` nor `metadata`) is ignored.
// - An un-rendered Helm template is never parsed: a YAML document with a `{{` outside a
//   literal or folded block scalar (`|`, `>`), or one with a `{{` anywhere that does not parse,
//   is returned in `skipped` with the reason HELM_TEMPLATE. A `{{` inside a block scalar is
//   data (alerting rules, dashboards in a rendered ConfigMap) and the document is read.
//   A .json file holding `{{` that does not parse is skipped the same way.
// - Invalid YAML or JSON is an InputError naming the file, the line and the column.
// - Lines of JSON List items are found on first read of `line` (a getter): finding them
//   scans the List again, which loadDump, never reading them, does not pay for.
import {readdirSync, readFileSync, realpathSync, statSync, type Dirent} from 'node:fs'
import {extname, join, resolve} from 'node:path'
import {constructFromEvents, EVENT_ID, getScalarValue, parseEvents, YAMLException, type Event} from 'js-yaml'
import {InputError} from '../model/errors.js'
import type {ObjectMeta} from '../model/k8s.js'

/** The path given to objects and errors from standard input (`-`). */
export const STDIN_PATH = '<stdin>'
/** The extensions read when walking a directory. */
export const MANIFEST_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json']
/** The reason of a skipped un-rendered Helm template. */
export const HELM_TEMPLATE = 'helm template (not rendered)'

const PATH_HINT = 'pass YAML or JSON manifest files, directories of them, or - for standard input'

/** A Kubernetes object as written in a manifest: a `kind` always, other fields as found. */
export interface Manifest {
  apiVersion?: string
  kind: string
  metadata?: ObjectMeta
  [field: string]: unknown
}

export interface ManifestObject {
  object: Manifest
  /** The file as given or found in a directory walk; STDIN_PATH for standard input. */
  path: string
  /** 1-based line where the object (or its List item) starts. */
  line: number
}

export interface SkippedDocument {
  path: string
  /** 1-based line of the document's first content line. */
  line: number
  reason: string
}

export interface Manifests {
  /** In the order of the paths, of the files in a directory, and of the documents in a file. */
  objects: ManifestObject[]
  skipped: SkippedDocument[]
  /** Every file read, in order (STDIN_PATH for standard input). */
  files: string[]
}

/** Standard input: its text, its bytes, or a stream such as process.stdin. */
export type StdinSource = string | Uint8Array | AsyncIterable<string | Uint8Array>

export interface ReadManifestsOptions {
  /** What `-` reads; process.stdin when not given. */
  stdin?: StdinSource
  /** Reads each file's text; parseManifests when not given. */
  parse?: ManifestParser
}

export interface ReadManifestsSyncOptions {
  /** What `-` reads; file descriptor 0, read synchronously, when not given. */
  stdin?: string | Uint8Array
  /** Reads each file's text; parseManifests when not given. */
  parse?: ManifestParser
}

export type ManifestFormat = 'json' | 'yaml' | 'auto'

/**
 * What reads one file's text: parseManifests, or a reader that gives the same for what its
 * caller reads of the objects (upgrade-plan's reads only apiVersion, kind, name and namespace).
 */
export type ManifestParser = (text: string, path: string, format: ManifestFormat) => Omit<Manifests, 'files'>

/** Reads the objects of `paths` (files, directories, `-`). Throws InputError for bad input. */
export async function readManifests(paths: readonly string[], options: ReadManifestsOptions = {}): Promise<Manifests> {
  checkStdinOnce(paths)
  const stdin = paths.includes('-') ? await readStream(options.stdin ?? process.stdin) : undefined
  return readManifestsSync(paths, {stdin, parse: options.parse})
}

/** readManifests without the stream: standard input is given as text, or read from fd 0. */
export function readManifestsSync(paths: readonly string[], options: ReadManifestsSyncOptions = {}): Manifests {
  checkStdinOnce(paths)
  const out: Manifests = {objects: [], skipped: [], files: []}
  const seen = new Set<string>()
  const read = (text: string, path: string, format: ManifestFormat): void => {
    if (!options.parse) return parseInto(text, path, format, out)
    const m = options.parse(text, path, format)
    appendParsed(out, m.objects, m.skipped)
  }
  for (const path of paths) {
    if (path === '-') {
      out.files.push(STDIN_PATH)
      read(decodeStdin(options.stdin ?? readFd0()), STDIN_PATH, 'auto')
      continue
    }
    let isDir: boolean
    try { isDir = statSync(path).isDirectory() } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new InputError(`file ${path} does not exist`, PATH_HINT)
      throw new InputError(`cannot read ${path}: ${(err as Error).message}`)
    }
    const files: string[] = []
    if (isDir) walkManifestDir(path, realPath(path), new Set(), files)
    else files.push(path)
    for (const file of files) {
      const key = resolve(file)
      if (seen.has(key)) continue
      seen.add(key)
      out.files.push(file)
      read(readText(file), file, extname(file).toLowerCase() === '.json' ? 'json' : 'auto')
    }
  }
  return out
}

/**
 * The objects and skipped templates of one file's text. `format`: 'json', 'yaml', or 'auto'
 * (JSON when the text starts with `{` or `[` and parses as JSON, YAML otherwise).
 */
export function parseManifests(text: string, path: string, format: ManifestFormat = 'auto'): Omit<Manifests, 'files'> {
  const out = {objects: [], skipped: []}
  parseInto(text, path, format, out)
  return out
}

function checkStdinOnce(paths: readonly string[]): void {
  if (paths.indexOf('-') !== paths.lastIndexOf('-')) throw new InputError('standard input (-) can be read only once', 'pass - a single time')
}

async function readStream(source: StdinSource): Promise<string> {
  if (typeof source === 'string' || source instanceof Uint8Array) return decodeStdin(source)
  const parts: Buffer[] = []
  try {
    for await (const chunk of source) parts.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))
  } catch (err) { throw new InputError(`cannot read standard input: ${(err as Error).message}`) }
  return Buffer.concat(parts).toString('utf8')
}

function decodeStdin(input: string | Uint8Array): string {
  return typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8')
}

function readFd0(): string {
  try { return readFileSync(0, 'utf8') } catch (err) { throw new InputError(`cannot read standard input: ${(err as Error).message}`) }
}

function readText(file: string): string {
  try { return readFileSync(file, 'utf8') } catch (err) { throw new InputError(`cannot read ${file}: ${(err as Error).message}`) }
}

function realPath(path: string): string {
  try { return realpathSync(path) } catch { return resolve(path) }
}

const byDirentName = (a: Dirent, b: Dirent): number => a.name < b.name ? -1 : a.name > b.name ? 1 : 0

/** Manifest files under `dir`, depth first, sorted by name (code units, not locale). */
function walkManifestDir(dir: string, real: string, ancestors: Set<string>, out: string[]): void {
  ancestors.add(real)
  let entries: Dirent[]
  try { entries = readdirSync(dir, {withFileTypes: true}) } catch (err) {
    throw new InputError(`cannot read directory ${dir}: ${(err as Error).message}`)
  }
  entries.sort(byDirentName)
  for (const entry of entries) {
    const path = join(dir, entry.name)
    let isDir = entry.isDirectory()
    let isFile = entry.isFile()
    let entryReal = join(real, entry.name)
    if (entry.isSymbolicLink()) {
      try {
        const stat = statSync(path)
        isDir = stat.isDirectory()
        isFile = !isDir
        entryReal = realPath(path)
      } catch {
        if (isManifestName(entry.name)) throw new InputError(`cannot read ${path}: broken symbolic link`)
        continue
      }
    }
    if (isDir) {
      if (entry.name.startsWith('.') || ancestors.has(entryReal)) continue
      walkManifestDir(path, entryReal, ancestors, out)
    } else if (isFile && isManifestName(entry.name)) {
      out.push(path)
    }
  }
  ancestors.delete(real)
}

function isManifestName(name: string): boolean {
  return MANIFEST_EXTENSIONS.includes(extname(name).toLowerCase())
}

// ---------------------------------------------------------------------------------------
// One file's text

function parseInto(input: string, path: string, format: ManifestFormat, out: Omit<Manifests, 'files'>): void {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input
  const lines = new LineCounter(text)
  const objects: ManifestObject[] = []
  const skipped: SkippedDocument[] = []
  if (format === 'json' || (format === 'auto' && startsLikeJson(text))) {
    const error = readJson(text, path, lines, objects)
    if (error === undefined) { appendParsed(out, objects, skipped); return }
    objects.length = 0
    if (format === 'auto') {
      // YAML is a superset of most JSON: `{kind: Pod}` is a flow mapping, not JSON.
      // Both failed: report the error found further into the text.
      try { readYaml(text, path, lines, objects, skipped) } catch (yamlError) {
        const json = jsonError(path, lines, error)
        throw (errorLines.get(yamlError as Error) ?? 0) > (errorLines.get(json) ?? 0) ? yamlError : json
      }
      appendParsed(out, objects, skipped)
      return
    }
    if (text.includes('{{')) {
      out.skipped.push({path, line: lines.lineAt(firstContent(text, 0, text.length)), reason: HELM_TEMPLATE})
      return
    }
    throw jsonError(path, lines, error)
  }
  readYaml(text, path, lines, objects, skipped)
  appendParsed(out, objects, skipped)
}

/** The line of each syntax error, to choose between the JSON and the YAML reading of a text. */
const errorLines = new WeakMap<Error, number>()

function syntaxError(message: string, line: number): InputError {
  const err = new InputError(message)
  errorLines.set(err, line)
  return err
}

function appendParsed(out: Omit<Manifests, 'files'>, objects: ManifestObject[], skipped: SkippedDocument[]): void {
  for (const o of objects) out.objects.push(o)
  for (const s of skipped) out.skipped.push(s)
}

function startsLikeJson(text: string): boolean {
  const i = skipBlanks(text, 0, text.length)
  const c = text.charCodeAt(i)
  return c === 0x7b || c === 0x5b
}

/** Line numbers of offsets: counted forward from the last one asked (offsets mostly grow), indexed once if not. */
class LineCounter {
  private offset = 0
  private line = 1
  private next: number
  private newlines: number[] | undefined
  private readonly text: string
  constructor(text: string) {
    this.text = text
    this.next = text.indexOf('\n')
  }
  /** 1-based line of an offset. */
  lineAt(offset: number): number {
    if (offset < this.offset || this.newlines) return this.search(offset)
    while (this.next !== -1 && this.next < offset) {
      this.line++
      this.next = this.text.indexOf('\n', this.next + 1)
    }
    this.offset = offset
    return this.line
  }
  private search(offset: number): number {
    if (!this.newlines) {
      this.newlines = []
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) this.newlines.push(i)
    }
    // Newlines before offset, plus one.
    let lo = 0, hi = this.newlines.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.newlines[mid]! < offset) lo = mid + 1
      else hi = mid
    }
    return lo + 1
  }
  /** 1-based column of an offset. */
  columnAt(offset: number): number {
    return offset === 0 ? 1 : offset - (this.text.lastIndexOf('\n', offset - 1) + 1) + 1
  }
}

/** Where a document or List item is in its file, and where its `items` are. */
interface Position {
  line(): number
  items(): Position[]
  /** Finding it costs a scan of the text: the line is computed when first asked for. */
  readonly deferred: boolean
}

/**
 * An item of a JSON List. Finding where items start means scanning the whole List (a quarter
 * of a second for 64 MB), which loadDump never needs: done on the first `line` asked for.
 */
class DeferredItem implements Position {
  readonly deferred = true
  private readonly list: Position
  private readonly siblings: () => Position[]
  private readonly index: number
  constructor(list: Position, siblings: () => Position[], index: number) {
    this.list = list
    this.siblings = siblings
    this.index = index
  }
  private get resolved(): Position {
    return this.siblings()[this.index] ?? this.list
  }
  line(): number {
    return this.resolved.line()
  }
  items(): Position[] {
    return this.resolved.items()
  }
}

interface Implied { kind?: string; apiVersion?: string }

function collectObjects(value: unknown, pos: Position, implied: Implied, path: string, out: ManifestObject[]): void {
  if (!isMapping(value)) return
  const kind = value.kind
  if (Array.isArray(value.items) && (kind === undefined || kind === null || (typeof kind === 'string' && kind.endsWith('List')))) {
    const typed = typeof kind === 'string' && kind !== 'List'
    const itemImplied: Implied = typed
      ? {kind: kind.slice(0, -'List'.length), apiVersion: typeof value.apiVersion === 'string' ? value.apiVersion : undefined}
      : {}
    let positions: Position[] | undefined
    const siblings = (): Position[] => positions ??= pos.items()
    value.items.forEach((item, i) => collectObjects(item, pos.deferred ? new DeferredItem(pos, siblings, i) : siblings()[i] ?? pos, itemImplied, path, out))
    return
  }
  if ((kind === undefined || kind === null) && implied.kind) value.kind = implied.kind
  if ((value.apiVersion === undefined || value.apiVersion === null) && implied.apiVersion) value.apiVersion = implied.apiVersion
  if (typeof value.kind !== 'string' || value.kind === '') return
  if (typeof value.apiVersion !== 'string' && !isMapping(value.metadata)) return
  if (!pos.deferred) {
    out.push({object: value as Manifest, path, line: pos.line()})
    return
  }
  let line: number | undefined
  // An own enumerable getter: spread, JSON.stringify and toEqual see a plain number.
  out.push({object: value as Manifest, path, get line() { return line ??= pos.line() }})
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

// ---------------------------------------------------------------------------------------
// YAML

/** Splits at `---` and `...` lines ourselves, so that a template is never handed to the parser. */
function readYaml(text: string, path: string, lines: LineCounter, out: ManifestObject[], skipped: SkippedDocument[]): void {
  for (const [start, end] of yamlDocuments(text)) {
    let content = firstContent(text, start, end)
    if (content < 0) {
      // Nothing but comments: no document. Directives with no document after them are an error the parser reports.
      if (!hasDirective(text, start, end)) continue
      content = start
    }
    const chunk = text.slice(start, end)
    const templated = chunk.includes('{{')
    if (templated && templateOutsideBlockScalars(chunk)) {
      skipped.push({path, line: lines.lineAt(content), reason: HELM_TEMPLATE})
      continue
    }
    let events: Event[]
    let docs: unknown[]
    try {
      events = parseEvents(chunk, {})
      docs = constructFromEvents(events, {source: chunk})
    } catch (err) {
      if (templated) { skipped.push({path, line: lines.lineAt(content), reason: HELM_TEMPLATE}); continue }
      if (err instanceof YAMLException && err.mark) {
        const line = lines.lineAt(start) + err.mark.line
        throw syntaxError(`${path} is not valid YAML at line ${line}, column ${err.mark.column + 1}: ${err.reason}`, line)
      }
      const line = lines.lineAt(content)
      throw syntaxError(`${path} is not valid YAML at line ${line}: ${firstMessageLine((err as Error).message)}`, line)
    }
    // The events of a stream: DOCUMENT, its root node, POP; for each document.
    for (let i = 0, doc = 0; i < events.length; i++) {
      if (events[i]!.type !== EVENT_ID.DOCUMENT) continue
      const value = docs[doc++]
      const root = i + 1
      if (root >= events.length || events[root]!.type === EVENT_ID.POP) continue
      collectObjects(value, new YamlPosition(events, root, chunk, start, lines), {}, path, out)
      i = skipEvent(events, root) - 1
    }
  }
}

/** [start, end) offsets of the documents of a YAML stream, split at `---` and `...` lines. */
function yamlDocuments(text: string): Array<[number, number]> {
  const docs: Array<[number, number]> = []
  let start = 0
  let pendingDirectives = -1
  const close = (end: number): void => {
    if (end > start) {
      // A chunk of only directives (%YAML ...) belongs to the document after it.
      if (firstContent(text, start, end) < 0 && hasDirective(text, start, end)) {
        pendingDirectives = start
      } else {
        docs.push([pendingDirectives >= 0 ? pendingDirectives : start, end])
        pendingDirectives = -1
      }
    }
  }
  for (let pos = 0; pos < text.length;) {
    let nl = text.indexOf('\n', pos)
    if (nl < 0) nl = text.length
    if (isMarker(text, pos, 0x2d)) { close(pos); start = pos } else if (isMarker(text, pos, 0x2e)) { close(nl + 1); start = nl + 1 }
    pos = nl + 1
  }
  close(text.length)
  if (pendingDirectives >= 0) docs.push([pendingDirectives, text.length])
  return docs
}

/** `---` (char 0x2d) or `...` (0x2e) at the start of a line, alone or followed by a space. */
function isMarker(text: string, pos: number, char: number): boolean {
  if (text.charCodeAt(pos) !== char || text.charCodeAt(pos + 1) !== char || text.charCodeAt(pos + 2) !== char) return false
  const next = text.charCodeAt(pos + 3)
  return Number.isNaN(next) || next === 0x20 || next === 0x09 || next === 0x0a || next === 0x0d
}

function hasDirective(text: string, start: number, end: number): boolean {
  for (let pos = start; pos < end;) {
    if (text.charCodeAt(pos) === 0x25) return true
    const nl = text.indexOf('\n', pos)
    if (nl < 0) break
    pos = nl + 1
  }
  return false
}

/** Offset of the first line of [start, end) holding content (not blank, a comment, a directive or a bare marker); -1 if none. */
function firstContent(text: string, start: number, end: number): number {
  for (let pos = start; pos < end;) {
    let nl = text.indexOf('\n', pos)
    if (nl < 0 || nl > end) nl = end
    let i = skipBlanks(text, pos, nl)
    const c = text.charCodeAt(i)
    if (i < nl && c !== 0x23 && !(c === 0x25 && i === pos)) {
      if (i === pos && (isMarker(text, pos, 0x2d) || isMarker(text, pos, 0x2e))) {
        i = skipBlanks(text, pos + 3, nl)
        if (i < nl && text.charCodeAt(i) !== 0x23) return pos
      } else {
        return pos
      }
    }
    pos = nl + 1
  }
  return -1
}

function skipBlanks(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i)
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break
    i++
  }
  return i
}

/** `key: |`, `- >-`, `key: !!str |2 # comment`: a line that opens a literal or folded block scalar. */
const BLOCK_SCALAR_HEADER = /(?::|^[ \t]*-|[ \t]-)[ \t]+(?:[!&][^ \t]*[ \t]+)*[|>][1-9+-]{0,2}[ \t]*(?:#.*)?$/

/** Whether a `{{` appears outside comments and block scalar bodies: Go template syntax in YAML itself. */
function templateOutsideBlockScalars(chunk: string): boolean {
  let blockParent = -1 // inside a block scalar: its body lines are indented more than this
  for (let pos = 0; pos < chunk.length;) {
    let nl = chunk.indexOf('\n', pos)
    if (nl < 0) nl = chunk.length
    const line = chunk.slice(pos, chunk.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl)
    pos = nl + 1
    let indent = 0
    while (line.charCodeAt(indent) === 0x20) indent++
    const blank = line.trim() === ''
    if (blockParent >= 0) {
      if (blank || indent > blockParent) continue
      blockParent = -1
    }
    if (blank || line.charCodeAt(indent) === 0x23) continue
    if (line.includes('{{')) return true
    if (BLOCK_SCALAR_HEADER.test(line)) blockParent = blockOwnerColumn(line, indent)
  }
  return false
}

/** The column of the node a block scalar belongs to: the key after any `- `, or the last `-` for `- |`. */
function blockOwnerColumn(line: string, indent: number): number {
  let col = indent
  while (line[col] === '-' && (line[col + 1] === ' ' || line[col + 1] === '\t')) {
    const dash = col
    col += 2
    while (line[col] === ' ' || line[col] === '\t') col++
    if (line[col] === '|' || line[col] === '>' || line[col] === '!' || line[col] === '&') return dash
  }
  return col
}

function skipEvent(events: Event[], i: number): number {
  const type = events[i]!.type
  if (type !== EVENT_ID.MAPPING && type !== EVENT_ID.SEQUENCE) return i + 1
  let depth = 0
  for (; i < events.length; i++) {
    const t = events[i]!.type
    if (t === EVENT_ID.MAPPING || t === EVENT_ID.SEQUENCE) depth++
    else if (t === EVENT_ID.POP && --depth === 0) return i + 1
  }
  return i
}

function eventStart(e: Event): number {
  let p = -1
  if (e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE) p = e.start
  else if (e.type === EVENT_ID.SCALAR) p = e.valueStart
  if ('tagStart' in e && e.tagStart >= 0 && (p < 0 || e.tagStart < p)) p = e.tagStart
  if ('anchorStart' in e && e.anchorStart >= 0 && (p < 0 || e.anchorStart < p)) p = e.anchorStart
  return Math.max(p, 0)
}

class YamlPosition implements Position {
  readonly deferred = false
  private readonly events: Event[]
  private readonly index: number
  private readonly source: string
  private readonly base: number
  private readonly lines: LineCounter
  /** The node at `events[index]` of a document whose text `source` starts at `base` in its file. */
  constructor(events: Event[], index: number, source: string, base: number, lines: LineCounter) {
    this.events = events
    this.index = index
    this.source = source
    this.base = base
    this.lines = lines
  }

  line(): number {
    return this.lines.lineAt(this.base + eventStart(this.events[this.index]!))
  }

  items(): Position[] {
    const {events} = this
    if (events[this.index]!.type !== EVENT_ID.MAPPING) return []
    let seq = -1
    for (let i = this.index + 1; i < events.length && events[i]!.type !== EVENT_ID.POP;) {
      const key = events[i]!
      const value = skipEvent(events, i)
      if (key.type === EVENT_ID.SCALAR && getScalarValue(this.source, key) === 'items') seq = value
      i = skipEvent(events, value)
    }
    if (seq < 0 || events[seq]!.type !== EVENT_ID.SEQUENCE) return []
    const out: Position[] = []
    for (let i = seq + 1; i < events.length && events[i]!.type !== EVENT_ID.POP; i = skipEvent(events, i)) {
      out.push(new YamlPosition(events, i, this.source, this.base, this.lines))
    }
    return out
  }
}

function firstMessageLine(message: string): string {
  return message.split('\n')[0]!
}

// ---------------------------------------------------------------------------------------
// JSON

interface JsonSyntaxError { offset: number; reason: string }

const LOG_START = '==== START logs for container '
const LOG_END = '==== END logs for container '

/** Reads one JSON document or a stream of them; returns the first syntax error instead of throwing. */
function readJson(text: string, path: string, lines: LineCounter, out: ManifestObject[]): JsonSyntaxError | undefined {
  const first = skipBlanks(text, 0, text.length)
  if (first === text.length) return undefined
  let single: unknown
  let parsed = true
  try { single = JSON.parse(text) } catch { parsed = false }
  if (parsed) {
    collectObjects(single, new JsonPosition(text, first, lines), {}, path, out)
    return undefined
  }
  for (let pos = first; ;) {
    pos = skipBlanks(text, pos, text.length)
    if (pos >= text.length) return undefined
    if (text.startsWith(LOG_START, pos)) {
      // kubectl cluster-info dump (to stdout) writes container logs between its Lists.
      const end = text.indexOf(LOG_END, pos)
      const nl = end < 0 ? -1 : text.indexOf('\n', end)
      pos = nl < 0 ? text.length : nl + 1
      continue
    }
    const c = text.charCodeAt(pos)
    if (c !== 0x7b && c !== 0x5b) return {offset: pos, reason: `unexpected ${describeAt(text, pos)}`}
    const end = skipJsonValue(text, pos)
    if (end < 0) return locateJsonError(text, pos, text.length)
    let value: unknown
    try { value = JSON.parse(text.slice(pos, end)) } catch { return locateJsonError(text, pos, end) }
    collectObjects(value, new JsonPosition(text, pos, lines), {}, path, out)
    pos = end
  }
}

function jsonError(path: string, lines: LineCounter, error: JsonSyntaxError): InputError {
  const line = lines.lineAt(error.offset)
  return syntaxError(`${path} is not valid JSON at line ${line}, column ${lines.columnAt(error.offset)}: ${error.reason}`, line)
}

function describeAt(text: string, offset: number): string {
  return offset >= text.length ? 'end of input' : `character ${JSON.stringify(text[offset])}`
}

/** End (exclusive) of the string starting at the quote at `i`; -1 if unterminated. */
function skipJsonString(text: string, i: number): number {
  for (let from = i + 1; ;) {
    const quote = text.indexOf('"', from)
    if (quote < 0) return -1
    let backslashes = 0
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++
    if (backslashes % 2 === 0) return quote + 1
    from = quote + 1
  }
}

/** End (exclusive) of the JSON value starting at `i` (no validation); -1 if unterminated. */
function skipJsonValue(text: string, i: number): number {
  const c = text.charCodeAt(i)
  if (c === 0x22) return skipJsonString(text, i)
  if (c !== 0x7b && c !== 0x5b) {
    while (i < text.length) {
      const d = text.charCodeAt(i)
      if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break
      i++
    }
    return i
  }
  let depth = 0
  for (; i < text.length; i++) {
    const d = text.charCodeAt(i)
    if (d === 0x22) {
      const end = skipJsonString(text, i)
      if (end < 0) return -1
      i = end - 1
    } else if (d === 0x7b || d === 0x5b) {
      depth++
    } else if ((d === 0x7d || d === 0x5d) && --depth === 0) {
      return i + 1
    }
  }
  return -1
}

class JsonPosition implements Position {
  readonly deferred = true
  private readonly text: string
  private readonly offset: number
  private readonly lines: LineCounter
  constructor(text: string, offset: number, lines: LineCounter) {
    this.text = text
    this.offset = offset
    this.lines = lines
  }

  line(): number {
    return this.lines.lineAt(this.offset)
  }

  /** Offsets of the elements of this object's top-level "items" array (the text is valid JSON). */
  items(): Position[] {
    const {text} = this
    if (text.charCodeAt(this.offset) !== 0x7b) return []
    let found: Position[] = []
    for (let i = this.offset + 1; ;) {
      i = skipBlanks(text, i, text.length)
      const c = text.charCodeAt(i)
      if (c === 0x2c) { i++; continue }
      if (c !== 0x22) return found
      const keyEnd = skipJsonString(text, i)
      const isItems = keyEnd - i === 7 && text.startsWith('"items"', i)
      i = skipBlanks(text, keyEnd, text.length)
      if (text.charCodeAt(i) !== 0x3a) return found
      i = skipBlanks(text, i + 1, text.length)
      if (isItems && text.charCodeAt(i) === 0x5b) {
        found = []
        for (i++; ;) {
          i = skipBlanks(text, i, text.length)
          const d = text.charCodeAt(i)
          if (d === 0x2c) { i++; continue }
          if (d === 0x5d || Number.isNaN(d)) { i++; break }
          found.push(new JsonPosition(text, i, this.lines))
          i = skipJsonValue(text, i)
          if (i < 0) return found
        }
      } else {
        i = skipJsonValue(text, i)
        if (i < 0) return found
      }
    }
  }
}

const JSON_NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y

/** Where and why [from, to) is not one JSON value: a small validator, run only after JSON.parse failed. */
function locateJsonError(text: string, from: number, to: number): JsonSyntaxError {
  let i = from
  const fail = (reason: string, at = i): never => { throw {offset: at, reason} satisfies JsonSyntaxError }
  const unexpected = (): never => {
    if (i < to) return fail(`unexpected ${describeAt(text, i)}`)
    let end = to // just after the last character, not on the blank line after it
    while (end > from && /\s/.test(text[end - 1]!)) end--
    return fail('unexpected end of input', end)
  }
  const ws = (): void => { i = skipBlanks(text, i, to) }
  const string = (): void => {
    const start = i
    for (i++; i < to;) {
      const c = text.charCodeAt(i)
      if (c === 0x22) { i++; return }
      if (c === 0x5c) {
        const e = text[i + 1] ?? ''
        if ('"\\/bfnrt'.includes(e) && e !== '') i += 2
        else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6
        else fail('invalid escape in string')
        continue
      }
      if (c < 0x20) fail('control character in string')
      i++
    }
    fail('unterminated string', start)
  }
  const value = (): void => {
    ws()
    if (i >= to) unexpected()
    const c = text[i]
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']'
      i++
      ws()
      if (text[i] === close) { i++; return }
      for (;;) {
        if (c === '{') {
          ws()
          if (i >= to) unexpected()
          if (text[i] !== '"') fail(`expected a property name in double quotes, found ${describeAt(text, i)}`)
          string()
          ws()
          if (i >= to) unexpected()
          if (text[i] !== ':') fail(`expected ':' after a property name, found ${describeAt(text, i)}`)
          i++
        }
        value()
        ws()
        if (i >= to) unexpected()
        if (text[i] === ',') { i++; continue }
        if (text[i] === close) { i++; return }
        fail(`expected ',' or '${close}', found ${describeAt(text, i)}`)
      }
    }
    if (c === '"') { string(); return }
    for (const literal of ['true', 'false', 'null']) if (text.startsWith(literal, i)) { i += literal.length; return }
    JSON_NUMBER.lastIndex = i
    if (JSON_NUMBER.test(text) && JSON_NUMBER.lastIndex > i) { i = JSON_NUMBER.lastIndex; return }
    unexpected()
  }
  try {
    value()
    ws()
    if (i < to) unexpected()
  } catch (err) {
    if (typeof err === 'object' && err !== null && 'offset' in err) return err as JsonSyntaxError
    return {offset: from, reason: 'not valid JSON'} // a stack overflow on absurd nesting
  }
  return {offset: from, reason: 'not valid JSON'}
}
