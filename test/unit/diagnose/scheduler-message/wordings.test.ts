import {describe, expect, it} from 'vitest'
import {classifyReason, parseSchedulerMessage, type ParsedSchedulerMessage} from '../../../../src/diagnose/scheduler-message/parse.ts'

// Every wording kube-scheduler has written into FailedScheduling events and PodScheduled
// conditions since 1.10, read in the scheduler's own source at each release. Sources:
//   v1.10–v1.31 and v1.36.2: the k8s.io/kubernetes copies vendored by kubernetes/autoscaler
//     (branches cluster-autoscaler-release-1.2 = v1.10.7-beta.0+, -1.3 = v1.11.0-beta.2,
//     -1.12 = v1.12.3-beta.0+, -1.13 = v1.13.0-beta.2+, -1.14 = release-1.14, -1.15 = v1.15.11,
//     -1.16 = release-1.16, -1.17 = release-1.17, -1.18 = release-1.18, -1.19/-1.20 = master
//     of July/November 2020, -1.21 = v1.21.0 … -1.31 = v1.31.13; v1.36.2 from PR #9978's vendor).
//   client-go, apimachinery: the same vendored copies.
// Each row names the file and the release it was read at. "%v"/"%s" are filled with realistic values.
// A row's message is the FitError/error format of that release around the reason constants it tests.

interface Row {
  release: string
  source: string
  message: string
  /** The PodScheduled condition's reason, where the scheduler set one the parser needs. */
  reason?: string
  want: Record<string, unknown> & {kind: ParsedSchedulerMessage['kind']}
}

const NOT_HELPFUL = {reason: 'Preemption is not helpful for scheduling', category: 'preemption', known: true}
const NO_VICTIMS = {reason: 'No preemption victims found for incoming pod', category: 'preemption', known: true}

