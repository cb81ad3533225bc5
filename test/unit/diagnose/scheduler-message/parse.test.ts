import {describe, expect, it} from 'vitest'
import {classifyReason, parseSchedulerMessage} from '../../../../src/diagnose/scheduler-message/parse.ts'

// Messages are verbatim from the issues cited in research/why-pending.md a.1–a.6 unless the
// comment says "completed" (the note elides part with …) or "shape of" (built from the format).

interface Case {
  name: string
  message: string
  want: Record<string, unknown>
}

const PREEMPTION_NOT_HELPFUL = {reason: 'Preemption is not helpful for scheduling', category: 'preemption', plugin: 'DefaultPreemption', known: true, unresolvable: true}
const NO_VICTIMS = {reason: 'No preemption victims found for incoming pod', category: 'preemption', known: true}

const versionShapes: Case[] = [
  {
    name: '≤1.9 predicates with count in parentheses (sapcc/helm-charts#548)',
    message: 'No nodes are available that match all of the predicates: Insufficient cpu (19), Insufficient memory (19), PodToleratesNodeTaints (10).',
    want: {
      kind: 'legacy', totalNodes: null, unaccountedNodes: null, preemption: null,
      entries: [
        {count: 19, reason: 'Insufficient cpu', category: 'insufficient-resources', resource: 'cpu', known: true},
        {count: 19, reason: 'Insufficient memory', category: 'insufficient-resources', resource: 'memory'},
        {count: 10, reason: 'PodToleratesNodeTaints', category: 'taint', plugin: 'TaintToleration', known: true},
      ],
    },
  },
  {
    name: '≤1.9 "following predicates::" double colon (argoproj/argo-workflows#190)',
    message: 'No nodes are available that match all of the following predicates:: Insufficient cpu (9), Insufficient memory (15), MatchNodeSelector (18).',
    want: {
      kind: 'legacy',
      entries: [
        {count: 9, resource: 'cpu'},
        {count: 15, resource: 'memory'},
        {count: 18, reason: 'MatchNodeSelector', category: 'node-affinity-selector', plugin: 'NodeAffinity'},
      ],
    },
  },
  {
    name: 'fit failure summary (kubernetes/kops#3235)',
    message: 'pod (x) failed to fit in any node\nfit failure summary on nodes : NoVolumeZoneConflict (3), PodToleratesNodeTaints (3)',
    want: {
      kind: 'legacy',
      entries: [
        {count: 3, reason: 'NoVolumeZoneConflict', category: 'volume-node-affinity', plugin: 'VolumeZone'},
        {count: 3, reason: 'PodToleratesNodeTaints', category: 'taint'},
      ],
    },
  },
  {
    name: '~1.10 predicate names in the modern shape (kubernetes/kubernetes#57574)',
    message: '0/4 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 NodeUnschedulable, 3 MatchNodeSelector.',
    want: {
      kind: 'fit-error', totalNodes: 4, prefilter: null, preemption: null, postFilter: [], unaccountedNodes: 0,
      entries: [
        {count: 1, resource: 'cpu'},
        {count: 1, resource: 'memory'},
        {count: 1, reason: 'NodeUnschedulable', category: 'node-unschedulable'},
        {count: 3, reason: 'MatchNodeSelector', category: 'node-affinity-selector'},
      ],
    },
  },
  {
    name: '~1.10 anti-affinity predicate names (kubernetes/kubernetes#70996)',
    message: '0/60 nodes are available: 2 Insufficient cpu, 5 Insufficient memory, 60 ExistingPodsAntiAffinityRulesNotMatch, 60 MatchInterPodAffinity.',
    want: {
      totalNodes: 60, unaccountedNodes: 0,
      entries: [
        {count: 2, category: 'insufficient-resources'},
        {count: 5, category: 'insufficient-resources'},
        {count: 60, category: 'pod-affinity-anti-affinity', plugin: 'InterPodAffinity'},
        {count: 60, category: 'pod-affinity-anti-affinity', plugin: 'InterPodAffinity'},
      ],
    },
  },
  {
    name: '~1.12–1.16 CheckNodeCondition reasons (kubernetes-sigs/aws-ebs-csi-driver#107)',
    message: '0/5 nodes are available: 2 node(s) had volume node affinity conflict, 3 node(s) were not ready.',
    want: {
      totalNodes: 5, unaccountedNodes: 0,
      entries: [
        {count: 2, category: 'volume-node-affinity', plugin: 'VolumeBinding', unresolvable: true},
        {count: 3, category: 'node-not-ready'},
      ],
    },
  },
  {
    name: '≤1.17 "Insufficient pods" (kubernetes/kubernetes#107194)',
    message: '0/5 nodes are available: 2 node(s) were unschedulable, 3 Insufficient pods.',
    want: {
      unaccountedNodes: 0,
      entries: [
        {count: 2, category: 'node-unschedulable', plugin: 'NodeUnschedulable'},
        {count: 3, reason: 'Insufficient pods', category: 'too-many-pods', plugin: 'NodeResourcesFit'},
      ],
    },
  },
  {
    name: '1.18–1.23 taint with key and value, reason containing ", " (entry from kubernetes-sigs/aws-load-balancer-controller#2261, header completed)',
    message: "0/4 nodes are available: 4 node(s) had taint {eks.amazonaws.com/compute-type: fargate}, that the pod didn't tolerate.",
    want: {
      totalNodes: 4, unaccountedNodes: 0,
      entries: [{count: 4, reason: "node(s) had taint {eks.amazonaws.com/compute-type: fargate}, that the pod didn't tolerate", category: 'taint', taint: {key: 'eks.amazonaws.com/compute-type', value: 'fargate'}}],
    },
  },
  {
    name: '1.18–1.23 Cluster Autoscaler timestamp taint next to another entry (entry from lucidworks/fusion-cloud-native#198)',
    message: "0/3 nodes are available: 1 node(s) had taint {ToBeDeletedByClusterAutoscaler: 1636478510}, that the pod didn't tolerate, 2 Insufficient cpu.",
    want: {
      unaccountedNodes: 0,
      entries: [
        {count: 1, category: 'taint', taint: {key: 'ToBeDeletedByClusterAutoscaler', value: '1636478510'}},
        {count: 2, reason: 'Insufficient cpu', resource: 'cpu'},
      ],
    },
  },
  {
    name: '1.22–1.23 PreFilter rejection counted on every node (atlassian/data-center-helm-charts#388)',
    message: '0/1 nodes are available: 1 pod has unbound immediate PersistentVolumeClaims.',
    want: {
      kind: 'fit-error', totalNodes: 1, prefilter: null, preemption: null, unaccountedNodes: 0,
      entries: [{count: 1, reason: 'pod has unbound immediate PersistentVolumeClaims', category: 'pvc-unbound', plugin: 'VolumeBinding'}],
    },
  },
  {
    name: '1.24–1.25 preemption tail (harvester/harvester#3136)',
    message: '0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    want: {
      totalNodes: 1, postFilter: [], unaccountedNodes: 0,
      entries: [{count: 1, resource: 'memory'}],
      preemption: {eligible: true, totalNodes: 1, entries: [{count: 1, ...NO_VICTIMS}]},
    },
  },
  {
    name: '1.26–1.28 double period and an empty taint value (kubernetes/kubernetes#116133)',
    message: '0/1 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling..',
    want: {
      totalNodes: 1, postFilter: [], unaccountedNodes: 0,
      entries: [{count: 1, category: 'taint', plugin: 'TaintToleration', taint: {key: 'node-role.kubernetes.io/control-plane', value: ''}, unresolvable: true}],
      preemption: {eligible: true, totalNodes: 1, entries: [{count: 1, ...PREEMPTION_NOT_HELPFUL}]},
    },
  },
  {
    name: '1.26+ PreFilter rejection printed once without a count (robusta-dev/robusta#1657)',
    message: '0/6 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/6 nodes are available: 6 Preemption is not helpful for scheduling.',
    want: {
      totalNodes: 6, entries: [], unaccountedNodes: 0,
      prefilter: {count: null, reason: 'pod has unbound immediate PersistentVolumeClaims', category: 'pvc-unbound', plugin: 'VolumeBinding', known: true},
      preemption: {totalNodes: 6, entries: [{count: 6, ...PREEMPTION_NOT_HELPFUL}]},
    },
  },
  {
    name: '1.27–1.30.1 "filtered out by the prefilter result" (aws-ia/terraform-aws-eks-blueprints-addons#399)',
    message: '0/13 nodes are available: 1 Too many pods, 12 node is filtered out by the prefilter result. preemption: 0/13 nodes are available: 1 No preemption victims found for incoming pod, 12 Preemption is not helpful for scheduling.',
    want: {
      totalNodes: 13, unaccountedNodes: 0,
      entries: [
        {count: 1, reason: 'Too many pods', category: 'too-many-pods'},
        {count: 12, reason: 'node is filtered out by the prefilter result', category: 'other', known: true, unresolvable: true},
      ],
      preemption: {totalNodes: 13, entries: [{count: 1, ...NO_VICTIMS}, {count: 12, ...PREEMPTION_NOT_HELPFUL}]},
    },
  },
  {
    name: "1.32+ absent nodes as didn't satisfy plugin(s) (knowledgesystems docs/troubleshooting.md)",
    message: "0/46 nodes are available: 1 Too many pods, 45 node(s) didn't satisfy plugin(s) [NodeAffinity]",
    want: {
      totalNodes: 46, unaccountedNodes: 0,
      entries: [
        {count: 1, category: 'too-many-pods'},
        {count: 45, category: 'node-affinity-selector', plugin: 'NodeAffinity', plugins: ['NodeAffinity'], known: true},
      ],
    },
  },
  {
    name: "1.32+ PreFilter results intersecting to nothing (shape of framework/runtime/framework.go)",
    message: "0/3 nodes are available: node(s) didn't satisfy plugin(s) [NodeAffinity NodeName] simultaneously. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    want: {
      entries: [], unaccountedNodes: 0,
      prefilter: {count: null, category: 'other', plugin: null, plugins: ['NodeAffinity', 'NodeName'], known: true},
    },
  },
  {
    name: '1.34+ DRA PostFilter text before preemption (kubernetes/kubernetes#141491, tail completed)',
    message: "0/401 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 Too many pods, 3 node(s) didn't match pod anti-affinity rules, 397 node(s) didn't match Pod's node affinity/selector. no new claims to deallocate, preemption: 0/401 nodes are available: 3 No preemption victims found for incoming pod, 398 Preemption is not helpful for scheduling.",
    want: {
      totalNodes: 401, postFilter: ['no new claims to deallocate'], unaccountedNodes: 0,
      entries: [
        {count: 1, resource: 'cpu'},
        {count: 1, resource: 'memory'},
        {count: 1, category: 'too-many-pods'},
        {count: 3, category: 'pod-affinity-anti-affinity', unresolvable: false},
        {count: 397, reason: "node(s) didn't match Pod's node affinity/selector", category: 'node-affinity-selector'},
      ],
      preemption: {eligible: true, totalNodes: 401, entries: [{count: 3, ...NO_VICTIMS}, {count: 398, ...PREEMPTION_NOT_HELPFUL}]},
    },
  },
  {
    name: '1.35 redacted taint with the DRA prefix (index copy of a 1.35 cluster transcript)',
    message: '0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu, 2 Insufficient memory. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    want: {
      postFilter: ['no new claims to deallocate'], unaccountedNodes: 0,
      entries: [
        {count: 1, reason: 'node(s) had untolerated taint(s)', category: 'taint', known: true},
        {count: 2, resource: 'cpu'},
        {count: 2, resource: 'memory'},
      ],
    },
  },
]

