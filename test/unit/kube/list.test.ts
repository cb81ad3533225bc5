// Paged lists against a real HTTP server on 127.0.0.1: full objects and metadata only, the
// same pager for both, restarting when a continue token expires.
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {afterEach, describe, expect, it} from 'vitest'
import {connect, type Kube} from '../../../src/kube/client.ts'
import {loadKubeconfig} from '../../../src/kube/kubeconfig.ts'
import {continueToken, FIELDS_V1_LAST_APPLIED, list, listAll, ListBody, listMetadata, METADATA_LIST_ACCEPT, withLeanFieldsV1} from '../../../src/kube/list.ts'
import {holdsLastApplied, type ManagedFieldsEntry} from '../../../src/model/upgrade.ts'
import {ClusterError} from '../../../src/model/errors.ts'
import {random} from '../../fakes/random.ts'

/** The error a call fails with; a call that succeeds fails the test. */
const rejection = (p: Promise<unknown>): Promise<ClusterError> => p.then(() => { throw new Error('expected the call to fail') }, (e: ClusterError) => e)

const cleanups: (() => unknown)[] = []
afterEach(async () => { for (const c of cleanups.splice(0)) await c() })

async function serve(handle: (url: URL, res: ServerResponse, req: IncomingMessage) => void): Promise<{url: string; seen: {url: URL; accept: string}[]}> {
  const seen: {url: URL; accept: string}[] = []
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    seen.push({url, accept: req.headers.accept ?? ''})
    handle(url, res, req)
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  cleanups.push(() => new Promise(r => { server.closeAllConnections(); server.close(r) }))
  return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen}
}

async function kubeAt(url: string): Promise<Kube> {
  const kube = await connect(loadKubeconfig({server: url, token: 'secret'}, {HOME: '/nonexistent'}), {requestTimeoutMs: 5000, verbose: 0})
  cleanups.push(() => kube.close())
  return kube
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, {'content-type': 'application/json'})
  res.end(JSON.stringify(body))
}

const meta = (name: string) => ({apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: {name, namespace: 'shop', resourceVersion: '7'}})