// The predicate era: FitError.Error() in pkg/scheduler/core/generic_scheduler.go prints
// "0/%v nodes are available: %v." with the sorted "<count> <reason>" histogram; reasons are the
// PredicateDesc of pkg/scheduler/algorithm/predicates/error.go and InsufficientResourceError.GetReason.
const predicateEra: Row[] = [
  {
    // pkg/scheduler/algorithm/predicates/error.go, v1.10 (ErrNodeSelectorNotMatch, ErrTaintsTolerationsNotMatch); generic_scheduler.go FitError, v1.10
    release: 'v1.10', source: 'pkg/scheduler/algorithm/predicates/error.go',
    message: "0/5 nodes are available: 2 node(s) didn't match node selector, 3 node(s) had taints that the pod didn't tolerate.",
    want: {kind: 'fit-error', totalNodes: 5, unaccountedNodes: 0, entries: [
      {count: 2, category: 'node-affinity-selector', plugin: 'NodeAffinity', known: true},
      {count: 3, category: 'taint', plugin: 'TaintToleration', known: true},
    ]},
  },
  {
    // pkg/scheduler/algorithm/predicates/error.go, v1.10 (ErrPodNotMatchHostName, ErrPodNotFitsHostPorts)
    release: 'v1.10', source: 'pkg/scheduler/algorithm/predicates/error.go',
    message: "0/3 nodes are available: 1 node(s) didn't have free ports for the requested pod ports, 2 node(s) didn't match the requested hostname.",
    want: {kind: 'fit-error', unaccountedNodes: 0, entries: [
      {count: 1, category: 'host-port', plugin: 'NodePorts'},
      {count: 2, category: 'node-name', plugin: 'NodeName'},
    ]},
  },
  {
    // pkg/scheduler/algorithm/predicates/error.go, v1.10 (ErrPodAffinityNotMatch umbrella + ErrPodAffinityRulesNotMatch for the same nodes)
    release: 'v1.10', source: 'pkg/scheduler/algorithm/predicates/error.go',
    message: "0/3 nodes are available: 3 node(s) didn't match pod affinity rules, 3 node(s) didn't match pod affinity/anti-affinity.",
    want: {kind: 'fit-error', unaccountedNodes: 0, entries: [
      {count: 3, category: 'pod-affinity-anti-affinity', unresolvable: true},
      {count: 3, category: 'pod-affinity-anti-affinity', plugin: 'InterPodAffinity'},
    ]},
  },
  {
    // pkg/scheduler/algorithm/predicates/error.go, v1.10 (ErrPodAntiAffinityRulesNotMatch, ErrExistingPodsAntiAffinityRulesNotMatch)
    release: 'v1.10', source: 'pkg/scheduler/algorithm/predicates/error.go',
    message: "0/4 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules, 3 node(s) didn't match pod anti-affinity rules, 4 node(s) didn't match pod affinity/anti-affinity.",
    want: {kind: 'fit-error', unaccountedNodes: 0, entries: [
      {count: 1, category: 'pod-affinity-anti-affinity', unresolvable: false},
      {count: 3, category: 'pod-affinity-anti-affinity', unresolvable: false},
      {count: 4, category: 'pod-affinity-anti-affinity'},
    ]},
  },
  {
    // pkg/scheduler/algorithm/predicates/error.go, v1.10 (ErrNodeLabelPresenceViolated, ErrServiceAffinityViolated)
    release: 'v1.10', source: 'pkg/scheduler/algorithm/predicates/error.go',
    message: "0/4 nodes are available: 1 node(s) didn't match service affinity, 3 node(s) didn't have the requested labels.",
    want: {kind: 'fit-error', unaccountedNodes: 0, entries: [
      {count: 1, category: 'pod-affinity-anti-affinity', plugin: 'ServiceAffinity'},
      {count: 3, category: 'node-affinity-selector', plugin: 'NodeLabel'},
    ]},
  },
  {
    // pkg/scheduler/algorithm/predicates/error.go, v1.10 (ErrDiskConflict, ErrVolumeZoneConflict, ErrMaxVolumeCountExceeded)
    release: 'v1.10', source: 'pkg/scheduler/algorithm/predicates/error.go',
    message: '0/6 nodes are available: 1 node(s) had no available disk, 2 node(s) exceed max volume count, 3 node(s) had no available volume zone.',
    want: {kind: 'fit-error', unaccountedNodes: 0, entries: [
      {count: 1, category: 'volume-binding', plugin: 'VolumeRestrictions'},
      {count: 2, category: 'volume-binding', plugin: 'NodeVolumeLimits'},
      {count: 3, category: 'volume-node-affinity', plugin: 'VolumeZone'},
    ]},
  },
  {
    // pkg/scheduler/algorithm/predicates/error.go, v1.10 (ErrVolumeNodeConflict, ErrVolumeBindConflict)
    release: 'v1.10', source: 'pkg/scheduler/algorithm/predicates/error.go',
    message: "0/3 nodes are available: 1 node(s) didn't find available persistent volumes to bind, 2 node(s) had volume node affinity conflict.",
    // The volume check reports both conflicts of a node, so the 2 nodes may include the 1: a third node may be unaccounted.
    want: {kind: 'fit-error', unaccountedNodes: null, entries: [
      {count: 1, category: 'volume-binding', plugin: 'VolumeBinding'},
      {count: 2, category: 'volume-node-affinity', plugin: 'VolumeBinding'},
    ]},
  },
  {
    // pkg/scheduler/algorithm/predicates/error.go, v1.10–v1.13 (ErrNodeOutOfDisk, removed in v1.14), ErrNodeUnderMemoryPressure, ErrNodeUnderDiskPressure
    release: 'v1.10', source: 'pkg/scheduler/algorithm/predicates/error.go',
    message: '0/6 nodes are available: 1 node(s) were out of disk space, 2 node(s) had disk pressure, 3 node(s) had memory pressure.',
    want: {kind: 'fit-error', unaccountedNodes: 0, entries: [
      {count: 1, category: 'node-pressure'},
      {count: 2, category: 'node-pressure'},
      {count: 3, category: 'node-pressure'},
    ]},
  },
  {
    // pkg/scheduler/algorithm/predicates/error.go, v1.11 (ErrNodeUnderPIDPressure, new in v1.11)
    release: 'v1.11', source: 'pkg/scheduler/algorithm/predicates/error.go',
    message: '0/2 nodes are available: 2 node(s) had pid pressure.',
    want: {kind: 'fit-error', unaccountedNodes: 0, entries: [{count: 2, category: 'node-pressure', known: true}]},
  },
  {
    // pkg/scheduler/algorithm/predicates/error.go, v1.12 (ErrNodeNotReady, ErrNodeNetworkUnavailable, ErrNodeUnknownCondition, ErrNodeUnschedulable)
    release: 'v1.12', source: 'pkg/scheduler/algorithm/predicates/error.go',
    message: '0/7 nodes are available: 1 node(s) had unavailable network, 1 node(s) had unknown conditions, 2 node(s) were not ready, 3 node(s) were unschedulable.',
    want: {kind: 'fit-error', unaccountedNodes: 0, entries: [
      {count: 1, category: 'node-not-ready'},
      {count: 1, category: 'node-not-ready'},
      {count: 2, category: 'node-not-ready'},
      {count: 3, category: 'node-unschedulable', plugin: 'NodeUnschedulable'},
    ]},
  },
  {
    // pkg/scheduler/algorithm/predicates/error.go, v1.13 (InsufficientResourceError.GetReason "Insufficient %v"; pods counted as "Insufficient pods")
    release: 'v1.13', source: 'pkg/scheduler/algorithm/predicates/error.go',
    message: '0/4 nodes are available: 1 Insufficient pods, 3 Insufficient cpu, 3 Insufficient memory, 4 Insufficient nvidia.com/gpu.',
    // One plugin reports every shortage of a node, so the 4 nodes may be the same ones: all accounted for.
    want: {kind: 'fit-error', unaccountedNodes: 0, entries: [
      {count: 1, category: 'too-many-pods'},
      {count: 3, category: 'insufficient-resources', resource: 'cpu'},
      {count: 3, category: 'insufficient-resources', resource: 'memory'},
      {count: 4, category: 'insufficient-resources', resource: 'nvidia.com/gpu'},
    ]},
  },
  {
    // pkg/scheduler/algorithm/predicates/error.go, v1.16 (ErrTopologySpreadConstraintsNotMatch, "EvenPodsSpreadNotMatch")
    release: 'v1.16', source: 'pkg/scheduler/algorithm/predicates/error.go',
    message: "0/3 nodes are available: 3 node(s) didn't match pod topology spread constraints.",
    want: {kind: 'fit-error', unaccountedNodes: 0, entries: [{count: 3, category: 'topology-spread', plugin: 'PodTopologySpread'}]},
  },
]

