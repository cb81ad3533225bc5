// Label and field selectors, parsed as the API server parses them, so that a malformed `-l` is
// refused here (exit 2) with the server's own words instead of costing a round trip.
//
// Label selectors: the lexer and recursive-descent parser of k8s.io/apimachinery
// pkg/labels/selector.go (Lexer, Parser, NewRequirement), with label keys and values checked as
// pkg/api/validate/content/kube.go checks them. Field selectors: pkg/fields/selector.go
// (splitTerms, splitTerm, UnescapeValue). Messages are apimachinery's, except that the field
// path "<nil>" Go prints for a key is left out.
import {InputError} from './errors.js'
import {parseInt64} from './labels.js'

export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt'

export interface LabelRequirement {
  key: string
  operator: LabelOperator
  /** Sorted and without duplicates, as apimachinery's sets.String gives them. */
  values: string[]
}

export interface FieldRequirement {
  field: string
  operator: '=' | '==' | '!='
  value: string
}

/** The parser's own message, as the API server would answer it. */
export class SelectorError extends Error {
  override name = 'SelectorError'
}

// ---- label selectors: the lexer ----

type Token = 'error' | 'end' | ')' | ',' | '!' | '==' | '=' | '>' | 'identifier' | 'in' | '<' | '!=' | 'notin' | '('
interface Scanned {tok: Token; literal: string}

const LITERALS: Record<string, Token> = {
  ')': ')', ',': ',', '!': '!', '==': '==', '=': '=', '>': '>', 'in': 'in', '<': '<', '!=': '!=', 'notin': 'notin', '(': '(',
}
const isWhitespace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n'
const isSpecial = (ch: string) => '=!(),><'.includes(ch)

function lex(s: string): Scanned[] {
  const out: Scanned[] = []
  let pos = 0
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos]!)) pos++
    if (pos >= s.length) { out.push({tok: 'end', literal: ''}); return out }
    if (isSpecial(s[pos]!)) {
      // The longest run of special characters that is still an operator: "!=" rather than "!".
      let buffer = ''
      let last: Scanned | undefined
      while (pos < s.length && isSpecial(s[pos]!)) {
        buffer += s[pos]
        const tok = LITERALS[buffer]
        if (tok) { last = {tok, literal: buffer}; pos++ } else if (last) break
        else pos++
      }
      out.push(last ?? {tok: 'error', literal: `error expected: keyword found '${buffer}'`})
    } else {
      let buffer = ''
      while (pos < s.length && !isSpecial(s[pos]!) && !isWhitespace(s[pos]!)) buffer += s[pos++]
      const tok = LITERALS[buffer]
      out.push({tok: tok === 'in' || tok === 'notin' ? tok : 'identifier', literal: buffer})
    }
  }
}

// ---- label selectors: the parser ----

/** Where "in" and "notin" are words (values, keys) rather than operators. */
type Context = 'keyAndOperator' | 'values'

class Parser {
  private position = 0
  private readonly items: Scanned[]
  constructor(items: Scanned[]) {
    this.items = items
  }

  lookahead(context: Context): Scanned {
    return this.inContext(this.items[this.position]!, context)
  }

  consume(context: Context): Scanned {
    return this.inContext(this.items[this.position++]!, context)
  }