const tails: Case[] = [
  {
    name: 'preemptionPolicy=Never (shape of default_preemption.go)',
    message: '0/3 nodes are available: 3 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.',
    want: {postFilter: [], preemption: {eligible: false, notEligibleReason: 'preemptionPolicy=Never', totalNodes: null, entries: []}},
  },
  {
    name: 'terminating victims on the nominated node, 1.26–1.28 double period (kubernetes-sigs/kube-scheduler-simulator#271)',
    message: '0/3 nodes are available: 3 Insufficient memory. preemption: not eligible due to a terminating pod on the nominated node..',
    want: {postFilter: [], preemption: {eligible: false, notEligibleReason: 'a terminating pod on the nominated node', entries: []}},
  },
  {
    name: 'a filter reason still failing after eviction (red-hat-storage/ocs-operator#4163, completed)',
    message: "0/6 nodes are available: 2 node(s) didn't match pod topology spread constraints, 4 node(s) had untolerated taint {node.ocs.openshift.io/storage: true}. preemption: 0/6 nodes are available: 2 node(s) didn't match pod topology spread constraints, 4 Preemption is not helpful for scheduling.",
    want: {
      unaccountedNodes: 0,
      entries: [{count: 2, category: 'topology-spread'}, {count: 4, taint: {key: 'node.ocs.openshift.io/storage', value: 'true'}}],
      preemption: {totalNodes: 6, entries: [{count: 2, category: 'topology-spread', plugin: 'PodTopologySpread'}, {count: 4, ...PREEMPTION_NOT_HELPFUL}]},
    },
  },
  {
    name: 'custom PostFilter add-on after the double period (secretflow/kuscia#236, completed)',
    message: "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling., reject the pod x even after PostFilter.",
    want: {postFilter: ['reject the pod x even after PostFilter'], preemption: {entries: [{count: 2, ...PREEMPTION_NOT_HELPFUL}]}},
  },
  {
    name: 'coscheduling: custom PreFilter text with ", " and a PostFilter add-on (index copy of a scheduler-plugins transcript)',
    message: '0/3 nodes are available: pre-filter pod pause-897896f6b-nkc7p cannot find enough sibling pods, current pods number: 2, minMember of group: 3. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling., PodGroup default/pg1 gets rejected due to Pod pause-897896f6b-nkc7p is unschedulable even after PostFilter',
    want: {
      entries: [], unaccountedNodes: 0,
      prefilter: {count: null, reason: 'pre-filter pod pause-897896f6b-nkc7p cannot find enough sibling pods, current pods number: 2, minMember of group: 3', category: 'other', known: false},
      postFilter: ['PodGroup default/pg1 gets rejected due to Pod pause-897896f6b-nkc7p is unschedulable even after PostFilter'],
      preemption: {totalNodes: 3, entries: [{count: 3, ...PREEMPTION_NOT_HELPFUL}]},
    },
  },
]