// The framework era: FitError in pkg/scheduler/core/generic_scheduler.go (≤1.20), then
// pkg/scheduler/framework/types.go (1.21+); reasons are the plugins' status reasons.
const frameworkEra: Row[] = [
  {
    // framework/plugins/tainttoleration/taint_toleration.go, v1.18 ("node(s) had taint {%s: %s}, that the pod didn't tolerate"); noderesources/fit.go v1.18 ("Too many pods")
    release: 'v1.18', source: 'pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go',
    message: "0/3 nodes are available: 1 Too many pods, 2 node(s) had taint {dedicated: gpu}, that the pod didn't tolerate.",
    want: {kind: 'fit-error', unaccountedNodes: 0, entries: [
      {count: 1, category: 'too-many-pods', plugin: 'NodeResourcesFit'},
      {count: 2, category: 'taint', taint: {key: 'dedicated', value: 'gpu'}},
    ]},
  },
  {
    // pkg/controller/volume/scheduling/scheduler_binder.go, v1.19 (ErrReasonNotEnoughSpace, storage capacity tracking)
    release: 'v1.19', source: 'pkg/controller/volume/scheduling/scheduler_binder.go',
    message: '0/3 nodes are available: 3 node(s) did not have enough free storage.',
    want: {kind: 'fit-error', unaccountedNodes: 0, entries: [{count: 3, category: 'volume-binding', plugin: 'VolumeBinding'}]},
  },
  {
    // framework/plugins/nodeaffinity/node_affinity.go, v1.20 (ErrReasonPod "node(s) didn't match Pod's node affinity", errReasonEnforced)
    release: 'v1.20', source: 'pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go',
    message: "0/5 nodes are available: 2 node(s) didn't match scheduler-enforced node affinity, 3 node(s) didn't match Pod's node affinity.",
    want: {kind: 'fit-error', unaccountedNodes: 0, entries: [
      {count: 2, category: 'node-affinity-selector', plugin: 'NodeAffinity'},
      {count: 3, category: 'node-affinity-selector', plugin: 'NodeAffinity'},
    ]},
  },
  {
    // pkg/controller/volume/scheduling/scheduler_binder.go, v1.20–v1.22 (ErrReasonPVNotExist "pvc(s) bound to non-existent pv(s)")
    release: 'v1.20', source: 'pkg/controller/volume/scheduling/scheduler_binder.go',
    message: '0/3 nodes are available: 3 pvc(s) bound to non-existent pv(s).',
    want: {kind: 'fit-error', unaccountedNodes: 0, entries: [{count: 3, reason: 'pvc(s) bound to non-existent pv(s)', category: 'volume-binding', plugin: 'VolumeBinding', known: true}]},
  },
  {
    // framework/plugins/interpodaffinity/filtering.go, v1.21 (umbrella ErrReasonAffinityNotMatch "… rules" printed with the specific reason); nodeaffinity "…/selector", nodename "node name"
    release: 'v1.21', source: 'pkg/scheduler/framework/plugins/interpodaffinity/filtering.go',
    message: "0/5 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) didn't match the requested node name, 2 node(s) didn't match pod affinity/anti-affinity rules, 2 node(s) didn't match pod anti-affinity rules.",
    // The umbrella and the specific reason count the same 2 nodes: 4 nodes named, not 6 (so the fifth may be unaccounted).
    want: {kind: 'fit-error', unaccountedNodes: null, entries: [
      {count: 1, category: 'node-affinity-selector', plugin: 'NodeAffinity'},
      {count: 1, category: 'node-name', plugin: 'NodeName'},
      {count: 2, reason: "node(s) didn't match pod affinity/anti-affinity rules", category: 'pod-affinity-anti-affinity', plugin: 'InterPodAffinity', known: true},
      {count: 2, category: 'pod-affinity-anti-affinity', unresolvable: false},
    ]},
  },
  {
    // framework/plugins/volumerestrictions/volume_restrictions.go, v1.22 (ErrReasonReadWriteOncePodConflict)
    release: 'v1.22', source: 'pkg/scheduler/framework/plugins/volumerestrictions/volume_restrictions.go',
    message: '0/3 nodes are available: 3 node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode.',
    want: {kind: 'fit-error', unaccountedNodes: 0, entries: [{count: 3, category: 'volume-binding', plugin: 'VolumeRestrictions'}]},
  },
  {
    // framework/plugins/volumebinding/volume_binding.go, v1.23 (PreFilter: ephemeral claim not created yet; counted on every node before 1.26)
    release: 'v1.23', source: 'pkg/scheduler/framework/plugins/volumebinding/volume_binding.go',
    message: '0/3 nodes are available: 3 waiting for ephemeral volume controller to create the persistentvolumeclaim "web-0-scratch".',
    want: {kind: 'fit-error', unaccountedNodes: 0, entries: [{count: 3, category: 'pvc-unbound', plugin: 'VolumeBinding', known: true}]},
  },
  {
    // framework/plugins/volumebinding/volume_binding.go, v1.23 (PreFilter: claim bound to a deleted volume); binder.go ErrReasonPVNotExist with its v1.23 prefix
    release: 'v1.23', source: 'pkg/scheduler/framework/plugins/volumebinding/volume_binding.go',
    message: '0/2 nodes are available: 2 persistentvolumeclaim "data" bound to non-existent persistentvolume "pvc-7b1d2c4e".',
    want: {kind: 'fit-error', unaccountedNodes: 0, entries: [{count: 2, category: 'volume-binding', plugin: 'VolumeBinding', known: true}]},
  },
  {
    // framework/runtime/framework.go, v1.24 (PreFilter results intersecting to nothing, one plugin: "node(s) didn't satisfy plugin %v")
    release: 'v1.24', source: 'pkg/scheduler/framework/runtime/framework.go',
    message: "0/3 nodes are available: 3 node(s) didn't satisfy plugin NodeAffinity. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    want: {kind: 'fit-error', unaccountedNodes: 0, entries: [{count: 3, category: 'node-affinity-selector', plugin: 'NodeAffinity', plugins: ['NodeAffinity']}],
      preemption: {eligible: true, totalNodes: 3, entries: [{count: 3, ...NOT_HELPFUL}]}},
  },
  {
    // framework/plugins/nodeaffinity/node_affinity.go, v1.24 (PreFilter errReasonConflict "pod affinity terms conflict", counted on every node before 1.26)
    release: 'v1.24', source: 'pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go',
    message: '0/2 nodes are available: 2 pod affinity terms conflict. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    want: {kind: 'fit-error', unaccountedNodes: 0, entries: [{count: 2, category: 'node-affinity-selector', plugin: 'NodeAffinity'}]},
  },
  {
    // framework/plugins/defaultpreemption/default_preemption.go, v1.24 ("not eligible due to preemptionPolicy=Never.")
    release: 'v1.24', source: 'pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go',
    message: '0/3 nodes are available: 3 Insufficient memory. preemption: not eligible due to preemptionPolicy=Never.',
    want: {kind: 'fit-error', entries: [{count: 3, resource: 'memory'}], postFilter: [],
      preemption: {eligible: false, notEligibleReason: 'preemptionPolicy=Never', totalNodes: null, entries: []}},
  },
  {
    // framework/plugins/defaultpreemption/default_preemption.go, v1.24 ("not eligible due to a terminating pod on the nominated node.")
    release: 'v1.24', source: 'pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go',
    message: '0/3 nodes are available: 3 Insufficient cpu. preemption: not eligible due to a terminating pod on the nominated node.',
    want: {kind: 'fit-error', postFilter: [], preemption: {eligible: false, notEligibleReason: 'a terminating pod on the nominated node', entries: []}},
  },
  {
    // framework/plugins/defaultpreemption/default_preemption.go, v1.24 ("No preemption victims found for incoming pod"); preemption/preemption.go ("Preemption is not helpful for scheduling")
    release: 'v1.24', source: 'pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go',
    message: "0/4 nodes are available: 1 Insufficient cpu, 3 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/4 nodes are available: 1 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.",
    want: {kind: 'fit-error', unaccountedNodes: 0, entries: [{count: 1, resource: 'cpu'}, {count: 3, category: 'taint', taint: {key: 'node-role.kubernetes.io/control-plane', value: ''}}],
      preemption: {eligible: true, totalNodes: 4, entries: [{count: 1, ...NO_VICTIMS}, {count: 3, ...NOT_HELPFUL}]}},
  },
  {
    // framework/preemption/preemption.go, v1.24 (Preempt: "no candidate node for preemption", wrapped in "preemption: " by default_preemption.go)
    release: 'v1.24', source: 'pkg/scheduler/framework/preemption/preemption.go',
    message: '0/2 nodes are available: 2 Insufficient memory. preemption: no candidate node for preemption',
    want: {kind: 'fit-error', entries: [{count: 2, resource: 'memory'}], postFilter: [], preemption: {eligible: true, totalNodes: null, entries: [], raw: 'no candidate node for preemption'}},
  },
  {
    // framework/types.go, v1.26 (SeparatorFormat " %v." around the PreFilter message and the PostFilter message: "..")
    release: 'v1.26', source: 'pkg/scheduler/framework/types.go',
    message: '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..',
    want: {kind: 'fit-error', entries: [], unaccountedNodes: 0, prefilter: {count: null, category: 'pvc-unbound', plugin: 'VolumeBinding'},
      preemption: {eligible: true, totalNodes: 3, entries: [{count: 3, ...NOT_HELPFUL}]}},
  },
  {
    // framework/plugins/volumebinding/binder.go, v1.36.2 (ErrReasonNodeConflict now "node(s) didn't match PersistentVolume's node affinity")
    release: 'v1.36.2', source: 'pkg/scheduler/framework/plugins/volumebinding/binder.go',
    message: "0/3 nodes are available: 3 node(s) didn't match PersistentVolume's node affinity. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    want: {kind: 'fit-error', unaccountedNodes: 0, entries: [{count: 3, category: 'volume-node-affinity', plugin: 'VolumeBinding', known: true, unresolvable: true}]},
  },
  {
    // framework/plugins/volumerestrictions/volume_restrictions.go, v1.36.2 (ErrReasonReadWriteOncePodConflict, new wording)
    release: 'v1.36.2', source: 'pkg/scheduler/framework/plugins/volumerestrictions/volume_restrictions.go',
    message: '0/2 nodes are available: 2 node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
    want: {kind: 'fit-error', unaccountedNodes: 0, entries: [{count: 2, category: 'volume-binding', plugin: 'VolumeRestrictions', known: true}]},
  },
  {
    // framework/plugins/nodedeclaredfeatures/nodedeclaredfeatures.go, v1.36.2 (errReasonUnsatisfiedRequirements); tainttoleration "node(s) had untolerated taint(s)"
    release: 'v1.36.2', source: 'pkg/scheduler/framework/plugins/nodedeclaredfeatures/nodedeclaredfeatures.go',
    message: "0/4 nodes are available: 1 node(s) had untolerated taint(s), 3 node(s) didn't match Pod's required features. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.",
    want: {kind: 'fit-error', unaccountedNodes: 0, entries: [
      {count: 1, category: 'taint', plugin: 'TaintToleration'},
      {count: 3, reason: "node(s) didn't match Pod's required features", category: 'other', plugin: 'NodeDeclaredFeatures', known: true, unresolvable: true},
    ]},
  },
  {
    // framework/plugins/defaultpreemption/default_preemption.go, v1.36.2 (pod groups: "preemption: not eligible due to placement-based pod group scheduling limitation")
    release: 'v1.36.2', source: 'pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go',
    message: '0/3 nodes are available: 3 Insufficient cpu. preemption: not eligible due to placement-based pod group scheduling limitation',
    want: {kind: 'fit-error', postFilter: [], preemption: {eligible: false, notEligibleReason: 'placement-based pod group scheduling limitation', entries: []}},
  },
  {
    // framework/plugins/defaultpreemption/default_preemption.go, v1.36.2 ("preemption: not eligible due to workload aware preemption enabled")
    release: 'v1.36.2', source: 'pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go',
    message: '0/3 nodes are available: 3 Insufficient memory. preemption: not eligible due to workload aware preemption enabled',
    want: {kind: 'fit-error', postFilter: [], preemption: {eligible: false, notEligibleReason: 'workload aware preemption enabled', entries: []}},
  },
  {
    // framework/plugins/defaultpreemption/default_preemption.go, v1.36.2 ("preemption: pod group for pod not found": no dry run was made)
    release: 'v1.36.2', source: 'pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go',
    message: '0/3 nodes are available: 3 Insufficient memory. preemption: pod group for pod not found',
    want: {kind: 'fit-error', postFilter: [], preemption: {eligible: false, notEligibleReason: 'pod group for pod not found', totalNodes: null, entries: []}},
  },
]

