import {describe, expect, it} from 'vitest'
import {helpRequest, reorderArgs} from '../../../src/cli/argv.ts'

describe('reorderArgs', () => {
  it('moves kubectl-style flags placed before the command after it', () => {
    expect(reorderArgs(['-n', 'shop', 'why-pending', 'deploy/web'])).toEqual(['why-pending', '-n', 'shop', 'deploy/web'])
    expect(reorderArgs(['--context=prod', '-A', 'why-pending'])).toEqual(['why-pending', '--context=prod', '-A'])
    expect(reorderArgs(['--kubeconfig', '/k', '-ojson', 'version'])).toEqual(['version', '--kubeconfig', '/k', '-ojson'])
  })
  it('leaves flags after the command and lone help/version flags alone', () => {
    expect(reorderArgs(['why-pending', '-n', 'x'])).toEqual(['why-pending', '-n', 'x'])
    expect(reorderArgs(['--help'])).toEqual(['--help'])
    expect(reorderArgs(['--version'])).toEqual(['--version'])
  })
  it('reads kubectl verbosity forms', () => {
    expect(reorderArgs(['version', '-v'])).toEqual(['version', '--v=1'])
    expect(reorderArgs(['version', '-v', '6'])).toEqual(['version', '--v=6'])
    expect(reorderArgs(['version', '-v=8'])).toEqual(['version', '--v=8'])
    expect(reorderArgs(['-v', 'version'])).toEqual(['version', '--v=1'])
  })
})

describe('helpRequest', () => {
  it('reads `help [COMMAND]` as kubectl does', () => {
    expect(helpRequest(['help'])).toEqual([])
    expect(helpRequest(['help', 'why-pending'])).toEqual(['why-pending'])
    expect(helpRequest(['help', 'rbac', 'why-pending'])).toEqual(['rbac', 'why-pending'])
  })
  it('skips flags and their values, also those moved after help', () => {
    expect(helpRequest(reorderArgs(['-n', 'shop', 'help', 'version']))).toEqual(['version'])
    expect(helpRequest(['help', '--context=prod', '-o', 'json', 'version'])).toEqual(['version'])
  })
  it('is not a help request unless the first word is help', () => {
    expect(helpRequest(['why-pending', 'help'])).toBeUndefined()
    expect(helpRequest([])).toBeUndefined()
  })
})
