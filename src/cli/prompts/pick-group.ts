// The interactive pick list of why-pending: with several workloads affected and a person at
// a terminal, choose one to see in full. Prompts render on stderr; stdout stays the answer.
import type {ItemGroup} from '../../render/why-pending.js'
import {InterruptedError} from '../../model/errors.js'

export async function pickGroup(groups: ItemGroup[], signal: AbortSignal): Promise<ItemGroup | undefined> {
  const {search} = await import('@inquirer/prompts')
  const all = {name: `all ${groups.length} groups`, value: undefined as ItemGroup | undefined}
  const choices = groups.map(g => ({
    name: `${g.title} (${g.items.length} ${g.status === 'NotCreated' ? 'workload' : 'pods'}: ${g.causes[0]?.category ?? 'no cause'})`,
    value: g as ItemGroup | undefined,
  }))
  try {
    return await search({
      message: 'Which workload?',
      source: term => {
        const t = (term ?? '').toLowerCase()
        return [all, ...choices].filter(c => !t || c.name.toLowerCase().includes(t))
      },
    }, {signal, output: process.stderr})
  } catch (err) {
    if ((err as Error).name === 'ExitPromptError' || (err as Error).name === 'AbortPromptError') throw new InterruptedError()
    throw err
  }
}
