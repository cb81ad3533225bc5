// `kubectl prod <TAB>` in a real interactive bash (tmux), with bash-completion and kubectl's own
// completion script loaded (`kubectl completion bash`), kubectl the test cluster's, and kubectl-prod and
// kubectl_complete-prod on the PATH as npm installs them: kubectl asks kubectl_complete-prod, which
// reads the real cluster. Node, pool, namespace, workload and context names come back; a kubeconfig
// that cannot be read gives nothing and no trace. kubectl-prod run by its own name completes the same
// with the script of `kubectl prod completion bash`.
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {api, createNamespace, createNodePool, deleteNodePool, waitFor} from '../cluster/pools.ts'
import {BIN, clusterInfo, uniqueName} from './helpers.ts'

const info = clusterInfo()
const client = api(info)
const id = uniqueName('c').slice(2)
const pool = `compl-${id}`
const ns = `compl-ns-${id}`
const contexts = [`prod-${id}`, `staging-${id}`]
const home = mkdtempSync(join(tmpdir(), 'kubectl-prod-completion-'))
const bin = join(home, 'bin')
const session = uniqueName('completion')
let nodes: string[] = []

/** kubectl's bash completion needs the bash-completion package (its _get_comp_words_by_ref). */
const BASH_COMPLETION = ['/usr/share/bash-completion/bash_completion', '/etc/bash_completion', '/opt/homebrew/etc/profile.d/bash_completion.sh', '/usr/local/etc/profile.d/bash_completion.sh'].find(f => existsSync(f))

const tmux = (...args: string[]) => spawnSync('tmux', args, {encoding: 'utf8'})
// -J joins wrapped lines and keeps trailing spaces: lines are compared without them.
const screen = () => tmux('capture-pane', '-p', '-J', '-t', session).stdout.split('\n').map(l => l.trimEnd()).join('\n')
const lastLine = () => screen().split('\n').filter(l => l.trim()).at(-1) ?? ''

/** Clears the line and the screen, types `text` and presses Tab `tabs` times; resolves once `done` holds for the screen. */
async function complete(text: string, tabs: number, done: (screen: string) => boolean, what: string): Promise<string> {
  expect(tmux('send-keys', '-t', session, 'C-u', 'C-l').status).toBe(0)
  await waitFor(async () => lastLine().trim() === '$', 5000, 'a clear prompt', 50)
  expect(tmux('send-keys', '-t', session, '-l', text).status).toBe(0)
  for (let i = 0; i < tabs; i++) {
    // The first Tab completes what all candidates share; the second lists them (bash waits for the first's answer).
    expect(tmux('send-keys', '-t', session, 'Tab').status).toBe(0)
    if (i < tabs - 1) await new Promise(r => setTimeout(r, 1500))
  }
  await waitFor(async () => done(screen()), 20_000, what, 100).catch(err => { throw new Error(`${(err as Error).message}; the screen:\n${screen()}`) })
  return screen()
}

beforeAll(async () => {
  if (!BASH_COMPLETION) throw new Error('bash-completion is not installed: kubectl\'s bash completion needs it (apt-get install bash-completion, brew install bash-completion@2)')
  nodes = await createNodePool(info, {name: pool, count: 2})
  await createNamespace(info, ns)
  await client.post(`/apis/apps/v1/namespaces/${ns}/deployments`, {metadata: {name: 'web'}, spec: {
    replicas: 0, selector: {matchLabels: {app: 'web'}},
    template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'app', image: 'registry.example/app:1'}]}},
  }})
  // A kubeconfig of two contexts on the test cluster, the first current.
  const admin = readFileSync(info.kubeconfig, 'utf8')
  const token = /token: (\S+)/.exec(admin)![1], ca = /certificate-authority: (\S+)/.exec(admin)![1]
  writeFileSync(join(home, 'kubeconfig'), [
    'apiVersion: v1', 'kind: Config', `current-context: ${contexts[0]}`,
    'clusters:', '- name: test', `  cluster: {server: "${info.server}", certificate-authority: "${ca}"}`,
    'users:', '- name: admin', `  user: {token: "${token}"}`,
    'contexts:', ...contexts.map(c => `- name: ${c}\n  context: {cluster: test, user: admin}`), '',
  ].join('\n'))
  writeFileSync(join(home, 'bad-kubeconfig'), 'clusters: [unclosed\n  users: {\n')
  // kubectl and the plugin side by side, as npm installs the plugin (its two bins), with the Node they run on.
  spawnSync('mkdir', ['-p', bin])
  symlinkSync(join(info.binDir, 'kubectl'), join(bin, 'kubectl'))
  symlinkSync(BIN, join(bin, 'kubectl-prod'))
  symlinkSync(resolve(BIN, '..', 'kubectl_complete-prod.js'), join(bin, 'kubectl_complete-prod'))
  symlinkSync(process.execPath, join(bin, 'node'))
  writeFileSync(join(home, 'bashrc'), [
    `source ${BASH_COMPLETION}`,
    'source <(kubectl completion bash)',
    'source <(kubectl-prod completion bash)',
    "PS1='$ '",
    // Nothing is written to the temp HOME on exit (it is removed then).
    'unset HISTFILE',
    '',
  ].join('\n'))
  const env = `HOME=${home} TERM=xterm PATH=${bin}:/usr/bin:/bin KUBECONFIG=${join(home, 'kubeconfig')}`
  expect(tmux('new-session', '-d', '-s', session, '-x', '220', '-y', '50', `env -i ${env} bash --noprofile --rcfile ${join(home, 'bashrc')} -i`).status).toBe(0)
  await waitFor(async () => lastLine().trim() === '$', 15_000, 'the bash prompt', 100)
}, 300_000)

