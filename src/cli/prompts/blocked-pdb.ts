// The question asked at a terminal when a PDB keeps refusing a pod's eviction: keep waiting,
// skip the pod, delete it bypassing its PDB (only after typing its exact name), or abort.
// Prompts render on stderr (or where the walk's progress tree draws them); stdout stays the
// command's output.
import {InterruptedError} from '../../model/errors.js'
import type {BlockedDecision, BlockingBudget, PodKey} from '../../upgrade/drain/types.js'
import {blockingLine, seconds} from '../../upgrade/drain/drain.js'

export async function askBlocked(pod: PodKey, budget: BlockingBudget, waitedMs: number, signal: AbortSignal, output: NodeJS.WritableStream = process.stderr): Promise<BlockedDecision> {
  const {select, input} = await import('@inquirer/prompts')
  const context = {signal, output}
  try {
    for (;;) {
      const decision = await select<BlockedDecision>({
        message: `${pod.namespace}/${pod.name} refused for ${seconds(Math.round(waitedMs / 1000) * 1000)}: ${blockingLine(budget)}. What now?`,
        choices: [
          {name: 'Keep waiting', value: 'wait'},
          {name: 'Skip this pod (it stays on the node)', value: 'skip'},
          {name: `Delete this pod, bypassing PDB ${budget.name}`, value: 'delete', description: 'The pod is deleted without asking its budget: its workload runs short until the replacement is Ready.'},
          {name: 'Abort the drain (the node stays cordoned)', value: 'abort'},
        ],
      }, context)
      if (decision !== 'delete') return decision
      const typed = await input({
        message: `Type the pod's name (${pod.name}) to delete it without its PDB, or leave empty to go back:`,
        validate: v => v === '' || v === pod.name || `type exactly ${pod.name}, or leave it empty`,
      }, context)
      if (typed === pod.name) return 'delete'
    }
  } catch (err) {
    if ((err as Error).name === 'ExitPromptError' || (err as Error).name === 'AbortPromptError') throw new InterruptedError('interrupted')
    throw err
  }
}