// Messages that are not a FitError: the scheduler reported an error it got before or instead of one.
const notFitErrors: Row[] = [
  {
    // pkg/scheduler/core/generic_scheduler.go, v1.10 (ErrNoNodesAvailable)
    release: 'v1.10', source: 'pkg/scheduler/core/generic_scheduler.go',
    message: 'no nodes available to schedule pods',
    want: {kind: 'no-nodes', totalNodes: 0},
  },
  {
    // pkg/controller/volume/persistentvolume/scheduler_binder.go, v1.10–v1.11 (FindPodVolumes error), aggregated over 2 nodes by
    // generic_scheduler.go findNodesThatFit + apimachinery util/errors CreateAggregateFromMessageCountMap, v1.10
    release: 'v1.10', source: 'pkg/controller/volume/persistentvolume/scheduler_binder.go',
    message: 'pod has unbound PersistentVolumeClaims (repeated 2 times)',
    want: {kind: 'rejected', totalNodes: null, prefilter: null, entries: [{count: 2, reason: 'pod has unbound PersistentVolumeClaims', category: 'pvc-unbound', plugin: 'VolumeBinding', known: true}]},
  },
  {
    // pkg/controller/volume/persistentvolume/scheduler_binder.go, v1.12 ("pod has unbound immediate PersistentVolumeClaims", a predicate error), aggregated as above
    release: 'v1.12', source: 'pkg/controller/volume/persistentvolume/scheduler_binder.go',
    message: 'pod has unbound immediate PersistentVolumeClaims (repeated 3 times)',
    want: {kind: 'rejected', entries: [{count: 3, reason: 'pod has unbound immediate PersistentVolumeClaims', category: 'pvc-unbound', known: true}]},
  },
  {
    // pkg/scheduler/algorithm/predicates/predicates.go, v1.10–v1.14 (NoVolumeZoneConflict: "PersistentVolumeClaim is not bound: %q"), aggregated
    release: 'v1.14', source: 'pkg/scheduler/algorithm/predicates/predicates.go',
    message: 'PersistentVolumeClaim is not bound: "data" (repeated 3 times)',
    want: {kind: 'rejected', entries: [{count: 3, reason: 'PersistentVolumeClaim is not bound: "data"', category: 'pvc-unbound', known: true}]},
  },
  {
    // pkg/scheduler/algorithm/predicates/predicates.go, v1.10 (NoVolumeZoneConflict: "PersistentVolume not found: %q",
    // "VolumeBindingMode not set for StorageClass %q"); two errors print as "[e1, e2]" (apimachinery util/errors aggregate.Error)
    release: 'v1.10', source: 'pkg/scheduler/algorithm/predicates/predicates.go',
    message: '[PersistentVolume not found: "pvc-7b1d2c4e" (repeated 2 times), VolumeBindingMode not set for StorageClass "standard"]',
    want: {kind: 'rejected', entries: [
      {count: 2, reason: 'PersistentVolume not found: "pvc-7b1d2c4e"', category: 'volume-binding', plugin: 'VolumeZone', known: true},
      {count: 1, reason: 'VolumeBindingMode not set for StorageClass "standard"', category: 'volume-binding', plugin: 'VolumeZone', known: true},
    ]},
  },
  {
    // pkg/scheduler/algorithm/predicates/predicates.go, v1.15–v1.17 (NoVolumeZoneConflict: "PersistentVolumeClaim was not found: %q")
    release: 'v1.17', source: 'pkg/scheduler/algorithm/predicates/predicates.go',
    message: 'PersistentVolumeClaim was not found: "data" (repeated 5 times)',
    want: {kind: 'rejected', entries: [{count: 5, category: 'pvc-unbound', plugin: 'VolumeZone', known: true}]},
  },
  {
    // pkg/scheduler/core/generic_scheduler.go podPassesBasicChecks, v1.10 (the lister's NotFound error, returned before any node is looked at)
    release: 'v1.10', source: 'pkg/scheduler/core/generic_scheduler.go',
    message: 'persistentvolumeclaim "data" not found',
    want: {kind: 'rejected', entries: [{count: null, category: 'pvc-unbound', known: true}]},
  },
  {
    // pkg/scheduler/core/generic_scheduler.go podPassesBasicChecks, v1.10 ("persistentvolumeclaim %q is being deleted")
    release: 'v1.10', source: 'pkg/scheduler/core/generic_scheduler.go',
    message: 'persistentvolumeclaim "data" is being deleted',
    want: {kind: 'rejected', entries: [{count: null, reason: 'persistentvolumeclaim "data" is being deleted', category: 'pvc-unbound', plugin: 'VolumeBinding', known: true}]},
  },
  {
    // pkg/scheduler/core/generic_scheduler.go podPassesBasicChecks, v1.19 (generic ephemeral volumes: "persistentvolumeclaim %q was not created for the pod")
    release: 'v1.19', source: 'pkg/scheduler/core/generic_scheduler.go',
    message: 'persistentvolumeclaim "web-0-scratch" was not created for the pod',
    want: {kind: 'rejected', entries: [{count: null, category: 'pvc-unbound', plugin: 'VolumeBinding', known: true}]},
  },
  {
    // pkg/scheduler/framework/v1alpha1/framework.go RunPreFilterPlugins, v1.18 ("rejected by %q at prefilter: %v"); the
    // plugin's text is from kubernetes-sigs/scheduler-plugins#114 (coscheduling on a 1.18 scheduler)
    release: 'v1.18', source: 'pkg/scheduler/framework/v1alpha1/framework.go',
    message: 'rejected by "coscheduling" at prefilter: less than minAvailable',
    want: {kind: 'rejected', entries: [], prefilter: {count: null, reason: 'less than minAvailable', plugin: 'coscheduling', category: 'other', known: false}},
  },
  {
    // pkg/scheduler/framework/v1alpha1/framework.go RunFilterPlugins, v1.18 ("running %q filter plugin for pod %q: %v"); volumezone/volume_zone.go v1.18 ("StorageClass %q claimed by PersistentVolumeClaim %q not found")
    release: 'v1.18', source: 'pkg/scheduler/framework/v1alpha1/framework.go',
    message: 'running "VolumeZone" filter plugin for pod "web-0": StorageClass "fast" claimed by PersistentVolumeClaim "data" not found',
    want: {kind: 'scheduler-error', schedulerError: {plugin: 'VolumeZone', extensionPoint: 'filter', message: 'StorageClass "fast" claimed by PersistentVolumeClaim "data" not found'}},
  },
  {
    // pkg/scheduler/framework/runtime/framework.go RunPreFilterPlugins, v1.19 ("prefilter plugin %q failed for pod %q: %v");
    // pkg/controller/volume/scheduling/scheduler_binder.go v1.19 ("error getting PVC %q: %v") around the lister's NotFound
    release: 'v1.19', source: 'pkg/scheduler/framework/runtime/framework.go',
    message: 'prefilter plugin "VolumeBinding" failed for pod "web-0": error getting PVC "default/data": persistentvolumeclaim "data" not found',
    want: {kind: 'scheduler-error', schedulerError: {plugin: 'VolumeBinding', extensionPoint: 'prefilter', message: 'error getting PVC "default/data": persistentvolumeclaim "data" not found'}},
  },
  {
    // pkg/scheduler/framework/runtime/framework.go RunFilterPlugins, v1.21 ("running %q filter plugin: %w"); volumezone/volume_zone.go v1.21 ("PersistentVolume was not found: %q")
    release: 'v1.21', source: 'pkg/scheduler/framework/runtime/framework.go',
    message: 'running "VolumeZone" filter plugin: PersistentVolume was not found: "pvc-7b1d2c4e"',
    want: {kind: 'scheduler-error', schedulerError: {plugin: 'VolumeZone', extensionPoint: 'filter', message: 'PersistentVolume was not found: "pvc-7b1d2c4e"'}},
  },
  {
    // pkg/scheduler/scheduler.go, v1.12 ("AssumePodVolumes failed: %v"); controller/volume/persistentvolume/scheduler_assume_cache.go
    // v1.12 ("%v %q is out of sync", description "v1.PersistentVolume")
    release: 'v1.12', source: 'pkg/scheduler/scheduler.go',
    message: 'AssumePodVolumes failed: v1.PersistentVolume "pvc-7b1d2c4e" is out of sync',
    reason: 'SchedulerError',
    want: {kind: 'scheduler-error', schedulerError: {plugin: 'VolumeBinding', extensionPoint: null, message: 'v1.PersistentVolume "pvc-7b1d2c4e" is out of sync'}},
  },
  {
    // pkg/scheduler/scheduler.go, v1.12 ("AssumePod failed: %v"); pkg/scheduler/cache/cache.go v1.12 ("pod %v is in the cache, so can't be assumed", the pod's UID)
    release: 'v1.12', source: 'pkg/scheduler/scheduler.go',
    message: "AssumePod failed: pod 6f1c2d3e-8a9b-4c5d-9e0f-112233445566 is in the cache, so can't be assumed",
    reason: 'SchedulerError',
    want: {kind: 'scheduler-error', schedulerError: {plugin: null, message: "pod 6f1c2d3e-8a9b-4c5d-9e0f-112233445566 is in the cache, so can't be assumed"}},
  },
  {
    // pkg/scheduler/scheduler.go, v1.10 ("Binding rejected: %v"; the condition reason was Unschedulable then, not SchedulerError)
    release: 'v1.10', source: 'pkg/scheduler/scheduler.go',
    message: 'Binding rejected: Operation cannot be fulfilled on pods/binding "web-0": pod web-0 is already assigned to node "n1"',
    want: {kind: 'scheduler-error', schedulerError: {plugin: null, extensionPoint: null, message: 'Operation cannot be fulfilled on pods/binding "web-0": pod web-0 is already assigned to node "n1"'}},
  },
  {
    // pkg/scheduler/schedule_one.go, v1.24 ("binding rejected: %w")
    release: 'v1.24', source: 'pkg/scheduler/schedule_one.go',
    message: 'binding rejected: Operation cannot be fulfilled on pods/binding "web-0": pod web-0 is already assigned to node "n1"',
    reason: 'SchedulerError',
    want: {kind: 'scheduler-error', schedulerError: {plugin: null, message: 'Operation cannot be fulfilled on pods/binding "web-0": pod web-0 is already assigned to node "n1"'}},
  },
  {
    // pkg/scheduler/scheduler.go, v1.14 ("reserve plugin %v failed"; 1.14 had no in-tree reserve plugin, the name is a placeholder)
    release: 'v1.14', source: 'pkg/scheduler/scheduler.go',
    message: 'reserve plugin example-reserve failed',
    reason: 'SchedulerError',
    want: {kind: 'scheduler-error', schedulerError: {plugin: 'example-reserve', extensionPoint: 'reserve'}},
  },
  {
    // pkg/scheduler/scheduler.go, v1.14 (bindVolumes failure: reason "VolumeBindingFailed", message err.Error(), here wait.ErrWaitTimeout)
    release: 'v1.14', source: 'pkg/scheduler/scheduler.go',
    message: 'timed out waiting for the condition',
    reason: 'VolumeBindingFailed',
    want: {kind: 'scheduler-error', schedulerError: {plugin: 'VolumeBinding', extensionPoint: null, message: 'timed out waiting for the condition'}},
  },
]

