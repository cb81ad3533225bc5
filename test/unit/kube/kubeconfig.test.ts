import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {loadKubeconfig, kubeconfigFiles} from '../../../src/kube/kubeconfig.ts'

const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-unit-'))
function file(name: string, text: string): string {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}
const one = file('one.yaml', `apiVersion: v1
kind: Config
current-context: a
clusters:
- {name: c1, cluster: {server: https://one:6443, certificate-authority: ca.crt}}
- {name: shared, cluster: {server: https://from-one:6443}}
users:
- {name: u1, user: {token: t1}}
contexts:
- {name: a, context: {cluster: c1, user: u1, namespace: shop}}
- {name: s, context: {cluster: shared, user: u1}}
`)
const two = file('two.yaml', `apiVersion: v1
kind: Config
current-context: b
clusters:
- {name: c2, cluster: {server: https://two:6443}}
- {name: shared, cluster: {server: https://from-two:6443}}
users:
- {name: u2, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: ./bin/get-token}}}
contexts:
- {name: b, context: {cluster: c2, user: u2}}
`)

describe('kubeconfig loading', () => {
  it('merges KUBECONFIG files with the first file winning, skipping missing ones', () => {
    const env = {KUBECONFIG: [join(dir, 'missing.yaml'), one, two].join(':')}
    const r = loadKubeconfig({}, env)
    expect(r.context).toBe('a')
    expect(r.server).toBe('https://one:6443')
    expect(r.namespace).toBe('shop')
    expect(r.files).toEqual([one, two])
    // A name defined in both files keeps the first file's entry.
    expect(loadKubeconfig({context: 's'}, env).server).toBe('https://from-one:6443')
    // Entries only in the second file are there too.
    expect(loadKubeconfig({context: 'b'}, env).server).toBe('https://two:6443')
  })
  it('resolves relative paths against the file that holds them', () => {
    const env = {KUBECONFIG: [one, two].join(':')}
    expect(loadKubeconfig({}, env).doc.clusters[0]!.cluster['certificate-authority']).toBe(join(dir, 'ca.crt'))
    expect((loadKubeconfig({context: 'b'}, env).doc.users[0]!.user.exec as {command: string}).command).toBe(join(dir, 'bin/get-token'))
  })
  it('applies override flags', () => {
    const r = loadKubeconfig({kubeconfig: one, server: 'https://other:1', token: 'x', namespace: 'n2', 'insecure-skip-tls-verify': true})
    expect(r.server).toBe('https://other:1')
    expect(r.namespace).toBe('n2')
    expect(r.doc.users[0]!.user.token).toBe('x')
    expect(r.doc.clusters[0]!.cluster['insecure-skip-tls-verify']).toBe(true)
    expect(r.doc.clusters[0]!.cluster['certificate-authority']).toBeUndefined()
  })
  it('reads only the --kubeconfig file when given', () => {
    expect(kubeconfigFiles(two, {KUBECONFIG: one})).toEqual({files: [two], explicit: true})
    expect(loadKubeconfig({kubeconfig: two}, {KUBECONFIG: one}).context).toBe('b')
  })
  it('fails with one line naming the file or the context', () => {
    const bad = file('bad.yaml', 'clusters: [oops\n  - x: {')
    expect(() => loadKubeconfig({kubeconfig: bad})).toThrow(new RegExp(`kubeconfig file ${bad} is not valid YAML`))
    expect(() => loadKubeconfig({kubeconfig: join(dir, 'nope')})).toThrow(/does not exist/)
    expect(() => loadKubeconfig({kubeconfig: one, context: 'zzz'})).toThrow(/context "zzz" is not in the kubeconfig/)
    expect(() => loadKubeconfig({}, {KUBECONFIG: join(dir, 'none.yaml')})).toThrow(/no kubeconfig found/)
  })
  it('defaults the namespace to "default"', () => {
    expect(loadKubeconfig({kubeconfig: two}).namespace).toBe('default')
  })
})