/** Pages of two: tokens "p2", "p3"; `expire` answers 410 to the nth request carrying a token. */
function pager(names: string[], opts: {expireOnce?: string} = {}) {
  let expired = false
  return (url: URL, res: ServerResponse) => {
    const token = url.searchParams.get('continue') ?? ''
    if (token && token === opts.expireOnce && !expired) {
      expired = true
      return json(res, 410, {kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410,
        message: 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.'})
    }
    const page = token ? Number(token.slice(1)) : 1
    const items = names.slice((page - 1) * 2, page * 2).map(meta)
    const more = page * 2 < names.length
    json(res, 200, {kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: {resourceVersion: '42', ...(more ? {continue: `p${page + 1}`} : {})}, items})
  }
}

describe('listMetadata', () => {
  it('asks for PartialObjectMetadataList on every page and follows continue tokens', async () => {
    const {url, seen} = await serve(pager(['a', 'b', 'c', 'd', 'e']))
    const kube = await kubeAt(url)
    const items = await listMetadata(kube, '/api/v1/namespaces/shop/pods', {labelSelector: 'app=db', limit: 2})
    expect(items.map(i => i.metadata.name)).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(items[0]).toEqual(meta('a'))
    expect(seen).toHaveLength(3)
    for (const s of seen) {
      expect(s.accept).toBe('application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json')
      expect(s.url.pathname).toBe('/api/v1/namespaces/shop/pods')
      expect(s.url.searchParams.get('labelSelector')).toBe('app=db')
      expect(s.url.searchParams.get('limit')).toBe('2')
    }
    expect(seen.map(s => s.url.searchParams.get('continue'))).toEqual([null, 'p2', 'p3'])
    expect(METADATA_LIST_ACCEPT).toBe(seen[0]!.accept)
  })
  it('starts over when a continue token expires (410), keeping no item twice', async () => {
    const {url, seen} = await serve(pager(['a', 'b', 'c', 'd', 'e'], {expireOnce: 'p3'}))
    const kube = await kubeAt(url)
    const items = await listMetadata(kube, '/api/v1/pods', {limit: 2})
    expect(items.map(i => i.metadata.name)).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(seen.map(s => s.url.searchParams.get('continue'))).toEqual([null, 'p2', 'p3', null, 'p2', 'p3'])
    expect(seen.every(s => s.accept === METADATA_LIST_ACCEPT)).toBe(true)
  })
  it('gives up after starting over twice', async () => {
    const {url, seen} = await serve((u, res) => u.searchParams.get('continue')
      ? json(res, 410, {kind: 'Status', code: 410, reason: 'Expired', message: 'too old'})
      : json(res, 200, {metadata: {continue: 'p2'}, items: [meta('a')]}))
    const kube = await kubeAt(url)
    const err = await rejection(listMetadata(kube, '/api/v1/pods'))
    expect(err).toBeInstanceOf(ClusterError)
    expect(err.status).toBe(410)
    expect(seen).toHaveLength(6)
  })
})

describe('listAll and list', () => {
  it('lists whole objects with the plain Accept header, and list() gives the resourceVersion to watch from', async () => {
    const {url, seen} = await serve(pager(['a', 'b', 'c']))
    const kube = await kubeAt(url)
    expect((await listAll(kube, '/api/v1/pods', {map: (p: {metadata: {name: string}}) => ({metadata: {name: p.metadata.name.toUpperCase()}})})).map(p => p.metadata.name)).toEqual(['A', 'B', 'C'])
    expect(seen.every(s => s.accept === 'application/json')).toBe(true)
    expect(seen[0]!.url.searchParams.get('limit')).toBe('500')
    const listed = await list(kube, '/api/v1/pods', {fieldSelector: 'spec.nodeName=n1'})
    expect(listed.resourceVersion).toBe('42')
    expect(listed.items).toHaveLength(3)
    expect(seen.at(-1)!.url.searchParams.get('fieldSelector')).toBe('spec.nodeName=n1')
  })
})

/** A List body in two parts, as a server writes it: the metadata first, then the items. */
function split(names: string[], more: string | undefined): [string, string] {
  const head = `{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"42"${more ? `,"continue":"${more}"` : ''}},"items":[`
  return [head, names.map(n => JSON.stringify(meta(n))).join(',') + ']}']
}

describe('pipelining', () => {
  it('asks for the next page as soon as the start of the current one shows its token, before the rest arrives or is parsed', async () => {
    const log: string[] = []
    const {url, seen} = await serve((u, res) => {
      const token = u.searchParams.get('continue') ?? ''
      log.push(`request ${token || 'first'}`)
      const [head, rest] = split(token ? ['c'] : ['a', 'b'], token ? undefined : 'p2')
      res.writeHead(200, {'content-type': 'application/json'})
      res.write(head)
      // The rest of the first page comes only once the second page has been asked for.
      if (token) res.end(rest)
      else {
        const until = Date.now() + 2000
        const wait = () => log.includes('request p2') || Date.now() > until ? (log.push('first page ends'), res.end(rest)) : setTimeout(wait, 5)
        wait()
      }
    })
    const kube = await kubeAt(url)
    const items = await listAll(kube, '/api/v1/pods', {map: (p: {metadata: {name: string}}) => { log.push(`map ${p.metadata.name}`); return p }})
    expect(items.map(i => i.metadata.name)).toEqual(['a', 'b', 'c'])
    expect(log).toEqual(['request first', 'request p2', 'first page ends', 'map a', 'map b', 'map c'])
    expect(seen.map(s => s.url.searchParams.get('continue'))).toEqual([null, 'p2'])
  })

  it('has the next page on its way while a page that takes long to parse is parsed', async () => {
    // 20,000 items: parsing the first page takes tens of milliseconds.
    const big = Array.from({length: 20_000}, (_, i) => `big-${i}`)
    let secondAskedAt = 0
    const {url} = await serve((u, res) => {
      const token = u.searchParams.get('continue')
      if (token) secondAskedAt = performance.now()
      json(res, 200, {kind: 'PodList', apiVersion: 'v1', metadata: {resourceVersion: '42', ...(token ? {} : {continue: 'p2'})}, items: (token ? ['last'] : big).map(meta)})
    })
    const kube = await kubeAt(url)
    let firstPageParsedAt = 0
    const items = await listAll(kube, '/api/v1/pods', {map: (p: {metadata: {name: string}}) => {
      if (p.metadata.name === 'big-19999') firstPageParsedAt = performance.now()
      return p
    }})
    expect(items).toHaveLength(20_001)
    expect(secondAskedAt).toBeGreaterThan(0)
    expect(secondAskedAt).toBeLessThan(firstPageParsedAt)
  })

  it('keeps at most two requests of one list open, in page order', async () => {
    let open = 0, most = 0
    const names = Array.from({length: 12}, (_, i) => `p-${i}`)
    const {url, seen} = await serve((u, res) => {
      open++; most = Math.max(most, open)
      const page = Number((u.searchParams.get('continue') ?? 'p1').slice(1))
      const [head, rest] = split(names.slice((page - 1) * 2, page * 2), page * 2 < names.length ? `p${page + 1}` : undefined)
      res.writeHead(200, {'content-type': 'application/json'})
      res.write(head)
      setTimeout(() => { open--; res.end(rest) }, 20)
    })
    const kube = await kubeAt(url)
    const items = await listMetadata(kube, '/api/v1/pods', {limit: 2})
    expect(items.map(i => i.metadata.name)).toEqual(names)
    expect(seen.map(s => s.url.searchParams.get('continue'))).toEqual([null, 'p2', 'p3', 'p4', 'p5', 'p6'])
    expect(most).toBe(2)
  })

  it('takes the token from the parsed page when the metadata comes after the items, and never from an item', async () => {
    const {url, seen} = await serve((u, res) => {
      const token = u.searchParams.get('continue')
      // An item whose own fields say "continue": the token is not read from there.
      const item = {...meta(token ? 'b' : 'a'), metadata: {name: token ? 'b' : 'a', annotations: {continue: 'not-a-token'}}}
      res.writeHead(200, {'content-type': 'application/json'})
      res.end(`{"kind":"PodList","apiVersion":"v1","items":[${JSON.stringify(item)}],"metadata":{"resourceVersion":"42"${token ? '' : ',"continue":"p2"'}}}`)
    })
    const kube = await kubeAt(url)
    const listed = await list<{metadata: {name: string}}>(kube, '/api/v1/pods')
    expect(listed.items.map(i => i.metadata.name)).toEqual(['a', 'b'])
    expect(listed.resourceVersion).toBe('42')
    expect(seen.map(s => s.url.searchParams.get('continue'))).toEqual([null, 'p2'])
  })

  it('drops a page asked for on a token the parsed page does not confirm', async () => {
    const {url, seen} = await serve((u, res) => {
      const token = u.searchParams.get('continue')
      res.writeHead(200, {'content-type': 'application/json'})
      // Duplicate keys: the scan reads the first metadata, JSON.parse keeps the last.
      if (!token) return res.end(`{"metadata":{"continue":"guess"},"metadata":{"resourceVersion":"42","continue":"p2"},"items":[${JSON.stringify(meta('a'))}]}`)
      res.end(JSON.stringify({metadata: {resourceVersion: '42'}, items: token === 'p2' ? [meta('b')] : [meta('wrong')]}))
    })
    const kube = await kubeAt(url)
    const items = await listMetadata(kube, '/api/v1/pods')
    expect(items.map(i => i.metadata.name)).toEqual(['a', 'b'])
    expect(seen.map(s => s.url.searchParams.get('continue')).filter(t => t !== 'guess')).toEqual([null, 'p2'])
  })

  it('asks for a page again when its connection breaks in the middle of the body, and gives up as an unreachable server', async () => {
    let broken = 0
    const {url} = await serve((u, res, req) => {
      const token = u.searchParams.get('continue')
      const [head, rest] = split(token ? ['b'] : ['a'], token ? undefined : 'p2')
      res.writeHead(200, {'content-type': 'application/json'})
      res.write(head)
      if (token && broken++ < 1) return setTimeout(() => req.socket.destroy(), 10)
      res.end(rest)
    })
    const kube = await kubeAt(url)
    expect((await listAll(kube, '/api/v1/pods')).map(i => (i as {metadata: {name: string}}).metadata.name)).toEqual(['a', 'b'])
    expect(broken).toBe(2)

    const {url: always} = await serve((_u, res, req) => {
      res.writeHead(200, {'content-type': 'application/json'})
      res.write('{"metadata":{},"items":[')
      setTimeout(() => req.socket.destroy(), 10)
    })
    const err = await rejection(listAll(await kubeAt(always), '/api/v1/pods'))
    expect(err).toBeInstanceOf(ClusterError)
    expect(err.kind).toBe('unreachable')
  })
  it('takes a body that stops coming for a dead connection: asked again, then a timeout', async () => {
    let asked = 0
    const {url} = await serve((_u, res) => {
      asked++
      res.writeHead(200, {'content-type': 'application/json'})
      res.write('{"metadata":{},"items":[{"metadata":{"name":"a"}}')
      if (asked === 2) res.end(']}')
    })
    const kube = await kubeAt(url)
    expect(await listAll(kube, '/api/v1/pods', {stallMs: 100})).toEqual([{metadata: {name: 'a'}}])
    expect(asked).toBe(2)
    asked = 10
    const err = await rejection(listAll(kube, '/api/v1/pods', {stallMs: 100}))
    expect(err).toBeInstanceOf(ClusterError)
    expect(err.kind).toBe('timeout')
    expect(asked).toBe(13)
  })

  it('lets a body that is not JSON, or a map that throws, fail as itself (not as a broken connection)', async () => {
    const {url} = await serve((_u, res) => { res.writeHead(200, {'content-type': 'application/json'}); res.end('{"metadata":{},"items":[{"a":tru}]}') })
    await expect(listAll(await kubeAt(url), '/api/v1/pods')).rejects.toBeInstanceOf(SyntaxError)
    const {url: fine} = await serve(pager(['a', 'b', 'c']))
    await expect(listAll(await kubeAt(fine), '/api/v1/pods', {map: () => { throw new RangeError('no') }})).rejects.toBeInstanceOf(RangeError)
  })
})

describe('continueToken', () => {
  it('reads the token from the metadata before the items, whitespace or not', () => {
    expect(continueToken('{"kind":"PodList","metadata":{"resourceVersion":"9","continue":"eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ==","remainingItemCount":7},"items":[{')).toBe('eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ==')
    expect(continueToken('{\n  "metadata": {\n    "continue": "abc"\n  },\n  "items": [')).toBe('abc')
  })
  it('says there is none once the items begin without one, and waits while the metadata is cut short', () => {
    expect(continueToken('{"metadata":{"resourceVersion":"9"},"items":[{"metadata":{"annotations":{"continue":"x"}}')).toBe('')
    expect(continueToken('{"metadata":{"resourceVersion":"9","continue":"eyJ2Ijo')).toBeUndefined()
    expect(continueToken('{"metadata":{"resourceVersion":"9","cont')).toBeUndefined()
    expect(continueToken('{"metadata":{"continue":""},"items":[]}')).toBe('')
  })
})

/**
 * For 400 seeded lists, managedFields dropped or not, each body cut into small pieces and into
 * large ones: every item is handed over exactly as JSON.parse reads it (with managedFields empty
 * when dropped), and the rest of the body is read without them.
 */
function readsExactly(makeList: (next: () => number, seed: number) => {items: Record<string, unknown>[]}): void {
  for (let seed = 1; seed <= 400; seed++) {
    const next = random(seed)
    const list = makeList(next, seed)
    // The API server ends its bodies with a newline.
    const text = JSON.stringify(list) + (next() < 0.5 ? '\n' : '')
    for (const skipManagedFields of [false, true]) {
      for (const size of [1 + Math.floor(next() * 40), 4096]) {
        const items: unknown[] = []
        const body = new ListBody(t => items.push(JSON.parse(t)), {skipManagedFields})
        for (let i = 0; i < text.length; i += size) body.push(text.slice(i, i + size))
        const expected = (JSON.parse(text) as typeof list).items
        if (skipManagedFields) for (const i of expected) if ('managedFields' in (i.metadata as object)) (i.metadata as {managedFields: unknown}).managedFields = []
        expect(body.end(), `seed ${seed}`).toEqual({...list, items: []})
        expect(items, `seed ${seed}`).toEqual(expected)
      }
    }
  }
}

describe('ListBody', () => {
  const awkward = ['', 'x', '"', '\\', '\\"', '"\\', ']', '}', '{', '[', ',', ':', 'metadata', 'managedFields', '"items":[', '"continue":"no"', 'é', '✓', '\u2028']
  function value(next: () => number, depth: number): unknown {
    const pick = next()
    if (depth > 3 || pick < 0.3) return awkward[Math.floor(next() * awkward.length)]! + awkward[Math.floor(next() * awkward.length)]!
    if (pick < 0.4) return Math.floor(next() * 1000)
    if (pick < 0.45) return null
    if (pick < 0.7) return Array.from({length: Math.floor(next() * 3)}, () => value(next, depth + 1))
    const o: Record<string, unknown> = {}
    for (let k = Math.floor(next() * 4); k > 0; k--) o[awkward[Math.floor(next() * awkward.length)]! + k] = value(next, depth + 1)
    if (next() < 0.3) o.managedFields = value(next, depth + 1)
    if (next() < 0.2) o.metadata = {managedFields: [value(next, depth + 1)]}
    return o
  }
  function item(next: () => number): Record<string, unknown> {
    const metadata: Record<string, unknown> = {name: `n${next()}`, annotations: {x: value(next, 2)}}
    if (next() < 0.8) metadata.managedFields = [{manager: 'k\\"', fieldsV1: value(next, 3)}, value(next, 3)]
    const o: Record<string, unknown> = {spec: value(next, 1)}
    if (next() < 0.5) o.metadata = metadata
    else Object.assign(o, {kind: 'Pod', metadata, status: value(next, 1)})
    return o
  }
  const chunked = (text: string, next: () => number) => {
    const out: string[] = []
    for (let i = 0; i < text.length;) { const n = 1 + Math.floor(next() * 40); out.push(text.slice(i, i + n)); i += n }
    return out
  }

  it('hands over every item and the metadata exactly as JSON.parse reads them, however the body is cut', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed)
      const list = {kind: 'PodList', apiVersion: 'v1', metadata: {resourceVersion: '9', continue: `t${seed}`}, items: Array.from({length: Math.floor(next() * 5)}, () => item(next))}
      const text = JSON.stringify(list)
      for (const skipManagedFields of [false, true]) {
        const items: unknown[] = []
        const body = new ListBody(t => items.push(JSON.parse(t)), {skipManagedFields})
        for (const c of chunked(text, next)) body.push(c)
        const expected = (JSON.parse(text) as typeof list).items
        if (skipManagedFields) for (const i of expected) if (i.metadata && typeof i.metadata === 'object' && 'managedFields' in i.metadata) (i.metadata as {managedFields: unknown}).managedFields = []
        expect(items, `seed ${seed}`).toEqual(expected)
        expect(body.end(), `seed ${seed}`).toEqual({...list, items: []})
        expect(body.token).toBe(`t${seed}`)
      }
    }
  })

  it('hands over items that begin with their metadata (found the fast way) exactly as JSON.parse reads them', () => {
    // Texts that look like the ends the fast way looks for, inside strings, keys and nested objects.
    const tricky = ['},{"metadata":{', ']},"x', '}]},"spec":', '"managedFields":[', '[', ']', '\\', '\\"', '"', 'k:{\\"name\\":\\"a\\"}']
    function metaFirst(next: () => number): Record<string, unknown> {
      const pick = () => tricky[Math.floor(next() * tricky.length)]!
      const entry = () => next() < 0.2 ? {manager: pick(), fieldsV1: {[pick()]: {}}, list: [pick()]} : {manager: pick(), operation: 'Update', fieldsV1: {'f:metadata': {[`f:${pick()}`]: {}}}}
      const metadata: Record<string, unknown> = {name: `n-${pick()}`}
      if (next() < 0.5) metadata.labels = {[pick()]: pick()}
      if (next() < 0.3) metadata.ownerReferences = [{kind: pick(), name: pick(), ...(next() < 0.3 ? {managedFields: [entry()]} : {})}]
      if (next() < 0.2) metadata.extra = {managedFields: [entry()], after: pick()}
      if (next() < 0.8) metadata.managedFields = Array.from({length: Math.floor(next() * 3)}, entry)
      if (next() < 0.1) metadata.after = pick()
      const o: Record<string, unknown> = {metadata}
      if (next() < 0.8) o.spec = next() < 0.3
        ? {volumeClaimTemplates: [{metadata: {name: pick(), managedFields: [entry()]}}, {metadata: {name: pick()}}]}
        : {containers: [{name: pick(), args: [pick(), pick()]}], template: {metadata: {managedFields: [entry()]}}}
      if (next() < 0.5) o.status = {phase: pick(), conditions: [{type: 'Ready', status: pick()}]}
      return o
    }
    readsExactly((next, seed) => ({kind: 'PodList', apiVersion: 'v1', metadata: {resourceVersion: '9', continue: `t${seed}`}, items: Array.from({length: Math.floor(next() * 6)}, () => metaFirst(next))}))
  })

  it('reads a body it cannot follow whole: pretty-printed, or the items first', () => {
    for (const text of [JSON.stringify({metadata: {continue: 'a'}, items: [{metadata: {name: 'x'}}]}, null, 2), `{"items":[{"a":1}],"metadata":{"continue":"b"}}`]) {
      const items: unknown[] = []
      const body = new ListBody(t => items.push(JSON.parse(t)))
      for (let i = 0; i < text.length; i += 7) body.push(text.slice(i, i + 7))
      const parsed = body.end() as {items: unknown[]}
      expect([...items, ...parsed.items ?? []]).toHaveLength(1)
    }
  })

  it('refuses items that are not objects, and a body cut inside its items', () => {
    expect(() => new ListBody(() => undefined).push('{"items":[1,2]}')).toThrow(SyntaxError)
    expect(() => new ListBody(() => undefined).push('{"items":["a"]}')).toThrow(SyntaxError)
    const cut = new ListBody(() => undefined)
    cut.push('{"metadata":{},"items":[{"a":')
    expect(() => cut.end()).toThrow(SyntaxError)
  })
})