  private inContext(item: Scanned, context: Context): Scanned {
    return context === 'values' && (item.tok === 'in' || item.tok === 'notin') ? {tok: 'identifier', literal: item.literal} : item
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = []
    for (;;) {
      const {tok, literal} = this.lookahead('values')
      switch (tok) {
        case 'identifier':
        case '!': {
          let r: LabelRequirement
          try {
            r = this.parseRequirement()
          } catch (err) {
            throw new SelectorError(`unable to parse requirement: ${(err as Error).message}`)
          }
          requirements.push(r)
          const next = this.consume('values')
          if (next.tok === 'end') return requirements
          if (next.tok === ',') {
            const after = this.lookahead('values')
            if (after.tok !== 'identifier' && after.tok !== '!') throw new SelectorError(`found '${after.literal}', expected: identifier after ','`)
            break
          }
          throw new SelectorError(`found '${next.literal}', expected: ',' or 'end of string'`)
        }
        case 'end':
          return requirements
        default:
          throw new SelectorError(`found '${literal}', expected: !, identifier, or 'end of string'`)
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    const {key, operator} = this.parseKeyAndInferOperator()
    if (operator === 'exists' || operator === '!') return newRequirement(key, operator, [])
    const op = this.parseOperator()
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue()
    return newRequirement(key, op, values)
  }

  private parseKeyAndInferOperator(): {key: string; operator?: LabelOperator} {
    let operator: LabelOperator | undefined
    let item = this.consume('values')
    if (item.tok === '!') { operator = '!'; item = this.consume('values') }
    if (item.tok !== 'identifier') throw new Error(`found '${item.literal}', expected: identifier`)
    const keyErrors = labelKeyErrors(item.literal)
    if (keyErrors.length) throw new Error(invalid(undefined, item.literal, keyErrors.join('; ')))
    const next = this.lookahead('values').tok
    if ((next === 'end' || next === ',') && operator !== '!') operator = 'exists'
    return {key: item.literal, operator}
  }

  private parseOperator(): LabelOperator {
    const {tok, literal} = this.consume('keyAndOperator')
    switch (tok) {
      case 'in': return 'in'
      case '=': return '='
      case '==': return '=='
      case '>': return 'gt'
      case '<': return 'lt'
      case 'notin': return 'notin'
      case '!=': return '!='
      default: throw new Error(`found '${literal}', expected: in, notin, =, ==, !=, gt, lt`)
    }
  }

  /** "(a,b)"; "()" and empty items such as "(a,,b)" or "(,a)" mean the empty string. */
  private parseValues(): string[] {
    const open = this.consume('values')
    if (open.tok !== '(') throw new Error(`found '${open.literal}' expected: '('`)
    const {tok, literal} = this.lookahead('values')
    if (tok === ')') { this.consume('values'); return [''] }
    if (tok !== 'identifier' && tok !== ',') throw new Error(`found '${literal}', expected: ',', ')' or identifier`)
    const values = this.parseIdentifiersList()
    this.consume('values') // the ")" the list stopped before
    return values
  }

  private parseIdentifiersList(): string[] {
    const s = new Set<string>()
    for (;;) {
      const {tok, literal} = this.consume('values')
      if (tok === 'identifier') {
        s.add(literal)
        const next = this.lookahead('values')
        if (next.tok === ',') continue
        if (next.tok === ')') return sorted(s)
        throw new Error(`found '${next.literal}', expected: ',' or ')'`)
      }
      if (tok === ',') {
        if (s.size === 0) s.add('') // "(,"
        const next = this.lookahead('values').tok
        if (next === ')') { s.add(''); return sorted(s) } // ",)"
        if (next === ',') s.add('') // ",,": the next comma is read on the next turn
        continue
      }
      throw new Error(`found '${literal}', expected: ',', or identifier`)
    }
  }

  /** "a=" and "a=," select the empty value. */
  private parseExactValue(): string[] {
    const next = this.lookahead('values').tok
    if (next === 'end' || next === ',') return ['']
    const {tok, literal} = this.consume('values')
    if (tok === 'identifier') return [literal]
    throw new Error(`found '${literal}', expected: identifier`)
  }
}

const sorted = (s: Set<string>) => [...s].sort()

/** apimachinery's NewRequirement: the operator's rules on the values, then each value as a label value. */
function newRequirement(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const errors: string[] = []
  if ((operator === 'in' || operator === 'notin') && values.length === 0) errors.push(invalid('values', values, 'for \'in\', \'notin\' operators, values set can\'t be empty'))
  if (operator === 'gt' || operator === 'lt') {
    values.forEach((v, i) => { if (parseInt64(v) === undefined) errors.push(invalid(`values[${i}]`, v, 'for \'Gt\', \'Lt\' operators, the value must be an integer')) })
  }
  values.forEach((v, i) => {
    const e = labelValueErrors(v)
    if (e.length) errors.push(invalid(`values[${i}][${key}]`, v, e.join('; ')))
  })
  const unique = [...new Set(errors)]
  if (unique.length === 1) throw new Error(unique[0])
  if (unique.length > 1) throw new Error(`[${unique.join(', ')}]`)
  return {key, operator, values}
}

/** field.Invalid's text: `values[0]: Invalid value: "x": why`. */
function invalid(path: string | undefined, value: string | string[], detail: string): string {
  return `${path ? `${path}: ` : ''}Invalid value: ${JSON.stringify(value)}: ${detail}`
}

// ---- label keys and values (content/kube.go, content/dns.go) ----

const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'
const LABEL_KEY_MSG = 'must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character'
const LABEL_VALUE_FMT = `(${LABEL_KEY_FMT})?`
const LABEL_VALUE_MSG = 'a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character'
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?'
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`
const DNS1123_SUBDOMAIN_MSG = 'a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character'
const labelKeyRe = new RegExp(`^${LABEL_KEY_FMT}$`)
const labelValueRe = new RegExp(`^${LABEL_VALUE_FMT}$`)
const subdomainRe = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`)

const bytes = (s: string) => new TextEncoder().encode(s).length
const maxLen = (n: number) => `must be no more than ${n} bytes`
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  return `${msg} (e.g. ${examples.map(e => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`
}

