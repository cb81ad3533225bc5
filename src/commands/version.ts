import {Flags} from '@oclif/core'
import {KubeCommand} from '../cli/base.js'
import {collectVersions} from '../kube/version.js'
import {renderVersion} from '../render/version.js'
import type {VersionReport} from '../model/reports/version.js'

export default class Version extends KubeCommand {
  static override summary = 'Show the plugin version, the server version and the kubelet versions of the nodes.'
  static override examples = ['kubectl prod version', 'kubectl prod version -o json', 'kubectl prod version --client']
  static override flags = {
    client: Flags.boolean({description: 'Show only the plugin version; do not contact the cluster.'}),
  }

  async run(): Promise<VersionReport> {
    const {flags} = await this.parse(Version)
    const report: VersionReport = {apiVersion: 'kubectl-prod/v1', kind: 'Version', plugin: {version: this.config.version}}
    if (!flags.client) Object.assign(report, await collectVersions(await this.kube()))
    await this.emit(report, () => renderVersion(report, this.style))
    return report
  }
}