const counting: Case[] = [
  {
    name: 'counts add to less than N: one node absent (kubernetes/kubernetes#91340)',
    message: "0/9 nodes are available: 8 node(s) didn't have free ports for the requested pod ports.",
    want: {totalNodes: 9, unaccountedNodes: 1, entries: [{count: 8, category: 'host-port', plugin: 'NodePorts', unresolvable: false}]},
  },
  {
    name: '1.24–1.31 absent nodes with a preemption tail (shape of the 1.27 message without the prefilter entry)',
    message: "0/3 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
    want: {unaccountedNodes: 2, entries: [{count: 1, category: 'host-port'}]},
  },
  {
    name: '≤1.21 umbrella and specific affinity reason for the same node (nacos-group/nacos-k8s#328)',
    message: "0/1 nodes are available: 1 node(s) didn't match pod affinity/anti-affinity, 1 node(s) didn't match pod anti-affinity rules.",
    want: {unaccountedNodes: 0, entries: [{count: 1, category: 'pod-affinity-anti-affinity'}, {count: 1, category: 'pod-affinity-anti-affinity'}]},
  },
  {
    name: 'counts exceeding N on an older scheduler (NVIDIA/k8s-device-plugin#283)',
    message: "0/6 nodes are available: 3 node(s) didn't match node selector, 6 Insufficient nvidia.com/gpu.",
    want: {unaccountedNodes: 0, entries: [{count: 3, category: 'node-affinity-selector'}, {count: 6, resource: 'nvidia.com/gpu'}]},
  },
  {
    name: 'ambiguous: two resources of one plugin may be the same node (kubernetes/kubernetes#33777)',
    message: '0/25 nodes are available: 1 Insufficient pods, 1 PodToleratesNodeTaints, 23 Insufficient cpu.',
    want: {unaccountedNodes: null, entries: [{count: 1, category: 'too-many-pods'}, {count: 1, category: 'taint'}, {count: 23, resource: 'cpu'}]},
  },
  {
    name: 'DRA reason containing ", " (shape of dynamicresources.go)',
    message: "0/2 nodes are available: 1 Insufficient resources: example.com/gpu (requested: 1, used: 2, capacity: 3), 1 node(s) didn't match Pod's node affinity/selector.",
    want: {
      unaccountedNodes: 0,
      entries: [
        {count: 1, reason: 'Insufficient resources: example.com/gpu (requested: 1, used: 2, capacity: 3)', category: 'other', plugin: 'DynamicResources', known: true},
        {count: 1, category: 'node-affinity-selector'},
      ],
    },
  },
  {
    name: 'node-state taints map to node categories (hystax/optscale#568, vsys-host/shkeeper.io#92, mastering-k8s task1.md)',
    message: '0/3 nodes are available: 1 node(s) had untolerated taint {node.cloudprovider.kubernetes.io/uninitialized: true}, 1 node(s) had untolerated taint {node.kubernetes.io/disk-pressure: }, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    want: {
      unaccountedNodes: 0,
      entries: [
        {count: 1, category: 'taint', taint: {key: 'node.cloudprovider.kubernetes.io/uninitialized', value: 'true'}},
        {count: 1, category: 'node-pressure', taint: {key: 'node.kubernetes.io/disk-pressure', value: ''}},
        {count: 1, category: 'node-not-ready', taint: {key: 'node.kubernetes.io/unreachable', value: ''}},
      ],
    },
  },
]

