// One real control plane for the whole e2e run. Tests get its coordinates through inject('cluster').
import type {TestProject} from 'vitest/node'
import {startCluster, type Cluster, type ClusterInfo} from '../cluster/cluster.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    cluster: ClusterInfo
  }
}

let cluster: Cluster | undefined

export async function setup(project: TestProject): Promise<void> {
  const started = Date.now()
  // Every API version the release carries is served, so tests can write through the betas it no
  // longer serves by default (and the discovery check can see all of them).
  cluster = await startCluster({runtimeConfig: 'api/all=true'})
  process.stderr.write(`test cluster: ready in ${((Date.now() - started) / 1000).toFixed(1)}s\n`)
  const {components: _c, stop: _s, ...info} = cluster
  project.provide('cluster', info)
}

export async function teardown(): Promise<void> {
  if (!cluster) return
  const pids = cluster.pids
  await cluster.stop()
  // The harness must leave nothing behind: a process still alive fails the run.
  const alive = pids.filter(pid => { try { process.kill(pid, 0); return true } catch { return false } })
  if (alive.length) throw new Error(`test cluster: processes still running after teardown: ${alive.join(', ')}`)
}
