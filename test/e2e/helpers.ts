// Shared by the e2e tests: run the built CLI as a user would, and reach the cluster.
import {spawn} from 'node:child_process'
import {chmodSync, writeFileSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {inject} from 'vitest'
import type {ClusterInfo} from '../cluster/cluster.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const BIN = join(root, 'bin', 'run.js')

export function clusterInfo(): ClusterInfo {
  return inject('cluster')
}

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs `kubectl-prod ARGS` as a child process with the given environment (KUBECONFIG defaults to the admin one). */
export function runCli(args: string[], opts: {env?: Record<string, string | undefined>; input?: string; timeoutMs?: number} = {}): Promise<RunResult> {
  const info = clusterInfo()
  const env: Record<string, string | undefined> = {...process.env, KUBECONFIG: info.kubeconfig, NO_COLOR: '1', CI: 'true', ...opts.env}
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k]
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [BIN, ...args], {env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = '', stderr = ''
    child.stdout.on('data', d => { stdout += d })
    child.stderr.on('data', d => { stderr += d })
    const timer = setTimeout(() => { child.kill('SIGKILL'); rej(new Error(`kubectl-prod ${args.join(' ')} did not finish in time\n${stderr}`)) }, opts.timeoutMs ?? 90_000)
    child.on('close', code => { clearTimeout(timer); res({code: code ?? -1, stdout, stderr}) })
    child.stdin.end(opts.input ?? '')
  })
}

/** Starts the CLI and resolves once a line of its stdout passes `until`; the caller kills it. */
export interface Started {
  /** Sends the signal and resolves with the exit code once the process is gone. */
  kill: (signal?: NodeJS.Signals) => Promise<number | null>
  stdout: () => string
  stderr: () => string
}
export function startCli(args: string[], until: (line: string) => boolean, kubeconfigPath = clusterInfo().kubeconfig): Promise<Started> {
  const child = spawn(process.execPath, [BIN, ...args], {env: {...process.env, KUBECONFIG: kubeconfigPath, NO_COLOR: '1', CI: 'true'}, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  const exited = new Promise<number | null>(r => child.on('close', code => r(code)))
  return new Promise((res, rej) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); rej(new Error(`no matching line in time\n${stdout}\n${stderr}`)) }, 120_000)
    child.stderr.on('data', d => { stderr += d })
    child.stdout.on('data', d => {
      stdout += d
      if (stdout.split('\n').some(until)) {
        clearTimeout(timer)
        res({kill: async (signal = 'SIGKILL') => { child.kill(signal); return exited }, stdout: () => stdout, stderr: () => stderr})
      }
    })
    child.on('close', code => { clearTimeout(timer); rej(new Error(`exited ${code} before the line\n${stdout}\n${stderr}`)) })
  })
}

/**
 * A hand-over hook for nodepool upgrade that does what an upgrade makes a kubelet do: report the
 * target version (a status patch, with the admin identity of `cluster`). `before` lines run first
 * (they may log or pause). Returns its path, executable.
 */
export function upgradeHook(cluster: {binDir: string; kubeconfig: string}, name = 'hook.sh', before: string[] = []): string {
  const path = tempFile(name, [
    '#!/bin/sh',
    ...before,
    `exec ${join(cluster.binDir, 'kubectl')} --kubeconfig ${cluster.kubeconfig} patch node "$KUBECTL_PROD_NODE" --subresource=status --type=merge -p "{\\"status\\":{\\"nodeInfo\\":{\\"kubeletVersion\\":\\"v$KUBECTL_PROD_TARGET_VERSION.0\\"}}}"`,
    '',
  ].join('\n'))
  chmodSync(path, 0o755)
  return path
}

export function tempFile(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-prod-e2e-'))
  const file = join(dir, name)
  writeFileSync(file, content)
  return file
}

let counter = 0
/** A unique, DNS-safe name for this test run. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36).slice(-4)}${(counter++).toString(36)}`
}

/**
 * A new user bound to exactly the role in `manifest` (as `kubectl prod rbac COMMAND` prints it,
 * renamed so tests do not share it). `ready` tells when RBAC has reached the authorizer.
 */
export async function bindRole(manifest: string, name: string, ready?: (kubeconfig: string) => Promise<boolean>): Promise<{kubeconfig: string; roleName: string}> {
  const info = clusterInfo()
  const {addUser, kubectl} = await import('../cluster/cluster.ts')
  const {waitFor} = await import('../cluster/pools.ts')
  const user = await addUser(info, uniqueName(name))
  const roleName = uniqueName(`kubectl-prod-${name}`)
  await kubectl(info, ['apply', '-f', '-'], {input: manifest.replace(/^(\s*)name: kubectl-prod-[\w-]+$/m, `$1name: ${roleName}`)})
  await kubectl(info, ['create', 'clusterrolebinding', roleName, `--clusterrole=${roleName}`, `--user=${user.username}`])
  if (ready) await waitFor(() => ready(user.kubeconfig), 30_000, `the role ${roleName} to take effect`)
  return {kubeconfig: user.kubeconfig, roleName}
}