const otherWriters: Case[] = [
  {
    name: 'aggregation prefix is stripped (argoproj/argo-workflows#190 wording)',
    message: '(combined from similar events): 0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    want: {kind: 'fit-error', aggregated: true, totalNodes: 3, entries: [{count: 3, resource: 'cpu'}], preemption: {entries: [{count: 3, ...NO_VICTIMS}]}},
  },
  {
    name: 'bare aggregation has no detail (ministryofjustice/cloud-platform#590)',
    message: '(events with common reason combined)',
    want: {kind: 'aggregated-no-detail', entries: [], totalNodes: null},
  },
  {
    name: 'scheduler sees zero nodes (k3d-io/k3d#34)',
    message: 'no nodes available to schedule pods',
    want: {kind: 'no-nodes', totalNodes: 0, entries: []},
  },
  {
    name: 'PreBind error in the condition (SchedulerError)',
    message: 'running PreBind plugin "VolumeBinding": binding volumes: timed out waiting for the condition',
    want: {kind: 'scheduler-error', schedulerError: {plugin: 'VolumeBinding', extensionPoint: 'PreBind', message: 'binding volumes: timed out waiting for the condition'}},
  },
  {
    name: 'classic DRA Reserve error (kubernetes-sigs/dra-example-driver#34)',
    message: 'running Reserve plugin "DynamicResources": waiting for resource driver to allocate resource',
    want: {kind: 'scheduler-error', schedulerError: {plugin: 'DynamicResources', extensionPoint: 'Reserve', message: 'waiting for resource driver to allocate resource'}},
  },
  {
    name: 'pre-1.19 prebind error (kubesphere/kubesphere#4920, completed)',
    message: 'error while running "VolumeBinding" prebind plugin for pod "x": Failed to bind volumes: timed out waiting for the condition',
    want: {kind: 'scheduler-error', schedulerError: {plugin: 'VolumeBinding', extensionPoint: 'prebind', message: 'Failed to bind volumes: timed out waiting for the condition'}},
  },
  {
    name: 'Karpenter (aws/karpenter-provider-aws#7839)',
    message: 'Failed to schedule pod, incompatible with nodepool "default", daemonset overhead={"cpu":"500m",…}, no instance type satisfied resources {…} and requirements … (no instance type has enough resources)',
    want: {kind: 'unknown', totalNodes: null, entries: [], preemption: null},
  },
  {
    name: 'Volcano keeps kind unknown but exposes its histogram (volcano-sh/volcano#3191, completed)',
    message: '0/2 nodes are unavailable: 1 node(s) resource fit failed, 1 plugin NodeUnschedulable predicates failed node(s) were unschedulable.',
    want: {
      kind: 'unknown', totalNodes: 2, unaccountedNodes: null,
      entries: [
        {count: 1, reason: 'node(s) resource fit failed', category: 'other', known: false},
        {count: 1, reason: 'plugin NodeUnschedulable predicates failed node(s) were unschedulable', category: 'other', known: false},
      ],
    },
  },
  {
    name: 'fargate-scheduler (kubernetes-sigs/aws-efs-csi-driver#589)',
    message: 'Pod not supported on Fargate: fields not supported: HostNetwork, invalid SecurityContext fields: Privileged, port contains HostIP or HostPort',
    want: {kind: 'unknown', entries: []},
  },
  {
    name: 'custom plugin reasons stay verbatim with known=false (hwameistor/hwameistor#1742, completed)',
    message: '0/3 nodes are available: 1 no enough nodes, 2 not the published node. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    want: {
      kind: 'fit-error', unaccountedNodes: null,
      entries: [
        {count: 1, reason: 'no enough nodes', category: 'other', plugin: null, known: false},
        {count: 2, reason: 'not the published node', category: 'other', plugin: null, known: false},
      ],
    },
  },
]