describe('ListBody: metadata-only items', () => {
  const META = {kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1'}
  // Texts that look like what the scan looks for, inside strings, keys and nested objects.
  const tricky = ['},{"metadata":{', `},${JSON.stringify(META).slice(0, -1)},"metadata":{`, '}]}', ']}}', '"managedFields":[', '[', ']', '{', '}', '\\', '\\"', '"', 'k:{\\"name\\":\\"a\\"}']
  function item(next: () => number): Record<string, unknown> {
    const pick = () => tricky[Math.floor(next() * tricky.length)]!
    const entry = () => next() < 0.2 ? {manager: pick(), fieldsV1: {[pick()]: {}}, list: [pick()]} : {manager: pick(), operation: 'Update', fieldsV1: {'f:metadata': {[`f:${pick()}`]: {}}, [`k:{"name":"${pick()}"}`]: {}}}
    const metadata: Record<string, unknown> = {name: `n-${pick()}`}
    if (next() < 0.5) metadata.annotations = {'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({apiVersion: pick(), kind: pick()})}
    if (next() < 0.3) metadata.ownerReferences = [{apiVersion: 'v1', kind: pick(), name: pick()}]
    if (next() < 0.1) metadata.extra = {managedFields: [entry()]}
    if (next() < 0.85) metadata.managedFields = Array.from({length: Math.floor(next() * 4)}, entry)
    if (next() < 0.05) metadata.after = pick()
    return {...META, metadata}
  }

  it('hands over each item exactly as JSON.parse reads it, managedFields dropped or not, however the body is cut', () => {
    readsExactly((next, seed) => ({kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: {resourceVersion: '9', continue: `t${seed}`}, items: Array.from({length: Math.floor(next() * 6)}, () => item(next))}))
  })

  it('finds the items of a metadata-only list as the API server writes it the fast way, without the character scan', () => {
    const tree = {'f:status': {'f:conditions': {'.': {}, 'k:{"type":"Ready"}': {'.': {}, 'f:status': {}}}, 'f:podIPs': {'k:{"ip":"10.244.0.16"}': {'.': {}}}}}
    const items = Array.from({length: 3}, (_, n) => ({...META, metadata: {
      name: `run-${n}`, namespace: 'bench', uid: `u${n}`, labels: {app: `run-${n}`},
      annotations: {'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"extensions/v1beta1","kind":"Ingress"}\n'},
      managedFields: [
        {manager: 'kwok', operation: 'Update', apiVersion: 'v1', time: '2026-12-03T18:26:13Z', fieldsType: 'FieldsV1', fieldsV1: tree, subresource: 'status'},
        {manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'extensions/v1beta1', time: '2026-12-03T18:26:13Z', fieldsType: 'FieldsV1', fieldsV1: tree},
      ],
    }}))
    const text = JSON.stringify({kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: {resourceVersion: '1'}, items}) + '\n'
    for (const skipManagedFields of [false, true]) {
      const seen: unknown[] = []
      const body = new ListBody(t => seen.push(JSON.parse(t)), {skipManagedFields})
      for (let i = 0; i < text.length; i += 1000) {
        body.push(text.slice(i, i + 1000))
        // The exact scan (state "items") is never entered.
        expect((body as unknown as {state: string}).state).not.toBe('items')
      }
      body.end()
      expect(seen).toEqual(skipManagedFields ? items.map(i => ({...i, metadata: {...i.metadata, managedFields: []}})) : items)
    }
  })
})

describe('withLeanFieldsV1', () => {
  const LAST_APPLIED = 'f:kubectl.kubernetes.io/last-applied-configuration'
  const MARKER = JSON.parse(FIELDS_V1_LAST_APPLIED) as Record<string, unknown>
  /** What the text way must give: each entry's tree cut to the marker when it holds the annotation, else to {}. */
  function leaned<T extends Record<string, unknown>>(item: T): T {
    const copy = structuredClone(item)
    const entries = (copy.metadata as {managedFields?: ManagedFieldsEntry[]}).managedFields ?? []
    for (const e of entries) if (e.fieldsV1 !== undefined) e.fieldsV1 = holdsLastApplied(e) ? MARKER : {}
    return copy
  }
  const lean = (item: Record<string, unknown>) => {
    const text = JSON.stringify(item)
    const out = withLeanFieldsV1(text, text.length)
    return out === undefined ? undefined : JSON.parse(out) as Record<string, unknown>
  }

  it('cuts each tree to the last-applied path or {}, and keeps the rest of every entry', () => {
    const item = {metadata: {
      name: 'web', namespace: 'shop', annotations: {'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"apps/v1beta1","kind":"Deployment"}\n'},
      managedFields: [
        {manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'apps/v1', time: '2026-12-03T19:46:06Z', fieldsType: 'FieldsV1',
          fieldsV1: {'f:metadata': {'f:annotations': {'.': {}, 'f:deployment.kubernetes.io/revision': {}, [LAST_APPLIED]: {}}, 'f:labels': {'.': {}, 'f:app': {}}}, 'f:spec': {'f:replicas': {}}}},
        {manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'apps/v1', time: '2026-12-03T19:47:00Z', fieldsType: 'FieldsV1',
          fieldsV1: {'f:status': {'f:conditions': {'k:{"type":"Available"}': {'.': {}, 'f:status': {}}}}}, subresource: 'status'},
        {manager: 'argocd', operation: 'Apply', apiVersion: 'apps/v1', time: '2026-12-03T19:48:00Z', fieldsType: 'FieldsV1', fieldsV1: {'f:spec': {'f:template': {}}}},
      ],
    }, spec: {replicas: 2}}
    const out = lean(item)!
    expect(out).toEqual(leaned(item))
    const entries = (out.metadata as {managedFields: ManagedFieldsEntry[]}).managedFields
    expect(entries.map(e => [e.manager, e.operation, e.apiVersion, e.time, e.subresource, JSON.stringify(e.fieldsV1)])).toEqual([
      ['kubectl-client-side-apply', 'Update', 'apps/v1', '2026-12-03T19:46:06Z', undefined, FIELDS_V1_LAST_APPLIED],
      ['kube-controller-manager', 'Update', 'apps/v1', '2026-12-03T19:47:00Z', 'status', '{}'],
      ['argocd', 'Apply', 'apps/v1', '2026-12-03T19:48:00Z', undefined, '{}'],
    ])
    expect(out.spec).toEqual({replicas: 2})
  })

  it('takes the annotation key only at f:metadata > f:annotations, not a key of the same name elsewhere', () => {
    const entry = (fieldsV1: Record<string, unknown>) => ({metadata: {name: 'x', managedFields: [{manager: 'm', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1}]}})
    const tree = (i: Record<string, unknown>) => JSON.stringify((lean(i)!.metadata as {managedFields: ManagedFieldsEntry[]}).managedFields[0]!.fieldsV1)
    // A ConfigMap key, a label of that name, a pod template's annotations.
    expect(tree(entry({'f:data': {[LAST_APPLIED]: {}}, 'f:metadata': {'f:labels': {[LAST_APPLIED]: {}}}}))).toBe('{}')
    expect(tree(entry({'f:spec': {'f:template': {'f:metadata': {'f:annotations': {[LAST_APPLIED]: {}}}}}}))).toBe('{}')
    expect(tree(entry({'f:data': {[LAST_APPLIED]: {}}, 'f:metadata': {'f:annotations': {[LAST_APPLIED]: {}}}}))).toBe(FIELDS_V1_LAST_APPLIED)
    expect(tree(entry({'f:metadata': {'f:annotations': {'k:{\\"x\\":\\"}\\"}': {}, [LAST_APPLIED]: {}}}}))).toBe(FIELDS_V1_LAST_APPLIED)
  })

  it('gives every item as the exact reading would lean it, or declines (never anything else), whatever the strings hold', () => {
    // Strings that look like the texts the cut looks for.
    const tricky = ['},{', '}},{', '},{"', '},{"manager":"', ',"subresource":"', '"fieldsV1":', `"${LAST_APPLIED}":`, LAST_APPLIED, '{', '}', '[', ']', '\\', '\\"', '"', ':', ',', 'x']
    let cut = 0
    let total = 0
    for (let seed = 1; seed <= 600; seed++) {
      const next = random(seed)
      const pick = () => tricky[Math.floor(next() * tricky.length)]!
      const key = () => ['f:', 'k:', 'v:', 'i:'][Math.floor(next() * 4)]! + (next() < 0.5 ? pick() : 'name')
      const tree = (depth: number): Record<string, unknown> => {
        const o: Record<string, unknown> = {}
        if (next() < 0.3) o['.'] = {}
        for (let k = Math.floor(next() * 3); k > 0; k--) o[key()] = depth > 2 ? {} : tree(depth + 1)
        if (depth === 0 && next() < 0.5) o['f:metadata'] = {'f:annotations': next() < 0.7 ? {[LAST_APPLIED]: {}} : {[key()]: {}}, ...(next() < 0.3 ? {[key()]: tree(2)} : {})}
        if (next() < 0.15) o[LAST_APPLIED] = {}
        return o
      }
      const entry = (): Record<string, unknown> => {
        const e: Record<string, unknown> = {}
        if (next() < 0.9) e.manager = next() < 0.4 ? pick() : 'kubectl'
        e.operation = next() < 0.5 ? 'Update' : 'Apply'
        if (next() < 0.8) e.apiVersion = next() < 0.2 ? pick() : 'v1'
        if (next() < 0.8) e.time = '2026-12-03T19:46:06Z'
        if (next() < 0.9) { e.fieldsType = 'FieldsV1'; e.fieldsV1 = tree(0) }
        if (next() < 0.3) e.subresource = next() < 0.3 ? pick() : 'status'
        return e
      }
      const metadata: Record<string, unknown> = {name: `n-${pick()}`, labels: {[pick()]: pick()}}
      if (next() < 0.9) metadata.managedFields = Array.from({length: Math.floor(next() * 4)}, entry)
      const item: Record<string, unknown> = {metadata}
      if (next() < 0.7) item.spec = {x: [pick()], managedFields: [entry()]}
      const text = JSON.stringify(item)
      const out = withLeanFieldsV1(text, text.length)
      total++
      if (out === undefined) continue
      cut++
      // Compared as text: the cut text must be exactly what the leaned object serializes to.
      expect(out, `seed ${seed}`).toBe(JSON.stringify(leaned(item)))
    }
    // Most items are cut, so the check above is not vacuous.
    expect(cut).toBeGreaterThan(total / 2)
  })

  it('is how ListBody hands over items when asked to lean the trees, the items it cannot cut read whole', () => {
    const items = Array.from({length: 5}, (_, n) => ({kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: {
      name: `app-${n}`, managedFields: [
        {manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'networking.k8s.io/v1', time: 't', fieldsType: 'FieldsV1', fieldsV1: {'f:metadata': {'f:annotations': {[LAST_APPLIED]: {}}}}},
        // A key holding a bracket: this item cannot be cut by text, and it and the rest of the body are read the exact way, whole.
        {manager: 'm', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: {'f:spec': {[n === 3 ? 'k:{"name":"A[0]"}' : 'f:x']: {}}}},
      ],
    }}))
    const text = JSON.stringify({kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: {resourceVersion: '1'}, items}) + '\n'
    const seen: unknown[] = []
    const body = new ListBody(t => seen.push(JSON.parse(t)), {leanFieldsV1: true})
    for (let i = 0; i < text.length; i += 100) body.push(text.slice(i, i + 100))
    body.end()
    expect(seen).toEqual(items.map((item, n) => n >= 3 ? item : leaned(item)))
  })
})
