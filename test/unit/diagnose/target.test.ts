import {describe, expect, it} from 'vitest'
import {parseTarget} from '../../../src/diagnose/target.ts'

describe('why-pending targets', () => {
  it('reads kubectl-style targets', () => {
    expect(parseTarget(undefined)).toEqual({kind: 'all'})
    expect(parseTarget('web-1')).toEqual({kind: 'pod', name: 'web-1'})
    expect(parseTarget('pod/web-1')).toEqual({kind: 'pod', name: 'web-1'})
    expect(parseTarget('deploy/web')).toEqual({kind: 'workload', workloadKind: 'Deployment', name: 'web'})
    expect(parseTarget('deployment.apps/web')).toEqual({kind: 'workload', workloadKind: 'Deployment', name: 'web'})
    expect(parseTarget('sts/db')).toEqual({kind: 'workload', workloadKind: 'StatefulSet', name: 'db'})
    expect(parseTarget('job/migrate')).toEqual({kind: 'workload', workloadKind: 'Job', name: 'migrate'})
    expect(parseTarget('node/ip-10-0-0-1.ec2.internal')).toEqual({kind: 'node', name: 'ip-10-0-0-1.ec2.internal'})
  })
  it('rejects unknown kinds and bad names', () => {
    expect(() => parseTarget('svc/web')).toThrow(/unknown kind "svc"/)
    expect(() => parseTarget('pod/Web_1')).toThrow(/not a valid object name/)
  })
})
