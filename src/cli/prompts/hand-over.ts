// The operator hand-over's question, asked at a terminal once a node is drained and neither
// --hook nor --replace says how it is upgraded: the operator upgrades or replaces it, then says
// done; or skips it (it stays drained and cordoned); or stops the walk. The walk withdraws the
// question by itself (the signal) when it sees the node, or a node in its place, Ready at the
// target. Prompts render on stderr, or where the walk's progress tree draws them.
import {InterruptedError} from '../../model/errors.js'
import type {OperatorAnswer} from '../../upgrade/walk/operator.js'

export async function askHandOver(node: string, target: string, o: {signal: AbortSignal; output?: NodeJS.WritableStream}): Promise<OperatorAnswer> {
  const {select} = await import('@inquirer/prompts')
  try {
    return await select<OperatorAnswer>({
      message: `${node} is drained: upgrade it to ${target} (or replace it), then answer`,
      choices: [
        {name: `Done: ${node} is upgraded or replaced`, value: 'done', description: `The walk waits until ${node}, or the node in its place, is Ready at ${target}.`},
        {name: `Skip ${node} (it stays drained and cordoned)`, value: 'skip', description: 'The walk goes on with the other nodes; --resume asks about this one again.'},
        {name: 'Stop the walk (the node stays cordoned)', value: 'abort', description: 'The walk ends here; --resume asks about this node again.'},
      ],
    }, {signal: o.signal, output: o.output ?? process.stderr, clearPromptOnDone: true})
  } catch (err) {
    // Ctrl-C at the question; a withdrawn question (AbortPromptError) is the caller's to read.
    if ((err as Error).name === 'ExitPromptError') throw new InterruptedError('interrupted')
    throw err
  }
}