const ALL = [...predicateEra, ...frameworkEra, ...notFitErrors]

// client-go tools/record/events_cache.go EventAggregatorByReasonMessageFunc, v1.10 … v1.36.2 (unchanged).
const COMBINED = '(combined from similar events): '

// truncateMessage, pkg/scheduler/schedule_one.go v1.24.0-alpha.4 … v1.36.2 (pkg/scheduler/scheduler.go since
// kubernetes/kubernetes#98715, v1.21): events longer than validation.NoteLengthLimit (1024) are cut and " ..." appended.
function truncateMessage(message: string): string {
  return message.length <= 1024 ? message : `${message.slice(0, 1024 - ' ...'.length)} ...`
}

/** Cuts a message inside its last few characters, the way truncateMessage cuts a long one. */
function cutNearEnd(message: string): string {
  const keep = Math.max(1, message.length - Math.min(12, Math.floor(message.length / 4)))
  return `${message.slice(0, keep)} ...`
}

/** What a parse says about the causes, comparable across a cut: kind and, per entry, count and category. */
function shape(parsed: ParsedSchedulerMessage) {
  return {kind: parsed.kind, entries: parsed.entries.map((entry) => ({count: entry.count, category: entry.category}))}
}

describe('scheduler wordings 1.10–1.36', () => {
  it.each(ALL.map((row) => [`${row.release} ${row.source}: ${row.message.slice(0, 90)}`, row] as const))('%s', (_, row) => {
    const parsed = parseSchedulerMessage(row.message, row.reason)
    expect(parsed).toMatchObject({truncated: false, aggregated: false, raw: row.message, ...row.want})
  })

  it.each(ALL.map((row) => [`${row.release}: ${row.message.slice(0, 90)}`, row] as const))('survives the correlator prefix: %s', (_, row) => {
    const message = COMBINED + row.message
    expect(parseSchedulerMessage(message, row.reason)).toMatchObject({aggregated: true, raw: message, ...row.want})
  })

  // A message that grows with the cluster (a histogram, several aggregated errors) can reach the cut;
  // one fixed error (a pre-check, "no nodes available") cannot, and a wrapped scheduler error keeps its wrapper.
  const grows = (row: Row) => {
    const full = parseSchedulerMessage(row.message, row.reason)
    return full.kind === 'fit-error' || full.kind === 'legacy' || (full.kind === 'rejected' && full.entries.length > 1)
  }

  it.each(ALL.filter(grows).map((row) => [`${row.release}: ${row.message.slice(0, 90)}`, row] as const))('survives a cut and " ..." near its end: %s', (_, row) => {
    const full = parseSchedulerMessage(row.message, row.reason)
    const message = cutNearEnd(COMBINED + row.message)
    const parsed = parseSchedulerMessage(message, row.reason)
    expect(parsed).toMatchObject({raw: message, truncated: true, aggregated: true, kind: full.kind, totalNodes: full.totalNodes})
    // Entries before the cut keep their count and category; the one the cut fell in is marked and,
    // when it is still recognisable, keeps its category.
    const before = shape(full).entries
    parsed.entries.forEach((entry, index) => {
      if (!entry.partial) expect({count: entry.count, category: entry.category}).toEqual(before[index])
      else if (entry.known) expect(entry.category).toBe(before[index]?.category)
    })
    expect(parsed.entries.filter((entry) => entry.partial).length).toBeLessThanOrEqual(1)
  })

  it.each(ALL.filter((row) => !grows(row)).map((row) => [`${row.release}: ${row.message.slice(0, 90)}`, row] as const))('fixed-size text, never cut: %s', (_, row) => {
    expect(truncateMessage(COMBINED + row.message)).toBe(COMBINED + row.message)
    const cut = parseSchedulerMessage(cutNearEnd(row.message), row.reason)
    // Even cut by hand, the wrapper of a scheduler error still decides the kind.
    if (row.want.kind === 'scheduler-error' && row.reason) expect(cut.kind).toBe('scheduler-error')
    expect(cut.truncated).toBe(true)
  })
})

