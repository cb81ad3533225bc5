// upgrade-plan from a dump: the objects sorted into an UpgradeSnapshot, the newest deployed
// revision of each Helm release decoded, and what a dump cannot hold said in gaps.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {loadUpgradeDump} from '../../../src/sources/upgrade-dump.ts'
import {node} from '../../fakes/builders.ts'

const now = new Date('2026-12-03T10:00:00Z')
const helmSecret = (revision: number, status: string, manifest: string) => ({
  apiVersion: 'v1', kind: 'Secret', type: 'helm.sh/release.v1',
  metadata: {name: `sh.helm.release.v1.web.v${revision}`, namespace: 'shop', labels: {owner: 'helm', name: 'web', status, version: String(revision)}},
  data: {release: Buffer.from(gzipSync(JSON.stringify({name: 'web', version: revision, manifest, config: {password: 'hunter2'}})).toString('base64')).toString('base64')},
})

function dump(items: object[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-prod-dump-'))
  const file = join(dir, 'all.json')
  writeFileSync(file, JSON.stringify({apiVersion: 'v1', kind: 'List', items}))
  return file
}

describe('loadUpgradeDump', () => {
  it('sorts objects, keeps those with write signals, and reads the newest deployed Helm revision only', () => {
    const applied = {
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
      metadata: {name: 'web', namespace: 'shop', annotations: {'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"extensions/v1beta1","kind":"Ingress"}'}},
    }
    const plain = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'settings', namespace: 'shop'}, data: {a: 'b'}}
    const pdb = {apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'web', namespace: 'shop'}, spec: {maxUnavailable: 0}}
    const deploy = {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'shop'}, spec: {replicas: 1}}
    const snap = loadUpgradeDump(dump([
      applied, plain, pdb, deploy, {...node('n1'), kind: 'Node'},
      helmSecret(3, 'deployed', 'apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: old\n'),
      helmSecret(4, 'deployed', 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: new\n'),
      helmSecret(5, 'failed', 'apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: x\n'),
    ]), now)
    expect(snap.apiObjects.map(o => o.metadata.name)).toEqual(['web'])
    expect(snap.pdbs.map(p => p.metadata.name)).toEqual(['web'])
    expect(snap.workloads.map(w => w.kind)).toEqual(['Deployment'])
    expect(snap.nodes.map(n => n.metadata.name)).toEqual(['n1'])
    expect(snap.helmReleases).toEqual([{namespace: 'shop', name: 'web', revision: 4, status: 'deployed', storage: 'Secret', manifest: 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: new\n'}])
    expect(JSON.stringify(snap.helmReleases)).not.toContain('hunter2')
    expect(snap.gaps).toEqual(['the deprecated-API request metric: not in a dump (clients still calling removed APIs are not known)'])
    expect(snap.source).toEqual({type: 'files'})
  })

  it('says what the dump lacks, and a release it cannot decode, without its content', () => {
    const bad = {...helmSecret(1, 'deployed', ''), data: {release: Buffer.from('not base64 at all!').toString('base64')}}
    const snap = loadUpgradeDump(dump([bad]), now)
    expect(snap.helmReleases).toEqual([])
    expect(snap.gaps).toContain('nodes: not in the dump (no skew or capacity checks)')
    expect(snap.gaps.find(g => g.startsWith('helm release shop/web revision 1: not read'))).toBeDefined()
  })

  it('refuses a path that does not exist or holds no objects, as bad input', () => {
    expect(() => loadUpgradeDump('/nonexistent/dump.json', now)).toThrow(/does not exist/)
    const dir = mkdtempSync(join(tmpdir(), 'kubectl-prod-dump-'))
    writeFileSync(join(dir, 'empty.yaml'), '# nothing\n')
    expect(() => loadUpgradeDump(dir, now)).toThrow(/no Kubernetes objects/)
  })
})
