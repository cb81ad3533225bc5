// The second table (deprecations/other.yaml): removals other than APIs that objects in the cluster
// reveal, such as gitRepo volumes in pod templates or containerd 1.x on nodes. Loading validates;
// otherFindings is pure over the snapshot.
import {dirname, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {load} from 'js-yaml'
import {compareVersions, isMinorVersion} from '../model/versions.js'
import {poolOf} from '../model/pools.js'
import {readShipped} from './shipped.js'
import {SEVERITIES, type Severity, type Signal, type UpgradeFinding} from '../model/reports/upgrade-plan.js'
import type {KubeObject, Node, PodSpec} from '../model/k8s.js'
import type {UpgradePath, UpgradeSnapshot} from '../model/upgrade.js'

export interface OtherStage { from: string, severity: Severity, says: string }
export interface OtherRow {
  id: string
  check: 'removed-feature' | 'unsupported-version'
  what: string
  match: {podVolume: string} | {containerRuntime: string, below: string}
  /** Oldest first. */
  stages: OtherStage[]
  fix: string
  sources: string[]
}

export const BUILTIN_OTHER_TABLE = resolve(dirname(fileURLToPath(import.meta.url)), '../../deprecations/other.yaml')

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isNonEmptyText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== ''

/** What is wrong with the rows, one line per problem (empty when they are valid). */
export function validateOtherRows(rows: unknown): string[] {
  if (!Array.isArray(rows)) return ['rows must be a list']
  const problems: string[] = []
  const ids = new Set<string>()
  rows.forEach((r, i) => {
    const at = `row ${i + 1}${isRecord(r) && isNonEmptyText(r.id) ? ` (${r.id})` : ''}`
    if (!isRecord(r)) { problems.push(`${at}: is not a mapping`); return }
    if (!isNonEmptyText(r.id)) problems.push(`${at}: id must be a string`)
    else if (ids.has(r.id)) problems.push(`${at}: duplicate id`)
    else ids.add(r.id)
    if (r.check !== 'removed-feature' && r.check !== 'unsupported-version') problems.push(`${at}: check must be removed-feature or unsupported-version`)
    for (const f of ['what', 'fix'] as const) if (!isNonEmptyText(r[f])) problems.push(`${at}: ${f} must be a string`)
    const m = r.match
    const volume = isRecord(m) && isNonEmptyText(m.podVolume) && Object.keys(m).length === 1
    const runtime = isRecord(m) && isNonEmptyText(m.containerRuntime) && typeof m.below === 'string' && /^\d+\.\d+(\.\d+)?$/.test(m.below) && Object.keys(m).length === 2
    if (!volume && !runtime) problems.push(`${at}: match must be {podVolume} or {containerRuntime, below}`)
    if (!Array.isArray(r.stages) || r.stages.length === 0) problems.push(`${at}: stages must be a non-empty list`)
    else {
      const stages = r.stages as unknown[]
      stages.forEach((s, j) => {
        if (!isRecord(s) || !isMinorVersion(s.from) || !SEVERITIES.includes(s.severity as Severity) || !isNonEmptyText(s.says)) problems.push(`${at}: stage ${j + 1} must be {from: "1.N", severity, says}`)
        else if (j > 0 && isRecord(stages[j - 1]) && compareVersions(String((stages[j - 1] as Record<string, unknown>).from), s.from) >= 0) problems.push(`${at}: stages must be in release order`)
      })
    }
    if (!Array.isArray(r.sources) || r.sources.length === 0 || !r.sources.every(isNonEmptyText)) problems.push(`${at}: every row needs sources`)
  })
  return problems
}

/** The validated rows of the shipped table (a broken shipped table is a bug, said plainly). */
export function loadOtherTable(file = BUILTIN_OTHER_TABLE): OtherRow[] {
  const doc = load(readShipped(file, BUILTIN_OTHER_TABLE))
  const rows = isRecord(doc) ? doc.rows : undefined
  const problems = validateOtherRows(rows)
  if (problems.length) throw new Error(`the table ${file} is invalid:\n  ${problems.join('\n  ')}`)
  return rows as OtherRow[]
}

const objectRefOf = (o: KubeObject) => ({...(o.apiVersion ? {apiVersion: o.apiVersion} : {}), kind: o.kind ?? 'Pod', ...(o.metadata.namespace ? {namespace: o.metadata.namespace} : {}), name: o.metadata.name ?? ''})
const describeObject = (o: KubeObject) => `${o.kind ?? 'Pod'} ${o.metadata.namespace ? o.metadata.namespace + '/' : ''}${o.metadata.name ?? ''}`

/**
 * Objects with a volume of the given type: workloads by their pod template, and pods that no
 * flagged workload owns (a Deployment's ReplicaSets and pods are one finding, on the Deployment).
 */
function objectsWithVolume(snapshot: UpgradeSnapshot, volume: string): {object: KubeObject, names: string[]}[] {
  const uses = (spec: PodSpec | undefined) => (spec?.volumes ?? []).filter(v => v[volume] !== undefined && v[volume] !== null).map(v => v.name)
  // Flagged owners by uid and by kind/namespace/name (a dump may lack uids on one side).
  const flagged = new Set<string>()
  const out: {object: KubeObject, names: string[]}[] = []
  const owned = (o: KubeObject) => (o.metadata.ownerReferences ?? []).some(r => r.controller && (flagged.has(r.uid) || flagged.has(`${r.kind}/${o.metadata.namespace}/${r.name}`)))
  // Owners first: Deployments and CronJobs before the ReplicaSets and Jobs they make.
  const order = ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job', 'ReplicaSet']
  const workloads = [...snapshot.workloads].sort((a, b) => order.indexOf(a.kind ?? '') - order.indexOf(b.kind ?? ''))
  for (const w of workloads) {
    const names = uses(w.spec?.template?.spec)
    if (!names.length) continue
    if (w.metadata.uid) flagged.add(w.metadata.uid)
    flagged.add(`${w.kind}/${w.metadata.namespace}/${w.metadata.name}`)
    if (!owned(w)) out.push({object: w, names})
  }
  for (const p of snapshot.pods) {
    const names = uses(p.spec)
    if (names.length && !owned(p)) out.push({object: {...p, kind: p.kind ?? 'Pod'}, names})
  }
  return out
}

/** "containerd://1.7.22" -> {name: "containerd", version: "1.7.22"}. */
function runtimeOf(node: Node): {name: string, version: string} | undefined {
  const m = /^([\w.-]+):\/\/v?(\d+(?:\.\d+){0,2})/.exec(node.status?.nodeInfo?.containerRuntimeVersion ?? '')
  return m ? {name: m[1]!, version: m[2]!} : undefined
}

/** The findings of the second table on this path: for each row, the newest stage at or before the target. */
export function otherFindings(rows: OtherRow[], path: UpgradePath, snapshot: UpgradeSnapshot): UpgradeFinding[] {
  const out: UpgradeFinding[] = []
  for (const row of rows) {
    const stage = row.stages.filter(s => compareVersions(s.from, path.target) <= 0).at(-1)
    if (!stage) continue
    const already = path.current !== null && compareVersions(stage.from, path.current) <= 0
    const hop = already ? path.hops[0] ?? path.target : stage.from
    const finding = (object: KubeObject, subject: string, signal: Signal, extra: Partial<UpgradeFinding> = {}): UpgradeFinding => ({
      check: row.check, severity: stage.severity, object: objectRefOf(object), source: {type: 'cluster', signal}, sources: [{type: 'cluster', signal}], hop,
      message: `${subject}: ${stage.says} (from ${stage.from})`, fix: row.fix, notes: row.sources.map(s => `source: ${s}`), ...extra,
    })
    if ('podVolume' in row.match) {
      for (const {object, names} of objectsWithVolume(snapshot, row.match.podVolume)) {
        out.push(finding(object, `${describeObject(object)} uses ${row.what} ${names.map(n => `"${n}"`).join(', ')}`, 'object'))
      }
    } else {
      const {containerRuntime, below} = row.match
      for (const node of snapshot.nodes) {
        const rt = runtimeOf(node)
        if (!rt || rt.name !== containerRuntime || compareVersions(rt.version, below) >= 0) continue
        const pool = poolOf(node.metadata.labels)?.name
        const name = node.metadata.name ?? ''
        out.push(finding({...node, kind: 'Node'}, `node ${name} runs ${rt.name} ${rt.version} (${row.what})`, 'node-status', {nodes: [name], ...(pool ? {pool} : {})}))
      }
    }
  }
  return out
}