describe('older forms cut at 1024 characters', () => {
  // Many tainted node pools, the case of kubernetes/kubernetes#98175 (FailedScheduling dropped for a Note over 1024
  // characters before truncateMessage). Taint format of tainttoleration/taint_toleration.go v1.18–v1.23.
  const taints = (n: number) => Array.from({length: n}, (_, i) => `1 node(s) had taint {pool.example.com/team-${String(i).padStart(2, '0')}: dedicated}, that the pod didn't tolerate`).sort().join(', ')

  it('v1.21–v1.23: the ", that the pod didn\'t tolerate" wording cut inside the histogram', () => {
    const message = truncateMessage(`0/40 nodes are available: ${taints(30)}, 10 Insufficient cpu.`)
    expect(message).toHaveLength(1024)
    const parsed = parseSchedulerMessage(message)
    expect(parsed).toMatchObject({kind: 'fit-error', truncated: true, totalNodes: 40, unaccountedNodes: null, preemption: null})
    expect(parsed.entries.at(-1)?.partial).toBe(true)
    const complete = parsed.entries.filter((entry) => !entry.partial)
    expect(complete.length).toBeGreaterThan(5)
    expect(complete.every((entry) => entry.category === 'taint' && entry.taint?.value === 'dedicated')).toBe(true)
  })

  it('v1.21–v1.23 with the correlator prefix (core/v1 recorders of custom schedulers)', () => {
    const message = COMBINED + truncateMessage(`0/40 nodes are available: ${taints(30)}, 10 Insufficient cpu.`)
    const parsed = parseSchedulerMessage(message)
    expect(parsed).toMatchObject({kind: 'fit-error', truncated: true, aggregated: true, totalNodes: 40})
    expect(parsed.entries[0]).toMatchObject({count: 1, category: 'taint', taint: {key: 'pool.example.com/team-00', value: 'dedicated'}})
  })

  it('≤v1.17 predicate errors aggregated over nodes and cut inside the bracket', () => {
    // Aggregate format: apimachinery util/errors, v1.10; reasons: predicates.go NoVolumeZoneConflict, v1.15–v1.17.
    const claims = Array.from({length: 40}, (_, i) => `PersistentVolumeClaim was not found: "data-${String(i).padStart(2, '0')}"`)
    const message = truncateMessage(`[${claims.join(', ')}]`)
    const parsed = parseSchedulerMessage(message)
    expect(parsed).toMatchObject({kind: 'rejected', truncated: true})
    expect(parsed.entries.at(-1)?.partial).toBe(true)
    expect(parsed.entries.filter((entry) => !entry.partial).every((entry) => entry.category === 'pvc-unbound' && entry.count === 1)).toBe(true)
  })

  it('≤v1.9 "predicates:" list cut at 1024 marks the last entry partial', () => {
    // The legacy list of parse.test.ts (sapcc/helm-charts#548), lengthened with more predicate names of error.go v1.10.
    const names = ['Insufficient cpu (19)', 'Insufficient memory (19)', 'MatchNodeSelector (3)', 'PodToleratesNodeTaints (10)']
    const message = truncateMessage(`No nodes are available that match all of the predicates: ${Array.from({length: 40}, (_, i) => names[i % 4]).join(', ')}.`)
    const parsed = parseSchedulerMessage(message)
    expect(parsed).toMatchObject({kind: 'legacy', truncated: true})
    expect(parsed.entries.at(-1)?.partial).toBe(true)
    expect(parsed.entries.slice(0, -1).every((entry) => entry.known && entry.count !== null)).toBe(true)
  })
})

