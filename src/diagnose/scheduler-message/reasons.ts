import type {CauseCategory} from '../../model/reports/finding.js'
import {STATE_TAINTS, taintCategory} from '../../model/taints.js'

/** What one reason of a FailedScheduling histogram means. */
export interface ReasonInfo {
  category: CauseCategory
  /** The scheduler plugin that writes it (for pre-framework predicates, the plugin that replaced them). */
  plugin: string | null
  known: boolean
  /** For `Insufficient <resource>`. */
  resource?: string
  /** When the message still names the taint (1.18–1.34). */
  taint?: {key: string; value: string}
  /** Preemption cannot help (UnschedulableAndUnresolvable), when the reason always has that code. */
  unresolvable?: boolean
  /** The plugins named by `node(s) didn't satisfy plugin(s) [...]` (1.32+). */
  plugins?: string[]
}

/** One `<count> <reason>` of the scheduler's histogram, classified. */
export interface HistogramEntry extends ReasonInfo {
  count: number | null
  reason: string
  /** The message was truncated inside this entry: the text (and maybe the count) is incomplete. */
  partial?: boolean
}

type Info = Omit<ReasonInfo, 'known'>

// Exact reason constants of every version we know, keyed by text. Sources: the plugins under
// pkg/scheduler/framework/plugins/ (1.22–1.35) and pkg/scheduler/algorithm/predicates/error.go
// (≤1.17, whose histograms sometimes print the predicate name instead of the text).
const EXACT = new Map<string, Info>()

function define(category: CauseCategory, plugin: string | null, unresolvable: boolean | undefined, texts: string[]): void {
  for (const text of texts) EXACT.set(text, unresolvable === undefined ? {category, plugin} : {category, plugin, unresolvable})
}

