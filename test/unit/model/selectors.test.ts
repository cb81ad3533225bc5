// The selector grammar of k8s.io/apimachinery (pkg/labels/selector.go, pkg/fields/selector.go):
// one test per rule and per error, with apimachinery's own good and bad strings where it has them
// (labels/selector_test.go TestSelectorParse).
import {describe, expect, it} from 'vitest'
import {assertFieldSelector, assertLabelSelector, labelKeyErrors, labelValueErrors, parseFieldSelector, parseLabelSelector, SelectorError} from '../../../src/model/selectors.ts'
import {InputError} from '../../../src/model/errors.ts'

const req = (key: string, operator: string, values: string[] = []) => ({key, operator, values})
/** The parser's message for a selector it must refuse. */
const error = (s: string): string => {
  try {
    parseLabelSelector(s)
  } catch (err) {
    expect(err).toBeInstanceOf(SelectorError)
    return (err as Error).message
  }
  throw new Error(`"${s}" parsed`)
}

describe('label selectors: the rules', () => {
  it('<selector> ::= "" selects everything', () => {
    expect(parseLabelSelector('')).toEqual([])
    expect(parseLabelSelector('   ')).toEqual([])
  })
  it('<requirement> "," <selector>: requirements are ANDed in the order written', () => {
    expect(parseLabelSelector('x=a,y=b,z=c')).toEqual([req('x', '=', ['a']), req('y', '=', ['b']), req('z', '=', ['c'])])
  })
  it('KEY alone: the key exists', () => {
    expect(parseLabelSelector('app')).toEqual([req('app', 'exists')])
    expect(parseLabelSelector('app,tier')).toEqual([req('app', 'exists'), req('tier', 'exists')])
  })
  it('!KEY: the key does not exist', () => {
    expect(parseLabelSelector('!canary')).toEqual([req('canary', '!')])
    expect(parseLabelSelector('! canary')).toEqual([req('canary', '!')])
  })
  it('KEY = VALUE, KEY == VALUE, KEY != VALUE', () => {
    expect(parseLabelSelector('env=prod')).toEqual([req('env', '=', ['prod'])])
    expect(parseLabelSelector('env==prod')).toEqual([req('env', '==', ['prod'])])
    expect(parseLabelSelector('x!=a,y=b')).toEqual([req('x', '!=', ['a']), req('y', '=', ['b'])])
  })
  it('an exact match with nothing after the operator selects the empty value', () => {
    expect(parseLabelSelector('x=')).toEqual([req('x', '=', [''])])
    expect(parseLabelSelector('x= ')).toEqual([req('x', '=', [''])])
    expect(parseLabelSelector('x=,z= ')).toEqual([req('x', '=', ['']), req('z', '=', [''])])
  })
  it('KEY in (VALUES) and KEY notin (VALUES): sorted, without duplicates', () => {
    expect(parseLabelSelector('tier in (web, db,web)')).toEqual([req('tier', 'in', ['db', 'web'])])
    expect(parseLabelSelector('tier notin (cache)')).toEqual([req('tier', 'notin', ['cache'])])
  })
  it('empty values in a set: "()", "(,a)", "(a,)" and "(a,,b)"', () => {
    expect(parseLabelSelector('x in ()')).toEqual([req('x', 'in', [''])])
    expect(parseLabelSelector('x in (,a)')).toEqual([req('x', 'in', ['', 'a'])])
    expect(parseLabelSelector('x notin (a,)')).toEqual([req('x', 'notin', ['', 'a'])])
    expect(parseLabelSelector('x in (b,,)')).toEqual([req('x', 'in', ['', 'b'])])
    expect(parseLabelSelector('x in (foo,,baz),y,z notin ()')).toEqual([req('x', 'in', ['', 'baz', 'foo']), req('y', 'exists'), req('z', 'notin', [''])])
  })
  it('KEY > N and KEY < N, N an integer', () => {
    expect(parseLabelSelector('x>1')).toEqual([req('x', 'gt', ['1'])])
    expect(parseLabelSelector('x>1,z<5')).toEqual([req('x', 'gt', ['1']), req('z', 'lt', ['5'])])
  })
  it('"in" and "notin" are words where a key or a value is expected', () => {
    expect(parseLabelSelector('in in (in, notin)')).toEqual([req('in', 'in', ['in', 'notin'])])
    expect(parseLabelSelector('notin=in')).toEqual([req('notin', '=', ['in'])])
  })
  it('whitespace (space, tab, CR, LF) separates tokens and is otherwise ignored', () => {
    expect(parseLabelSelector(' a\t!=\nb ,\r c ')).toEqual([req('a', '!=', ['b']), req('c', 'exists')])
  })
  it('keys may carry a DNS subdomain prefix', () => {
    expect(parseLabelSelector('app.kubernetes.io/name=web')).toEqual([req('app.kubernetes.io/name', '=', ['web'])])
  })
})

