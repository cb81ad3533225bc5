// The volumes that tie a pod to a node or a zone: a PersistentVolume with spec.local or
// spec.hostPath (the data is on one node's disk), or a node affinity that the PV controller and
// the scheduler's VolumeBinding/VolumeZone plugins enforce (a zonal disk: EBS, PD, Azure Disk).
// The scheduler model (src/scheduling) has no volume filters, so the upgrade checks add a bound
// volume's node affinity to the pod's own before asking where it could go.
import type {Node, NodeSelectorTerm, PersistentVolume, PersistentVolumeClaim, Pod} from '../model/k8s.js'
import {matchesNodeSelectorTerms} from '../model/labels.js'
import type {UpgradeSnapshot} from '../model/upgrade.js'
import {requiredNodeAffinity} from '../scheduling/node-affinity.js'
import {untoleratedTaints} from '../scheduling/taint-toleration.js'

/** Fields of a PersistentVolume spec that src/model/k8s.ts does not type. */
interface NodeLocalSource {
  local?: {path?: string}
  hostPath?: {path?: string}
}

export interface VolumeIndex {
  claims: Map<string, PersistentVolumeClaim>
  pvs: Map<string, PersistentVolume>
}

/** A bound volume of a pod that is tied to nodes. */
export interface PinnedVolume {
  claim: string
  pv: PersistentVolume
  /** node: the data is on one node (local, hostPath, or an affinity to one hostname); zone: an affinity to zones; nodes: any other affinity. */
  scope: 'node' | 'zone' | 'nodes'
  /** The zones the affinity names (scope zone). */
  zones: string[]
  /** The PV's required node selector terms; empty for a hostPath PV without affinity. */
  terms: NodeSelectorTerm[]
}

const HOSTNAME_KEYS = new Set(['kubernetes.io/hostname'])
/** topology.kubernetes.io/zone, failure-domain.beta.kubernetes.io/zone and the CSI drivers' own (topology.ebs.csi.aws.com/zone, topology.gke.io/zone, topology.disk.csi.azure.com/zone). */
const isZoneKey = (key: string) => /(^|[./])zone$/.test(key)

export function indexVolumes(snapshot: Pick<UpgradeSnapshot, 'pvcs' | 'pvs'>): VolumeIndex {
  const claims = new Map<string, PersistentVolumeClaim>()
  for (const c of snapshot.pvcs) claims.set(`${c.metadata.namespace ?? 'default'}/${c.metadata.name ?? ''}`, c)
  const pvs = new Map<string, PersistentVolume>()
  for (const v of snapshot.pvs) pvs.set(v.metadata.name ?? '', v)
  return {claims, pvs}
}

/** Claims a pod mounts: persistentVolumeClaim volumes, and "<pod>-<volume>" for generic ephemeral volumes. */
function mountedClaims(pod: Pod): string[] {
  return (pod.spec.volumes ?? []).flatMap(v => v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : v.ephemeral ? [`${pod.metadata.name}-${v.name}`] : [])
}

/** The pod's bound volumes that tie it to some nodes. */
export function pinnedVolumes(pod: Pod, index: VolumeIndex): PinnedVolume[] {
  const ns = pod.metadata.namespace ?? 'default'
  const out: PinnedVolume[] = []
  for (const claim of mountedClaims(pod)) {
    const pvc = index.claims.get(`${ns}/${claim}`)
    const pv = pvc?.spec.volumeName ? index.pvs.get(pvc.spec.volumeName) : undefined
    if (!pv) continue
    const terms = pv.spec.nodeAffinity?.required?.nodeSelectorTerms ?? []
    const local = pv.spec as NodeLocalSource
    const keys = terms.flatMap(t => (t.matchExpressions ?? []).map(r => r.key))
    const hostPinned = terms.length > 0 && terms.every(t => (t.matchExpressions ?? []).some(r => HOSTNAME_KEYS.has(r.key) && r.operator === 'In') ||
      (t.matchFields ?? []).some(r => r.key === 'metadata.name' && r.operator === 'In'))
    if (local.local || local.hostPath || hostPinned) {
      out.push({claim, pv, scope: 'node', zones: [], terms})
    } else if (keys.some(isZoneKey)) {
      const zones = [...new Set(terms.flatMap(t => (t.matchExpressions ?? []).filter(r => isZoneKey(r.key) && r.operator === 'In').flatMap(r => r.values ?? [])))].sort()
      out.push({claim, pv, scope: 'zone', zones, terms})
    } else if (terms.length) {
      out.push({claim, pv, scope: 'nodes', zones: [], terms})
    }
  }
  return out
}

/**
 * The pod with its volumes' node affinity ANDed into its own required node affinity: terms are
 * ORed, so the result is every pod term combined with every volume term.
 */
export function withVolumeAffinity(pod: Pod, pins: PinnedVolume[]): Pod {
  const withTerms = pins.filter(p => p.terms.length)
  if (!withTerms.length) return pod
  const own = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms
  let terms: NodeSelectorTerm[] | undefined = own
  for (const pin of withTerms) {
    terms = terms === undefined ? pin.terms : terms.flatMap(a => pin.terms.map(b => ({
      matchExpressions: [...(a.matchExpressions ?? []), ...(b.matchExpressions ?? [])],
      matchFields: [...(a.matchFields ?? []), ...(b.matchFields ?? [])],
    })))
  }
  const affinity = pod.spec.affinity ?? {}
  return {
    ...pod,
    spec: {...pod.spec, affinity: {...affinity, nodeAffinity: {...affinity.nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: terms ?? []}}}},
  }
}

/**
 * Why the pod cannot leave its node whatever the room elsewhere: its data is on that node, or no
 * other schedulable node that its selectors and tolerations allow is where its volumes are.
 * Undefined when it can move (room is the capacity check's question).
 */
export function strandedByVolumes(pod: Pod, pins: PinnedVolume[], nodes: Node[]): {pins: PinnedVolume[]; scope: 'node' | 'zone' | 'nodes'} | undefined {
  if (!pins.length) return undefined
  const onNode = pins.filter(p => p.scope === 'node')
  if (onNode.length) return {pins: onNode, scope: 'node'}
  const here = pod.spec.nodeName
  const podAffinity = requiredNodeAffinity(pod)
  const elsewhere = nodes.some(n => {
    const name = n.metadata.name ?? ''
    if (name === here || n.spec?.unschedulable) return false
    const fields = {name, labels: n.metadata.labels ?? {}}
    if (podAffinity && !podAffinity(fields)) return false
    if (untoleratedTaints(n.spec?.taints ?? [], pod.spec.tolerations).length) return false
    return pins.every(p => matchesNodeSelectorTerms(p.terms, fields))
  })
  if (elsewhere) return undefined
  return {pins, scope: pins.some(p => p.scope === 'zone') ? 'zone' : 'nodes'}
}
