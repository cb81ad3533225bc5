// The walk's progress as a listr2 task tree on stderr, at a terminal: the pool, its nodes as they
// start (a replacement node as it joins), and under a node the pods its drain moves, with the PDB
// that keeps one waiting and for how long. What the tree says is WalkTree (walk-tree.ts), a pure
// projection of the walk's events; this file only draws it with listr2's default renderer. The
// walk names its nodes and pods as it goes, so each is a task of its own small list, added under
// its parent and run silently (as listr2 runs the subtasks a task returns): it ends when its line
// in the tree ends. Questions are drawn inside the tree, one at a time, as listr2's prompt
// adapters draw them. At the end nothing is left running: the last frame stays, without spinners.
import type {ListrDefaultRendererOptions, ListrTaskObject} from 'listr2'
import type {WalkEvent} from '../../model/reports/nodepool.js'
import type {MaintenanceWindow} from '../../upgrade/window.js'
import {QuestionQueue, type WalkView} from './walk.js'
import {WalkTree, type LineState} from './walk-tree.js'

export interface TreeViewOptions {
  pool: string
  target: string
  /** Where the tree is drawn (stderr). */
  stream: NodeJS.WriteStream
  now: () => Date
  window?: MaintenanceWindow
}

type Task = ListrTaskObject<unknown, never, never>

/** A task that ends when told: `finish` decides how it ends. */
interface Handle {
  task: Task
  ran: Promise<unknown>
  finish: (state: LineState, text: string) => void
  finished: boolean
  /** Its function runs: the renderer listens to its output from then on. */
  started: boolean
  /** The line shown under it while it runs. */
  output?: string
  children: Map<string, Handle>
}

