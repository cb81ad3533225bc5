import type {Event, Node, NodeSelectorTerm, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass} from '../../model/k8s.js'
import type {Cause, Evidence} from '../../model/reports/finding.js'
import type {ClusterSnapshot} from '../../model/snapshot.js'
import {cleanMessage, firstSeen, occurrences, reporter, type EventIndex} from '../../model/events.js'
import {eventEvidence} from './evidence.js'
import {short} from '../../model/text.js'
import type {CheckResult} from './types.js'
import {matchesNodeSelectorTerms, type NodeFields} from '../../model/labels.js'
import {requiredNodeAffinity} from '../../scheduling/node-affinity.js'

// The claims of a Pending pod. PVC event texts are the PV controller's
// (pkg/controller/volume/persistentvolume/pv_controller.go) and the external provisioners'.

const DEFAULT_CLASS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class']
const ZONE_LABELS = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone']

/** Why the claims of a Pending pod keep it Pending. */
export function checkVolumes(pod: Pod, snapshot: ClusterSnapshot, events: EventIndex): CheckResult {
  if (pod.status?.phase && pod.status.phase !== 'Pending') return {causes: [], waiting: false}
  const ns = pod.metadata.namespace ?? 'default'
  const causes: Cause[] = []
  const bound: {claim: string; pv: PersistentVolume}[] = []
  let waits = 0
  for (const name of claimNames(pod)) {
    const pvc = snapshot.pvcs.find(c => c.metadata.name === name && (c.metadata.namespace ?? 'default') === ns)
    if (!pvc) {
      if (!hasGap(snapshot, 'persistentvolumeclaim')) causes.push(missingClaim(pod, name, ns))
      continue
    }
    const phase = pvc.status?.phase
    if (phase === 'Bound') {
      const pv = snapshot.pvs.find(v => v.metadata.name === pvc.spec.volumeName)
      if (pv) bound.push({claim: name, pv})
      continue
    }
    const cause = phase === 'Lost'
      ? {category: 'pvc-unbound' as const, summary: `claim ${name} lost its volume ${pvc.spec.volumeName ?? ''}`.trim(), fix: `restore PersistentVolume ${pvc.spec.volumeName} or recreate claim ${name}`, evidence: [claimEvidence(pvc)]}
      : pendingClaimCause(pod, pvc, snapshot, events.for(pvc, 'PersistentVolumeClaim'))
    if (cause.category === 'volume-binding' && !pod.spec.nodeName) waits++
    causes.push(cause)
  }
  causes.push(...nodeAffinityCauses(pod, bound, snapshot.nodes))
  return {causes, waiting: waits > 0 && waits === causes.length}
}

/** Claim names of a pod; a generic ephemeral volume's claim is "<pod>-<volume>". */
export function claimNames(pod: Pod): string[] {
  return (pod.spec.volumes ?? []).flatMap(v => v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : v.ephemeral ? [`${pod.metadata.name}-${v.name}`] : [])
}

function missingClaim(pod: Pod, name: string, ns: string): Cause {
  const ephemeral = (pod.spec.volumes ?? []).some(v => v.ephemeral && `${pod.metadata.name}-${v.name}` === name)
  return {
    category: 'pvc-unbound',
    summary: `PersistentVolumeClaim ${name} used by the pod does not exist in namespace ${ns}`,
    fix: ephemeral ? `check the ephemeral volume controller in kube-controller-manager; it creates claim ${name}` : `create PersistentVolumeClaim ${name} in namespace ${ns}, or correct the claim name in the pod`,
    evidence: [{kind: 'PodSpec', reason: 'persistentVolumeClaim', message: `claimName: ${name}`, source: 'pod.spec'}],
  }
}

