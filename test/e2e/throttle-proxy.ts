// A small HTTP proxy in front of the API server for the drain tests: it answers the requests
// `throttle` picks with 429 Too Many Requests and Retry-After, the way API priority and fairness
// does (no DisruptionBudget cause), and passes every other request through, watches included.
import {createServer, type IncomingMessage} from 'node:http'
import {request as httpsRequest} from 'node:https'
import {readFileSync, writeFileSync} from 'node:fs'
import type {AddressInfo} from 'node:net'
import {THROTTLED} from '../fakes/statuses.ts'

export interface ThrottleProxy {
  url: string
  /** How many requests were answered 429. */
  throttled(): number
  /** A copy of `kubeconfig` pointed at the proxy (plain HTTP, same token). */
  kubeconfigFor(kubeconfig: string, file: string): string
  close(): Promise<void>
}

export async function startThrottleProxy(upstream: string, caFile: string, throttle: (req: IncomingMessage) => boolean): Promise<ThrottleProxy> {
  const base = new URL(upstream)
  const ca = readFileSync(caFile)
  let count = 0
  const server = createServer((req, res) => {
    if (throttle(req)) {
      count++
      req.resume()
      res.writeHead(429, {'content-type': 'application/json', 'retry-after': '1'})
      res.end(JSON.stringify(THROTTLED))
      return
    }
    const up = httpsRequest({host: base.hostname, port: base.port, path: req.url, method: req.method, ca, headers: {...req.headers, host: base.host}}, answer => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    up.on('error', () => res.destroy())
    res.on('close', () => up.destroy())
    req.pipe(up)
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    throttled: () => count,
    kubeconfigFor: (kubeconfig, file) => {
      const text = readFileSync(kubeconfig, 'utf8')
        .replace(/server: \S+/, `server: ${url}`)
        .replace(/^\s*certificate-authority: \S+\n/m, '')
      writeFileSync(file, text)
      return file
    },
    close: () => new Promise(r => { server.closeAllConnections(); server.close(() => r()) }),
  }
}