describe('label selectors: the errors', () => {
  it('apimachinery\'s bad strings are refused', () => {
    expect(error('x=a||y=b')).toBe('unable to parse requirement: values[0][x]: Invalid value: "a||y": a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyValue\',  or \'my_value\',  or \'12345\', regex used for validation is \'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\')')
    expect(error('x==a==b')).toBe('found \'==\', expected: \',\' or \'end of string\'')
    expect(error('!x=a')).toBe('found \'=\', expected: \',\' or \'end of string\'')
    expect(error('x<a')).toBe('unable to parse requirement: values[0]: Invalid value: "a": for \'Gt\', \'Lt\' operators, the value must be an integer')
  })
  it('a selector cannot start with an operator', () => {
    expect(error('=a')).toBe('found \'=\', expected: !, identifier, or \'end of string\'')
  })
  it('"!" must be followed by a key', () => {
    expect(error('!')).toBe('unable to parse requirement: found \'\', expected: identifier')
  })
  it('a comma must be followed by a requirement', () => {
    expect(error('a,')).toBe('found \'\', expected: identifier after \',\'')
    expect(error('a,,b')).toBe('found \',\', expected: identifier after \',\'')
  })
  it('two words need an operator between them', () => {
    expect(error('a b')).toBe('unable to parse requirement: found \'b\', expected: in, notin, =, ==, !=, gt, lt')
  })
  it('"in" and "notin" need a parenthesised set', () => {
    expect(error('a in b')).toBe('unable to parse requirement: found \'b\' expected: \'(\'')
    expect(error('a in')).toBe('unable to parse requirement: found \'\' expected: \'(\'')
    expect(error('a in (')).toBe('unable to parse requirement: found \'\', expected: \',\', \')\' or identifier')
    expect(error('a in (b')).toBe('unable to parse requirement: found \'\', expected: \',\' or \')\'')
    expect(error('a in (b c)')).toBe('unable to parse requirement: found \'c\', expected: \',\' or \')\'')
    expect(error('a in (b,')).toBe('unable to parse requirement: found \'\', expected: \',\', or identifier')
    expect(error('a in (=)')).toBe('unable to parse requirement: found \'=\', expected: \',\', \')\' or identifier')
  })
  it('an exact match takes a word, not an operator', () => {
    expect(error('a=(b)')).toBe('unable to parse requirement: found \'(\', expected: identifier')
  })
  it('gt and lt need a 64-bit integer', () => {
    expect(error('a>')).toBe('unable to parse requirement: values[0]: Invalid value: "": for \'Gt\', \'Lt\' operators, the value must be an integer')
    expect(error('a>9223372036854775808')).toMatch(/values\[0\]: Invalid value: "9223372036854775808": for 'Gt', 'Lt' operators/)
    expect(parseLabelSelector('a>9223372036854775807')).toEqual([req('a', 'gt', ['9223372036854775807'])])
  })
  it('a bad key is named with the validation message', () => {
    expect(error('-a=b')).toBe('unable to parse requirement: Invalid value: "-a": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')')
    expect(error('a/b/c')).toMatch(/^unable to parse requirement: Invalid value: "a\/b\/c": a valid label key must consist of .* with an optional DNS subdomain prefix and '\/' \(e\.g\. 'example\.com\/MyName'\)$/)
    expect(error('/a')).toBe('unable to parse requirement: Invalid value: "/a": prefix part must be non-empty')
    expect(error('Example.com/a')).toMatch(/Invalid value: "Example\.com\/a": prefix part a lowercase RFC 1123 subdomain must consist of/)
    expect(error(`${'k'.repeat(64)}`)).toMatch(/name part must be no more than 63 bytes$/)
  })
  it('several bad values are listed together, as an aggregate', () => {
    expect(error('a in (-x,-y)')).toMatch(/^unable to parse requirement: \[values\[0\]\[a\]: Invalid value: "-x": .*, values\[1\]\[a\]: Invalid value: "-y": .*\]$/)
  })
  it('a value longer than 63 bytes is refused', () => {
    expect(error(`a=${'v'.repeat(64)}`)).toMatch(/Invalid value: "v{64}": must be no more than 63 bytes$/)
  })
})

