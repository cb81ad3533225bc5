// What `kubectl prod ... <TAB>` offers, word by word, over names given as fixtures (the names a
// cluster and a kubeconfig would give: test/e2e/completion.test.ts reads them from the real ones).
import {describe, expect, it} from 'vitest'
import {complete, Directive, type Answer, type Source, type WorkloadKind} from '../../../src/cli/complete/complete.ts'
import {readLine} from '../../../src/cli/complete/words.ts'
import {formatAnswer, completionTimeoutMs, COMPLETION_TIMEOUT_MS} from '../../../src/cli/complete/main.ts'
import type {Line} from '../../../src/cli/complete/words.ts'

/** A cluster of two pools and a kubeconfig of three contexts; `asked` records what was read, and with which line. */
function fixture() {
  const asked: string[] = []
  const lines: Line[] = []
  const source = (line: Line): Source => {
    lines.push(line)
    const ask = <T>(what: string, value: T) => { asked.push(what); return Promise.resolve(value) }
    const all = line.flags.get('all-namespaces')?.[0] === 'true'
    const ns = line.flags.get('namespace')?.at(-1) ?? 'default'
    return {
      kubeconfigNames: kind => ask(`kubeconfig ${kind}s`, {context: ['prod-eu', 'prod-us', 'arn:aws:eks:eu-west-1:1234:cluster/prod'], cluster: ['eu', 'us'], user: ['admin']}[kind]),
      namespaces: () => ask('namespaces', ['default', 'kube-system', 'shop']),
      nodes: () => ask('nodes', ['general-0', 'general-1', 'gpu-0']),
      pools: label => ask(`pools ${label ?? ''}`.trim(), label ? [{name: 'by-label', nodes: 1}] : [{name: 'general', nodes: 2}, {name: 'gpu', nodes: 1}]),
      pods: () => ask(all ? 'pods -A' : `pods in ${ns}`, ns === 'shop' || all ? ['web-5d8c7-x2x9z', 'deploy-helper'] : []),
      workloads: (kind: WorkloadKind) => ask(`${kind} in ${ns}`, kind === 'Deployment' ? ['web', 'worker'] : kind === 'StatefulSet' ? ['db'] : []),
      serverVersion: () => ask('version', {minor: '1.34', version: '1.34.2'}),
      removals: () => ask('removals', {coversThrough: '1.37', removedIn: new Map([['1.25', 9], ['1.36', 1], ['1.39', 2]])}),
      rbacCommands: () => ask('rbac', ['version', 'why-pending', 'drain']),
    }
  }
  return {asked, lines, source}
}

const values = (a: Answer) => a.candidates.map(c => c.value)

async function offer(words: string) {
  const f = fixture()
  const answer = await complete(words.split(' '), f.source)
  return {...answer, values: values(answer), asked: f.asked, lines: f.lines}
}

describe('completing commands', () => {
  it('offers the commands, the topic and help, each with its summary, and no file names', async () => {
    const a = await offer('')
    expect(a.values).toEqual(['completion', 'drain', 'help', 'nodepool', 'rbac', 'upgrade-plan', 'version', 'why-pending'])
    expect(a.candidates.find(c => c.value === 'why-pending')?.description).toMatch(/^Explain why pods are Pending/)
    expect(a.candidates.find(c => c.value === 'nodepool')?.description).toMatch(/^Node pools/)
    expect(a.directive).toBe(Directive.NoFileComp)
    expect(a.asked).toEqual([])
  })

  it('narrows to what was typed, and completes a topic\'s commands', async () => {
    expect((await offer('dr')).values).toEqual(['drain'])
    expect((await offer('nodepool ')).values).toEqual(['list', 'upgrade'])
    expect((await offer('nodepool up')).values).toEqual(['upgrade'])
    expect((await offer('-n shop nodepool ')).values).toEqual(['list', 'upgrade'])
  })

  it('completes the subject of help like the commands', async () => {
    expect((await offer('help ')).values).toEqual(['completion', 'drain', 'nodepool', 'rbac', 'upgrade-plan', 'version', 'why-pending'])
    expect((await offer('help nodepool ')).values).toEqual(['list', 'upgrade'])
    expect((await offer('help why-pending ')).values).toEqual([])
  })

  it('offers nothing after words that name no command', async () => {
    const a = await offer('delete-everything ')
    expect(a.values).toEqual([])
    expect(a.directive).toBe(Directive.NoFileComp)
  })
})

