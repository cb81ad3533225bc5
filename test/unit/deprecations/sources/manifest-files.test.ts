// readManifestHeads and readHeads against readManifests and parseManifests: the same files in the
// same order, the same objects at the same lines (as far as upgrade-plan reads them), the same
// skipped templates, the same errors, over the fixtures, a tree with every kind of directory
// entry, and a generated repository.
import {mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {extname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {fileUses} from '../../../../src/deprecations/sources/files.ts'
import {readHeads, readManifestHeads} from '../../../../src/deprecations/sources/manifest-files.ts'
import {scanYamlHeads} from '../../../../src/deprecations/sources/yaml-heads.ts'
import {parseManifests, readManifests, readManifestsSync, type Manifests} from '../../../../src/sources/manifests.ts'
import {writeManifestTree} from '../../../bench/manifest-tree.ts'

const FIXTURES = fileURLToPath(new URL('../../../fixtures/manifests/', import.meta.url))

/** What upgrade-plan reads of manifests: each object's four fields, file and line; skipped; files. */
const view = (m: Omit<Manifests, 'files'> & {files?: string[]}) => ({
  objects: m.objects.map(o => ({
    path: o.path, line: o.line, apiVersion: o.object.apiVersion, kind: o.object.kind,
    name: o.object.metadata?.name, namespace: o.object.metadata?.namespace,
  })),
  skipped: m.skipped,
  files: m.files,
})

async function same(paths: string[]): Promise<Manifests> {
  const heads = await readManifestHeads(paths)
  expect(view(heads)).toEqual(view(readManifestsSync(paths)))
  expect(fileUses(heads)).toEqual(fileUses(readManifestsSync(paths)))
  return heads
}

async function errorOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`
  }
  throw new Error('expected an error')
}

const tmp = () => mkdtempSync(join(tmpdir(), 'kubectl-prod-heads-'))

describe('readManifestHeads', () => {
  it('reads the fixtures as readManifests does: YAML, JSON Lists and streams, templates, invalid ones apart', async () => {
    const m = await same([join(FIXTURES, 'tree'), join(FIXTURES, 'upgrade'), join(FIXTURES, 'multi.yaml'), join(FIXTURES, 'list.json'), join(FIXTURES, 'list.yaml'), join(FIXTURES, 'stream.json'), join(FIXTURES, 'helm')])
    expect(m.objects.length).toBeGreaterThan(10)
    expect(m.skipped.length).toBeGreaterThan(0)
  })

  it('keeps of each object only apiVersion, kind, metadata.name and metadata.namespace', async () => {
    const m = await readManifestHeads([join(FIXTURES, 'multi.yaml'), join(FIXTURES, 'list.json')])
    for (const {object} of m.objects) {
      for (const key of Object.keys(object)) expect(['apiVersion', 'kind', 'metadata']).toContain(key)
      for (const key of Object.keys(object.metadata ?? {})) expect(['name', 'namespace']).toContain(key)
    }
  })

  it('walks a directory as readManifests does: order, hidden directories, links, cycles, extensions, files reached twice', async () => {
    const dir = tmp()
    const doc = (kind: string, name: string) => `apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n`
    mkdirSync(join(dir, 'b', 'deep'), {recursive: true})
    mkdirSync(join(dir, 'a'))
    mkdirSync(join(dir, '.git'))
    mkdirSync(join(dir, 'elsewhere'))
    writeFileSync(join(dir, 'b', 'deep', 'z.yml'), doc('ConfigMap', 'z'))
    writeFileSync(join(dir, 'b', 'A.YAML'), doc('ConfigMap', 'upper'))
    writeFileSync(join(dir, 'b', 'B.yaml'), doc('ConfigMap', 'sorted-by-code-unit'))
    writeFileSync(join(dir, 'a', 'x.json'), JSON.stringify({apiVersion: 'v1', kind: 'List', items: [{apiVersion: 'v1', kind: 'Pod', metadata: {name: 'p', namespace: 'n'}}]}, null, 2))
    writeFileSync(join(dir, 'a', 'flow.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: flow, namespace: f}\n')
    writeFileSync(join(dir, 'a', 'tpl.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n')
    writeFileSync(join(dir, 'a', '.hidden.yaml'), doc('ConfigMap', 'hidden-file'))
    writeFileSync(join(dir, 'a', 'notes.md'), 'kind: Nope\n')
    writeFileSync(join(dir, '.git', 'config.yaml'), doc('ConfigMap', 'in-git'))
    writeFileSync(join(dir, 'elsewhere', 'linked.yaml'), doc('ConfigMap', 'linked'))
    symlinkSync(join(dir, 'elsewhere', 'linked.yaml'), join(dir, 'b', 'link.yaml'))
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'b', 'dirlink'))
    symlinkSync(dir, join(dir, 'b', 'deep', 'cycle'))
    symlinkSync(join(dir, 'missing'), join(dir, 'a', 'dangling.txt'))
    writeFileSync(join(dir, 'explicit.txt'), doc('Secret', 'named-explicitly'))
    const m = await same([dir, join(dir, 'b', 'B.yaml'), join(dir, 'explicit.txt')])
    expect(m.objects.map(o => o.object.metadata?.name)).toEqual(['hidden-file', 'flow', 'p', 'upper', 'sorted-by-code-unit', 'z', 'linked', 'linked', 'linked', 'named-explicitly'])
    expect(m.skipped.map(s => s.path)).toEqual([join(dir, 'a', 'tpl.yaml')])
  })

  it('fails as readManifests does: a path that does not exist, a broken link named like a manifest, invalid YAML or JSON', async () => {
    const dir = tmp()
    symlinkSync(join(dir, 'missing'), join(dir, 'broken.yaml'))
    const bad = tmp()
    writeFileSync(join(bad, 'bad.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n')
    const badJson = tmp()
    writeFileSync(join(badJson, 'bad.json'), '{"apiVersion": "v1", "kind": }')
    for (const paths of [[join(dir, 'nope')], [dir], [bad], [badJson]]) {
      const slow = await errorOf(() => readManifestsSync(paths))
      expect(await errorOf(readManifestHeads(paths))).toBe(slow)
      expect(slow).toMatch(/^InputError: /)
    }
  })

  it('reads standard input through readManifests', async () => {
    const stdin = 'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules: []\n'
    const heads = await readManifestHeads(['-', join(FIXTURES, 'multi.yaml')], {stdin})
    expect(view(heads)).toEqual(view(await readManifests(['-', join(FIXTURES, 'multi.yaml')], {stdin})))
    expect(heads.objects[0]!.object).toEqual({apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: {name: 'web'}})
  })

  it('reads a generated repository of manifests as readManifests does', async () => {
    const dir = join(tmp(), 'repo')
    const tree = writeManifestTree(dir, 600, 3)
    const m = await same([dir])
    expect(m.files).toHaveLength(600)
    expect(m.objects.length).toBeGreaterThan(tree.files)
  }, 60_000)
})

describe('readHeads', () => {
  /** readHeads and parseManifests on one file: the same view, or the same error. */
  function sameFile(file: string): void {
    const text = readFileSync(file, 'utf8')
    const format = extname(file).toLowerCase() === '.json' ? 'json' : 'auto'
    let slow: ReturnType<typeof view> | string
    try { slow = view(parseManifests(text, file, format)) } catch (err) { slow = (err as Error).message }
    let fast: ReturnType<typeof view> | string
    try { fast = view(readHeads(text, file, format)) } catch (err) { fast = (err as Error).message }
    expect(fast, file).toEqual(slow)
  }

  it('reads each file of the fixtures as parseManifests does, invalid ones included', () => {
    const files = readManifestsSync([join(FIXTURES, 'tree'), join(FIXTURES, 'upgrade'), join(FIXTURES, 'helm')]).files
    const invalid = [join(FIXTURES, 'invalid', 'bad.yaml'), join(FIXTURES, 'invalid', 'bad.json')]
    for (const file of [...files, join(FIXTURES, 'multi.yaml'), join(FIXTURES, 'list.json'), join(FIXTURES, 'list.yaml'), join(FIXTURES, 'stream.json'), ...invalid]) sameFile(file)
  })

  it('reads the documents of a rendered Helm manifest as parseManifests does, by the line scanner', () => {
    // helmUses splits a release's manifest at its `---` lines and reads each document alone.
    const manifest = [
      '---', '# Source: shop/templates/pdb.yaml', 'apiVersion: policy/v1beta1', 'kind: PodDisruptionBudget', 'metadata:', '  name: shop', '  labels:',
      '    helm.sh/chart: shop-1.2.3', 'spec:', '  minAvailable: 1', '  selector:', '    matchLabels:', '      app: shop',
      '---', '# Source: shop/templates/rules.yaml', 'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: "shop-rules"', '  namespace: monitoring', 'data:',
      '  rules.yaml: |-', '    summary: "{{ $labels.instance }} is down"', '---', '# Source: shop/templates/deploy.yaml', 'apiVersion: apps/v1', 'kind: Deployment',
      'metadata:', "  name: 'shop'", 'spec:', '  template:', '    spec:', '      containers:', '      - name: shop', '        args: ["--port", "8080"]',
    ].join('\n') + '\n'
    const docs = manifest.split(/^---(?=[ \t]|\r?$)/m).filter(d => d.trim())
    expect(docs).toHaveLength(3)
    const scanned = docs.map(d => scanYamlHeads(d, 'm') !== undefined)
    // The template inside the block scalar and the flow sequence are the full reader's.
    expect(scanned).toEqual([true, false, false])
    for (const doc of docs) expect(view(readHeads(doc, 'm', 'yaml'))).toEqual(view(parseManifests(doc, 'm', 'yaml')))
  })

  it('reads a generated repository file by file as parseManifests does, most files by the line scanner', () => {
    const dir = join(tmp(), 'repo')
    writeManifestTree(dir, 800, 5)
    const files = readManifestsSync([dir]).files
    let scanned = 0
    for (const file of files) {
      sameFile(file)
      if (!file.endsWith('.json') && scanYamlHeads(readFileSync(file, 'utf8'), file)) scanned++
    }
    expect(scanned / files.length).toBeGreaterThan(0.8)
  }, 60_000)
})
