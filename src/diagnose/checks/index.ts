// The checks of why-pending as one ordered registry, like the scheduler's filter list and
// kubectl's drain filters: each has one signature and one result type, runs on the pods of
// its stage, and sees the causes found before it. Order is the order of the answer.
import type {Cause} from '../../model/reports/finding.js'
import {checkAutoscaler} from './autoscaler.js'
import {checkContainers} from './containers.js'
import {checkGates} from './gates.js'
import {checkNodeName} from './node-name.js'
import {checkPreemption} from './preemption.js'
import {checkReadiness} from './readiness.js'
import {checkSchedulerName} from './scheduler-name.js'
import {explainScheduling} from './scheduling.js'
import {checkVolumes} from './volumes.js'
import {causesOnly, NO_CAUSES, type PodCheck} from './types.js'

export type {CheckContext, CheckResult, CheckStage, PodCheck} from './types.js'

export const POD_CHECKS: readonly PodCheck[] = [
  // Not yet placed: what keeps the pod from the scheduler comes first, then what the scheduler saw.
  {name: 'scheduling-gates', stage: 'unscheduled', decisive: true, run: pod => causesOnly(checkGates(pod))},
  {name: 'scheduler-name', stage: 'unscheduled', run: (pod, ctx) => causesOnly(checkSchedulerName(pod, ctx.schedulers, ctx.events, ctx.now))},
  {
    name: 'scheduling',
    stage: 'unscheduled',
    run: (pod, ctx, found) => {
      // Claims are the scheduler's PreFilter (VolumeBinding): their causes are ordered with its answer.
      const volume = checkVolumes(pod, ctx.snap, ctx.events)
      const missing = found.some(c => c.category === 'scheduler-missing')
      if (missing) return volume
      const {causes, notes} = explainScheduling(pod, ctx.scheduling, volume.causes)
      return {causes, waiting: volume.waiting, notes}
    },
  },
  {name: 'autoscaler', stage: 'unscheduled', run: (pod, ctx) => checkAutoscaler(pod, ctx.events, ctx.now)},
  {name: 'preemption', stage: 'unscheduled', run: (pod, ctx) => checkPreemption(pod, ctx.events)},
  // Bound to a node: the node, then the containers, then readiness.
  {name: 'node-name', stage: 'bound', run: (pod, ctx) => causesOnly(checkNodeName(pod, ctx.nodesByName))},
  {
    name: 'node-health',
    stage: 'bound',
    run: (pod, ctx) => {
      const node = ctx.nodesByName.get(pod.spec.nodeName ?? '')
      if (!node) return NO_CAUSES
      const item = ctx.explainNode(node)
      return causesOnly(item.ready !== 'True' ? item.causes.filter(c => c.category === 'node-not-ready') : [])
    },
  },
  {name: 'containers', stage: 'bound', run: (pod, ctx) => causesOnly(checkContainers(pod, ctx.events, ctx.now))},
  {name: 'readiness', stage: 'bound', notReadyOnly: true, run: (pod, ctx) => causesOnly(checkReadiness(pod, ctx.events, ctx.now))},
]

/** Runs the checks of the pod's stage in order; a decisive check that finds causes ends the run. */
export function runPodChecks(pod: Parameters<PodCheck['run']>[0], status: 'Pending' | 'NotReady', ctx: Parameters<PodCheck['run']>[1], checks: readonly PodCheck[] = POD_CHECKS): {causes: Cause[]; waiting: boolean; notes: string[]} {
  const stage = pod.spec.nodeName ? 'bound' : 'unscheduled'
  const causes: Cause[] = []
  const notes: string[] = []
  let waiting = false
  for (const check of checks) {
    if (check.stage !== stage || (check.notReadyOnly && status !== 'NotReady')) continue
    const result = check.run(pod, ctx, causes)
    causes.push(...result.causes)
    waiting ||= result.waiting
    for (const note of result.notes ?? []) if (!notes.includes(note)) notes.push(note)
    if (check.decisive && result.causes.length > 0) break
  }
  return {causes, waiting, notes}
}
