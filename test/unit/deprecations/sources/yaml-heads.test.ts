// The line scanner against the full reader: wherever the scanner answers, it answers what the
// full reader (src/sources/manifests.ts parseManifests) reads, object by object (apiVersion,
// kind, metadata.name and metadata.namespace, file and line); wherever it is not sure, it says
// so (undefined), and the caller parses the file whole. Hand-written tricky files first, each
// with the answer expected of the scanner (read, or not sure); then thousands of random files
// and random corruptions of them, which must never make the two disagree.
import {describe, expect, it} from 'vitest'
import {scanYamlHeads} from '../../../../src/deprecations/sources/yaml-heads.ts'
import {parseManifests, type ManifestObject} from '../../../../src/sources/manifests.ts'
import {random} from '../../../fakes/random.ts'

const heads = (objects: ManifestObject[]) => objects.map(o => ({
  line: o.line, apiVersion: o.object.apiVersion, kind: o.object.kind,
  metadata: o.object.metadata === undefined ? undefined : {name: o.object.metadata?.name, namespace: o.object.metadata?.namespace},
}))

/** The full reader's objects, or the error it throws (as a string), or 'skipped' for a template. */
function full(text: string): ReturnType<typeof heads> | string {
  try {
    const m = parseManifests(text, 'f.yaml')
    return m.skipped.length ? 'skipped' : heads(m.objects)
  } catch (err) {
    return `error: ${(err as Error).message}`
  }
}

/** The scanner's answer agrees with the full reader's, when it gives one; 'fast' or 'fallback'. */
function compare(text: string): 'fast' | 'fallback' {
  const fast = scanYamlHeads(text, 'f.yaml')
  if (fast === undefined) return 'fallback'
  for (const o of fast) expect(o.path).toBe('f.yaml')
  expect(heads(fast), text).toEqual(full(text))
  return 'fast'
}

const lines = (...l: string[]) => l.join('\n') + '\n'

const DEPLOYMENT = lines(
  '# Managed by the platform team.',
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  '  namespace: shop',
  '  labels:',
  '    app.kubernetes.io/name: web',
  '  annotations:',
  "    note: 'it''s: fine'",
  '    "quoted key": "a \\"b\\" c"',
  'spec:',
  '  replicas: 3',
  '  selector:',
  '    matchLabels: {}',
  '  template:',
  '    spec:',
  '      containers:',
  '        - name: app',
  '          image: registry.example/app:1.2.3   # pinned',
  '          args: []',
  '          ports:',
  '            - containerPort: 8080',
  '          env:',
  '          - name: MODE',
  "            value: 'on'",
  '          -',
  '            name: EMPTY',
  '      volumes:',
  '      - name: data',
  '        emptyDir: {}',
)