function pendingClaimCause(pod: Pod, pvc: PersistentVolumeClaim, snapshot: ClusterSnapshot, pvcEvents: Event[]): Cause {
  const name = pvc.metadata.name ?? ''
  const ns = pvc.metadata.namespace ?? 'default'
  const className = pvc.spec.storageClassName
  const sc = className ? snapshot.storageClasses.find(s => s.metadata.name === className) : undefined
  const failure = pvcEvents.find(e => e.reason === 'ProvisioningFailed' || e.reason === 'FailedBinding' || e.reason === 'VolumeMismatch')
  const external = pvcEvents.find(e => e.reason === 'ExternalProvisioning')
  const evidence = [claimEvidence(pvc), ...[failure ?? external].filter(e => e !== undefined).map(eventEvidence)]
  const classesKnown = !hasGap(snapshot, 'storageclass')
  if (className == null && classesKnown && !snapshot.storageClasses.some(isDefaultClass)) {
    return {category: 'pvc-unbound', summary: `claim ${name} sets no storageClassName and the cluster has no default StorageClass, so nothing provisions it`, fix: `set storageClassName on claim ${name} (recreate it), or mark a StorageClass default with annotation storageclass.kubernetes.io/is-default-class=true`, evidence}
  }
  if (className && !sc && classesKnown) {
    return {category: 'pvc-unbound', summary: `StorageClass ${className} named by claim ${name} does not exist`, fix: `create StorageClass ${className}, or recreate claim ${name} with an existing class (storageClassName cannot be changed)`, evidence}
  }
  if (failure) return failureCause(failure, name, ns, className, sc, evidence)
  if (external) {
    const message = cleanMessage(external)
    // <=1.27: `external provisioner "x"`; 1.28+ (kubernetes/kubernetes#118262): `the external provisioner 'x'`.
    const provisioner = /external provisioner ["']([^"']+)["']/.exec(message)?.[1] ?? sc?.provisioner ?? 'the provisioner'
    const since = firstSeen(external)
    return {
      category: 'pvc-unbound',
      summary: `claim ${name} waits for external provisioner ${provisioner} to create its volume${since ? ` (since ${since}, ${occurrences(external)} times)` : ''}`,
      fix: `check that provisioner ${provisioner} (its CSI controller pods) is running and registered, and read its logs`,
      evidence,
    }
  }
  if (sc?.volumeBindingMode === 'WaitForFirstConsumer') {
    if (pod.spec.nodeName) {
      return {category: 'volume-binding', summary: `the pod sets spec.nodeName, which bypasses the scheduler, so WaitForFirstConsumer claim ${name} is never bound`, fix: `replace spec.nodeName with a nodeSelector on kubernetes.io/hostname so the scheduler binds claim ${name}`, evidence}
    }
    return {category: 'volume-binding', summary: `claim ${name} is bound when the pod is scheduled (StorageClass ${className} uses WaitForFirstConsumer); this wait is expected`, fix: `nothing for the claim; if the pod stays Pending, fix what keeps it from being scheduled`, evidence}
  }
  const provisioner = sc?.provisioner ?? pvc.metadata.annotations?.['volume.kubernetes.io/storage-provisioner']
  return {
    category: 'pvc-unbound',
    summary: `claim ${name} is Pending with no events from the volume controller or a provisioner${provisioner ? ` (provisioner ${provisioner})` : ''} since ${pvc.metadata.creationTimestamp ?? 'its creation'}`,
    fix: provisioner ? `check that provisioner ${provisioner} is running and watches claims of StorageClass ${className}` : `check kube-controller-manager's PersistentVolume controller and create a PersistentVolume matching claim ${name}`,
    evidence,
  }
}

function failureCause(event: Event, name: string, ns: string, className: string | null | undefined, sc: StorageClass | undefined, evidence: Evidence[]): Cause {
  const message = cleanMessage(event)
  if (event.reason === 'ProvisioningFailed') {
    const provisioner = sc?.provisioner ?? reporter(event)
    return {category: 'pvc-unbound', summary: `provisioner ${provisioner} fails to create the volume of claim ${name}: ${short(message.replace(/^failed to provision volume with StorageClass "[^"]*":\s*/, ''))}`, fix: `fix the provisioning error of ${provisioner} (its permissions, cloud quota or parameters of StorageClass ${className}), then the claim binds on its next retry`, evidence}
  }
  if (/no storage class is set/.test(message)) {
    return {category: 'pvc-unbound', summary: `no PersistentVolume is available for claim ${name} and it has no storage class to provision one`, fix: `create a PersistentVolume that matches claim ${name} in namespace ${ns} (size, access modes), or recreate the claim with a storageClassName`, evidence}
  }
  return {category: 'pvc-unbound', summary: `claim ${name} cannot bind: ${short(message)}`, fix: `correct the volume claim ${name} asks for, or free that PersistentVolume`, evidence}
}