define('too-many-pods', 'NodeResourcesFit', undefined, ['Too many pods', 'Insufficient pods'])
define('insufficient-resources', 'NodeResourcesFit', undefined, ['PodFitsResources'])
define('other', 'NodeResourcesFit', true, ['Pod has a restartable init container and the SidecarContainers feature is disabled'])
define('taint', 'TaintToleration', true, [
  "node(s) had untolerated taint(s)", // 1.35+: key and value redacted (kubernetes/kubernetes#134740)
  "node(s) had taints that the pod didn't tolerate", // ≤1.17
  'PodToleratesNodeTaints', 'PodToleratesNodeNoExecuteTaints',
])
define('node-affinity-selector', 'NodeAffinity', true, [
  "node(s) didn't match Pod's node affinity/selector",
  "node(s) didn't match Pod's node affinity",
  "node(s) didn't match node selector",
  "node(s) didn't match scheduler-enforced node affinity",
  'pod affinity terms conflict',
  'MatchNodeSelector',
])
define('node-affinity-selector', 'NodeLabel', undefined, ["node(s) didn't have the requested labels", 'CheckNodeLabelPresence'])
define('node-name', 'NodeName', true, [
  "node(s) didn't match the requested node name", "node(s) didn't match the requested hostname", 'HostName', 'PodFitsHost',
])
define('host-port', 'NodePorts', false, ["node(s) didn't have free ports for the requested pod ports", 'PodFitsHostPorts'])
define('node-unschedulable', 'NodeUnschedulable', true, ['node(s) were unschedulable', 'NodeUnschedulable', 'CheckNodeUnschedulable'])
define('node-not-ready', 'NodeUnschedulable', true, ['node(s) had unknown conditions'])
// CheckNodeCondition and the pressure predicates, before TaintNodesByCondition (≤1.16).
define('node-not-ready', null, undefined, [
  'node(s) were not ready', 'node(s) had unavailable network',
  'NodeNotReady', 'NodeNetworkUnavailable', 'NodeUnknownCondition', 'CheckNodeCondition',
])
define('node-pressure', null, undefined, [
  'node(s) had memory pressure', 'node(s) had disk pressure', 'node(s) had pid pressure', 'node(s) were out of disk space',
  'NodeUnderMemoryPressure', 'NodeUnderDiskPressure', 'NodeUnderPIDPressure', 'NodeOutOfDisk',
  'CheckNodeMemoryPressure', 'CheckNodeDiskPressure', 'CheckNodePIDPressure',
])
define('pod-affinity-anti-affinity', 'InterPodAffinity', false, [
  "node(s) didn't satisfy existing pods anti-affinity rules", "node(s) didn't match pod anti-affinity rules",
])
define('pod-affinity-anti-affinity', 'InterPodAffinity', true, ["node(s) didn't match pod affinity rules"])
define('pod-affinity-anti-affinity', 'InterPodAffinity', undefined, [
  "node(s) didn't match pod affinity/anti-affinity", // ≤1.20 umbrella, printed next to the specific reason
  "node(s) didn't match pod affinity/anti-affinity rules", // the same umbrella in 1.21 (interpodaffinity/filtering.go)
  'MatchInterPodAffinity', 'ExistingPodsAntiAffinityRulesNotMatch', 'PodAffinityRulesNotMatch', 'PodAntiAffinityRulesNotMatch',
])
// ServiceAffinity places a service's pods on nodes sharing label values: co-location, hence pod affinity.
define('pod-affinity-anti-affinity', 'ServiceAffinity', undefined, ["node(s) didn't match service affinity", 'CheckServiceAffinity'])
define('topology-spread', 'PodTopologySpread', false, ["node(s) didn't match pod topology spread constraints"])
define('topology-spread', 'PodTopologySpread', true, ["node(s) didn't match pod topology spread constraints (missing required label)"])
define('topology-spread', 'PodTopologySpread', undefined, ['EvenPodsSpread'])
define('volume-binding', 'VolumeBinding', true, [
  "node(s) didn't find available persistent volumes to bind",
  'node(s) did not have enough free storage',
  'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)',
  'pvc(s) bound to non-existent pv(s)', // 1.20–1.22 wording of the same (controller/volume/scheduling/scheduler_binder.go)
])
define('volume-binding', 'VolumeBinding', undefined, ['VolumeBindingNoMatch', 'CheckVolumeBinding'])
define('volume-node-affinity', 'VolumeBinding', true, [
  'node(s) had volume node affinity conflict',
  "node(s) didn't match PersistentVolume's node affinity", // volumebinding/binder.go, read in 1.36.2
])
define('volume-node-affinity', 'VolumeBinding', undefined, ['VolumeNodeAffinityConflict'])
define('pvc-unbound', 'VolumeBinding', true, ['pod has unbound immediate PersistentVolumeClaims', 'pod has unbound PersistentVolumeClaims'])
define('volume-binding', 'VolumeRestrictions', false, [
  'node(s) had no available disk',
  'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode',
  'node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod', // read in 1.36.2
])
define('volume-binding', 'VolumeRestrictions', undefined, ['NoDiskConflict'])
define('volume-node-affinity', 'VolumeZone', true, ['node(s) had no available volume zone'])
define('volume-node-affinity', 'VolumeZone', undefined, ['NoVolumeZoneConflict'])
define('pvc-unbound', 'VolumeZone', true, ['PersistentVolumeClaim had no pv name and storageClass name'])
define('volume-binding', 'NodeVolumeLimits', false, ['node(s) exceed max volume count'])
define('volume-binding', 'NodeVolumeLimits', undefined, [
  'MaxVolumeCount', 'MaxEBSVolumeCount', 'MaxGCEPDVolumeCount', 'MaxAzureDiskVolumeCount', 'MaxCSIVolumeCountPred',
])
define('other', 'DynamicResources', undefined, [
  'cannot allocate all claims', 'resourceclaim not available on the node', 'resourceclaim must be reallocated',
  'excluded by device class node filter', 'resourceclaim cannot be allocated for the node (unsuitable)',
  'resourceclaim in use', 'resourceclaim depends on disabled DRAControlPlaneController feature',
  'no new claims to deallocate', 'still not schedulable', 'deallocation of ResourceClaim completed',
])
// NodeDeclaredFeatures (nodedeclaredfeatures.go, read in 1.36.2): the node does not declare a feature the pod needs.
define('other', 'NodeDeclaredFeatures', true, ["node(s) didn't match Pod's required features"])
// Nodes outside a PreFilterResult in 1.27.x–1.30.1 (removed by kubernetes/kubernetes#125197).
define('other', null, true, ['node is filtered out by the prefilter result'])
// The API server's SchedulingGated condition message (pkg/registry/core/pod/strategy.go).
define('scheduling-gate', 'SchedulingGates', true, ['Scheduling is blocked due to non-empty scheduling gates'])
// Entries of the preemption dry run (framework/preemption/preemption.go).
define('preemption', 'DefaultPreemption', true, ['Preemption is not helpful for scheduling'])
define('preemption', 'DefaultPreemption', undefined, ['No preemption victims found for incoming pod'])

