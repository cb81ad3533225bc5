// The operator hand-over: with neither --hook nor --replace, a person at the terminal upgrades or
// replaces each drained node. The walk asks them (done / skip this node / abort the walk) and
// watches the pool at the same time: when the node comes back Ready at the target, or a new node
// joins in its place, the question is withdrawn and the walk goes on by itself.

export type OperatorAnswer = 'done' | 'skip' | 'abort'

/** Asks the operator about a drained node; the signal withdraws the question. */
export type AskOperator = (node: string, signal: AbortSignal) => Promise<OperatorAnswer>

/** What settled the hand-over: the operator's answer, or the node (or its successor) seen Ready at the target. */
export type OperatorOutcome = {by: 'answer'; answer: OperatorAnswer} | {by: 'seen'; node: string}

/**
 * The answer or the sighting, whichever comes first; the other is called off. A watch that ends
 * without a sighting (its time is up) leaves the question open. A failure of either (Ctrl-C at
 * the prompt, an API error) is thrown, with the other called off too.
 */
export async function awaitOperator(
  ask: (signal: AbortSignal) => Promise<OperatorAnswer>,
  watch: (signal: AbortSignal) => Promise<string | undefined>,
): Promise<OperatorOutcome> {
  const stopAsking = new AbortController()
  const stopWatching = new AbortController()
  let answered = false
  const asked = ask(stopAsking.signal).then((answer): OperatorOutcome => { answered = true; return {by: 'answer', answer} })
  const seen = watch(stopWatching.signal).then(
    node => node,
    err => { if (stopWatching.signal.aborted) return undefined; throw err },
  )
  try {
    return await Promise.race([asked, seen.then(node => node ? {by: 'seen' as const, node} : asked)])
  } finally {
    if (!answered) stopAsking.abort()
    stopWatching.abort()
    await Promise.allSettled([asked, seen])
  }
}
