// The fast way to read a YAML manifest file for upgrade-plan, which needs of each object only
// its apiVersion, kind, metadata.name and metadata.namespace, and the line it starts on. A line
// scanner reads files written in the plain block style that kubectl, Helm, kustomize and most
// people write, and checks that the whole file is valid YAML in that style (so that it is sure
// the full reader would not fail on it, or read it otherwise). Anything else it does not try
// to understand: it answers undefined, and the caller reads the file with the full reader
// (src/sources/manifests.ts). The two agree on every file the scanner accepts
// (test/unit/deprecations/sources/yaml-heads.test.ts compares them, on tricky and on random input).
//
// What the scanner accepts, line by line (anything else: undefined):
// - printable ASCII and newlines only (no tab, CR, byte order mark or other character), no `{{`;
// - documents separated by lines that are exactly `---`, no `...`, no directives (`%`);
// - each document a block mapping at column 0, or nothing but blank and comment lines;
// - entries `key: value`, `key:` with the nested node on the following lines, `- value`,
//   `- key: value` (a mapping in a sequence item), and sequences at their key's indentation;
// - keys: plain (a letter first, then letters, digits and `_ . / -`, not a YAML boolean or
//   null) or quoted on one line with nothing to unescape; no key twice in a mapping (the full
//   reader refuses that);
// - values: plain scalars on one line (no `: ` inside, no indicator first), quoted scalars on
//   one line (double-quoted ones with only \\ \" \/ \n \t \r escapes), `[]`, `{}`, and
//   literal or folded block scalars (`|`, `>-`, ...) without an indentation digit;
// - comments after a space, and on lines of their own;
// - apiVersion, kind, metadata.name and metadata.namespace, when present, strings on their line
//   (plain scalars that YAML would not read as a number, boolean or null, or quoted), metadata a
//   block mapping, and no top-level `items` (a List: its items are the full reader's work).
import type {ManifestObject} from '../../sources/manifests.js'

const SPACE = 32, HASH = 35, DASH = 45, COLON = 58, QUOTE = 39, DQUOTE = 34, BACKSLASH = 92

/** Scalars the YAML core schema reads as booleans or null: never a key or a head's string here. */
const NOT_STRINGS = new Set(['true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL'])
const UNSUPPORTED = /[^\n\x20-\x7e]/

interface Frame {
  indent: number
  seq: boolean
  /** A sequence at its mapping key's own indentation (`key:` then `- a` at the same column). */
  indentless: boolean
  /** The keys seen (a mapping holds few: a list is quicker than a set). */
  keys: string[] | null
  /** The mapping under the document's top-level `metadata` key. */
  meta: boolean
}

/** The objects of a YAML file, or undefined when the scanner is not sure (read it with the full reader). */
export function scanYamlHeads(text: string, path: string): ManifestObject[] | undefined {
  if (UNSUPPORTED.test(text) || text.includes('{{')) return undefined
  const out: ManifestObject[] = []
  let doc = new DocumentScan(text)
  let lineNo = 0
  for (let pos = 0; ;) {
    let nl = text.indexOf('\n', pos)
    if (nl < 0) nl = text.length
    lineNo++
    const c = text.charCodeAt(pos)
    if ((c === DASH || c === 0x2e) && text.startsWith(c === DASH ? '---' : '...', pos) || c === 0x25) {
      // Only a bare `---` is read here (not `--- x`, `...`, directives).
      if (c !== DASH || nl !== pos + 3) return undefined
      if (!doc.finish(path, out)) return undefined
      doc = new DocumentScan(text)
    } else if (!doc.line(pos, nl, lineNo)) {
      return undefined
    }
    if (nl === text.length) break
    pos = nl + 1
  }
  return doc.finish(path, out) ? out : undefined
}

/** One value on its line: certainly a string (its text), something else (null), or not understood (undefined). */
type Value = string | null | undefined

class DocumentScan {
  private readonly text: string
  private stack: Frame[] = []
  /** The line the root mapping starts on (0: no content yet). */
  private start = 0
  /** A key whose value is on the next lines: its collection's indentation, and what it is. */
  private pending: {indent: number; inSeq: boolean; metadata: boolean} | undefined
  /** Inside a block scalar: the indentation of the node it belongs to, and of its text (-1 until known). */
  private block: {parent: number; indent: number} | undefined
  private apiVersion: string | undefined
  private kind: string | undefined
  private name: string | undefined
  private namespace: string | undefined
  private hasMetadata = false

  constructor(text: string) {
    this.text = text
  }

