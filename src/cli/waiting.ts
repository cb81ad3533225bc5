// The notice a person at a terminal sees when the API server is slow: after 5 s of waiting,
// one line on stderr says what for ("waiting for the API server https://…: list pods in
// namespace "web" (5s)…"), counts the seconds, and is erased when the answer comes. Nothing is
// written when stderr is not a terminal: logs and pipes get only what they asked for.

/** The part of a stream the notice uses (process.stderr, or a fake in tests). */
export interface NoticeStream {
  isTTY?: boolean
  write(s: string): boolean
}

export interface WaitingNoticeOptions {
  /** Silence before the notice appears (default 5 s). */
  afterMs?: number
  /** How often it is redrawn (default 1 s). */
  everyMs?: number
  now?: () => number
}

/** Carriage return and erase-to-end-of-line: the line the notice used is left empty. */
const ERASE = '\r\x1b[K'

export class WaitingNotice {
  private readonly stream: NoticeStream
  private readonly server: string
  private readonly afterMs: number
  private readonly everyMs: number
  private readonly now: () => number
  private readonly waiting = new Map<number, {what: string; since: number}>()
  private next = 0
  private ticker: NodeJS.Timeout | undefined
  private shown = false
  private stopped = false

  constructor(stream: NoticeStream, server: string, opts: WaitingNoticeOptions = {}) {
    this.stream = stream
    this.server = server
    this.afterMs = opts.afterMs ?? 5000
    this.everyMs = opts.everyMs ?? 1000
    this.now = opts.now ?? Date.now
  }

  /** A call started; the returned function ends it (safe to call twice). */
  readonly start = (what: string): (() => void) => {
    if (!this.stream.isTTY || this.stopped) return () => undefined
    const id = this.next++
    this.waiting.set(id, {what, since: this.now()})
    this.ticker ??= setInterval(() => this.draw(), this.everyMs).unref()
    return () => {
      if (!this.waiting.delete(id)) return
      if (this.waiting.size === 0) this.idle()
      else if (this.shown) this.draw()
    }
  }

  /** Erases the notice so that another line can be written; it comes back on the next tick if still waiting. */
  clear(): void {
    if (!this.shown) return
    this.stream.write(ERASE)
    this.shown = false
  }

  /** Writes a line of its own (a -v log line) without mixing it into the notice. */
  readonly write = (line: string): void => {
    this.clear()
    this.stream.write(line)
  }

  /** Erases the notice for good: the command is about to print its answer or its error. */
  stop(): void {
    this.stopped = true
    this.waiting.clear()
    this.idle()
  }

  private idle(): void {
    clearInterval(this.ticker)
    this.ticker = undefined
    this.clear()
  }

  private draw(): void {
    let oldest: {what: string; since: number} | undefined
    for (const w of this.waiting.values()) if (!oldest || w.since < oldest.since) oldest = w
    const waited = oldest ? this.now() - oldest.since : 0
    if (!oldest || waited < this.afterMs) return this.clear()
    const more = this.waiting.size > 1 ? ` and ${this.waiting.size - 1} more` : ''
    this.stream.write(`${ERASE}waiting for the API server ${this.server}: ${oldest.what}${more} (${Math.floor(waited / 1000)}s)…`)
    this.shown = true
  }
}