describe('the entry a cut falls in', () => {
  // Taint wordings of tainttoleration/taint_toleration.go v1.18 and v1.24; cut as truncateMessage does.
  it('keeps the taint category when the key is complete', () => {
    const parsed = parseSchedulerMessage("0/3 nodes are available: 1 Too many pods, 2 node(s) had taint {dedicated: g ...")
    expect(parsed.entries[1]).toMatchObject({partial: true, known: true, category: 'taint', plugin: 'TaintToleration'})
  })

  it('does not guess when the cut key may be a node-state taint', () => {
    const parsed = parseSchedulerMessage('0/3 nodes are available: 1 Too many pods, 2 node(s) had untolerated taint {node.kubernetes.io/no ...')
    expect(parsed.entries[1]).toMatchObject({partial: true, known: false, category: 'other'})
  })

  it('takes the category of the only reason the cut text can start (predicates.go v1.10)', () => {
    const parsed = parseSchedulerMessage('0/9 nodes are available: 2 node(s) had disk pressure, 7 node(s) were unsch ...')
    expect(parsed.entries[1]).toMatchObject({partial: true, known: true, category: 'node-unschedulable'})
  })

  it('leaves an ambiguous stub unknown', () => {
    const parsed = parseSchedulerMessage("0/9 nodes are available: 2 node(s) had disk pressure, 7 node(s) didn't match ...")
    expect(parsed.entries[1]).toMatchObject({partial: true, known: false})
  })

  it('reads a format cut before its value (predicates.go v1.10, "VolumeBindingMode not set for StorageClass %q")', () => {
    const parsed = parseSchedulerMessage('[PersistentVolume not found: "pvc-7b1d2c4e" (repeated 2 times), VolumeBindingMode not set for Stor ...')
    expect(parsed.entries[1]).toMatchObject({partial: true, known: true, category: 'volume-binding', plugin: 'VolumeZone'})
  })

  it('drops a cut " (repeated N times)" (apimachinery util/errors, v1.10)', () => {
    const parsed = parseSchedulerMessage('pod has unbound immediate PersistentVolumeClaims (repeated 3 ti ...')
    expect(parsed).toMatchObject({kind: 'rejected', entries: [{count: null, reason: 'pod has unbound immediate PersistentVolumeClaims', category: 'pvc-unbound', partial: true}]})
  })
})

