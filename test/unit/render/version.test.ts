// Golden files for the text of `kubectl prod version`.
import {describe, it} from 'vitest'
import {renderVersion} from '../../../src/render/version.ts'
import {makeStyle} from '../../../src/render/style.ts'
import type {VersionReport} from '../../../src/model/reports/version.ts'
import {expectGolden} from './golden.ts'

const style = makeStyle(false)
const plugin = {version: '0.1.0'}

describe('version text, golden files', () => {
  it('plugin, server and kubelets of a cluster mid-upgrade', () => {
    const report: VersionReport = {
      apiVersion: 'kubectl-prod/v1', kind: 'Version', plugin,
      server: {gitVersion: 'v1.36.1-eks-3025e55', version: '1.36', platform: 'linux/amd64'},
      kubelets: [
        {version: 'v1.36.1-eks-113cf36', count: 5, nodes: ['ip-10-0-1-23.eu-west-1.compute.internal', 'ip-10-0-1-88.eu-west-1.compute.internal', 'ip-10-0-2-41.eu-west-1.compute.internal', 'ip-10-0-2-91.eu-west-1.compute.internal', 'ip-10-0-3-17.eu-west-1.compute.internal']},
        {version: 'v1.35.4-eks-0a21954', count: 2, nodes: ['ip-10-0-3-7.eu-west-1.compute.internal', 'ip-10-0-3-9.eu-west-1.compute.internal']},
        {version: 'v1.34.2-eks-b8927a5', count: 1, nodes: ['ip-10-0-4-200.eu-west-1.compute.internal']},
      ],
    }
    expectGolden('version/cluster', renderVersion(report, style))
  })
  it('short versions keep the column width', () => {
    const report: VersionReport = {
      apiVersion: 'kubectl-prod/v1', kind: 'Version', plugin,
      server: {gitVersion: 'v1.36.1', version: '1.36'},
      kubelets: [{version: 'v1.36.1', count: 3, nodes: ['worker-1', 'worker-2', 'worker-3']}, {version: 'unknown', count: 1, nodes: ['worker-4']}],
    }
    expectGolden('version/kubeadm', renderVersion(report, style))
  })
  it('a cluster without nodes', () => {
    const report: VersionReport = {apiVersion: 'kubectl-prod/v1', kind: 'Version', plugin, server: {gitVersion: 'v1.36.0', version: '1.36'}, kubelets: []}
    expectGolden('version/no-nodes', renderVersion(report, style))
  })
  it('--client: the plugin only', () => {
    expectGolden('version/client', renderVersion({apiVersion: 'kubectl-prod/v1', kind: 'Version', plugin}, style))
  })
})
