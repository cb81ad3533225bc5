import {describe, expect, it} from 'vitest'
import {lastAppliedType, parsedLastAppliedType} from '../../../src/model/upgrade.ts'
import {random} from '../../fakes/random.ts'

// The long way, the whole annotation parsed, is the reference.
const parsed = parsedLastAppliedType

describe('lastAppliedType', () => {
  it('reads what kubectl writes: sorted keys, apiVersion then kind, a newline at the end', () => {
    expect(lastAppliedType('{"apiVersion":"extensions/v1beta1","kind":"Ingress","metadata":{"name":"web"},"spec":{}}\n')).toEqual({apiVersion: 'extensions/v1beta1', kind: 'Ingress'})
    expect(lastAppliedType('{"apiVersion":"v1","kind":"Service"}')).toEqual({apiVersion: 'v1', kind: 'Service'})
    // A key that sorts before apiVersion, or between it and kind.
    expect(lastAppliedType('{"allowVolumeExpansion":true,"apiVersion":"storage.k8s.io/v1beta1","kind":"StorageClass"}\n')).toEqual({apiVersion: 'storage.k8s.io/v1beta1', kind: 'StorageClass'})
    expect(lastAppliedType('{"apiVersion":"v1","data":{"kind":"x"},"kind":"ConfigMap"}\n')).toEqual({apiVersion: 'v1', kind: 'ConfigMap'})
    expect(lastAppliedType('{"apiVersion":"v1"}')).toEqual({apiVersion: 'v1'})
  })

  it('names nothing for text that is not such JSON', () => {
    for (const text of ['', 'null', '[]', '{}', '{"apiVersion":""}', '{"apiVersion":"v1","kind":"X"', '{"apiVersion":"v1","kind":"X"}x', '{"apiVersion":1}', 'apiVersion: v1']) {
      expect(lastAppliedType(text), text).toEqual(parsed(text))
    }
  })

  it('agrees with parsing the whole annotation, whatever the strings and the order of the keys', () => {
    const pieces = ['v1', 'apps/v1', '', '"', '\\', '\\"', ',"kind":"', '}', '{', 'Deployment', 'é']
    for (let seed = 1; seed <= 2000; seed++) {
      const next = random(seed)
      const pick = () => pieces[Math.floor(next() * pieces.length)]! + (next() < 0.3 ? pieces[Math.floor(next() * pieces.length)]! : '')
      const o: Record<string, unknown> = {}
      const keys = ['apiVersion', 'kind', 'metadata', 'data', 'allowVolumeExpansion', 'spec'].filter(() => next() < 0.8)
      if (next() < 0.7) keys.sort()
      for (const k of keys) o[k] = k === 'metadata' || k === 'spec' || k === 'data' ? {name: pick(), kind: pick()} : next() < 0.9 ? pick() : 3
      const text = JSON.stringify(o) + (next() < 0.5 ? '\n' : '')
      expect(lastAppliedType(text), `seed ${seed}: ${text}`).toEqual(parsed(text))
    }
  })
})
