// The arguments bin/run.js may start why-pending's lists for before oclif loads: only those it
// reads exactly as oclif would; anything else is left to the command (which then does it all).
import {describe, expect, it} from 'vitest'
import {prefetchFlags, takePrefetch} from '../../../src/cli/prefetch.ts'

describe('prefetchFlags', () => {
  it('reads the target, namespace, context, kubeconfig and -A in every spelling oclif accepts', () => {
    expect(prefetchFlags([])).toEqual({allNamespaces: false})
    expect(prefetchFlags(['-A'])).toEqual({allNamespaces: true})
    expect(prefetchFlags(['--all-namespaces', '-o', 'json'])).toEqual({allNamespaces: true})
    expect(prefetchFlags(['deploy/web', '-n', 'shop'])).toEqual({allNamespaces: false, target: 'deploy/web', namespace: 'shop'})
    expect(prefetchFlags(['--namespace=shop', '--context', 'prod', '--kubeconfig=/k'])).toEqual({allNamespaces: false, namespace: 'shop', context: 'prod', kubeconfig: '/k'})
    expect(prefetchFlags(['-ojson', '--details', '--color', 'never', '-o', 'wide', '--no-headers'])).toBeUndefined() // -o twice
    expect(prefetchFlags(['-ojson', '--details', '--color', 'never'])).toEqual({allNamespaces: false})
    expect(prefetchFlags(['-o', 'wide', '--no-headers', 'node/n1'])).toEqual({allNamespaces: false, target: 'node/n1'})
  })

  it('gives up on anything it does not read exactly: other flags, repeats, two targets, a missing value', () => {
    for (const args of [
      ['-l', 'app=web'], ['--selector=app=web'], ['--from-dump', 'x.json'], ['-v'], ['--v=6'], ['--as', 'jane'], ['--server', 'https://x'],
      ['--request-timeout', '5s'], ['-n', 'a', '-n', 'b'], ['-A', '--all-namespaces'], ['a', 'b'], ['-n'], ['-n', '-A'], ['--namespace='],
      ['--token', 't'], ['--insecure-skip-tls-verify'], ['--unknown'],
    ]) {
      expect(prefetchFlags(args), args.join(' ')).toBeUndefined()
    }
  })

  it('hands over nothing when nothing was begun', () => {
    expect(takePrefetch({allNamespaces: true}, 60_000)).toBeUndefined()
  })
})
