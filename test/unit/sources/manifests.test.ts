import {mkdirSync, mkdtempSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'
import {Readable} from 'node:stream'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {InputError} from '../../../src/model/errors.ts'
import {HELM_TEMPLATE, parseManifests, readManifests, readManifestsSync, STDIN_PATH, type ManifestObject} from '../../../src/sources/manifests.ts'

const FIXTURES = fileURLToPath(new URL('../../fixtures/manifests/', import.meta.url))
const fixture = (name: string) => join(FIXTURES, name)
/** One row per object: where it is and what it is. */
const rows = (objects: ManifestObject[]) => objects.map(o => [relative(FIXTURES, o.path), o.line, o.object.apiVersion, o.object.kind, o.object.metadata?.name])
const inlineRows = (objects: ManifestObject[]) => objects.map(o => [o.line, o.object.kind, o.object.metadata?.name])

/** The error thrown by fn, for asserting its class, message and hint together. */
function thrown(fn: () => unknown): InputError {
  try { fn() } catch (err) { return err as InputError }
  throw new Error('expected an error')
}

describe('readManifestsSync: formats', () => {
  it('reads multi-document YAML: comments, a leading ---, empty and non-object documents, ... and a document on its --- line', () => {
    const m = readManifestsSync([fixture('multi.yaml')])
    expect(rows(m.objects)).toEqual([
      ['multi.yaml', 4, 'v1', 'Namespace', 'shop'],
      ['multi.yaml', 10, 'apps/v1', 'Deployment', 'web'],
      ['multi.yaml', 22, 'v1', 'ConfigMap', 'alerts'],
      ['multi.yaml', 31, 'v1', 'Service', 'web'],
    ])
    // A Go template inside a block scalar is data of a rendered object, not an un-rendered chart.
    expect((m.objects[2]!.object.data as Record<string, string>)['rules.yaml']).toBe('summary: "{{ $labels.instance }} is down"\n')
    expect(m.skipped).toEqual([])
    expect(m.files).toEqual([fixture('multi.yaml')])
  })

  it('reads a JSON List, unwrapping a nested typed list whose items get its kind and apiVersion', () => {
    const m = readManifestsSync([fixture('list.json')])
    expect(rows(m.objects)).toEqual([
      ['list.json', 5, 'v1', 'Pod', 'a'],
      ['list.json', 14, 'v1', 'Node', 'n1'],
      ['list.json', 15, 'v1', 'Node', 'n2'],
      ['list.json', 18, 'apps/v1', 'ReplicaSet', 'rs'],
    ])
    expect(m.objects[3]!.object.spec).toEqual({note: 'a } ] and a " in a string'})
  })

  it('reads a JSON stream of concatenated documents, passing over cluster-info dump log blocks', () => {
    const m = readManifestsSync([fixture('stream.json')])
    expect(rows(m.objects)).toEqual([
      ['stream.json', 1, 'v1', 'Pod', 'one'],
      ['stream.json', 2, 'v1', 'Pod', 'two'],
      ['stream.json', 2, 'v1', 'Pod', 'three'],
      ['stream.json', 10, 'v1', 'Pod', 'four'],
    ])
  })

  it('reads a YAML List with a nested ServiceList, ignoring items that are not objects', () => {
    const m = readManifestsSync([fixture('list.yaml')])
    expect(rows(m.objects)).toEqual([
      ['list.yaml', 7, 'apps/v1', 'Deployment', 'web'],
      ['list.yaml', 15, 'v1', 'Service', 'web'],
      ['list.yaml', 18, 'v1', 'Service', 'db'],
      ['list.yaml', 20, 'v1', 'Secret', 'creds'],
    ])
  })

  it('returns plain {object, path, line} records', () => {
    const [first] = readManifestsSync([fixture('list.json')]).objects
    expect(first).toEqual({object: {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'a', namespace: 'shop'}}, path: fixture('list.json'), line: 5})
    expect(JSON.parse(JSON.stringify(first))).toEqual({object: first!.object, path: fixture('list.json'), line: 5})
  })
})

