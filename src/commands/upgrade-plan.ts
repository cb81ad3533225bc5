import {Flags} from '@oclif/core'
import {KubeCommand} from '../cli/base.js'
import {ExitCode} from '../model/exit-codes.js'
import {InputError} from '../model/errors.js'
import type {UpgradePlan} from '../model/reports/upgrade-plan.js'

const FORMATS = ['text', 'json', 'yaml', 'markdown', 'sarif'] as const

export default class UpgradePlanCommand extends KubeCommand {
  static override summary = 'Everything between this cluster and a target Kubernetes version, as an ordered plan.'
  static override description = `Reads the cluster (or only the files given with -f) and lists what the path to the target version breaks, hop by hop: objects, Helm releases and clients on APIs the path removes, CRD stored versions, kubelets too far behind, PDBs and pods that block drains, pools without room. Then orders the fixes into steps.
Without -f the live cluster is read; with -f only the files are, unless --live is also given; with --from-dump, the dump. Offline, give --target (and --current if you know it).
Exit codes: 0 the path is clear, 1 something blocks the target (or warns, with --fail-on warning), 2 bad input, 3 cluster error.`
  static override examples = [
    'kubectl prod upgrade-plan',
    'kubectl prod upgrade-plan --target 1.36',
    'kubectl prod upgrade-plan -f ./manifests --target 1.36 -o sarif > upgrade.sarif',
    'kubectl prod upgrade-plan --target 1.37 -o markdown',
    'helm template ./chart | kubectl prod upgrade-plan -f - --current 1.32 --target 1.35',
  ]
  static override flags = {
    target: Flags.string({description: 'The version to reach, e.g. 1.36 (default: the next minor after the current one).'}),
    current: Flags.string({description: 'The version the control plane runs now (default: read from the cluster).'}),
    filename: Flags.string({char: 'f', description: 'Manifests to check: a file, a directory (recursively) or - for stdin. Repeatable.', multiple: true}),
    live: Flags.boolean({description: 'With -f, read the live cluster as well.', exclusive: ['from-dump']}),
    'from-dump': Flags.string({description: 'Plan offline from a kubectl get -A -o json|yaml List, a directory of them, or a kubectl cluster-info dump tree (give --target, and --current when known).'}),
    table: Flags.string({description: 'A YAML file of extra removal rows (CRDs, add-ons) to add to the built-in table.'}),
    'fail-on': Flags.string({description: 'Exit 1 on blockers only, or on warnings too.', options: ['blocker', 'warning'], default: 'blocker'}),
    'pool-label': Flags.string({description: 'The node label that names node pools (default: the EKS, GKE, AKS and Karpenter labels).'}),
    'max-unavailable': Flags.string({description: 'Nodes each pool upgrade takes down at once (as nodepool upgrade --max-unavailable): the capacity check asks for room for that many nodes\' pods.', default: '1'}),
    details: Flags.boolean({description: 'List every finding in text output (otherwise the first 25 of each severity).'}),
    output: Flags.string({char: 'o', helpGroup: 'OUTPUT', description: 'Output format.', options: [...FORMATS], default: 'text'}),
  }

  async run(): Promise<UpgradePlan> {
    const {flags} = await this.parse(UpgradePlanCommand)
    const files = flags.filename ?? []
    const dump = flags['from-dump']
    const readLive = !dump && (files.length === 0 || flags.live)
    const {loadTable} = await import('../deprecations/table.js')
    const table = loadTable({tableFile: flags.table})
    const builtinRows = flags.table ? loadTable().rows.length : table.rows.length
    // Bad versions are said before anything is read.
    const {upgradePath} = await import('../deprecations/path.js')
    if (flags.current !== undefined || flags.target !== undefined || !readLive) {
      upgradePath({current: flags.current ?? null, target: flags.target, coversThrough: table.coversThrough})
    }
    const maxUnavailable = /^\d+$/.test(flags['max-unavailable']) ? Number(flags['max-unavailable']) : NaN
    if (!(maxUnavailable >= 1)) throw new InputError(`--max-unavailable "${flags['max-unavailable']}" must be a whole number of nodes, 1 or more`, 'write it like --max-unavailable 1')
    // Only apiVersion, kind, name and namespace of each object are read (src/deprecations/sources/manifest-files.ts).
    const manifests = files.length ? await (await import('../deprecations/sources/manifest-files.js')).readManifestHeads(files) : undefined
    if (flags['pool-label'] !== undefined && !/^([a-z0-9.-]+\/)?[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(flags['pool-label'])) {
      throw new InputError(`--pool-label "${flags['pool-label']}" is not a label key`, 'write it like eks.amazonaws.com/nodegroup or pool')
    }

    let snapshot
    let scope = files.length === 1 ? (files[0] === '-' ? 'stdin' : files[0]!) : files.length ? `${files.length} paths` : ''
    if (dump) {
      snapshot = (await import('../sources/upgrade-dump.js')).loadUpgradeDump(dump, new Date())
      scope = [scope, `dump ${dump}`].filter(Boolean).join(' and ')
    } else if (readLive) {
      const kube = await this.kube()
      const {collectUpgradeSnapshot} = await import('../kube/upgrade-snapshot.js')
      const {decodeHelmRelease} = await import('../sources/helm-release.js')
      snapshot = await collectUpgradeSnapshot(kube, {table, now: new Date(), decodeHelmRelease})
      scope = [scope, `context ${kube.context ?? kube.server}`].filter(Boolean).join(' and ')
    }
    const {buildUpgradePlan} = await import('../cli/upgrade-plan.js')
    const plan = buildUpgradePlan({
      table, current: flags.current ?? snapshot?.serverVersion ?? null, target: flags.target, manifests, snapshot,
      poolLabel: flags['pool-label'], maxUnavailable, userRows: table.rows.length - builtinRows,
    })

    const format = flags.output as (typeof FORMATS)[number]
    if (format === 'markdown') await this.emitText((await import('../render/upgrade-plan.js')).renderUpgradePlanMarkdown(plan, scope))
    else if (format === 'sarif') await this.emitText((await import('../render/sarif.js')).renderSarif(plan, {version: this.config.version}))
    else {
      const {renderUpgradePlan} = await import('../render/upgrade-plan.js')
      await this.emit(plan, () => renderUpgradePlan(plan, {style: this.style, scope, details: flags.details}))
    }
    const failing = plan.summary.blocker > 0 || (flags['fail-on'] === 'warning' && plan.summary.warning > 0)
    this.setExit(failing ? ExitCode.FINDINGS : ExitCode.OK)
    return plan
  }
}