describe('completing flags', () => {
  it('offers the command\'s flags, then the connection flags, long and short, with their descriptions', async () => {
    const a = await offer('why-pending -')
    expect(a.values.slice(0, 4)).toEqual(['--selector', '-l', '--details', '--from-dump'])
    expect(a.values).toEqual(expect.arrayContaining(['--namespace', '-n', '-A', '--context', '--help', '-h']))
    expect(a.candidates.find(c => c.value === '--context')?.description).toBe('The kubeconfig context to use.')
    expect(a.directive).toBe(Directive.NoFileComp)
  })

  it('leaves out flags already given, unless they repeat, and offers --no- forms', async () => {
    const given = await offer('why-pending --details -n shop --as-group a --')
    expect(given.values).not.toContain('--details')
    expect(given.values).not.toContain('--namespace')
    expect(given.values).toContain('--as-group')
    expect((await offer('drain --no-w')).values).toEqual(['--no-wait-replacements'])
    expect((await offer('upgrade-plan --fa')).values).toEqual(['--fail-on'])
  })

  it('offers a command\'s own flags only to that command', async () => {
    expect((await offer('version --cl')).values).toEqual(['--client', '--cluster', '--client-certificate', '--client-key'])
    expect((await offer('why-pending --cl')).values).toEqual(['--cluster', '--client-certificate', '--client-key'])
    // completion reads nothing: it has no connection flags.
    expect((await offer('completion --')).values).toEqual(['--help'])
  })
})

describe('completing flag values', () => {
  it('offers a flag\'s options, after a space or an =', async () => {
    expect((await offer('upgrade-plan -o ')).values).toEqual(['text', 'json', 'yaml', 'markdown', 'sarif'])
    expect((await offer('drain node-a -o ')).values).toEqual(['text', 'json'])
    expect((await offer('why-pending --color=a')).values).toEqual(['auto', 'always'])
    expect((await offer('upgrade-plan -om')).values).toEqual([])
  })

  it('offers namespaces for -n, and contexts, clusters and users from the kubeconfig', async () => {
    expect((await offer('why-pending -n ')).values).toEqual(['default', 'kube-system', 'shop'])
    expect((await offer('why-pending --namespace=k')).values).toEqual(['kube-system'])
    expect((await offer('nodepool upgrade pool --lease-namespace ')).values).toEqual(['default', 'kube-system', 'shop'])
    const contexts = await offer('drain --context ')
    expect(contexts.values).toEqual(['prod-eu', 'prod-us', 'arn:aws:eks:eu-west-1:1234:cluster/prod'])
    expect(contexts.asked).toEqual(['kubeconfig contexts'])
    expect((await offer('--context prod-')).values).toEqual(['prod-eu', 'prod-us'])
    expect((await offer('version --cluster ')).values).toEqual(['eu', 'us'])
    expect((await offer('version --user ')).values).toEqual(['admin'])
  })

  it('leaves paths to the shell and offers nothing for free text', async () => {
    for (const words of ['--kubeconfig ', 'upgrade-plan -f ', 'upgrade-plan --from-dump=', 'why-pending --from-dump ', 'nodepool upgrade p --hook ']) {
      const a = await offer(words)
      expect(a, words).toMatchObject({candidates: [], directive: Directive.Default})
    }
    for (const words of ['why-pending -l ', 'drain --timeout ', 'version --request-timeout ', 'version --token ']) {
      expect(await offer(words), words).toMatchObject({candidates: [], directive: Directive.NoFileComp})
    }
  })

  it('offers the providers\' pool labels for --pool-label', async () => {
    expect((await offer('nodepool list --pool-label ')).values).toContain('eks.amazonaws.com/nodegroup')
    expect((await offer('nodepool list --pool-label karp')).values).toEqual(['karpenter.sh/nodepool', 'karpenter.sh/provisioner-name'])
  })

  it('offers upgrade-plan targets from the cluster\'s version through the removal table, in order', async () => {
    const a = await offer('upgrade-plan --target ')
    expect(a.candidates).toEqual([
      {value: '1.35', description: 'the next minor'},
      {value: '1.36', description: '2 hops; removes 1 API'},
      {value: '1.37', description: '3 hops'},
    ])
    expect(a.directive).toBe(Directive.NoFileComp | Directive.KeepOrder)
    expect(a.asked).toEqual(['removals', 'version'])
  })

  it('takes --current over the cluster, and offline lists the releases that remove APIs', async () => {
    const current = await offer('upgrade-plan --current v1.36.2 --target ')
    expect(current.values).toEqual(['1.37'])
    expect(current.asked).toEqual(['removals'])
    const beyond = await offer('upgrade-plan --current 1.37 --target=')
    expect(beyond.candidates).toEqual([{value: '1.38', description: 'the next minor; newer than the removal table'}])
    const offline = await offer('upgrade-plan -f ./manifests --target ')
    expect(offline.candidates).toEqual([
      {value: '1.25', description: 'removes 9 APIs'},
      {value: '1.36', description: 'removes 1 API'},
      {value: '1.37', description: 'the newest release the removal table covers'},
    ])
    expect(offline.asked).toEqual(['removals'])
    expect((await offer('upgrade-plan -f ./m --live --target ')).asked).toEqual(['removals', 'version'])
  })

  it('offers the control plane\'s version for nodepool upgrade --target-version', async () => {
    expect((await offer('nodepool upgrade general --target-version ')).values).toEqual(['1.34', '1.34.2'])
  })
})

