import {Flags} from '@oclif/core'
import {KubeCommand} from '../../cli/base.js'
import {InputError} from '../../model/errors.js'
import type {NodePoolList} from '../../model/reports/nodepool.js'

export default class NodePoolListCommand extends KubeCommand {
  static override summary = 'List node pools: nodes, Ready and cordoned counts, kubelet versions, zones.'
  static override description = 'A pool is named by --pool-label when given, else by the provider\'s label (EKS, GKE, AKS, Karpenter); nodes without one are "(no pool)".'
  static override examples = ['kubectl prod nodepool list', 'kubectl prod nodepool list --no-headers', 'kubectl prod nodepool list --pool-label pool -o json']
  static override flags = {
    'pool-label': Flags.string({description: 'The node label that names node pools (default: the EKS, GKE, AKS and Karpenter labels).'}),
    'no-headers': Flags.boolean({helpGroup: 'OUTPUT', description: 'Print the table\'s rows without the header line.'}),
  }

  async run(): Promise<NodePoolList> {
    const {flags} = await this.parse(NodePoolListCommand)
    if (flags['no-headers'] && this.outputFormat() !== 'text') throw new InputError(`--no-headers applies to the table only, not to -o ${this.outputFormat()}`, 'drop --no-headers')
    const poolLabel = flags['pool-label']
    if (poolLabel !== undefined && !/^([a-z0-9.-]+\/)?[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(poolLabel)) {
      throw new InputError(`--pool-label "${poolLabel}" is not a label key`, 'write it like eks.amazonaws.com/nodegroup or pool')
    }
    const kube = await this.kube()
    const {listAll} = await import('../../kube/list.js')
    const {listNodePools} = await import('../../upgrade/walk/inventory.js')
    const {renderNodePoolList} = await import('../../render/nodepool.js')
    const nodes = await listAll<import('../../model/k8s.js').Node>(kube, '/api/v1/nodes', {skipManagedFields: true})
    const list = listNodePools(nodes, poolLabel)
    await this.emit(list, () => renderNodePoolList(list, this.style, {headers: !flags['no-headers']}))
    return list
  }
}