afterAll(async () => {
  tmux('kill-session', '-t', session)
  await client.del(`/api/v1/namespaces/${ns}`).catch(() => undefined)
  await deleteNodePool(info, nodes)
  rmSync(home, {recursive: true, force: true, maxRetries: 5})
})

describe('kubectl prod <TAB>, through kubectl\'s own completion', () => {
  it('completes the subcommands', async () => {
    const listed = await complete('kubectl prod ', 2, s => /why-pending/.test(s), 'the subcommands')
    for (const c of ['drain', 'nodepool', 'upgrade-plan', 'why-pending', 'rbac', 'version', 'completion']) expect(listed).toMatch(new RegExp(`(^|\\s)${c}(\\s|$)`, 'm'))
    await complete('kubectl prod upgrade-p', 1, () => lastLine() === '$ kubectl prod upgrade-plan', 'upgrade-plan completed')
  })

  it('completes node names for drain and why-pending node/, from the cluster', async () => {
    const listed = await complete(`kubectl prod drain ${pool}-`, 2, s => s.includes(`${pool}-1`), 'the pool\'s nodes listed')
    expect(listed).toMatch(new RegExp(`${pool}-0\\s+${pool}-1`))
    await complete(`kubectl prod drain ${pool}-0 ${pool}-`, 1, () => lastLine() === `$ kubectl prod drain ${pool}-0 ${pool}-1`, 'the other node completed')
    const target = await complete(`kubectl prod why-pending node/${pool}-`, 2, s => s.includes(`node/${pool}-1`), 'node targets listed')
    expect(target).toContain(`node/${pool}-0`)
  })

  it('completes pool names for nodepool upgrade, from the nodes\' labels', async () => {
    await complete(`kubectl prod nodepool upgrade ${pool.slice(0, -2)}`, 1, () => lastLine() === `$ kubectl prod nodepool upgrade ${pool}`, 'the pool completed')
  })

  it('completes namespaces for -n, and workloads of the namespace for why-pending deploy/', async () => {
    await complete(`kubectl prod why-pending -n ${ns.slice(0, -2)}`, 1, () => lastLine() === `$ kubectl prod why-pending -n ${ns}`, 'the namespace completed')
    await complete(`kubectl prod why-pending -n ${ns} deploy/`, 1, () => lastLine() === `$ kubectl prod why-pending -n ${ns} deploy/web`, 'the Deployment completed')
  })

  it('completes contexts for --context, from the kubeconfig', async () => {
    const listed = await complete('kubectl prod version --context ', 2, s => s.includes(contexts[1]!), 'the contexts listed')
    expect(listed).toContain(contexts[0])
    await complete(`kubectl prod version --context st`, 1, () => lastLine() === `$ kubectl prod version --context ${contexts[1]}`, 'the context completed')
  })

  it('completes upgrade-plan --target from the cluster\'s version', async () => {
    const {gitVersion} = await client.get('/version')
    const next = `1.${Number(/^v1\.(\d+)/.exec(gitVersion)![1]) + 1}`
    await complete('kubectl prod upgrade-plan --target ', 1, () => lastLine().startsWith(`$ kubectl prod upgrade-plan --target ${next}`), 'the next minor offered')
  })

  it('gives nothing and no trace for a kubeconfig that cannot be read', async () => {
    const use = (file: string) => {
      expect(tmux('send-keys', '-t', session, 'C-u').status).toBe(0)
      expect(tmux('send-keys', '-t', session, '-l', `export KUBECONFIG=${join(home, file)}`).status).toBe(0)
      expect(tmux('send-keys', '-t', session, 'Enter').status).toBe(0)
    }
    use('bad-kubeconfig')
    try {
      await complete('kubectl prod drain ', 2, () => true, 'the prompt')
      // Time for kubectl and the completer to answer both Tabs; then the line is as typed, and nothing else shows.
      await new Promise(r => setTimeout(r, 3000))
      expect(screen().split('\n').filter(l => l.trim())).toEqual(['$ kubectl prod drain'])
      // The completer itself: the directive alone, nothing on stderr, exit 0.
      const r = spawnSync(join(bin, 'kubectl_complete-prod'), ['drain', ''], {encoding: 'utf8', env: {PATH: `${bin}:/usr/bin:/bin`, KUBECONFIG: join(home, 'bad-kubeconfig')}})
      expect(r).toMatchObject({status: 0, stdout: ':4\n', stderr: ''})
    } finally {
      use('kubeconfig')
    }
  })
})

describe('kubectl-prod <TAB>, with kubectl prod completion bash', () => {
  it('completes the same names from the cluster', async () => {
    const listed = await complete(`kubectl-prod drain ${pool}-`, 2, s => s.includes(`${pool}-1`), 'the pool\'s nodes listed')
    expect(listed).toMatch(new RegExp(`${pool}-0\\s+${pool}-1`))
    await complete(`kubectl-prod why-pending --namespace=${ns.slice(0, -2)}`, 1, () => lastLine() === `$ kubectl-prod why-pending --namespace=${ns}`, 'the namespace completed after =')
  })
})
