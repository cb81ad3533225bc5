// Clients still calling deprecated APIs, as the API server counts them: the STABLE gauge
// apiserver_requested_deprecated_apis{group,version,resource,subresource,removed_release}, set
// to 1 when a deprecated endpoint is requested (kubernetes/apiserver pkg/endpoints/metrics/
// metrics.go). It lives in the memory of each API server instance, so on a cluster with several
// instances it shows what the instance that answered has seen since it started.
//
// /metrics of a real API server is several megabytes of text: it is read as a stream, line by
// line, and only the lines of this one metric are kept.
import type {Kube} from './client.js'
import type {DeprecatedApiRequest} from '../model/upgrade.js'
import {ClusterError} from '../model/errors.js'

export const DEPRECATED_API_METRIC = 'apiserver_requested_deprecated_apis'

/** The Prometheus text format (0.0.4), which every API server answers; not OpenMetrics. */
const METRICS_ACCEPT = 'text/plain;version=0.0.4;q=1,*/*;q=0.1'

/**
 * Reads one sample line of the Prometheus text format: `name{a="x",b="y"} value [timestamp]`.
 * Label values unescape \\, \" and \n. Undefined for comments, blank lines and lines it
 * cannot read.
 */
export function readSampleLine(line: string): {name: string; labels: Record<string, string>; value: number} | undefined {
  const s = line.trim()
  if (!s || s.startsWith('#')) return undefined
  const nameEnd = s.search(/[{\s]/)
  if (nameEnd <= 0) return undefined
  const name = s.slice(0, nameEnd)
  const labels: Record<string, string> = {}
  let i = nameEnd
  if (s[i] === '{') {
    i++
    for (;;) {
      while (s[i] === ' ' || s[i] === ',') i++
      if (s[i] === '}') { i++; break }
      const eq = s.indexOf('=', i)
      if (eq < 0 || s[eq + 1] !== '"') return undefined
      const key = s.slice(i, eq).trim()
      let value = ''
      let j = eq + 2
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === '\\' && j + 1 < s.length) {
          const c = s[++j]
          value += c === 'n' ? '\n' : c
        } else value += s[j]
      }
      if (j >= s.length) return undefined
      labels[key] = value
      i = j + 1
    }
  }
  const rest = s.slice(i).trim().split(/\s+/)
  const raw = rest[0]
  if (raw === undefined || raw === '') return undefined
  const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw)
  if (Number.isNaN(value) && raw !== 'NaN') return undefined
  return {name, labels, value}
}

/** The series of apiserver_requested_deprecated_apis whose value is above 0, from the text of /metrics. */
export function parseDeprecatedApiRequests(text: string): DeprecatedApiRequest[] {
  const out: DeprecatedApiRequest[] = []
  for (const line of text.split('\n')) collectRequestLine(line, out)
  return out
}

function collectRequestLine(line: string, out: DeprecatedApiRequest[]): void {
  if (!line.startsWith(DEPRECATED_API_METRIC)) return
  const sample = readSampleLine(line)
  if (!sample || sample.name !== DEPRECATED_API_METRIC || !(sample.value > 0)) return
  const l = sample.labels
  out.push({group: l.group ?? '', version: l.version ?? '', resource: l.resource ?? '', subresource: l.subresource ?? '', removedRelease: l.removed_release ?? ''})
}

/**
 * GET /metrics, read as it arrives. Throws the client's ClusterError: forbidden when the user may
 * not get the non-resource URL /metrics (it is not part of the discovery roles every user has).
 */
export async function readDeprecatedApiRequests(kube: Kube, opts: {stallMs?: number} = {}): Promise<DeprecatedApiRequest[]> {
  const stream = await kube.stream('/metrics', {accept: METRICS_ACCEPT})
  const out: DeprecatedApiRequest[] = []
  // The client's deadline ends with the headers; a body that stops coming is cut here.
  const stallMs = opts.stallMs ?? 60_000
  let stalled = false
  const watchdog = setTimeout(() => { stalled = true; stream.close() }, stallMs)
  let carry = ''
  try {
    for await (const chunk of stream.chunks) {
      watchdog.refresh()
      const text = carry + chunk
      let start = 0
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        if (text.startsWith(DEPRECATED_API_METRIC, start)) collectRequestLine(text.slice(start, nl), out)
        start = nl + 1
      }
      carry = text.slice(start)
    }
  } catch (err) {
    if (!stalled) throw err
  } finally {
    clearTimeout(watchdog)
    stream.close()
  }
  if (stalled) throw new ClusterError('timeout', `the API server ${kube.server} stopped sending /metrics for ${stallMs / 1000}s`)
  collectRequestLine(carry, out)
  return out
}
