// The walk's views: the only code that shows its events. At a terminal, a listr2 task tree on
// stderr (walk-listr.ts); otherwise timestamped lines on stderr; with -o json, one JSON event per
// line on stdout (DESIGN 3.5). Questions (the blocked PDB, the operator hand-over) go through
// the view too, one at a time, so that they never mix with progress: the tree draws them inside
// itself, the lines wait until the answer is given.
import type {WalkEvent} from '../../model/reports/nodepool.js'
import {renderWalkEventLine} from '../../render/nodepool.js'

export interface WalkView {
  onEvent(e: WalkEvent): void
  /**
   * Asks a question where the view allows it, after any question already asked is answered.
   * `question` renders on the stream it is given. `about` says which node or pod it concerns;
   * the signal withdraws it (before its turn, it is never asked).
   */
  ask<T>(about: {node?: string; pod?: string}, question: (output: NodeJS.WritableStream) => Promise<T>, signal?: AbortSignal): Promise<T>
  /** Ends the view; the tree's last frame stays on screen. Safe to call twice. */
  close(): Promise<void>
}

/** One question at a time. A question withdrawn while it waits for its turn fails at once. */
export class QuestionQueue {
  private last: Promise<unknown> = Promise.resolve()

  run<T>(question: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const turn = this.last.then(() => { signal?.throwIfAborted(); return question() })
    this.last = turn.catch(() => undefined)
    if (!signal) return turn
    return new Promise<T>((resolve, reject) => {
      const withdraw = () => reject(signal.reason)
      if (signal.aborted) return withdraw()
      signal.addEventListener('abort', withdraw, {once: true})
      turn.then(resolve, reject).finally(() => signal.removeEventListener('abort', withdraw))
    })
  }
}

/** Timestamped lines; while a question is asked on the same stream, lines wait until it is answered. */
export function lineView(stream: NodeJS.WritableStream): WalkView {
  const questions = new QuestionQueue()
  let held: string[] | undefined
  const write = (line: string) => { if (held) held.push(line); else stream.write(line) }
  return {
    onEvent: e => write(renderWalkEventLine(e) + '\n'),
    ask: (_about, question, signal) => questions.run(async () => {
      held = []
      try {
        return await question(stream)
      } finally {
        const lines = held
        held = undefined
        for (const l of lines) stream.write(l)
      }
    }, signal),
    close: async () => {},
  }
}

/** -o json: each event as one JSON object on a line of stdout; questions on stderr. */
export function jsonView(out: NodeJS.WritableStream, questionStream: NodeJS.WritableStream): WalkView {
  const questions = new QuestionQueue()
  return {
    onEvent: e => { out.write(JSON.stringify(e) + '\n') },
    ask: (_about, question, signal) => questions.run(() => question(questionStream), signal),
    close: async () => {},
  }
}

/**
 * Whether the progress is drawn as a tree: text or YAML output, a walk (not a dry run), stderr a
 * terminal outside CI, and no -v (request logs would be held until the tree ends).
 */
export function wantsTree(o: {format: string; dryRun: boolean; verbose: number; stderr: {isTTY?: boolean}; env: NodeJS.ProcessEnv}): boolean {
  return o.format !== 'json' && !o.dryRun && o.verbose === 0 && o.stderr.isTTY === true && !o.env.CI && o.env.TERM !== 'dumb'
}
