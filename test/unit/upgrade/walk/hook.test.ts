import {chmodSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {assertHookRuns, hookProgram, runHook} from '../../../../src/upgrade/walk/hook.ts'
import {InputError} from '../../../../src/model/errors.ts'

const dir = mkdtempSync(join(tmpdir(), 'walk-hook-'))
const script = join(dir, 'up.sh')
writeFileSync(script, '#!/bin/sh\nexit 0\n')
chmodSync(script, 0o755)
const notExecutable = join(dir, 'plain.txt')
writeFileSync(notExecutable, 'x')

describe('hookProgram', () => {
  it('is the first word after variable assignments', () => {
    expect(hookProgram('./up.sh --fast')).toBe('./up.sh')
    expect(hookProgram('  REGION=eu-west-1 DEBUG=1 aws ec2 terminate-instances')).toBe('aws')
    expect(hookProgram("'./my script.sh'")).toBe("./my")
    expect(hookProgram('   ')).toBeUndefined()
  })
})

describe('assertHookRuns', () => {
  const env = {PATH: dir}
  it('accepts an executable path, a program on PATH and shell builtins', () => {
    expect(() => assertHookRuns(script, env)).not.toThrow()
    expect(() => assertHookRuns('up.sh --now', env)).not.toThrow()
    expect(() => assertHookRuns('./up.sh', env, dir)).not.toThrow()
    expect(() => assertHookRuns('echo "$KUBECTL_PROD_NODE" > /tmp/x', env)).not.toThrow()
    expect(() => assertHookRuns('$UPGRADER node', env)).not.toThrow()
  })

  it.each([
    ['/nonexistent/up.sh', 'not an executable file'],
    ['no-such-program --x', 'not an executable file on PATH'],
    [notExecutable, 'not an executable file'],
    ['', '--hook is empty'],
  ])('refuses %j in one line', (command, why) => {
    let err: unknown
    try { assertHookRuns(command, env) } catch (e) { err = e }
    expect(err).toBeInstanceOf(InputError)
    expect((err as InputError).message).toContain(why)
  })
})

describe('runHook', () => {
  it('runs through the shell with the walk\'s variables, and reports output lines and the exit code', async () => {
    const lines: string[] = []
    const run = await runHook('echo "node=$KUBECTL_PROD_NODE"; echo oops >&2; printf "last"; exit 3', {KUBECTL_PROD_NODE: 'n-1'}, l => lines.push(l))
    expect(run).toEqual({exitCode: 3, signal: null})
    expect(lines.sort()).toEqual(['last', 'node=n-1', 'oops'])
  })

  it('is stopped by the signal', async () => {
    const stop = new AbortController()
    const running = runHook('sleep 10', {}, () => undefined, stop.signal)
    stop.abort(new Error('interrupted'))
    await expect(running).rejects.toThrow('interrupted')
  })
})
