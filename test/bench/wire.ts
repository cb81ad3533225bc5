// The plain HTTP client of the wire baselines (raw-fetch.ts, upgrade-raw-fetch.ts): one
// keep-alive node:https agent of 8 sockets, the kubeconfig's bearer token, lists in pages of
// 500, each next page asked for as soon as the start of the current body shows its continue
// token. Bodies are counted and dropped, never decoded or parsed.
import {readFileSync} from 'node:fs'
import type {IncomingMessage} from 'node:http'
import {Agent, request} from 'node:https'

export interface Wire {
  /** Asks for one path; the response comes paused, to be read when its turn comes. */
  open(path: string, accept?: string): Promise<IncomingMessage>
  /** Reads a body to its end, dropping it; `early` gets the continue token as soon as the start shows it. */
  drain(res: IncomingMessage, early?: (token: string) => void): Promise<void>
  /** Every page of a collection, as kubectl-prod's pager reads them (src/kube/list.ts). */
  list(path: string, accept?: string): Promise<void>
  /** Requests made and bytes received so far. */
  counts(): {requests: number; bytes: number}
  close(): void
}

export function wire(kubeconfig: string): Wire {
  const text = readFileSync(kubeconfig, 'utf8')
  const server = new URL(/server: (\S+)/.exec(text)?.[1] ?? '')
  const token = /token: (\S+)/.exec(text)?.[1] ?? ''
  const caFile = /certificate-authority: (\S+)/.exec(text)?.[1]
  const agent = new Agent({keepAlive: true, maxSockets: 8, ca: caFile ? readFileSync(caFile) : undefined})
  let requests = 0
  let bytes = 0

  const open = (path: string, accept = 'application/json'): Promise<IncomingMessage> => {
    requests++
    return new Promise((resolve, reject) => {
      const req = request({host: server.hostname, port: server.port, path, agent, headers: {authorization: `Bearer ${token}`, accept, 'user-agent': 'raw-fetch'}}, res => {
        if (res.statusCode !== 200) { res.resume(); return reject(new Error(`GET ${path}: ${res.statusCode}`)) }
        resolve(res)
      })
      req.on('error', reject)
      req.end()
    })
  }

  const drain = (res: IncomingMessage, early: (token: string) => void = () => undefined): Promise<void> => new Promise((resolve, reject) => {
    let head: string | undefined = ''
    res.on('data', (chunk: Buffer) => {
      bytes += chunk.length
      if (head === undefined) return
      head += chunk.toString('latin1')
      const itemsAt = head.indexOf('"items"')
      const m = /"continue"\s*:\s*"([^"\\]*)"/.exec(itemsAt < 0 ? head : head.slice(0, itemsAt))
      if (m || itemsAt >= 0 || head.length > 65536) {
        head = undefined
        if (m?.[1]) early(m[1])
      }
    })
    res.on('end', resolve)
    res.on('error', reject)
  })

  const list = async (path: string, accept?: string): Promise<void> => {
    const sep = path.includes('?') ? '&' : '?'
    const url = (cont?: string) => `${path}${sep}limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`
    let next: Promise<IncomingMessage> | undefined = open(url(), accept)
    while (next) {
      const res: IncomingMessage = await next
      next = undefined
      await drain(res, t => { next = open(url(t), accept) })
    }
  }

  return {open, drain, list, counts: () => ({requests, bytes}), close: () => agent.destroy()}
}
