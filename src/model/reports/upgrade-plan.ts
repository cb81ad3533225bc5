// The upgrade plan: a contract (kind UpgradePlan, apiVersion kubectl-prod/v1, DESIGN.md 3.4).
// Fields are added, never renamed or removed.
import type {ObjectRef} from './finding.js'

export type Severity = 'blocker' | 'warning' | 'info'
export const SEVERITIES: readonly Severity[] = ['blocker', 'warning', 'info']

/** What a finding is about. The API checks come from the removal table; the others from the cluster's state. */
export type UpgradeCheck =
  // An API the path removes (blocker), whose fix may have to wait until a hop serves the replacement.
  | 'removed-api'
  // Deprecated, and still served at the target (warning).
  | 'deprecated-api-in-use'
  // Alpha, or beta that is off by default: served only with --runtime-config (info).
  | 'api-off-by-default'
  // A CRD version: stored but not served, stored and deprecated, or deprecated by the CRD itself.
  | 'stored-version' | 'crd-deprecated-version'
  // Kubelet behind or ahead of the control plane beyond the skew policy; versions the target drops.
  | 'version-skew' | 'unsupported-version'
  // Drain blockers, across pods.
  | 'pdb-blocks-drain' | 'pdb-never-allows' | 'pdb-selects-nothing' | 'pdb-overlap'
  | 'unmanaged-pod' | 'local-storage' | 'zonal-volume' | 'single-replica'
  // A pool that cannot lose a node (or its batch) and place that node's pods elsewhere.
  | 'pool-capacity'
  // Removals other than APIs that objects reveal (deprecations/other.yaml): gitRepo volumes, PSP, ...
  | 'removed-feature'

/** Which reading produced the finding. */
export type Signal =
  | 'manifest' // a file given with -f
  | 'last-applied' // kubectl.kubernetes.io/last-applied-configuration
  | 'managed-fields' // a metadata.managedFields entry (server-side apply, controllers, Argo CD, ...)
  | 'helm-manifest' // the manifest of a Helm release's newest deployed revision
  | 'request-metric' // apiserver_requested_deprecated_apis
  | 'stored-version' // a CRD's status.storedVersions
  | 'crd-version' // a CRD's spec.versions[]
  | 'node-status' // a node's status.nodeInfo
  | 'object' // the object's own spec and status (PDBs, pods, volumes)

export interface FindingSource {
  type: 'file' | 'live' | 'helm' | 'crd' | 'metric' | 'cluster'
  signal?: Signal
  /** file: the path as given ("<stdin>" for standard input), and the 1-based line of the document. */
  path?: string
  line?: number
  /** managed-fields: the field manager; last-applied: the manager that wrote the annotation, when known. */
  manager?: string
  /** When the signal was written (managedFields time), RFC 3339. */
  time?: string
  /** helm: the release and the revision read. */
  release?: {namespace: string; name: string; revision: number; storage: 'Secret' | 'ConfigMap'}
  /** Said when the signal may be out of date (e.g. a last-applied annotation older than the newest write). */
  stale?: string
}

export interface UpgradeFinding {
  check: UpgradeCheck
  severity: Severity
  object: ObjectRef
  /** The first signal that found it (DESIGN 3.4); every signal is in `sources`. */
  source: FindingSource
  sources: FindingSource[]
  /** The hop (control-plane minor) at which this breaks or must be dealt with, when it is tied to one. */
  hop?: string
  /** removed-api rows */
  removedIn?: string
  deprecatedIn?: string
  /** "policy/v1" (group/version), or "policy/v1 PodDisruptionBudget" when the kind changes. */
  replacement?: string
  /** The first release serving the replacement, when this cluster does not serve it yet: the fix waits for that hop. */
  fixFrom?: string
  notes?: string[]
  /** One line. */
  message: string
  /** One line: what to change. */
  fix?: string
  /** The pool, nodes and pods concerned (skew, drain, capacity). */
  pool?: string
  /** version-skew: the oldest kubelet version ("1.33") the pool may run at that hop. */
  upgradeTo?: string
  nodes?: string[]
  pods?: ObjectRef[]
}

export interface PlanStep {
  order: number
  /** One line, imperative: "Move 3 objects off policy/v1beta1 PodDisruptionBudget". */
  action: string
  /** Before which control-plane hop this step must be done; absent for steps of the whole path. */
  before?: string
  /** Indexes into findings. */
  findings: number[]
}

export interface UpgradePlan {
  apiVersion: 'kubectl-prod/v1'
  kind: 'UpgradePlan'
  /** "1.33"; null offline without --current. */
  current: string | null
  target: string
  hops: string[]
  /** The removal table used. */
  table: {coversThrough: string; prerelease: string | null; userRows: number}
  /** What was read. */
  scanned: {files: number; objects: number; helmReleases: number; crds: number; nodes: number; pods: number; live: boolean}
  findings: UpgradeFinding[]
  steps: PlanStep[]
  /** Documents not read (un-rendered Helm templates, parse errors), by name. */
  skipped: {path: string; line: number; reason: string}[]
  /** What could not be read (forbidden, absent): the plan may be missing findings from there. */
  gaps: string[]
  /** Lines said once, e.g. a target newer than the table. */
  warnings: string[]
  summary: {blocker: number; warning: number; info: number; byCheck: Record<string, number>}
}