/**
 * Turns a Go format string into an anchored regex: `%s` captures, everything else is literal.
 * Reason texts are full of metacharacters (`node(s)`, `{}`, `[]`); never use them as patterns.
 */
function formatPattern(format: string): RegExp {
  const literal = format.split('%s').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${literal.join('(.*?)')}$`, 's')
}

const TAINT_FORMATS = [
  formatPattern('node(s) had untolerated taint {%s: %s}'), // 1.24–1.34
  formatPattern("node(s) had taint {%s: %s}, that the pod didn't tolerate"), // 1.18–1.23
]
const INSUFFICIENT = /^Insufficient (\S+)$/
const PLUGIN_FORMATS = [
  formatPattern("node(s) didn't satisfy plugin(s) [%s] simultaneously"),
  formatPattern("node(s) didn't satisfy plugin(s) [%s]"), // 1.32+ absent nodes (kubernetes/kubernetes#126022)
  formatPattern("node(s) didn't satisfy plugin %s"),
]
const PATTERN_FORMATS: Array<{format: string; info: Info}> = [
  {format: 'waiting for scheduling gates: %s', info: {category: 'scheduling-gate', plugin: 'SchedulingGates', unresolvable: true}},
  {format: 'persistentvolumeclaim "%s" not found', info: {category: 'pvc-unbound', plugin: 'VolumeBinding', unresolvable: true}},
  {format: 'PersistentVolumeClaim is not bound: "%s"', info: {category: 'pvc-unbound', plugin: 'VolumeBinding'}},
  // Claim checks before or inside VolumeBinding's PreFilter: podPassesBasicChecks (core/generic_scheduler.go,
  // ≤1.19), then volumebinding/volume_binding.go (1.20+).
  {format: 'persistentvolumeclaim "%s" is being deleted', info: {category: 'pvc-unbound', plugin: 'VolumeBinding', unresolvable: true}},
  {format: 'persistentvolumeclaim "%s" was not created for the pod', info: {category: 'pvc-unbound', plugin: 'VolumeBinding', unresolvable: true}},
  {format: 'waiting for ephemeral volume controller to create the persistentvolumeclaim "%s"', info: {category: 'pvc-unbound', plugin: 'VolumeBinding', unresolvable: true}},
  {format: 'persistentvolumeclaim "%s" bound to non-existent persistentvolume "%s"', info: {category: 'volume-binding', plugin: 'VolumeBinding', unresolvable: true}},
  // Errors of the volume-zone check: NoVolumeZoneConflict (algorithm/predicates/predicates.go ≤1.17), then
  // VolumeZone's Filter (volumezone/volume_zone.go 1.18–1.21).
  {format: 'PersistentVolumeClaim was not found: "%s"', info: {category: 'pvc-unbound', plugin: 'VolumeZone'}},
  {format: 'PersistentVolume not found: "%s"', info: {category: 'volume-binding', plugin: 'VolumeZone'}},
  {format: 'PersistentVolume was not found: "%s"', info: {category: 'volume-binding', plugin: 'VolumeZone'}},
  {format: 'StorageClass "%s" claimed by PersistentVolumeClaim "%s" not found', info: {category: 'volume-binding', plugin: 'VolumeZone'}},
  {format: 'VolumeBindingMode not set for StorageClass "%s"', info: {category: 'volume-binding', plugin: 'VolumeZone', unresolvable: true}},
  {format: 'Insufficient resources: %s', info: {category: 'other', plugin: 'DynamicResources'}},
  {format: 'request %s: device class %s does not exist', info: {category: 'other', plugin: 'DynamicResources'}},
  {format: 'resource claim %s is in the process of being allocated', info: {category: 'other', plugin: 'DynamicResources'}},
]
const PATTERNS = PATTERN_FORMATS.map(({format, info}) => ({pattern: formatPattern(format), info}))

/** The category of each plugin whose failures all mean one thing. */
export const PLUGIN_CATEGORIES: Record<string, CauseCategory> = {
  NodeAffinity: 'node-affinity-selector',
  NodeName: 'node-name',
  TaintToleration: 'taint',
  NodePorts: 'host-port',
  NodeResourcesFit: 'insufficient-resources',
  NodeUnschedulable: 'node-unschedulable',
  InterPodAffinity: 'pod-affinity-anti-affinity',
  PodTopologySpread: 'topology-spread',
  VolumeBinding: 'volume-binding',
  VolumeZone: 'volume-node-affinity',
}

/** Classifies one reason of a FailedScheduling histogram; unknown text gives category 'other', known false. */
export function classifyReason(reason: string): ReasonInfo {
  // Pasted messages sometimes carry typographic apostrophes.
  const text = reason.trim().replace(/\.+$/, '').replace(/\u2019/g, "'")
  const exact = EXACT.get(text)
  if (exact) return {...exact, known: true}

  const resource = INSUFFICIENT.exec(text)?.[1]
  if (resource) return {category: 'insufficient-resources', plugin: 'NodeResourcesFit', known: true, resource}

  for (const format of TAINT_FORMATS) {
    const match = format.exec(text)
    if (match) {
      const taint = {key: match[1] ?? '', value: match[2] ?? ''}
      return {category: taintCategory(taint.key), plugin: 'TaintToleration', known: true, taint, unresolvable: true}
    }
  }

  for (const format of PLUGIN_FORMATS) {
    const names = format.exec(text)?.[1]
    if (names === undefined) continue
    // Go prints a []string as space-separated names.
    const plugins = names.split(' ').filter(Boolean)
    const categories = new Set(plugins.map((plugin) => PLUGIN_CATEGORIES[plugin] ?? 'other'))
    const [only] = categories
    const category = categories.size === 1 && only ? only : 'other'
    return {category, plugin: plugins.length === 1 ? (plugins[0] ?? null) : null, known: true, unresolvable: true, plugins}
  }

  for (const {pattern, info} of PATTERNS) {
    if (pattern.test(text)) return {...info, known: true}
  }
  return {category: 'other', plugin: null, known: false}
}

const CUT_TAINT = /^node\(s\) had (?:untolerated )?taint \{([^:}]*)(:?)/

/**
 * For a reason a truncation cut short (` ...` at 1024 characters): what every known reason that
 * starts with this text means, when they all agree; null otherwise. Never guesses from short stubs.
 */
export function classifyTruncated(partial: string): ReasonInfo | null {
  const text = partial.trim().replace(/\u2019/g, "'")
  if (text.length < 8) return null
  const taint = CUT_TAINT.exec(text)
  if (taint) {
    const key = taint[1] ?? ''
    if (taint[2]) return {category: taintCategory(key), plugin: 'TaintToleration', known: true, unresolvable: true}
    // The key itself is cut: a state taint's key could still be hiding behind it.
    if (Object.keys(STATE_TAINTS).some((stateKey) => stateKey.startsWith(key))) return null
    return {category: 'taint', plugin: 'TaintToleration', known: true, unresolvable: true}
  }
  const matches = [
    ...[...EXACT].filter(([reason]) => reason.startsWith(text)).map(([, info]) => info),
    // Cut before the first value of a format: the literal text still names the check.
    ...PATTERN_FORMATS.filter(({format}) => (format.split('%s')[0] ?? '').startsWith(text)).map(({info}) => info),
  ]
  const [first] = matches
  if (!first || matches.some((info) => info.category !== first.category)) return null
  const plugin = matches.every((info) => info.plugin === first.plugin) ? first.plugin : null
  return {category: first.category, plugin, known: true}
}
