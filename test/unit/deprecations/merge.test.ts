// mergeFindings: one finding per object and check, every signal kept, two files two findings.
import {describe, expect, it} from 'vitest'
import {mergeFindings} from '../../../src/deprecations/merge.ts'
import type {FindingSource, UpgradeFinding} from '../../../src/model/reports/upgrade-plan.ts'

const finding = (source: FindingSource, over: Partial<UpgradeFinding> = {}): UpgradeFinding => ({
  check: 'removed-api', severity: 'blocker', object: {apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', namespace: 'shop', name: 'web'},
  source, sources: [source], hop: '1.25', removedIn: '1.25', message: 'm', ...over,
})
const lastApplied: FindingSource = {type: 'live', signal: 'last-applied'}
const managed: FindingSource = {type: 'live', signal: 'managed-fields', manager: 'argocd', time: '2024-01-01T00:00:00Z'}
const helm: FindingSource = {type: 'helm', signal: 'helm-manifest', release: {namespace: 'shop', name: 'web', revision: 3, storage: 'Secret'}}
const file = (path: string, line: number): FindingSource => ({type: 'file', signal: 'manifest', path, line})

describe('mergeFindings', () => {
  it('makes one finding of one object seen by several signals, keeping the first source and every source', () => {
    const out = mergeFindings([finding(lastApplied), finding(managed), finding(helm), finding(managed)])
    expect(out).toHaveLength(1)
    expect(out[0]!.source).toEqual(lastApplied)
    expect(out[0]!.sources).toEqual([lastApplied, managed, helm])
  })

  it('keeps objects, checks and apiVersions apart, in first-seen order', () => {
    const out = mergeFindings([
      finding(lastApplied, {object: {apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', namespace: 'shop', name: 'b'}}),
      finding(lastApplied),
      finding(lastApplied, {object: {apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', namespace: 'other', name: 'web'}}),
      finding(lastApplied, {check: 'deprecated-api-in-use', severity: 'warning'}),
      finding(managed, {object: {apiVersion: 'extensions/v1beta1', kind: 'PodDisruptionBudget', namespace: 'shop', name: 'web'}}),
      finding(managed, {object: {apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', namespace: 'shop', name: 'b'}}),
    ])
    expect(out.map(f => `${f.check} ${f.object.apiVersion} ${f.object.namespace}/${f.object.name} ${f.sources.length}`)).toEqual([
      'removed-api policy/v1beta1 shop/b 2',
      'removed-api policy/v1beta1 shop/web 1',
      'removed-api policy/v1beta1 other/web 1',
      'deprecated-api-in-use policy/v1beta1 shop/web 1',
      'removed-api extensions/v1beta1 shop/web 1',
    ])
  })

  it('keeps two files (or two documents of one file) as two findings, and one document seen twice as one', () => {
    const out = mergeFindings([finding(file('a.yaml', 1)), finding(file('b.yaml', 1)), finding(file('a.yaml', 9)), finding(file('a.yaml', 1))])
    expect(out.map(f => `${f.source.path}:${f.source.line} ${f.sources.length}`)).toEqual(['a.yaml:1 1', 'b.yaml:1 1', 'a.yaml:9 1'])
  })

  it('keeps a file apart from the live object of the same name', () => {
    expect(mergeFindings([finding(file('a.yaml', 1)), finding(lastApplied)])).toHaveLength(2)
  })

  it('takes the highest severity', () => {
    const out = mergeFindings([finding(lastApplied, {severity: 'info'}), finding(managed, {severity: 'blocker'}), finding(helm, {severity: 'warning'})])
    expect(out.map(f => f.severity)).toEqual(['blocker'])
  })

  it('does not change the findings it was given', () => {
    const a = finding(lastApplied)
    mergeFindings([a, finding(managed)])
    expect(a.sources).toEqual([lastApplied])
  })
})