/** content.IsLabelKey: [DNS subdomain "/"] name, the name at most 63 bytes. */
export function labelKeyErrors(value: string): string[] {
  const errs: string[] = []
  const parts = value.split('/')
  let name: string
  if (parts.length === 1) name = parts[0]!
  else if (parts.length === 2) {
    const prefix = parts[0]!
    name = parts[1]!
    if (prefix.length === 0) errs.push('prefix part must be non-empty')
    else {
      if (bytes(prefix) > 253) errs.push(`prefix part ${maxLen(253)}`)
      if (!subdomainRe.test(prefix)) errs.push(`prefix part ${regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com')}`)
    }
  } else {
    return [`a valid label key ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`]
  }
  if (name.length === 0) errs.push('name part must be non-empty')
  else if (bytes(name) > 63) errs.push(`name part ${maxLen(63)}`)
  if (!labelKeyRe.test(name)) errs.push(`name part ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}`)
  return errs
}

/** content.IsLabelValue: empty, or at most 63 bytes of alphanumerics, '-', '_' and '.'. */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = []
  if (bytes(value) > 63) errs.push(maxLen(63))
  if (!labelValueRe.test(value)) errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'))
  return errs
}

/**
 * A label selector's requirements (empty for ""), or a SelectorError with the server's message.
 *
 *   <selector>    ::= <requirement> | <requirement> "," <selector>
 *   <requirement> ::= [!] KEY [ ("in" | "notin") "(" VALUES ")" | ("=" | "==" | "!=" | ">" | "<") VALUE ]
 */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  return new Parser(lex(selector)).parse()
}

// ---- field selectors ----

/** Terms split at commas that are not escaped by a backslash (the backslash is kept). */
function splitTerms(selector: string): string[] {
  if (selector === '') return []
  const terms: string[] = []
  let start = 0
  let inSlash = false
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i]
    if (inSlash) inSlash = false
    else if (c === '\\') inSlash = true
    else if (c === ',') { terms.push(selector.slice(start, i)); start = i + 1 }
  }
  terms.push(selector.slice(start))
  return terms
}

/** The first "!=", "==" or "=" splits the term (no escaping on the left side). */
function splitTerm(term: string): {lhs: string; op: FieldRequirement['operator']; rhs: string} | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) return {lhs: term.slice(0, i), op, rhs: term.slice(i + op.length)}
    }
  }
  return undefined
}

/** A value with "\\", "\," and "\=" unescaped; a bare "," or "=" is an error. */
function unescapeValue(s: string): string {
  let out = ''
  let inSlash = false
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new SelectorError(`invalid field selector: invalid escape sequence: \\${c}`)
      out += c
      inSlash = false
    } else if (c === '\\') inSlash = true
    // Go prints the rune with %v: its number.
    else if (c === ',' || c === '=') throw new SelectorError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`)
    else out += c
  }
  if (inSlash) throw new SelectorError('invalid field selector: invalid escape sequence: \\')
  return out
}

/**
 * A field selector's requirements: "field=value", "field==value" or "field!=value", joined by
 * commas; empty terms are skipped. Which fields a resource supports is the server's to say.
 */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  const out: FieldRequirement[] = []
  for (const part of splitTerms(selector).sort()) {
    if (part === '') continue
    const term = splitTerm(part)
    if (!term) throw new SelectorError(`invalid selector: '${selector}'; can't understand '${part}'`)
    out.push({field: term.lhs, operator: term.op, value: unescapeValue(term.rhs)})
  }
  return out
}

// ---- for commands ----

/** Throws the one-line usage error (exit 2) for a selector the server would refuse. */
export function assertLabelSelector(selector: string, flag: string): void {
  try {
    parseLabelSelector(selector)
  } catch (err) {
    if (!(err instanceof SelectorError)) throw err
    throw new InputError(`${flag} "${selector}" is not a valid label selector: ${err.message}`, 'write it like app=web, tier in (db,cache), !canary or env!=prod')
  }
}

/** Throws the one-line usage error (exit 2) for a field selector the server would refuse. */
export function assertFieldSelector(selector: string, flag: string): void {
  try {
    parseFieldSelector(selector)
  } catch (err) {
    if (!(err instanceof SelectorError)) throw err
    throw new InputError(`${flag} "${selector}" is not a valid field selector: ${err.message}`, 'write it like status.phase=Pending or spec.nodeName!=')
  }
}
