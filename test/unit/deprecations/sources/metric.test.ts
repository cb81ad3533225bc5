import {describe, expect, it} from 'vitest'
import {metricUses} from '../../../../src/deprecations/sources/metric.ts'

describe('metricUses', () => {
  it('gives one sighting per series: the group/version and resource requested, no object', () => {
    expect(metricUses([
      {group: 'storage.k8s.io', version: 'v1beta1', resource: 'volumeattributesclasses', subresource: '', removedRelease: '1.37'},
      {group: '', version: 'v1', resource: 'componentstatuses', subresource: '', removedRelease: ''},
      {group: 'flowcontrol.apiserver.k8s.io', version: 'v1beta3', resource: 'flowschemas', subresource: 'status', removedRelease: '1.32'},
    ])).toEqual([
      {apiVersion: 'storage.k8s.io/v1beta1', resource: 'volumeattributesclasses', source: {type: 'metric', signal: 'request-metric'}},
      {apiVersion: 'v1', resource: 'componentstatuses', source: {type: 'metric', signal: 'request-metric'}},
      {apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', resource: 'flowschemas', subresource: 'status', source: {type: 'metric', signal: 'request-metric'}},
    ])
  })
})