describe('parseSchedulerMessage', () => {
  describe('version shapes (a.2)', () => {
    it.each(versionShapes)('$name', ({message, want}) => {
      expect(parseSchedulerMessage(message)).toMatchObject({kind: 'fit-error', truncated: false, ...want})
    })
  })

  describe('preemption tails and PostFilter add-ons (a.4)', () => {
    it.each(tails)('$name', ({message, want}) => {
      expect(parseSchedulerMessage(message)).toMatchObject({kind: 'fit-error', ...want})
    })
  })

  describe('counting (a.2 counting rules)', () => {
    it.each(counting)('$name', ({message, want}) => {
      expect(parseSchedulerMessage(message)).toMatchObject({kind: 'fit-error', ...want})
    })
  })

  describe('other writers and non-FitError texts (a.1, a.6)', () => {
    it.each(otherWriters)('$name', ({message, want}) => {
      const parsed = parseSchedulerMessage(message)
      expect(parsed).toMatchObject(want)
      expect(parsed.raw).toBe(message)
    })
  })

  it('the 1.35 redacted taint carries no key', () => {
    const parsed = parseSchedulerMessage('0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 node(s) had untolerated taint(s). preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.')
    expect(parsed.entries.map((entry) => entry.category)).toEqual(['insufficient-resources', 'insufficient-resources', 'taint'])
    expect(parsed.entries[2]?.taint).toBeUndefined()
  })

  it('a non-plugin SchedulerError is recognised only with the condition reason', () => {
    const message = 'Operation cannot be fulfilled on pods/binding "web-0": pod web-0 is already assigned to node "n1"'
    expect(parseSchedulerMessage(message).kind).toBe('unknown')
    expect(parseSchedulerMessage(message, 'SchedulerError')).toMatchObject({kind: 'scheduler-error', schedulerError: {plugin: null, message}})
  })

  it('never throws on empty or unrelated text', () => {
    for (const message of ['', '   ', 'hello', '0/', '0/3 nodes are available:', '0/3 nodes are available: .', 'preemption: ']) {
      const parsed = parseSchedulerMessage(message)
      expect(parsed.raw).toBe(message)
      expect(Array.isArray(parsed.entries)).toBe(true)
    }
    expect(parseSchedulerMessage('0/3 nodes are available: .')).toMatchObject({kind: 'fit-error', entries: [], unaccountedNodes: 3})
  })
})