describe('label keys and values', () => {
  it('accepts what the API accepts', () => {
    expect(labelKeyErrors('kubernetes.io/hostname')).toEqual([])
    expect(labelKeyErrors('My_Name.1')).toEqual([])
    expect(labelValueErrors('')).toEqual([])
    expect(labelValueErrors('v1.2_3-x')).toEqual([])
  })
  it('an empty name part gives both messages, as apimachinery does', () => {
    expect(labelKeyErrors('a/')).toHaveLength(2)
  })
})

describe('field selectors', () => {
  it('reads =, == and != terms joined by commas, skipping empty terms', () => {
    expect(parseFieldSelector('')).toEqual([])
    expect(parseFieldSelector('status.phase=Pending,,spec.nodeName!=')).toEqual([
      {field: 'spec.nodeName', operator: '!=', value: ''},
      {field: 'status.phase', operator: '=', value: 'Pending'},
    ])
    expect(parseFieldSelector('metadata.name==web')).toEqual([{field: 'metadata.name', operator: '==', value: 'web'}])
  })
  it('splits on the first operator and unescapes \\\\, \\, and \\= in values', () => {
    expect(parseFieldSelector('a=b\\,c\\=d\\\\')).toEqual([{field: 'a', operator: '=', value: 'b,c=d\\'}])
    expect(parseFieldSelector('a==b')).toEqual([{field: 'a', operator: '==', value: 'b'}])
    // "!=" is found first, and the "=" left over is a bare "=" in the value.
    expect(() => parseFieldSelector('a!==b')).toThrow('invalid field selector: unescaped character in value: 61')
  })
  it('refuses a term without an operator', () => {
    expect(() => parseFieldSelector('status.phase')).toThrow('invalid selector: \'status.phase\'; can\'t understand \'status.phase\'')
  })
  it('refuses an unescaped "=" or "," in a value, naming the character as Go prints a rune', () => {
    expect(() => parseFieldSelector('a==b=c')).toThrow('invalid field selector: unescaped character in value: 61')
  })
  it('refuses unknown escapes and a trailing backslash', () => {
    expect(() => parseFieldSelector('a=b\\n')).toThrow('invalid field selector: invalid escape sequence: \\n')
    expect(() => parseFieldSelector('a=b\\')).toThrow('invalid field selector: invalid escape sequence: \\')
  })
})

describe('for commands', () => {
  it('turns a parse error into a usage error (exit 2) naming the flag and the selector', () => {
    expect(() => assertLabelSelector('app in (a', '--selector')).toThrow(InputError)
    expect(() => assertLabelSelector('app in (a', '--selector')).toThrow('--selector "app in (a" is not a valid label selector: unable to parse requirement: found \'\', expected: \',\' or \')\'')
    expect(() => assertFieldSelector('x', '--field-selector')).toThrow(/--field-selector "x" is not a valid field selector: invalid selector/)
    expect(() => assertLabelSelector('app=web,!canary', '--selector')).not.toThrow()
    expect(() => assertFieldSelector('status.phase!=Running', '--field-selector')).not.toThrow()
  })
})