describe('scanYamlHeads reads what the full reader reads', () => {
  const reads: [string, string][] = [
    ['a Deployment in block style: comments, quoted keys and values, [] and {}, indented and indentless sequences', DEPLOYMENT],
    ['several documents, a leading ---, empty and comment-only documents, no final newline', '---\n' + DEPLOYMENT + '---\n# nothing here\n---\n\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web'],
    ['block scalars whose text looks like YAML, documents, comments and templates-free braces', lines(
      'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: rules', 'data:',
      '  a.yaml: |', '    kind: NotThis', '    ---', '    # not a comment', '      deeper: [1, 2]', '', '    after: blank',
      '  b.txt: |-', '    x', '  c.txt: >+', '    folded', '', '  d: |', '  e: >-', '    last',
      '  f: |  # comment after the header', '    text',
    )],
    ['a sequence item that is a block scalar, and items on the next lines', lines(
      'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: x', 'list:', '- |', '  text', '-', '  a: 1', '- b',
    )],
    ['metadata with quoted name and namespace (escapes the scanner knows)', lines(
      'apiVersion: "v1"', "kind: 'Secret'", 'metadata:', "  name: 'it''s'", '  namespace: "a\\"b\\\\c\\/d"',
    )],
    ['an object without apiVersion, with metadata', lines('kind: Pod', 'metadata:', '  name: bare')],
    ['no kind, an empty kind, no apiVersion and no metadata: no object', lines('apiVersion: v1', 'metadata:', '  name: a', '---', "apiVersion: v1\nkind: ''", '---', 'kind: Pod', 'spec: {}')],
    ['a name that YAML reads as text although it looks like other things', lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: truely', '  namespace: nullable')],
    ['keys at every depth, values with colons, hashes and brackets inside', lines(
      'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: c', 'data:', '  url: http://example.com:8080/a#frag', '  list: a,[b],{c}', '  cron: 5 * * * *',
    )],
  ]
  for (const [what, text] of reads) it(what, () => expect(compare(text)).toBe('fast'))

  it('gives the line of the first key of each object', () => {
    const fast = scanYamlHeads('# c\n\n---\n# d\napiVersion: v1\nkind: A\nmetadata:\n  name: a\n---\n\nkind: B\napiVersion: v1\n', 'f.yaml')!
    expect(fast.map(o => [o.line, o.object.kind])).toEqual([[5, 'A'], [11, 'B']])
  })
})

describe('scanYamlHeads leaves to the full reader what it is not sure of', () => {
  const doubts: [string, string][] = [
    ['flow-style metadata', 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n'],
    ['a flow sequence with items', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nargs: [a, b]\n'],
    ['anchors and aliases', 'apiVersion: v1\nkind: Pod\nmetadata: &m\n  name: a\nother: *m\n'],
    ['an alias value', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nx: *m\n'],
    ['a tag', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: !!str a\n'],
    ['a List', 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: a\n'],
    ['a list without a kind', 'items:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: a\n'],
    ['a plain scalar over two lines', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\ndescription: one\n  two\n'],
    ['a value on the line after its key', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name:\n    a\n'],
    ['a duplicated key (the full reader refuses it)', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n'],
    ['a duplicated key, once quoted', "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  x: 1\n  'x': 2\n"],
    ['bad indentation', 'apiVersion: v1\nkind: Pod\nmetadata:\n    name: a\n  namespace: b\n'],
    ['a mapping value inside a plain scalar', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a: b\n'],
    ['a tab', 'apiVersion: v1\nkind: Pod\nmetadata:\n\tname: a\n'],
    ['CRLF line ends', 'apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: a\r\n'],
    ['a byte order mark', '\ufeffapiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n'],
    ['text beyond ASCII', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  annotations:\n    note: café\n'],
    ['a Helm template', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n'],
    ['a template inside a block scalar', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: |\n    {{ y }}\n'],
    ['a directive', '%YAML 1.2\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n'],
    ['a document on its --- line', '--- apiVersion: v1\nkind: Pod\n'],
    ['a document end marker', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n...\n'],
    ['a name YAML reads as a number', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: 123\n'],
    ['a namespace YAML reads as a boolean', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  namespace: true\n'],
    ['a null name', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ~\n'],
    ['an empty name', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name:\n'],
    ['empty metadata', 'apiVersion: v1\nkind: Pod\nmetadata:\nspec: {}\n'],
    ['metadata at the end of the document, empty', 'apiVersion: v1\nkind: Pod\nmetadata:\n'],
    ['metadata as a sequence', 'apiVersion: v1\nkind: Pod\nmetadata:\n- a\n'],
    ['empty flow metadata', 'apiVersion: v1\nkind: Pod\nmetadata: {}\n'],
    ['a kind in a block scalar', 'apiVersion: v1\nkind: |\n  Pod\n'],
    ['a double-quoted name with an escape the scanner does not decode', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: "a\\u0041"\n'],
    ['a key YAML reads as a boolean', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\ndata:\n  true: x\n'],
    ['a key starting with a digit', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\ndata:\n  80: x\n'],
    ['a document that is a sequence', '- apiVersion: v1\n  kind: Pod\n'],
    ['a document that is a scalar', 'just text\n'],
    ['an indented document', '  apiVersion: v1\n  kind: Pod\n'],
    ['a mapping key ending the line with its colon inside a scalar', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nx: y:\n'],
    ['a sequence entry as a value', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nx: - y\n'],
    ['a nested compact sequence', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nx:\n- - y\n'],
    ['blank lines holding spaces before a block scalar\'s text', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: |\n      \n    text\n'],
    ['a block scalar with an indentation indicator', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: |2\n     text\n'],
    ['JSON in a YAML file', '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}}\n'],
    ['a comment glued to a value', "apiVersion: v1\nkind: Pod\nmetadata:\n  name: 'a'#c\n"],
    ['an unterminated quote', "apiVersion: v1\nkind: Pod\nmetadata:\n  name: 'a\n"],
    ['a complex key', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n? x\n: y\n'],
    ['a merge key', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  <<: {}\n'],
  ]
  for (const [what, text] of doubts) {
    it(what, () => {
      expect(compare(text)).toBe('fallback')
    })
  }

  it('where the full reader fails, the scanner is never sure', () => {
    const invalid = doubts.filter(([, text]) => typeof full(text) === 'string' && (full(text) as string).startsWith('error'))
    // The cases above do hold YAML the full reader refuses.
    expect(invalid.length).toBeGreaterThanOrEqual(6)
    for (const [, text] of invalid) expect(scanYamlHeads(text, 'f.yaml')).toBeUndefined()
  })
})

// ---------------------------------------------------------------------------------------------
// Random files: generated in and around the style the scanner reads, then corrupted.

/**
 * Random files: `clean` ones in the style the scanner reads (distinct keys, scalars of every
 * kind it knows), `wild` ones with what it does not know (flow collections, anchors, tags,
 * escapes, characters beyond ASCII, duplicate keys, Lists); either, sometimes, corrupted.
 */
function generator(rnd: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!
  const chance = (p: number) => rnd() < p
  const KEYS = ['name', 'namespace', 'kind', 'apiVersion', 'metadata', 'spec', 'app.kubernetes.io/name', 'a', 'b', 'c', "'q'", '"d q"', 'x-y', 'data', 'image']
  const WILD_KEYS = ['items', 'true', '80', 'a b', '? k', '<<', '"e\\x"', "'it''s'", 'x:y']
  const SCALARS = ['v1', 'web', 'apps/v1', '123', '0x1F', '1.5', 'true', 'False', 'null', '~', '-1', '-x', "'it''s'", "''", '"a\\"b"', '"tab\\t"', 'a b c', 'a:b',
    'http://h:1/#f', 'x #c', 'x#y', '[]', '{}', '|', '|-', '>+', 'Yes', 'no', '2024-01-01', '(a)', '$x', '/p', '.5', '=x']
  const WILD_SCALARS = ['a: b', '[a, b]', '{k: v}', '&a v', '*a', '!!str 1', '|2', '@x', '`x', '%x', '"x\\u0041"', 'café', ': x', '? x', '-', '"open', "'open", 'x:', '- y']
  return (): string => {
    const wild = chance(0.3)
    const scalar = () => wild && chance(0.15) ? pick(WILD_SCALARS) : pick(SCALARS)
    function value(depth: number, indent: number, out: string[], head: string): void {
      const pad = ' '.repeat(indent)
      const r = rnd()
      if (depth < 4 && r < 0.3) {
        out.push(head)
        mapping(depth + 1, indent + pick([1, 2, 2, 2, 4]), out)
      } else if (depth < 4 && r < 0.45) {
        // A sequence, indented or at its key's indentation.
        out.push(head)
        const sp = ' '.repeat(chance(0.5) ? indent : indent + 2)
        const n = 1 + Math.floor(rnd() * 3)
        for (let i = 0; i < n; i++) {
          if (chance(0.4)) {
            const lines: string[] = []
            mapping(depth + 1, sp.length + 2, lines)
            lines[0] = sp + '- ' + lines[0]!.trimStart()
            out.push(...lines)
          } else if (chance(0.1)) {
            out.push(sp + '-')
            mapping(depth + 1, sp.length + 2, out)
          } else {
            const s = scalar()
            out.push(`${sp}- ${s}`)
            if (s.startsWith('|') || s.startsWith('>')) out.push(`${sp}  text`, `${sp}    more`)
          }
        }
      } else if (r < 0.5) {
        out.push(head)
      } else {
        const s = scalar()
        out.push(`${head} ${s}`)
        if (s.startsWith('|') || s.startsWith('>')) {
          const body = pad + ' '.repeat(pick([1, 2, 4]))
          out.push(`${body}line one`, ...(chance(0.3) ? [''] : []), `${body}${pick(['kind: X', '# hash', '---', 'x', '  deeper'])}`)
        }
      }
      if (chance(0.05)) out.push(' '.repeat(pick([0, indent, indent + 1])) + '# a comment')
    }
    function mapping(depth: number, indent: number, out: string[], exclude: string[] = []): void {
      const keys = KEYS.filter(k => !exclude.includes(k)).sort(() => rnd() - 0.5).slice(0, 1 + Math.floor(rnd() * 4))
      if (wild && chance(0.2)) keys.push(chance(0.5) ? pick(WILD_KEYS) : keys[0]!)
      for (const k of keys) value(depth, indent, out, `${' '.repeat(indent)}${k}:`)
    }
    function document(): string[] {
      const out: string[] = []
      if (chance(0.2)) out.push('# header')
      const heads = ['apiVersion', 'kind', 'metadata']
      if (chance(0.9)) out.push(`apiVersion: ${pick(['v1', 'apps/v1', "'v1'", '"batch/v1"', 'v1 # c', ...(wild ? ['1', 'null', '[v1]'] : [])])}`)
      if (chance(0.9)) out.push(`kind: ${pick(['Pod', 'Deployment', "''", '"Job"', ...(wild ? ['List', 'PodList', 'true', '|'] : [])])}`)
      if (chance(0.8)) {
        out.push('metadata:')
        const pad = pick([2, 2, 4])
        if (chance(0.9)) out.push(`${' '.repeat(pad)}name: ${pick(['web', 'a-1', "'q'", '"d"', 'web # c', ...(wild ? ['1', 'null', '~', ''] : [])])}`)
        if (chance(0.5)) out.push(`${' '.repeat(pad)}namespace: ${pick(['shop', 'default', "'x'", ...(wild ? ['True', '0'] : [])])}`)
        if (chance(0.4)) mapping(2, pad, out, ['name', 'namespace'])
      }
      mapping(1, 0, out, wild ? [] : heads)
      return out
    }
    const docs = Array.from({length: 1 + Math.floor(rnd() * 3)}, document)
    let text = (chance(0.2) ? '---\n' : '') + docs.map(d => d.join('\n')).join('\n---\n') + (chance(0.8) ? '\n' : '')
    // Corruptions: a character in or out, a line doubled, dropped or added, indentation changed.
    const corruptions = chance(0.6) ? 0 : 1 + Math.floor(rnd() * 2)
    for (let c = 0; c < corruptions; c++) {
      const at = Math.floor(rnd() * text.length)
      const lines = text.split('\n')
      const l = Math.floor(rnd() * lines.length)
      switch (Math.floor(rnd() * 7)) {
        case 0: text = text.slice(0, at) + text.slice(at + 1); break
        case 1: text = text.slice(0, at) + pick([' ', ':', '-', '#', "'", '"', '|', '[', '{', '&', '*', '\t', '\n', 'a', '0', '\\', '}', ',', '?']) + text.slice(at); break
        case 2: lines.splice(l, 0, lines[l]!); text = lines.join('\n'); break
        case 3: lines.splice(l, 1); text = lines.join('\n'); break
        case 4: lines[l] = ' ' + lines[l]; text = lines.join('\n'); break
        case 5: lines[l] = lines[l]!.replace(/^ {1,2}/, ''); text = lines.join('\n'); break
        default: lines.splice(l, 0, pick(['---', '...', '  ', '#', '- x', 'x', '   # c'])); text = lines.join('\n')
      }
    }
    return text
  }
}

describe('scanYamlHeads against the full reader on random files', () => {
  it('never disagrees, reads most well-formed files itself, and refuses every file the full reader fails on', () => {
    const file = generator(random(20260101))
    let fast = 0, fallback = 0, refusedInvalid = 0
    for (let i = 0; i < 3000; i++) {
      const text = file()
      const answer = compare(text)
      if (answer === 'fast') fast++
      else {
        fallback++
        const f = full(text)
        if (typeof f === 'string' && f.startsWith('error')) refusedInvalid++
      }
    }
    // The comparison ran on both sides of the line: many files read fast, many not sure, and
    // hundreds that the full reader refuses (each one refused by the scanner too, or compare()
    // would have failed above).
    expect(fast).toBeGreaterThan(600)
    expect(fallback).toBeGreaterThan(600)
    expect(refusedInvalid).toBeGreaterThan(300)
  }, 120_000)
})
