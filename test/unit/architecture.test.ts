// The shape of src/, checked: imports run one way (commands → cli → {diagnose, deprecations,
// upgrade, render} → {scheduling, sources, kube} → model; render imports only model), no two
// files import each other through any path, and no helper is defined in two places.
import {readdirSync, readFileSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../src')

/** Each top folder's rank; a file may import its own folder or a folder of lower rank. */
const RANK: Record<string, number> = {
  model: 0,
  scheduling: 1, sources: 1, kube: 1,
  diagnose: 2, deprecations: 2, upgrade: 2, render: 2,
  cli: 3,
  commands: 4,
}
/** Narrower rules on top of the ranks. */
const ONLY: Record<string, string[]> = {render: ['model'], kube: ['model'], scheduling: ['model'], sources: ['model']}

function files(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap(e => e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [])
}

const SPEC = /(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g
const TYPE_ONLY = /^import\s+type\s/

/** Relative imports of a file, resolved to .ts paths (type-only imports included: they are coupling too). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(SPEC)].map(m => resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')))
}

const topOf = (file: string) => relative(root, file).split('/')[0]!.replace(/\.ts$/, '')
const all = files(root)
const graph = new Map(all.map(f => [f, importsOf(f)]))

/** Every cycle's files, by Tarjan's strongly connected components. */
function cycles(): string[][] {
  let index = 0
  const idx = new Map<string, number>(), low = new Map<string, number>(), onStack = new Set<string>(), stack: string[] = []
  const out: string[][] = []
  const visit = (v: string) => {
    idx.set(v, index); low.set(v, index); index++
    stack.push(v); onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)) } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!))
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = []
      let w: string
      do { w = stack.pop()!; onStack.delete(w); comp.push(relative(root, w)) } while (w !== v)
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(comp.sort())
    }
  }
  for (const v of graph.keys()) if (!idx.has(v)) visit(v)
  return out
}

describe('the layers of src/', () => {
  it('has a rank for every top folder', () => {
    const unknown = [...new Set(all.map(topOf))].filter(t => !(t in RANK) && !t.endsWith('index'))
    expect(unknown).toEqual([])
  })

  it('imports only downward', () => {
    const upward: string[] = []
    for (const [file, deps] of graph) {
      const from = topOf(file)
      for (const dep of deps) {
        const to = topOf(dep)
        if (to === from) continue
        const allowed = ONLY[from] ? ONLY[from].includes(to) : (RANK[to] ?? 99) < (RANK[from] ?? -1)
        if (!allowed) upward.push(`${relative(root, file)} → ${relative(root, dep)}`)
      }
    }
    expect(upward).toEqual([])
  })

  it('has no import cycle between files', () => {
    expect(cycles()).toEqual([])
  })

  it('resolves every relative import to a file', () => {
    const missing = [...graph].flatMap(([f, deps]) => deps.filter(d => !graph.has(d)).map(d => `${relative(root, f)} → ${relative(root, d)}`))
    expect(missing).toEqual([])
  })

  it('defines each top-level function once', () => {
    const where = new Map<string, string[]>()
    for (const file of all) {
      for (const m of readFileSync(file, 'utf8').matchAll(/^(?:export\s+)?(?:async\s+)?function\s+(\w+)|^(?:export\s+)?const\s+(\w+)\s*=\s*(?:async\s*)?\(/gm)) {
        const name = (m[1] ?? m[2])!
        where.set(name, [...(where.get(name) ?? []), relative(root, file)])
      }
    }
    const twice = [...where].filter(([, f]) => f.length > 1).map(([n, f]) => `${n}: ${f.join(', ')}`)
    expect(twice).toEqual([])
  })
})

describe('the checker itself', () => {
  it('sees type-only imports and dynamic imports as edges', () => {
    expect(TYPE_ONLY.test("import type {X} from './x.js'")).toBe(true)
    const base = join(root, 'commands', 'why-pending.ts')
    expect(importsOf(base).some(d => d.endsWith(join('diagnose', 'why-pending.ts')))).toBe(true)
  })
})