function nodeAffinityCauses(pod: Pod, bound: {claim: string; pv: PersistentVolume}[], nodes: Node[]): Cause[] {
  // Only volumes tied to nodes can say anything here (most pods have none).
  if (nodes.length === 0 || !bound.some(b => b.pv.spec.nodeAffinity?.required?.nodeSelectorTerms)) return []
  const accepts = requiredNodeAffinity(pod)
  const podNodes = accepts ? nodes.filter(n => accepts(nodeFields(n))) : nodes
  const causes: Cause[] = []
  const usable: Set<string>[] = []
  for (const {claim, pv} of bound) {
    const terms = pv.spec.nodeAffinity?.required?.nodeSelectorTerms
    if (!terms) continue
    const pvNodes = nodes.filter(n => matchesTerms(n, terms))
    usable.push(new Set(pvNodes.map(n => n.metadata.name ?? '')))
    const where = describeTerms(terms)
    const evidence: Evidence[] = [{kind: 'PersistentVolume', reason: 'nodeAffinity', message: `${pv.metadata.name}: ${where}`, source: 'computed'}]
    if (pvNodes.length === 0) {
      causes.push({category: 'volume-node-affinity', summary: `volume ${pv.metadata.name} of claim ${claim} can only be used on nodes with ${where}, and no node has that (nodes are in ${listZones(nodes)})`, fix: `add a node with ${where} (e.g. scale a node group there), or restore the data into a volume where nodes exist`, evidence})
    } else if (!pvNodes.some(n => podNodes.includes(n))) {
      causes.push({category: 'volume-node-affinity', summary: `volume ${pv.metadata.name} of claim ${claim} needs nodes with ${where}, but the pod's nodeSelector/affinity allows only nodes in ${listZones(podNodes)}`, fix: `let the pod run on nodes with ${where} (relax its nodeSelector/affinity), or move the data to a volume there`, evidence})
    } else if (pvNodes.every(n => n.spec?.unschedulable || n.status?.conditions?.find(c => c.type === 'Ready')?.status !== 'True')) {
      causes.push({category: 'volume-node-affinity', summary: `volume ${pv.metadata.name} of claim ${claim} pins the pod to ${pvNodes.map(n => n.metadata.name).join(', ')}, all cordoned or not Ready`, fix: `bring a node with ${where} back (uncordon or repair it), or add one`, evidence})
    }
  }
  if (causes.length === 0 && usable.length > 1) {
    const common = podNodes.filter(n => usable.every(s => s.has(n.metadata.name ?? '')))
    if (common.length === 0) {
      causes.push({category: 'volume-node-affinity', summary: `claims ${bound.map(b => b.claim).join(', ')} are bound to volumes no single node can reach (${bound.map(b => `${b.pv.metadata.name}: ${describeTerms(b.pv.spec.nodeAffinity?.required?.nodeSelectorTerms ?? [])}`).join('; ')})`, fix: `recreate the claims in one zone (a StorageClass with WaitForFirstConsumer provisions them together)`, evidence: []})
    }
  }
  return causes
}

function matchesTerms(node: Node, terms: NodeSelectorTerm[]): boolean {
  return matchesNodeSelectorTerms(terms, nodeFields(node))
}

function nodeFields(node: Node): NodeFields {
  return {name: node.metadata.name ?? '', labels: node.metadata.labels ?? {}}
}

function describeTerms(terms: NodeSelectorTerm[]): string {
  return terms.map(t => (t.matchExpressions ?? []).map(r => r.key.endsWith('/zone') && r.operator === 'In'
    ? `zone ${(r.values ?? []).join(' or ')}` : `${r.key} ${r.operator} [${(r.values ?? []).join(', ')}]`).join(' and ')).join(', or ')
}

function listZones(nodes: Node[]): string {
  const zones = [...new Set(nodes.map(n => ZONE_LABELS.map(l => n.metadata.labels?.[l]).find(Boolean)).filter(Boolean))].sort()
  return zones.length > 0 ? `zones ${zones.join(', ')}` : `${nodes.length} node(s) without zone labels`
}

function isDefaultClass(sc: StorageClass): boolean {
  return DEFAULT_CLASS.some(a => sc.metadata.annotations?.[a] === 'true')
}

function hasGap(snapshot: ClusterSnapshot, resource: string): boolean {
  return snapshot.gaps.some(g => g.toLowerCase().includes(resource))
}

function claimEvidence(pvc: PersistentVolumeClaim): Evidence {
  const className = pvc.spec.storageClassName
  return {kind: 'PersistentVolumeClaim', reason: pvc.status?.phase ?? 'Pending', message: `${pvc.metadata.name}: storageClassName ${className === '' ? '""' : className ?? 'unset'}`, source: 'computed'}
}