  /** Reads the line [s, e); false when not sure. */
  line(s: number, e: number, lineNo: number): boolean {
    const text = this.text
    let i = s
    while (i < e && text.charCodeAt(i) === SPACE) i++
    const indent = i - s
    const blank = i === e
    if (this.block) {
      const b = this.block
      if (blank) {
        // Leading blank lines that hold spaces bear on the detected indentation: not read here.
        return !(b.indent < 0 && indent > 0)
      }
      if (b.indent < 0 && indent > b.parent) { b.indent = indent; return true }
      if (b.indent >= 0 && indent >= b.indent) return true
      this.block = undefined
    }
    if (blank || text.charCodeAt(i) === HASH) return true
    if (!this.start) {
      if (indent !== 0) return false
      this.start = lineNo
      this.stack.push({indent: 0, seq: false, indentless: false, keys: [], meta: false})
      return this.entry(s, i, e)
    }
    const isItem = text.charCodeAt(i) === DASH && (i + 1 === e || text.charCodeAt(i + 1) === SPACE)
    const p = this.pending
    if (p) {
      this.pending = undefined
      if (indent > p.indent) {
        // The key's node, indented: a mapping or a sequence.
        if (p.metadata && isItem) return false
        this.stack.push({indent, seq: isItem, indentless: false, keys: isItem ? null : [], meta: p.metadata})
        return this.entry(s, i, e)
      }
      if (indent === p.indent && isItem && !p.inSeq && !p.metadata) {
        this.stack.push({indent, seq: true, indentless: true, keys: null, meta: false})
        return this.entry(s, i, e)
      }
      // Nothing under the key: its value is null (for metadata, the full reader's business).
      if (p.metadata) return false
    }
    const stack = this.stack
    while (stack.length && stack[stack.length - 1]!.indent > indent) stack.pop()
    let top = stack[stack.length - 1]
    if (top && top.indent === indent && top.indentless && !isItem) {
      stack.pop()
      top = stack[stack.length - 1]
    }
    if (!top || top.indent !== indent || top.seq !== isItem) return false
    return this.entry(s, i, e)
  }

  /** An entry of the collection on top of the stack, at `i` on the line [s, e). */
  private entry(s: number, i: number, e: number): boolean {
    const text = this.text
    const top = this.stack[this.stack.length - 1]!
    if (!top.seq) {
      const key = readKey(text, i, e)
      return key !== undefined && this.mappingEntry(top, key, e)
    }
    let j = i + 1
    while (j < e && text.charCodeAt(j) === SPACE) j++
    // `-` alone, or before a comment: the item is on the next lines.
    if (j === e || text.charCodeAt(j) === HASH) {
      this.pending = {indent: top.indent, inSeq: true, metadata: false}
      return true
    }
    if (text.charCodeAt(j) === DASH && (j + 1 === e || text.charCodeAt(j + 1) === SPACE)) return false
    const key = readKey(text, j, e)
    if (key) {
      // `- key: value`: a mapping whose entries stand at the key's column.
      const frame: Frame = {indent: j - s, seq: false, indentless: false, keys: [], meta: false}
      this.stack.push(frame)
      return this.mappingEntry(frame, key, e)
    }
    return this.value(j, e, i - s, false) !== undefined
  }

  private mappingEntry(frame: Frame, key: {key: string; end: number}, e: number): boolean {
    const keys = frame.keys!
    if (keys.includes(key.key)) return false
    keys.push(key.key)
    const k = key.key
    let head: 'apiVersion' | 'kind' | 'metadata' | 'name' | 'namespace' | undefined
    if (this.stack.length === 1) {
      if (k === 'items') return false
      if (k === 'apiVersion' || k === 'kind' || k === 'metadata') head = k
    } else if (frame.meta && (k === 'name' || k === 'namespace')) {
      head = k
    }
    const text = this.text
    let i = key.end
    while (i < e && text.charCodeAt(i) === SPACE) i++
    if (i === e || (text.charCodeAt(i) === HASH && i > key.end)) {
      if (head === 'metadata') this.hasMetadata = true
      else if (head) return false
      this.pending = {indent: frame.indent, inSeq: false, metadata: head === 'metadata'}
      return true
    }
    if (i === key.end) return false
    const value = this.value(i, e, frame.indent, head !== undefined)
    if (value === undefined) return false
    if (!head) return true
    if (head === 'metadata' || value === null) return false
    if (head === 'apiVersion') this.apiVersion = value
    else if (head === 'kind') this.kind = value
    else if (head === 'name') this.name = value
    else this.namespace = value
    return true
  }

  /**
   * A value at `i` on the line [.., e): a scalar, `[]`, `{}`, or a block scalar's header (its
   * text follows on lines indented more than `parent`).
   */
  private value(i: number, e: number, parent: number, wantString: boolean): Value {
    const text = this.text
    const c = text.charCodeAt(i)
    if (c === 0x7c || c === 0x3e) { // | >
      let j = i + 1
      const chomp = text.charCodeAt(j)
      if (chomp === 0x2b || chomp === DASH) j++
      if (j < e && (text.charCodeAt(j) !== SPACE || !restIsComment(text, j, e))) return undefined
      this.block = {parent, indent: -1}
      return null
    }
    if (c === 0x5b || c === 0x7b) { // [ {
      if (text.charCodeAt(i + 1) !== (c === 0x5b ? 0x5d : 0x7d) || !restIsComment(text, i + 2, e)) return undefined
      return null
    }
    if (c === QUOTE) return singleQuoted(text, i, e)
    if (c === DQUOTE) return doubleQuoted(text, i, e)
    return plainScalar(text, i, e, wantString)
  }