describe('texts that must stay raw', () => {
  it.each([
    // Karpenter's wording (aws/karpenter-provider-aws#7839, research a.6) and an apiserver error: not scheduler reasons.
    'Failed to schedule pod, incompatible with nodepool "default"',
    '[some error, another error (repeated 2 times)]',
    'rejected',
    ' ...',
  ])('%s', (message) => {
    const parsed = parseSchedulerMessage(message)
    expect(parsed.kind).toBe('unknown')
    expect(parsed.entries).toEqual([])
    expect(parsed.raw).toBe(message)
  })
})

describe('classifyReason: the new reason texts alone', () => {
  const table: Array<[string, string, Record<string, unknown>]> = [
    // [source and release, reason, expected]
    ['pkg/controller/volume/scheduling/scheduler_binder.go v1.20', 'pvc(s) bound to non-existent pv(s)', {category: 'volume-binding', plugin: 'VolumeBinding', known: true}],
    ['framework/plugins/interpodaffinity/filtering.go v1.21', "node(s) didn't match pod affinity/anti-affinity rules", {category: 'pod-affinity-anti-affinity', known: true}],
    ['framework/plugins/volumebinding/binder.go v1.36.2', "node(s) didn't match PersistentVolume's node affinity", {category: 'volume-node-affinity', known: true}],
    ['framework/plugins/volumerestrictions/volume_restrictions.go v1.36.2', 'node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod', {category: 'volume-binding', plugin: 'VolumeRestrictions'}],
    ['framework/plugins/nodedeclaredfeatures/nodedeclaredfeatures.go v1.36.2', "node(s) didn't match Pod's required features", {category: 'other', plugin: 'NodeDeclaredFeatures', known: true}],
    ['core/generic_scheduler.go v1.10', 'persistentvolumeclaim "data" is being deleted', {category: 'pvc-unbound', known: true}],
    ['core/generic_scheduler.go v1.19', 'persistentvolumeclaim "web-0-scratch" was not created for the pod', {category: 'pvc-unbound', known: true}],
    ['framework/plugins/volumebinding/volume_binding.go v1.23', 'waiting for ephemeral volume controller to create the persistentvolumeclaim "web-0-scratch"', {category: 'pvc-unbound', known: true}],
    ['framework/plugins/volumebinding/volume_binding.go v1.23', 'persistentvolumeclaim "data" bound to non-existent persistentvolume "pvc-7b1d2c4e"', {category: 'volume-binding', known: true}],
    ['algorithm/predicates/predicates.go v1.15', 'PersistentVolumeClaim was not found: "data"', {category: 'pvc-unbound', plugin: 'VolumeZone'}],
    ['algorithm/predicates/predicates.go v1.10', 'PersistentVolume not found: "pvc-7b1d2c4e"', {category: 'volume-binding', plugin: 'VolumeZone'}],
    ['framework/plugins/volumezone/volume_zone.go v1.18', 'PersistentVolume was not found: "pvc-7b1d2c4e"', {category: 'volume-binding', plugin: 'VolumeZone'}],
    ['framework/plugins/volumezone/volume_zone.go v1.18', 'StorageClass "fast" claimed by PersistentVolumeClaim "data" not found', {category: 'volume-binding', plugin: 'VolumeZone'}],
  ]
  it.each(table)('%s: %s', (_, reason, want) => {
    expect(classifyReason(reason)).toMatchObject(want)
  })
})