describe('completing arguments', () => {
  it('offers node names to drain, not those already given', async () => {
    expect((await offer('drain ')).values).toEqual(['general-0', 'general-1', 'gpu-0'])
    expect((await offer('drain general-0 gen')).values).toEqual(['general-1'])
    expect((await offer('drain --force ')).values).toEqual(['general-0', 'general-1', 'gpu-0'])
  })

  it('offers pools to nodepool upgrade, by --pool-label when given, and its required --target-version', async () => {
    const a = await offer('nodepool upgrade ')
    expect(a.candidates).toEqual([{value: 'general', description: '2 nodes'}, {value: 'gpu', description: '1 node'}, expect.objectContaining({value: '--target-version'})])
    expect(a.asked).toEqual(['pools'])
    expect((await offer('nodepool upgrade --pool-label team ')).asked).toEqual(['pools team'])
    expect((await offer('nodepool upgrade general --target-version 1.34 ')).values).toEqual([])
    expect((await offer('nodepool upgrade general ')).values).toEqual(['--target-version'])
  })

  it('offers why-pending the kinds of target, without a space after them, and pods of the namespace', async () => {
    const a = await offer('why-pending -n shop ')
    expect(a.values).toEqual(['pod/', 'deploy/', 'sts/', 'ds/', 'job/', 'rs/', 'node/', 'web-5d8c7-x2x9z', 'deploy-helper'])
    expect(a.directive).toBe(Directive.NoFileComp)
    const kinds = await offer('why-pending d')
    expect(kinds.values).toEqual(['deploy/', 'ds/'])
    expect(kinds.directive).toBe(Directive.NoFileComp | Directive.NoSpace)
    expect((await offer('why-pending -n shop dep')).values).toEqual(['deploy/', 'deploy-helper'])
  })

  it('offers why-pending KIND/NAME for each kind, as the kind was typed', async () => {
    expect((await offer('why-pending -n shop deploy/')).values).toEqual(['deploy/web', 'deploy/worker'])
    expect((await offer('why-pending -n shop deployment/wo')).values).toEqual(['deployment/worker'])
    expect((await offer('why-pending -n shop sts/')).values).toEqual(['sts/db'])
    expect((await offer('why-pending node/g')).values).toEqual(['node/general-0', 'node/general-1', 'node/gpu-0'])
    expect((await offer('why-pending -A pod/')).asked).toEqual(['pods -A'])
    expect((await offer('why-pending -n shop po/w')).values).toEqual(['po/web-5d8c7-x2x9z'])
    expect((await offer('why-pending secret/')).values).toEqual([])
    // One target only.
    expect((await offer('why-pending deploy/web ')).asked).toEqual([])
  })

  it('offers rbac its commands and completion its shells', async () => {
    expect((await offer('rbac ')).values).toEqual(['version', 'why-pending', 'drain'])
    expect((await offer('completion ')).values).toEqual(['bash', 'zsh', 'fish'])
    expect((await offer('completion b')).values).toEqual(['bash'])
    expect((await offer('version ')).values).toEqual([])
  })

  it('reads the line the command would: its namespace, -A, context and kubeconfig', async () => {
    const a = await offer('--kubeconfig /k --context prod-eu why-pending -A --request-timeout=2s node/')
    const [line] = a.lines
    expect(Object.fromEntries(line!.flags)).toEqual({'kubeconfig': ['/k'], 'context': ['prod-eu'], 'all-namespaces': ['true'], 'request-timeout': ['2s']})
    expect(readLine(['-v', '6', '-nshop', 'why-pending', '-Ao', 'json', '']).flags.get('namespace')).toEqual(['shop'])
    expect(readLine(['-v', '6', '-nshop', 'why-pending', '-Ao', 'json', '']).flags.get('output')).toEqual(['json'])
    expect(readLine(['-vv', 'why-pending', '']).command?.id).toBe('why-pending')
  })
})

describe('the answer kubectl reads', () => {
  it('is one candidate a line, its description after a tab, then the directive', () => {
    expect(formatAnswer({candidates: [{value: 'general', description: '2 nodes'}, {value: 'gpu'}], directive: 4})).toBe('general\t2 nodes\ngpu\n:4\n')
    expect(formatAnswer({candidates: [{value: 'x', description: 'two\nlines\tand a tab'}], directive: 0})).toBe('x\ttwo lines and a tab\n:0\n')
    expect(formatAnswer({candidates: [], directive: 4})).toBe(':4\n')
  })

  it('is given within --request-timeout when the line has one, else within the default', () => {
    expect(completionTimeoutMs(readLine(['version', '']))).toBe(COMPLETION_TIMEOUT_MS)
    expect(completionTimeoutMs(readLine(['--request-timeout', '500ms', 'version', '']))).toBe(500)
    expect(completionTimeoutMs(readLine(['version', '--request-timeout=2', '']))).toBe(2000)
    expect(completionTimeoutMs(readLine(['version', '--request-timeout=0', '']))).toBe(COMPLETION_TIMEOUT_MS)
  })
})