  /** Ends the document: its object, if it is one, goes to `out`; false when not sure. */
  finish(path: string, out: ManifestObject[]): boolean {
    if (!this.start) return true
    if (this.pending?.metadata) return false
    if (this.kind === undefined || this.kind === '') return true
    if (this.apiVersion === undefined && !this.hasMetadata) return true
    const object: ManifestObject['object'] = {kind: this.kind}
    if (this.apiVersion !== undefined) object.apiVersion = this.apiVersion
    if (this.hasMetadata) {
      object.metadata = {}
      if (this.name !== undefined) object.metadata.name = this.name
      if (this.namespace !== undefined) object.metadata.namespace = this.namespace
    }
    out.push({object, path, line: this.start})
    return true
  }
}

const isAsciiLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90)
const isAsciiDigit = (c: number) => c >= 48 && c <= 57

/** A key at `i` followed by `:` and a space or the end of the line: the key and where its value starts. */
function readKey(text: string, i: number, e: number): {key: string; end: number} | undefined {
  const c = text.charCodeAt(i)
  let key: string
  let end: number
  if (c === QUOTE || c === DQUOTE) {
    const close = text.indexOf(c === QUOTE ? "'" : '"', i + 1)
    if (close < 0 || close >= e) return undefined
    key = text.slice(i + 1, close)
    // Nothing to unescape: no backslash, and no doubled quote (which the search stopped at).
    if (key.includes('\\') || text.charCodeAt(close + 1) === c) return undefined
    end = close + 1
  } else {
    // A letter, then letters, digits, `_ . / -`.
    if (!isAsciiLetter(c)) return undefined
    end = i + 1
    for (; end < e; end++) {
      const d = text.charCodeAt(end)
      if (!(isAsciiLetter(d) || isAsciiDigit(d) || d === 0x5f || d === 0x2e || d === 0x2f || d === DASH)) break
    }
    key = text.slice(i, end)
    if (end - i <= 5 && NOT_STRINGS.has(key)) return undefined
  }
  if (end >= e || text.charCodeAt(end) !== COLON) return undefined
  if (end + 1 !== e && text.charCodeAt(end + 1) !== SPACE) return undefined
  return {key, end: end + 1}
}

/** Only spaces, or spaces and a comment, in [i, e). */
function restIsComment(text: string, i: number, e: number): boolean {
  const start = i
  while (i < e && text.charCodeAt(i) === SPACE) i++
  return i === e || (text.charCodeAt(i) === HASH && i > start)
}

function singleQuoted(text: string, i: number, e: number): Value {
  let value = ''
  for (let from = i + 1; ;) {
    const q = text.indexOf("'", from)
    if (q < 0 || q >= e) return undefined
    value += text.slice(from, q)
    if (text.charCodeAt(q + 1) === QUOTE) { value += "'"; from = q + 2; continue }
    return restIsComment(text, q + 1, e) ? value : undefined
  }
}

const ESCAPES: Record<string, string> = {'\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r'}

function doubleQuoted(text: string, i: number, e: number): Value {
  let value = ''
  let from = i + 1
  for (let j = from; j < e; j++) {
    const c = text.charCodeAt(j)
    if (c === BACKSLASH) {
      const escaped = j + 1 < e ? ESCAPES[text[j + 1]!] : undefined
      if (escaped === undefined) return undefined
      value += text.slice(from, j) + escaped
      from = j + 2
      j++
    } else if (c === DQUOTE) {
      value += text.slice(from, j)
      return restIsComment(text, j + 1, e) ? value : undefined
    }
  }
  return undefined
}

/** A plain scalar on one line; its text only when YAML reads it as a string and one is wanted. */
function plainScalar(text: string, i: number, e: number, wantString: boolean): Value {
  const c = text.charCodeAt(i)
  // No indicator first (`- ` is an entry; `-x` is a scalar).
  if (!(isAsciiLetter(c) || isAsciiDigit(c) || c === DASH || c === 0x5f || c === 0x2e || c === 0x2f || c === 0x24 || c === 0x28 || c === 0x29 ||
    c === 0x3d || c === 0x2b || c === 0x7e || c === 0x5e || c === 0x3b || c === 0x3c)) return undefined
  if (c === DASH && (i + 1 === e || text.charCodeAt(i + 1) === SPACE)) return undefined
  // The scalar ends at a comment (` #`) or the line's end; `: ` inside, or a `:` at its end, is a mapping.
  let end = e
  for (let j = i + 1; j < e; j++) {
    const d = text.charCodeAt(j)
    if (d === COLON && (j + 1 === e || text.charCodeAt(j + 1) === SPACE)) return undefined
    if (d === HASH && text.charCodeAt(j - 1) === SPACE) { end = j; break }
  }
  while (end > i && text.charCodeAt(end - 1) === SPACE) end--
  if (text.charCodeAt(end - 1) === COLON) return undefined
  if (!wantString) return null
  // A letter first rules out numbers (the core schema's begin with a digit, a sign or a dot).
  const value = text.slice(i, end)
  return isAsciiLetter(c) && !NOT_STRINGS.has(value) ? value : null
}