export async function treeView(o: TreeViewOptions): Promise<WalkView> {
  const {Listr, ListrLogger, ListrPromptAdapter, ProcessOutput, DefaultRenderer, SilentRenderer, createWritable, figures} = await import('listr2')
  // The default renderer draws only when stdout is a terminal; this tree belongs to stderr.
  class StderrRenderer extends DefaultRenderer { static override nonTTY = true }
  /** The prompt adapters' way of drawing a question inside the tree (listr2's ListrPromptAdapter). */
  class Question extends ListrPromptAdapter {
    async run<T>(question: (output: NodeJS.WritableStream) => Promise<T>): Promise<T> {
      this.reportStarted()
      try {
        const answer = await question(createWritable(chunk => { this.task.promptOutput$ = chunk }))
        this.reportCompleted()
        return answer
      } catch (err) {
        this.reportFailed()
        throw err
      }
    }
  }

  const tree = new WalkTree(o.pool, o.target)
  const output = new ProcessOutput(o.stream, o.stream)
  const questions = new QuestionQueue()

  /** A task whose function waits until finish() says how it ends; `parent` holds it as a subtask. */
  const start = (parent: Task, title: string, rendererOptions: Record<string, unknown>): Handle => {
    let end!: (how: {state: LineState; text: string}) => void
    const ending = new Promise<{state: LineState; text: string}>(res => { end = res })
    const h: Handle = {task: undefined as unknown as Task, ran: Promise.resolve(), finished: false, started: false, children: new Map(), finish: () => undefined}
    const list = new Listr([{
      title,
      task: async (_ctx, wrapper) => {
        h.started = true
        if (h.output) wrapper.output = h.output
        const how = await ending
        await Promise.allSettled([...h.children.values()].map(c => c.ran))
        wrapper.title = how.text
        if (how.state === 'skipped') wrapper.skip(how.text)
        else if (how.state === 'failed') throw new Error(how.text)
      },
    }], {exitOnError: false, registerSignalListeners: false, rendererOptions}, parent as never)
    // Drawn by the tree's renderer, through the parent: this list itself draws nothing.
    list.rendererClass = SilentRenderer as never
    h.task = list.tasks[0] as unknown as Task
    h.task.subtasks = []
    parent.subtasks.push(h.task as never)
    h.finish = (state, text) => { if (!h.finished) { h.finished = true; end({state, text}) } }
    h.ran = list.run()
    return h
  }

  // The pool keeps its nodes on screen at the end; a node that is done folds its pods away. A
  // walk that failed reads as failed without colour too.
  const treeOptions: ListrDefaultRendererOptions = {
    logger: new ListrLogger({processOutput: output}), collapseSubtasks: false, collapseSkips: true, showSkipMessage: true, formatOutput: 'truncate',
    icon: {FAILED_WITH_SUBTASKS: figures.cross},
  }
  let endPool!: (how: {state: LineState; text: string}) => void
  const poolEnding = new Promise<{state: LineState; text: string}>(res => { endPool = res })
  let drawing!: () => void
  const drawn = new Promise<void>(res => { drawing = res })
  const nodes = new Map<string, Handle>()
  const root = new Listr([{
    title: tree.poolTitle(o.now(), o.window),
    task: async (_ctx, wrapper) => {
      drawing()
      const how = await poolEnding
      await Promise.allSettled([...nodes.values()].map(n => n.ran))
      wrapper.title = how.text
      if (how.state === 'skipped') wrapper.skip(how.text)
      else if (how.state === 'failed') throw new Error(how.text)
    },
  }], {
    renderer: StderrRenderer as never, exitOnError: false, registerSignalListeners: false,
    rendererOptions: treeOptions as never,
  })
  const pool = root.tasks[0] as unknown as Task
  pool.subtasks = []
  // listr2 folds away the subtasks of a task that was skipped or failed unless one of them failed
  // or was cancelled. A walk that stopped (the window, a failed node) keeps its nodes on screen
  // through an empty subtask, cancelled from the start, that draws nothing.
  const keep = new Listr([{task: async () => undefined}], {registerSignalListeners: false}, pool as never)
  const keeper = keep.tasks[0] as unknown as Task
  await keeper.check({})
  keeper.state$ = 'CANCELLED' as never
  pool.subtasks.push(keeper as never)
  const running = root.run().catch(() => undefined)
  // The renderer is drawing once the pool's task runs: from then on it sees every task added.
  await drawn

  const setTitle = (task: Task, title: string) => { if (task.title !== title) task.title$ = title }
  const setOutput = (h: Handle, text: string | undefined) => {
    if ((h.output ?? '') === (text ?? '')) return
    h.output = text
    if (h.started) h.task.output$ = text ?? ''
  }
  const poolHandle: Handle = {task: pool, ran: running, finish: () => undefined, finished: false, started: true, children: new Map()}

  /** Brings the tasks in line with the tree. */
  const sync = () => {
    const now = o.now()
    setTitle(pool, tree.poolTitle(now, o.window))
    setOutput(poolHandle, tree.state === 'running' ? tree.detail : undefined)
    for (const line of tree.nodes) {
      let h = nodes.get(line.node)
      if (!h) nodes.set(line.node, h = start(pool, tree.nodeTitle(line), {collapseSubtasks: true}))
      if (h.finished) continue
      for (const p of line.pods) {
        let c = h.children.get(p.pod)
        if (!c) h.children.set(p.pod, c = start(h.task, tree.podTitle(p, now), {collapseSubtasks: true}))
        if (c.finished) continue
        setTitle(c.task, tree.podTitle(p, now))
        if (p.state !== 'running' && p.state !== 'waiting') c.finish(p.state, tree.podTitle(p, now))
      }
      setTitle(h.task, tree.nodeTitle(line))
      setOutput(h, line.state === 'running' ? line.detail : undefined)
      if (line.state !== 'running' && line.state !== 'waiting') {
        for (const c of h.children.values()) c.finish('skipped', c.task.title ?? '')
        h.finish(line.state, line.state === 'failed' && line.detail ? `${line.node}: ${line.detail}` : tree.nodeTitle(line))
      }
    }
  }
  // Counters (the window, how long a PDB has refused) move on between events.
  const ticker = setInterval(sync, 1000)
  ticker.unref()

  let closed: Promise<void> | undefined
  return {
    onEvent: (e: WalkEvent) => {
      if (closed) return
      tree.apply(e)
      sync()
    },
    ask: (about, question, signal) => questions.run(() => {
      const node = about.node ? nodes.get(about.node) : [...nodes.values()].find(n => about.pod && n.children.has(about.pod))
      const at = (about.pod && node?.children.get(about.pod)) || node
      // A task the renderer already draws (it listens to a question's output from its first frame on).
      const task = at && at.started && !at.finished ? at.task : pool
      return new Question(task as never, undefined as never).run(question)
    }, signal),
    close: () => closed ??= (async () => {
      clearInterval(ticker)
      tree.finish()
      sync()
      endPool({state: tree.state, text: tree.poolTitle(o.now(), o.window)})
      await running
    })(),
  }
}
