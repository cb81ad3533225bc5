// The deprecated-API request metric read from /metrics: the Prometheus text format (lines of a
// real kube-apiserver v1.36.4 after requests to two deprecated versions), read as a stream.
import {createServer, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {afterEach, describe, expect, it} from 'vitest'
import {parseDeprecatedApiRequests, readDeprecatedApiRequests, readSampleLine} from '../../../src/kube/metrics.ts'
import {ClusterError} from '../../../src/model/errors.ts'
import {kubeAt} from '../../fakes/kube.ts'

const cleanups: (() => unknown)[] = []
afterEach(async () => { for (const c of cleanups.splice(0)) await c() })

const SAMPLE = `# HELP apiserver_request_total [STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.
# TYPE apiserver_request_total counter
apiserver_request_total{code="200",component="",dry_run="",group="",resource="",scope="",subresource="/healthz",verb="GET",version=""} 1
apiserver_request_total{code="200",component="",dry_run="",group="",resource="",scope="",subresource="/readyz",verb="GET",version=""} 3
apiserver_request_duration_seconds_bucket{component="",dry_run="",group="",resource="",scope="",subresource="/healthz",verb="GET",version="",le="0.005"} 1
# HELP apiserver_requested_deprecated_apis [STABLE] Gauge of deprecated APIs that have been requested, broken out by API group, version, resource, subresource, and removed_release.
# TYPE apiserver_requested_deprecated_apis gauge
apiserver_requested_deprecated_apis{group="coordination.k8s.io",removed_release="1.39",resource="leasecandidates",subresource="",version="v1beta1"} 1
apiserver_requested_deprecated_apis{group="storage.k8s.io",removed_release="1.37",resource="volumeattributesclasses",subresource="",version="v1beta1"} 1
apiserver_requested_deprecated_apis{group="flowcontrol.apiserver.k8s.io",removed_release="1.32",resource="flowschemas",subresource="status",version="v1beta3"} 0
# HELP apiserver_storage_objects [STABLE] Number of stored objects at the time of last check split by kind.
# TYPE apiserver_storage_objects gauge
apiserver_storage_objects{resource="pods"} 12
`

const EXPECTED = [
  {group: 'coordination.k8s.io', version: 'v1beta1', resource: 'leasecandidates', subresource: '', removedRelease: '1.39'},
  {group: 'storage.k8s.io', version: 'v1beta1', resource: 'volumeattributesclasses', subresource: '', removedRelease: '1.37'},
]

describe('readSampleLine', () => {
  it('reads the name, the labels (unescaped) and the value; a timestamp is ignored', () => {
    expect(readSampleLine('m{a="x\\"y",b="back\\\\slash",c="new\\nline",d=""} 2.5 1700000000000')).toEqual({name: 'm', labels: {a: 'x"y', b: 'back\\slash', c: 'new\nline', d: ''}, value: 2.5})
    expect(readSampleLine('process_start_time_seconds 1.721234567e+09')).toEqual({name: 'process_start_time_seconds', labels: {}, value: 1721234567})
    expect(readSampleLine('m{le="+Inf"} +Inf')?.value).toBe(Infinity)
  })
  it('reads no comment, blank line or broken line', () => {
    for (const line of ['# TYPE m gauge', '', '   ', 'm{a="x} 1', 'm{a=x} 1', 'm{a="x"}', 'm{a="x"} seven']) expect(readSampleLine(line), line).toBeUndefined()
  })
})

describe('parseDeprecatedApiRequests', () => {
  it('keeps the series of apiserver_requested_deprecated_apis above 0, and nothing else', () => {
    expect(parseDeprecatedApiRequests(SAMPLE)).toEqual(EXPECTED)
  })
  it('keeps the subresource', () => {
    expect(parseDeprecatedApiRequests('apiserver_requested_deprecated_apis{group="policy",removed_release="1.25",resource="pods",subresource="eviction",version="v1beta1"} 1\n'))
      .toEqual([{group: 'policy', version: 'v1beta1', resource: 'pods', subresource: 'eviction', removedRelease: '1.25'}])
  })
})

async function serve(handle: (res: ServerResponse) => void): Promise<{url: string; accepts: string[]}> {
  const accepts: string[] = []
  const server = createServer((req, res) => { accepts.push(req.headers.accept ?? ''); handle(res) })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  cleanups.push(() => new Promise(r => { server.closeAllConnections(); server.close(r) }))
  return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, accepts}
}

describe('readDeprecatedApiRequests', () => {
  it('reads /metrics as text as it arrives, lines cut anywhere between chunks', async () => {
    const {url, accepts} = await serve(res => {
      res.writeHead(200, {'content-type': 'text/plain; version=0.0.4; charset=utf-8'})
      const text = 'x'.repeat(100_000) + ' 1\n' + SAMPLE + 'apiserver_requested_deprecated_apis{group="batch",removed_release="1.25",resource="cronjobs",subresource="",version="v1beta1"} 1'
      // Cut into pieces of 7 bytes: every line of interest arrives in several chunks, the last without a newline.
      let i = 0
      const next = () => {
        if (i >= text.length) { res.end(); return }
        res.write(text.slice(i, i += (i < 100_000 ? 50_000 : 7)), next)
      }
      next()
    })
    const requests = await readDeprecatedApiRequests(await kubeAt(url, cleanups))
    expect(accepts[0]).toMatch(/^text\/plain;version=0\.0\.4/)
    expect(requests).toEqual([...EXPECTED, {group: 'batch', version: 'v1beta1', resource: 'cronjobs', subresource: '', removedRelease: '1.25'}])
  })

  it('fails with a forbidden ClusterError when the user may not get /metrics', async () => {
    const {url} = await serve(res => {
      res.writeHead(403, {'content-type': 'application/json'})
      res.end(JSON.stringify({kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403, message: 'forbidden: User "system:serviceaccount:x:y" cannot get path "/metrics"'}))
    })
    const err = await readDeprecatedApiRequests(await kubeAt(url, cleanups)).then(() => undefined, (e: unknown) => e)
    expect(err).toBeInstanceOf(ClusterError)
    expect((err as ClusterError).kind).toBe('forbidden')
  })

  it('gives up on a body that stops coming', async () => {
    const {url} = await serve(res => { res.writeHead(200, {'content-type': 'text/plain'}); res.write('# HELP a b\n') })
    const err = await readDeprecatedApiRequests(await kubeAt(url, cleanups), {stallMs: 200}).then(() => undefined, (e: unknown) => e)
    expect((err as ClusterError).kind).toBe('timeout')
  })
})
