// Time, injected: windows, timeouts, ages and backoff take a Clock, so a test of a four-hour
// window runs in milliseconds with a fake one.

export interface Clock {
  now(): Date
  /** Resolves after `ms` (or rejects with the signal's reason when it is aborted first). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) => new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve() }, ms)
    const onAbort = () => { clearTimeout(timer); reject(signal!.reason) }
    signal?.addEventListener('abort', onAbort, {once: true})
  }),
}
