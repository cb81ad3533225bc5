// The upgrade path: versions in every form people and clusters write them, the hops between, and
// one InputError line for each bad input.
import {describe, expect, it} from 'vitest'
import {upgradePath} from '../../../src/deprecations/path.ts'
import {InputError, errorLine} from '../../../src/model/errors.ts'
import {ExitCode} from '../../../src/model/exit-codes.ts'

const covers = '1.37'
const path = (current: string | null, target?: string) => upgradePath({current, target, coversThrough: covers})

describe('upgradePath', () => {
  it('crosses every minor after current up to the target', () => {
    expect(path('1.31', '1.34')).toEqual({path: {current: '1.31', target: '1.34', hops: ['1.32', '1.33', '1.34']}, warnings: []})
  })

  it('defaults the target to the next minor', () => {
    expect(path('1.33').path).toEqual({current: '1.33', target: '1.34', hops: ['1.34']})
  })

  it.each([['1.33'], ['v1.33'], ['1.33.2'], ['v1.33.2-eks-1234'], ['v1.33.2+k3s1'], [' 1.33 ']])('reads %j as 1.33', v => {
    expect(path(v, v).path).toEqual({current: '1.33', target: '1.33', hops: []})
    expect(path(null, v).path).toEqual({current: null, target: '1.33', hops: ['1.33']})
  })

  it('has no hops when the target is the current version', () => {
    expect(path('1.36', '1.36')).toEqual({path: {current: '1.36', target: '1.36', hops: []}, warnings: []})
  })

  it('offline, the target is the only hop', () => {
    expect(path(null, '1.30').path).toEqual({current: null, target: '1.30', hops: ['1.30']})
  })

  it('accepts a target beyond the table with one warning line', () => {
    const r = path('1.37', '1.39')
    expect(r.path.hops).toEqual(['1.38', '1.39'])
    expect(r.warnings).toEqual(['target 1.39 is newer than the removal table: removals after 1.37 are not known yet'])
    expect(path('1.36', '1.37').warnings).toEqual([])
  })

  const bad: [string | null, string | undefined, RegExp][] = [
    [null, undefined, /^--target is required when there is no cluster to read the current version from; pass e\.g\. --target 1\.34$/],
    ['1.33', 'latest', /^--target "latest" is not a Kubernetes version; write it like 1\.34 or v1\.34\.2$/],
    ['1.33', '1', /--target "1" is not a Kubernetes version/],
    ['1.33', '1.x', /--target "1\.x" is not a Kubernetes version/],
    ['1.33', '', /--target "" is not a Kubernetes version/],
    ['1.33', '2.0', /^--target "2\.0" is not a Kubernetes 1\.x version/],
    ['1.33', 'v1.34.1.2', /--target "v1\.34\.1\.2" is not a Kubernetes version/],
    ['one', '1.34', /^--current "one" is not a Kubernetes version/],
    ['1.33', '1.32', /^--target 1\.32 is older than the current version 1\.33; a cluster cannot be downgraded; write a target of 1\.33 or newer$/],
    ['v1.33.4', 'v1.30.9-gke.100', /--target 1\.30 is older than the current version 1\.33/],
  ]
  it.each(bad)('refuses current %j target %j with one line and exit 2', (current, target, said) => {
    let err: unknown
    try { path(current, target) } catch (e) { err = e }
    expect(err).toBeInstanceOf(InputError)
    const line = errorLine(err as InputError).replace(/^error: /, '')
    expect(line).toMatch(said)
    expect(line).not.toContain('\n')
    expect((err as InputError).exitCode).toBe(ExitCode.USAGE)
  })
})
