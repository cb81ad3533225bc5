// After the evicted pods are gone: wait until their workloads have their replicas available
// again (away from the drained node) and the PDBs that cover them have the healthy pods they
// need. Checked every second through the injected clock; the checks are replacements.ts.
import type {Pod, Workload} from '../../model/k8s.js'
import type {PodDisruptionBudget} from '../../model/upgrade.js'
import {controllerRef} from '../drain-pods.js'
import type {DrainEvent, DrainEventType} from './types.js'
import type {DrainOps} from './ops.js'
import {budgetsCovering} from './budgets.js'
import {budgetHealthy, workloadRestored, type OwnerKey} from './replacements.js'

const RECHECK_MS = 1000

/** The workload that brings the pod back: a ReplicaSet's Deployment, a StatefulSet, a bare ReplicaSet; undefined for other owners (Jobs, operators). */
export async function ownerOf(ops: DrainOps, pod: Pod): Promise<OwnerKey | undefined> {
  const ref = controllerRef(pod)
  const namespace = pod.metadata.namespace ?? 'default'
  if (!ref || !ref.apiVersion?.startsWith('apps/')) return undefined
  if (ref.kind === 'StatefulSet') return {kind: 'StatefulSet', namespace, name: ref.name}
  if (ref.kind !== 'ReplicaSet') return undefined
  const rs = await ops.getWorkload('ReplicaSet', namespace, ref.name)
  const up = rs?.metadata.ownerReferences?.find(r => r.controller === true)
  if (up?.kind === 'Deployment' && up.apiVersion?.startsWith('apps/')) return {kind: 'Deployment', namespace, name: up.name}
  return {kind: 'ReplicaSet', namespace, name: ref.name}
}

/** true once every owner and PDB involved has recovered; false when the time ran out or the drain was stopped. */
export async function waitForRecovery(ops: DrainOps, node: string, removed: Pod[], budgets: PodDisruptionBudget[], o: {
  say: (t: DrainEventType, m: string, e?: Partial<DrainEvent>) => void
  pause: (ms: number) => Promise<boolean>
}): Promise<boolean> {
  const owners = new Map<string, OwnerKey>()
  for (const pod of removed) {
    const owner = await ownerOf(ops, pod)
    if (owner) owners.set(`${owner.kind}/${owner.namespace}/${owner.name}`, owner)
  }
  const pdbs = new Map<string, {namespace: string; name: string}>()
  for (const pod of removed) for (const p of budgetsCovering(pod, budgets)) pdbs.set(`${p.metadata.namespace}/${p.metadata.name}`, {namespace: p.metadata.namespace ?? 'default', name: p.metadata.name ?? ''})
  if (!owners.size && !pdbs.size) return true
  let said = ''
  for (;;) {
    const waiting: string[] = []
    for (const owner of owners.values()) {
      const w: Workload | undefined = await ops.getWorkload(owner.kind, owner.namespace, owner.name)
      // A workload deleted meanwhile has nothing to bring back.
      if (!w) continue
      const state = workloadRestored(w, await ops.listPods(owner.namespace, w.spec?.selector), node)
      if (!state.restored) waiting.push(state.line)
    }
    for (const ref of pdbs.values()) {
      const pdb = await ops.getBudget(ref.namespace, ref.name)
      if (!pdb) continue
      const state = budgetHealthy(pdb)
      if (!state.healthy) waiting.push(state.line)
    }
    if (!waiting.length) {
      o.say('replacements-ready', `replacements available: ${[...owners.values()].map(w => `${w.kind} ${w.namespace}/${w.name}`).concat([...pdbs.keys()].map(k => `PDB ${k}`)).join(', ')}`)
      return true
    }
    const line = waiting.join('; ')
    if (line !== said) { said = line; o.say('waiting-replacements', `waiting for replacements: ${line}`) }
    if (!await o.pause(RECHECK_MS)) return false
  }
}