// truncateMessage in pkg/scheduler/schedule_one.go.
function truncate(message: string): string {
  return message.length <= 1024 ? message : message.slice(0, 1024 - ' ...'.length) + ' ...'
}

function taintHistogram(count: number): string {
  const entries = Array.from({length: count}, (_, index) => `1 node(s) had untolerated taint {pool.example.com/team-${String(index).padStart(2, '0')}: dedicated}`)
  return entries.sort().join(', ')
}

describe('truncation at 1024 characters', () => {
  it('a cut inside the histogram makes unaccountedNodes unknown and marks the last entry', () => {
    const message = truncate(`0/60 nodes are available: ${taintHistogram(40)}. preemption: 0/60 nodes are available: 60 Preemption is not helpful for scheduling.`)
    expect(message).toHaveLength(1024)
    const parsed = parseSchedulerMessage(message)
    expect(parsed).toMatchObject({kind: 'fit-error', truncated: true, totalNodes: 60, preemption: null, unaccountedNodes: null})
    expect(parsed.entries.length).toBeGreaterThan(10)
    expect(parsed.entries[0]).toMatchObject({count: 1, category: 'taint', taint: {key: 'pool.example.com/team-00', value: 'dedicated'}})
    expect(parsed.entries.at(-1)?.partial).toBe(true)
    expect(parsed.entries.slice(0, -1).every((entry) => entry.known && !entry.partial)).toBe(true)
  })

  it('a cut inside the preemption tail keeps the main histogram complete', () => {
    const main = `0/18 nodes are available: ${taintHistogram(13)}.`
    expect(main.length).toBeLessThan(1024)
    const message = truncate(`${main} preemption: 0/18 nodes are available: 5 No preemption victims found for incoming pod, 13 Preemption is not helpful for scheduling.`)
    expect(message).toHaveLength(1024)
    const parsed = parseSchedulerMessage(message)
    expect(parsed.truncated).toBe(true)
    expect(parsed.entries).toHaveLength(13)
    expect(parsed.unaccountedNodes).toBe(5)
    expect(parsed.preemption?.totalNodes).toBe(18)
    expect(parsed.preemption?.entries.at(-1)?.partial).toBe(true)
  })

  it('a cut right after the histogram drops the start of the marker and keeps the counts', () => {
    const parsed = parseSchedulerMessage('0/3 nodes are available: 1 Too many pods, 2 node(s) had untolerated taint {a: b}. preempt ...')
    expect(parsed).toMatchObject({truncated: true, postFilter: [], preemption: null, unaccountedNodes: 0})
    expect(parsed.entries.map((entry) => entry.partial ?? false)).toEqual([false, false])
  })
})

