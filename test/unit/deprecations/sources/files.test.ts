// fileUses: every object of the manifests read with -f, with its file and line; skipped Helm
// templates never become sightings.
import {dirname, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {fileUses} from '../../../../src/deprecations/sources/files.ts'
import {parseManifests, readManifestsSync} from '../../../../src/sources/manifests.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..')

describe('fileUses', () => {
  it('gives apiVersion, kind, namespace, name, file and line of each object, Lists unwrapped', () => {
    const text = [
      'apiVersion: extensions/v1beta1', 'kind: Ingress', 'metadata:', '  name: web', '  namespace: shop', '---',
      'apiVersion: v1', 'kind: List', 'items:', '- apiVersion: policy/v1beta1', '  kind: PodDisruptionBudget', '  metadata: {name: pdb}',
      '---', 'apiVersion: batch/v1beta1', 'kind: CronJob', 'metadata:', '  generateName: tick-',
    ].join('\n')
    const m = parseManifests(text, 'app.yaml')
    expect(fileUses({...m, files: ['app.yaml']})).toEqual([
      {apiVersion: 'extensions/v1beta1', kind: 'Ingress', namespace: 'shop', name: 'web', source: {type: 'file', signal: 'manifest', path: 'app.yaml', line: 1}},
      {apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', name: 'pdb', source: {type: 'file', signal: 'manifest', path: 'app.yaml', line: 10}},
      {apiVersion: 'batch/v1beta1', kind: 'CronJob', name: '', source: {type: 'file', signal: 'manifest', path: 'app.yaml', line: 14}},
    ])
  })

  it('leaves out objects without an apiVersion, and skipped templates', () => {
    const m = parseManifests('kind: Pod\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n', 'x.yaml')
    expect(m.skipped).toHaveLength(1)
    expect(fileUses({...m, files: ['x.yaml']})).toEqual([])
  })

  it('reads the upgrade fixtures with their paths', () => {
    const dir = resolve(root, 'test/fixtures/manifests/upgrade')
    const uses = fileUses(readManifestsSync([dir]))
    expect(uses.length).toBeGreaterThan(5)
    for (const u of uses) expect(u.source.path!.startsWith(dir)).toBe(true)
  })
})
