import {EventEmitter} from 'node:events'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Config} from '@oclif/core'
import {describe, expect, it, vi} from 'vitest'
import {DEFAULT_REQUEST_TIMEOUT_MS, KubeCommand, exitQuietlyWhenStdoutCloses, parseDuration} from '../../../src/cli/base.ts'
import {InputError} from '../../../src/model/errors.ts'

describe('parseDuration', () => {
  it('reads kubectl durations', () => {
    expect(parseDuration('0', '--request-timeout')).toBe(0)
    expect(parseDuration('5', '--request-timeout')).toBe(5000)
    expect(parseDuration('500ms', '--request-timeout')).toBe(500)
    expect(parseDuration('1m30s', '--request-timeout')).toBe(90_000)
    expect(parseDuration('2h', '--request-timeout')).toBe(7_200_000)
  })
  it('rejects anything else with a one-line error naming the flag', () => {
    expect(() => parseDuration('soon', '--request-timeout')).toThrow(/--request-timeout "soon" is not a duration/)
    expect(() => parseDuration('5x', '--request-timeout')).toThrow(InputError)
  })
})

describe('--request-timeout', () => {
  /** A command that reports the deadline it would give each request. */
  class Probe extends KubeCommand {
    async run(): Promise<number> { return this.requestTimeoutMs() }
  }
  const config = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubectl-prod-unit-'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({name: 'kubectl-prod', version: '0.1.0', type: 'module', oclif: {bin: 'kubectl-prod'}}))
    return Config.load(dir)
  }

  it('is 60 s for each request of a read-only command when not given', async () => {
    expect(DEFAULT_REQUEST_TIMEOUT_MS).toBe(60_000)
    expect(await Probe.run([], await config())).toBe(60_000)
  })
  it('is what the user wrote when given; 0, written, means no deadline', async () => {
    const c = await config()
    expect(await Probe.run(['--request-timeout', '5s'], c)).toBe(5000)
    expect(await Probe.run(['--request-timeout', '0'], c)).toBe(0)
    expect(await Probe.run(['--request-timeout=2m'], c)).toBe(120_000)
  })
})

describe('a closed stdout', () => {
  it('exits 0 at once, quietly, when the reader has gone (EPIPE)', () => {
    const stdout = new EventEmitter()
    const exit = vi.fn()
    exitQuietlyWhenStdoutCloses(stdout, exit)
    stdout.emit('error', Object.assign(new Error('write EPIPE'), {code: 'EPIPE'}))
    expect(exit).toHaveBeenCalledWith(0)
  })
  it('is installed once per stream, and leaves other errors as errors', () => {
    const stdout = new EventEmitter()
    const exit = vi.fn()
    exitQuietlyWhenStdoutCloses(stdout, exit)
    exitQuietlyWhenStdoutCloses(stdout, exit)
    expect(stdout.listenerCount('error')).toBe(1)
    expect(() => stdout.emit('error', Object.assign(new Error('disk full'), {code: 'ENOSPC'}))).toThrow('disk full')
    expect(exit).not.toHaveBeenCalled()
  })
})