describe('classifyReason (a.3)', () => {
  const table: Array<[string, Record<string, unknown>]> = [
    ['Too many pods', {category: 'too-many-pods', plugin: 'NodeResourcesFit', known: true}],
    ['Insufficient pods', {category: 'too-many-pods', known: true}],
    ['Insufficient cpu', {category: 'insufficient-resources', resource: 'cpu'}],
    ['Insufficient memory', {category: 'insufficient-resources', resource: 'memory'}],
    ['Insufficient ephemeral-storage', {category: 'insufficient-resources', resource: 'ephemeral-storage'}],
    ['Insufficient nvidia.com/gpu', {category: 'insufficient-resources', resource: 'nvidia.com/gpu'}],
    ['Insufficient hugepages-2Mi', {category: 'insufficient-resources', resource: 'hugepages-2Mi'}],
    ['Pod has a restartable init container and the SidecarContainers feature is disabled', {category: 'other', plugin: 'NodeResourcesFit', known: true}],
    ['node(s) had untolerated taint {dedicated: gpu}', {category: 'taint', taint: {key: 'dedicated', value: 'gpu'}, unresolvable: true}],
    ['node(s) had untolerated taint {node.kubernetes.io/unschedulable: }', {category: 'node-unschedulable', taint: {key: 'node.kubernetes.io/unschedulable', value: ''}}],
    ['node(s) had untolerated taint {node.kubernetes.io/not-ready: }', {category: 'node-not-ready'}],
    ['node(s) had untolerated taint {node.kubernetes.io/memory-pressure: }', {category: 'node-pressure'}],
    ['node(s) had untolerated taint {node.kubernetes.io/pid-pressure: }', {category: 'node-pressure'}],
    ["node(s) had taint {dedicated: gpu}, that the pod didn't tolerate", {category: 'taint', taint: {key: 'dedicated', value: 'gpu'}}],
    ["node(s) had taints that the pod didn't tolerate", {category: 'taint', plugin: 'TaintToleration', known: true}],
    ['node(s) had untolerated taint(s)', {category: 'taint', known: true}],
    ["node(s) didn't match Pod's node affinity/selector", {category: 'node-affinity-selector', plugin: 'NodeAffinity', unresolvable: true}],
    ["node(s) didn't match Pod's node affinity", {category: 'node-affinity-selector'}],
    ["node(s) didn't match node selector", {category: 'node-affinity-selector'}],
    ["node(s) didn't match scheduler-enforced node affinity", {category: 'node-affinity-selector'}],
    ['pod affinity terms conflict', {category: 'node-affinity-selector', plugin: 'NodeAffinity'}],
    ["node(s) didn't satisfy plugin(s) [NodeAffinity]", {category: 'node-affinity-selector', plugins: ['NodeAffinity']}],
    ["node(s) didn't satisfy plugin(s) [NodeName]", {category: 'node-name', plugin: 'NodeName'}],
    ["node(s) didn't satisfy plugin NodeAffinity", {category: 'node-affinity-selector', plugin: 'NodeAffinity'}],
    ["node(s) didn't match the requested node name", {category: 'node-name', plugin: 'NodeName'}],
    ["node(s) didn't match the requested hostname", {category: 'node-name'}],
    ["node(s) didn't have free ports for the requested pod ports", {category: 'host-port', plugin: 'NodePorts', unresolvable: false}],
    ['node(s) were unschedulable', {category: 'node-unschedulable', plugin: 'NodeUnschedulable'}],
    ['node(s) had unknown conditions', {category: 'node-not-ready'}],
    ['node(s) were not ready', {category: 'node-not-ready'}],
    ['node(s) had disk pressure', {category: 'node-pressure'}],
    ['node(s) had memory pressure', {category: 'node-pressure'}],
    ["node(s) didn't satisfy existing pods anti-affinity rules", {category: 'pod-affinity-anti-affinity', unresolvable: false}],
    ["node(s) didn't match pod affinity rules", {category: 'pod-affinity-anti-affinity', unresolvable: true}],
    ["node(s) didn't match pod anti-affinity rules", {category: 'pod-affinity-anti-affinity', unresolvable: false}],
    ["node(s) didn't match pod affinity/anti-affinity", {category: 'pod-affinity-anti-affinity', plugin: 'InterPodAffinity'}],
    ["node(s) didn't match pod topology spread constraints", {category: 'topology-spread', unresolvable: false}],
    ["node(s) didn't match pod topology spread constraints (missing required label)", {category: 'topology-spread', unresolvable: true}],
    ["node(s) didn't find available persistent volumes to bind", {category: 'volume-binding', plugin: 'VolumeBinding'}],
    ['node(s) had volume node affinity conflict', {category: 'volume-node-affinity', plugin: 'VolumeBinding'}],
    ['node(s) did not have enough free storage', {category: 'volume-binding'}],
    ['node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)', {category: 'volume-binding'}],
    ['pod has unbound immediate PersistentVolumeClaims', {category: 'pvc-unbound', plugin: 'VolumeBinding'}],
    ['pod has unbound PersistentVolumeClaims', {category: 'pvc-unbound'}],
    ['persistentvolumeclaim "data" not found', {category: 'pvc-unbound', known: true}],
    ['PersistentVolumeClaim is not bound: "data"', {category: 'pvc-unbound'}],
    ['node(s) had no available disk', {category: 'volume-binding', plugin: 'VolumeRestrictions'}],
    ['node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode', {category: 'volume-binding', plugin: 'VolumeRestrictions'}],
    ['node(s) had no available volume zone', {category: 'volume-node-affinity', plugin: 'VolumeZone'}],
    ['PersistentVolumeClaim had no pv name and storageClass name', {category: 'pvc-unbound', plugin: 'VolumeZone'}],
    ['VolumeBindingMode not set for StorageClass "fast"', {category: 'volume-binding', plugin: 'VolumeZone'}],
    ['node(s) exceed max volume count', {category: 'volume-binding', plugin: 'NodeVolumeLimits'}],
    ['cannot allocate all claims', {category: 'other', plugin: 'DynamicResources', known: true}],
    ['resourceclaim not available on the node', {category: 'other', plugin: 'DynamicResources', known: true}],
    ['resourceclaim must be reallocated', {plugin: 'DynamicResources', known: true}],
    ['excluded by device class node filter', {plugin: 'DynamicResources', known: true}],
    ['resourceclaim cannot be allocated for the node (unsuitable)', {plugin: 'DynamicResources', known: true}],
    ['resourceclaim in use', {plugin: 'DynamicResources', known: true}],
    ['request gpu: device class gpu.example.com does not exist', {plugin: 'DynamicResources', known: true}],
    ['resource claim default/gpu is in the process of being allocated', {plugin: 'DynamicResources', known: true}],
    ['resourceclaim depends on disabled DRAControlPlaneController feature', {plugin: 'DynamicResources', known: true}],
    ['no new claims to deallocate', {category: 'other', plugin: 'DynamicResources', known: true}],
    ['still not schedulable', {plugin: 'DynamicResources', known: true}],
    ['deallocation of ResourceClaim completed', {plugin: 'DynamicResources', known: true}],
    ['Insufficient resources: example.com/gpu (requested: 1, used: 2, capacity: 3)', {category: 'other', plugin: 'DynamicResources', known: true}],
    ['waiting for scheduling gates: [example.com/gate]', {category: 'scheduling-gate', plugin: 'SchedulingGates'}],
    ['node is filtered out by the prefilter result', {category: 'other', known: true}],
    ['Preemption is not helpful for scheduling', {category: 'preemption', known: true}],
    ['No preemption victims found for incoming pod', {category: 'preemption', known: true}],
    ['CheckServiceAffinity', {category: 'pod-affinity-anti-affinity', known: true}],
    ['PodFitsHostPorts', {category: 'host-port', known: true}],
    ['not the published node', {category: 'other', plugin: null, known: false}],
  ]

  it.each(table)('%s', (reason, want) => {
    expect(classifyReason(reason)).toMatchObject(want)
  })

  it('treats reason text literally, never as a regex (theliv used `node(s)` as a pattern)', () => {
    expect(classifyReason("nodes didn't have free ports for the requested pod ports").known).toBe(false)
    expect(classifyReason("node(s) didn't have free ports for the requested pod ports").known).toBe(true)
    expect(classifyReason('node(s) had untolerated taint {a: b} and more').known).toBe(false)
    expect(classifyReason('nodes had untolerated taint {a: b}').known).toBe(false)
  })
})