describe('readManifestsSync: paths', () => {
  it('walks a directory recursively in code-unit order, reading only .yaml, .yml and .json and skipping hidden directories', () => {
    const m = readManifestsSync([fixture('tree')])
    expect(m.files.map(f => relative(FIXTURES, f))).toEqual(['tree/B.yaml', 'tree/a.yaml', 'tree/sub/F.YAML', 'tree/sub/c.yml', 'tree/sub/d.json', 'tree/sub/deeper/e.yaml'])
    expect(rows(m.objects)).toEqual([
      ['tree/B.yaml', 2, 'v1', 'ConfigMap', 'B'],
      ['tree/a.yaml', 1, 'v1', 'ConfigMap', 'a'],
      ['tree/sub/F.YAML', 1, 'v1', 'ConfigMap', 'F'],
      ['tree/sub/c.yml', 3, 'v1', 'ConfigMap', 'c'],
      ['tree/sub/d.json', 1, 'v1', 'ConfigMap', 'd'],
      ['tree/sub/deeper/e.yaml', 2, 'v1', 'ConfigMap', 'e'],
    ])
  })

  it('reads several paths in order, a file named explicitly whatever its extension, and a file reached twice once', () => {
    const m = readManifestsSync([fixture('tree/notes.txt'), fixture('tree/sub'), fixture('tree/sub/c.yml'), fixture('tree/a.yaml')])
    expect(m.files.map(f => relative(FIXTURES, f))).toEqual(['tree/notes.txt', 'tree/sub/F.YAML', 'tree/sub/c.yml', 'tree/sub/d.json', 'tree/sub/deeper/e.yaml', 'tree/a.yaml'])
    expect(m.objects.map(o => o.object.metadata?.name)).toEqual(['not-read', 'F', 'c', 'd', 'e', 'a'])
  })

  it('skips .git and follows a symbolic link to a directory without looping', () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifests-'))
    mkdirSync(join(dir, '.git'))
    writeFileSync(join(dir, '.git', 'x.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: in-git}\n')
    mkdirSync(join(dir, 'app'))
    writeFileSync(join(dir, 'app', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n')
    symlinkSync('..', join(dir, 'app', 'loop'))
    symlinkSync(join(dir, 'app'), join(dir, 'linked'))
    const m = readManifestsSync([dir])
    expect(m.files).toEqual([join(dir, 'app', 'cm.yaml'), join(dir, 'linked', 'cm.yaml')])
    expect(m.objects.map(o => o.object.metadata?.name)).toEqual(['cm', 'cm'])
  })

  it('fails on a path that does not exist, with a hint', () => {
    const err = thrown(() => readManifestsSync([fixture('tree'), fixture('nope.yaml')]))
    expect(err).toBeInstanceOf(InputError)
    expect(err.message).toBe(`file ${fixture('nope.yaml')} does not exist`)
    expect(err.hint).toBe('pass YAML or JSON manifest files, directories of them, or - for standard input')
    expect(err.exitCode).toBe(2)
  })
})

describe('readManifestsSync: templates and errors', () => {
  it('returns un-rendered Helm templates as skipped, with their first line, and reads the plain documents around them', () => {
    const m = readManifestsSync([fixture('helm')])
    const file = fixture('helm/templates/deployment.yaml')
    expect(m.skipped).toEqual([
      {path: file, line: 1, reason: HELM_TEMPLATE},
      {path: file, line: 16, reason: HELM_TEMPLATE},
    ])
    expect(HELM_TEMPLATE).toBe('helm template (not rendered)')
    expect(rows(m.objects)).toEqual([['helm/templates/deployment.yaml', 11, 'v1', 'ServiceAccount', 'app']])
  })

  it('names the file, line and column of invalid YAML, even after a valid document', () => {
    const err = thrown(() => readManifestsSync([fixture('invalid/bad.yaml')]))
    expect(err).toBeInstanceOf(InputError)
    expect(err.message).toBe(`${fixture('invalid/bad.yaml')} is not valid YAML at line 10, column 13: bad indentation of a mapping entry`)
  })

  it('names the file, line and column of invalid JSON', () => {
    const err = thrown(() => readManifestsSync([fixture('invalid/bad.json')]))
    expect(err).toBeInstanceOf(InputError)
    expect(err.message).toBe(`${fixture('invalid/bad.json')} is not valid JSON at line 5, column 21: expected a property name in double quotes, found character "}"`)
  })

  it('names the invalid file found in a directory walk', () => {
    expect(() => readManifestsSync([fixture('invalid')])).toThrow(`${fixture('invalid/bad.json')} is not valid JSON at line 5`)
  })
})

describe('standard input', () => {
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: from-stdin\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: second\n'

  it('reads - from the text given, as <stdin>', () => {
    const m = readManifestsSync(['-'], {stdin: pod})
    expect(STDIN_PATH).toBe('<stdin>')
    expect(m.objects.map(o => [o.path, o.line, o.object.metadata?.name])).toEqual([['<stdin>', 1, 'from-stdin'], ['<stdin>', 6, 'second']])
    expect(m.files).toEqual(['<stdin>'])
  })

  it('recognises JSON on standard input, as bytes too', () => {
    const json = '\n{"kind": "PodList", "apiVersion": "v1", "items": [\n  {"metadata": {"name": "p"}}\n]}\n'
    const m = readManifestsSync(['-'], {stdin: new TextEncoder().encode(json)})
    expect(m.objects.map(o => [o.path, o.line, o.object.kind, o.object.metadata?.name])).toEqual([['<stdin>', 3, 'Pod', 'p']])
  })

  it('reads a stream for -, among files, in the order of the paths', async () => {
    const bytes = Buffer.from(pod)
    const stdin = Readable.from([bytes.subarray(0, 20), bytes.subarray(20, 45), bytes.subarray(45)])
    const m = await readManifests([fixture('tree/a.yaml'), '-'], {stdin})
    expect(m.objects.map(o => [o.path, o.line, o.object.metadata?.name])).toEqual([[fixture('tree/a.yaml'), 1, 'a'], ['<stdin>', 1, 'from-stdin'], ['<stdin>', 6, 'second']])
  })

  it('does not touch standard input without -', async () => {
    const stdin = {[Symbol.asyncIterator]: () => { throw new Error('stdin was read') }}
    const m = await readManifests([fixture('tree/a.yaml')], {stdin})
    expect(m.objects.map(o => o.object.metadata?.name)).toEqual(['a'])
  })

  it('refuses - twice', async () => {
    expect(() => readManifestsSync(['-', '-'], {stdin: pod})).toThrow(InputError)
    const unreadable = {[Symbol.asyncIterator]: () => { throw new Error('stdin was read') }}
    await expect(readManifests(['-', 'x', '-'], {stdin: unreadable})).rejects.toThrow('standard input (-) can be read only once')
  })

  it('names <stdin> in errors', () => {
    expect(() => readManifestsSync(['-'], {stdin: 'kind: Pod\nmetadata: [\n'})).toThrow(/^<stdin> is not valid YAML at line 3, column 1: /)
  })
})

describe('parseManifests', () => {
  it('counts lines through CRLF endings and a byte order mark', () => {
    const text = '\uFEFF# c\r\n---\r\napiVersion: v1\r\nkind: A\r\nmetadata: {name: a}\r\n---\r\n\r\napiVersion: v1\r\nkind: B\r\nmetadata: {name: b}\r\n'
    expect(inlineRows(parseManifests(text, 'x.yaml').objects)).toEqual([[3, 'A', 'a'], [8, 'B', 'b']])
    expect(inlineRows(parseManifests('\uFEFF{"apiVersion": "v1", "kind": "Pod",\r\n "metadata": {"name": "b"}}', 'x.json', 'json').objects)).toEqual([[1, 'Pod', 'b']])
  })

  it('places a document after directives, anchors and tags on the line of its node', () => {
    const text = '%YAML 1.2\n---\n&pod\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\n...\n%TAG !k! tag:yaml.org,2002:\n---\n# c\n!k!map\nkind: Pod\napiVersion: v1\nmetadata: {name: !k!str 7}\n'
    const objects = parseManifests(text, 'x.yaml').objects
    expect(inlineRows(objects)).toEqual([[3, 'Pod', 'p'], [11, 'Pod', '7']])
    expect(() => parseManifests('kind: Pod\n...\n%YAML 1.2\n', 'x.yaml')).toThrow('x.yaml is not valid YAML at line 4')
  })

  it('splits documents only at three dashes', () => {
    const text = '{apiVersion: v1, kind: Pod, metadata: {name: p}, args: [a,\n--x b]}\n---\nkind: Pod\nmetadata: {name: q}\n'
    const objects = parseManifests(text, 'x.yaml').objects
    expect(inlineRows(objects)).toEqual([[1, 'Pod', 'p'], [4, 'Pod', 'q']])
    expect(objects[0]!.object.args).toEqual(['a', '--x b'])
  })

  it('tells a Go template in a block scalar (data) from one in the YAML itself (a chart)', () => {
    const data = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rules\ndata:\n  a.tmpl: |-\n    {{ range .Alerts }}\n\n    {{ end }}\n  b.tmpl: >\n    {{ .Status }}\n# {{ a comment }}\n'
    expect(inlineRows(parseManifests(data, 'x.yaml').objects)).toEqual([[1, 'ConfigMap', 'rules']])
    const chart = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rules\ndata:\n  a.tmpl: |\n    {{ range .Alerts }}\n  b: "{{ .Values.b }}"\n'
    expect(parseManifests(chart, 'x.yaml')).toEqual({objects: [], skipped: [{path: 'x.yaml', line: 1, reason: HELM_TEMPLATE}]})
    const seqData = 'kind: List\nitems:\n- |\n  {{ .x }}\n- {apiVersion: v1, kind: Pod, metadata: {name: p}}\n'
    expect(parseManifests(seqData, 'x.yaml')).toEqual({objects: [expect.objectContaining({line: 5})], skipped: []})
    const seqChart = 'kind: List\nitems:\n- |\n  x\n- {{ .y }}\n'
    expect(parseManifests(seqChart, 'x.yaml').skipped).toEqual([{path: 'x.yaml', line: 1, reason: HELM_TEMPLATE}])
  })

  it('skips a document that holds {{ only in a block scalar but does not parse, and a .json template', () => {
    const text = '# c\napiVersion: v1\nkind: ConfigMap\ndata:\n  x: |\n    {{ .Values.x }}\n  y: [unclosed\n'
    expect(parseManifests(text, 'x.yaml')).toEqual({objects: [], skipped: [{path: 'x.yaml', line: 2, reason: HELM_TEMPLATE}]})
    expect(parseManifests('\n{"kind": "ConfigMap", "data": {{ toJson .Values }}}', 't.json', 'json').skipped).toEqual([{path: 't.json', line: 2, reason: HELM_TEMPLATE}])
  })

  it('reads JSON in a YAML file, and YAML flow mappings that look like JSON', () => {
    expect(inlineRows(parseManifests('\n\n{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j"}}', 'x.yaml').objects)).toEqual([[3, 'Pod', 'j']])
    expect(inlineRows(parseManifests('{apiVersion: v1, kind: Pod, metadata: {name: f}}\n', 'x.yaml').objects)).toEqual([[1, 'Pod', 'f']])
    expect(() => parseManifests('{"kind": "Pod",\n "metadata": {"name": [}}\n', 'x.yaml')).toThrow('x.yaml is not valid JSON at line 2, column 24: unexpected character "}"')
    // Neither JSON nor YAML: the error found further in.
    expect(() => parseManifests('{kind: Pod}\n---\nkind: Pod\nmetadata:\n  name: a\n   x: 1\n', 'x.yaml')).toThrow('x.yaml is not valid YAML at line 6, column 5: bad indentation')
  })

  it('ignores what is not a Kubernetes object and keeps an object that lacks only its apiVersion', () => {
    const text = [
      'just a string', '- a\n- b', 'kind: Pod', 'apiVersion: v1', '{}', 'null',
      'kind: Pod\nmetadata: {name: no-api-version}', 'apiVersion: v1\nkind: Namespace',
      'kind: List\nitems: [1, [], {kind: Pod}]',
    ].join('\n---\n')
    expect(parseManifests(text, 'x.yaml').objects.map(o => [o.object.kind, o.object.metadata?.name])).toEqual([['Pod', 'no-api-version'], ['Namespace', undefined]])
    expect(parseManifests('', 'x.yaml')).toEqual({objects: [], skipped: []})
    expect(parseManifests(' \n', 'x.json', 'json')).toEqual({objects: [], skipped: []})
  })

  it('keeps an item\'s own kind over the one its list implies', () => {
    const m = parseManifests('{"kind": "PodList", "apiVersion": "v1", "items": [{"kind": "Mirror", "apiVersion": "x/v1", "metadata": {"name": "m"}}]}', 'x.json', 'json')
    expect(m.objects.map(o => [o.object.apiVersion, o.object.kind])).toEqual([['x/v1', 'Mirror']])
  })

  it('gives exact JSON List lines whatever order they are asked in', () => {
    const items = Array.from({length: 50}, (_, i) => ({apiVersion: 'v1', kind: 'Pod', metadata: {name: `p${i}`, note: '{"[' + '\\'.repeat(i % 3)}}))
    const text = JSON.stringify({apiVersion: 'v1', kind: 'List', items}, null, 2)
    const objects = parseManifests(text, 'x.json', 'json').objects
    // Each item is 8 lines long ({, apiVersion, kind, metadata {, name, note, }, }), starting on line 5.
    const expected = items.map((_, i) => 5 + 8 * i)
    expect([...objects].reverse().map(o => o.line)).toEqual([...expected].reverse())
    expect(objects.map(o => o.line)).toEqual(expected)
  })

  it('reports where a JSON stream breaks', () => {
    expect(() => parseManifests('{"kind": "Pod"}\n{"kind": "List", "items": [\n  {"a": 1}\n', 'x.json', 'json')).toThrow('x.json is not valid JSON at line 3, column 11: unexpected end of input')
    expect(() => parseManifests('{"kind": "Pod"}\n\n  oops {"kind": "Pod"}\n', 'x.json', 'json')).toThrow('x.json is not valid JSON at line 3, column 3: unexpected character "o"')
    expect(() => parseManifests('{"kind": "Pod"}\n1\n', 'x.json', 'json')).toThrow('x.json is not valid JSON at line 2, column 1: unexpected character "1"')
    expect(() => parseManifests('{"a": "\\x"}', 'x.json', 'json')).toThrow('x.json is not valid JSON at line 1, column 8: invalid escape in string')
  })
})
