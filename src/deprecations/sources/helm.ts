// What Helm releases would write on their next upgrade or rollback: the objects of the manifest
// of each release's newest deployed revision (the snapshot keeps only that one), with the
// apiVersions the chart rendered. Pure.
import {load} from 'js-yaml'
import {HELM_TEMPLATE, type Manifest, type SkippedDocument} from '../../sources/manifests.js'
import type {ApiUse, HelmRelease} from '../../model/upgrade.js'
import {readHeads} from './manifest-files.js'

/**
 * Built-in kinds that are cluster-scoped ("group/Kind", core without a group), so that a manifest
 * object of these kinds does not get the release's namespace (and is matched with the same object
 * seen live). Other kinds, custom resources included, default to the release's namespace.
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition', 'apiregistration.k8s.io/APIService',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy', 'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
  'storage.k8s.io/StorageClass', 'storage.k8s.io/CSIDriver', 'storage.k8s.io/CSINode', 'storage.k8s.io/VolumeAttachment',
  'storage.k8s.io/VolumeAttributesClass', 'scheduling.k8s.io/PriorityClass', 'node.k8s.io/RuntimeClass',
  'networking.k8s.io/IngressClass', 'networking.k8s.io/IPAddress', 'networking.k8s.io/ServiceCIDR',
  'policy/PodSecurityPolicy', 'extensions/PodSecurityPolicy',
  'flowcontrol.apiserver.k8s.io/FlowSchema', 'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'certificates.k8s.io/CertificateSigningRequest', 'certificates.k8s.io/ClusterTrustBundle',
  'resource.k8s.io/DeviceClass', 'resource.k8s.io/ResourceSlice', 'resource.k8s.io/DeviceTaintRule',
  'storagemigration.k8s.io/StorageVersionMigration',
])

const groupOf = (apiVersion: string) => apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : ''
const isBuiltinClusterScoped = (group: string, kind: string) => CLUSTER_SCOPED_KINDS.has(group ? `${group}/${kind}` : kind)

export interface HelmUsesOptions {
  /** Cluster-scoped kinds get no namespace (default: the built-in ones, CLUSTER_SCOPED_KINDS). */
  isClusterScoped?: (group: string, kind: string) => boolean
  /** Documents of a manifest that could not be read are added here (path: "helm release NS/NAME revision N"). */
  skipped?: SkippedDocument[]
}

/** A YAML document marker: `---` at the start of a line, then a space or the end of the line. */
const DOCUMENT_START = /^---(?=[ \t]|\r?$)/m

/**
 * One ApiUse per object of each release's manifest (signal helm-manifest). An object without a
 * namespace is in the release's namespace, unless its kind is cluster-scoped.
 *
 * The manifest is rendered: a `{{` in it is data (a Prometheus rule, a dashboard), not an
 * unrendered template, so a document the manifest reader sets aside as a template is read as
 * plain YAML here. A document that is not YAML goes to `skipped`; nothing of its text is
 * repeated (a chart's Secrets are in the manifest).
 */
export function helmUses(releases: HelmRelease[], opts: HelmUsesOptions = {}): ApiUse[] {
  const isClusterScoped = opts.isClusterScoped ?? isBuiltinClusterScoped
  const out: ApiUse[] = []
  for (const release of releases) {
    const path = `helm release ${release.namespace}/${release.name} revision ${release.revision}`
    const source = {
      type: 'helm' as const, signal: 'helm-manifest' as const,
      release: {namespace: release.namespace, name: release.name, revision: release.revision, storage: release.storage},
    }
    let line = 1
    for (const doc of release.manifest.split(DOCUMENT_START)) {
      for (const object of readDocument(doc, path, line, opts.skipped)) {
        if (typeof object.apiVersion !== 'string' || !object.apiVersion || typeof object.kind !== 'string') continue
        const namespace = object.metadata?.namespace || (isClusterScoped(groupOf(object.apiVersion), object.kind) ? undefined : release.namespace)
        const name = object.metadata?.name
        out.push({
          apiVersion: object.apiVersion, kind: object.kind,
          ...(namespace ? {namespace} : {}), ...(typeof name === 'string' ? {name} : {}),
          source: {...source, release: {...source.release}},
        })
      }
      line += countLines(doc)
    }
  }
  return out
}

function countLines(text: string): number {
  let n = 0
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++
  return n
}

/** The objects of one document of a rendered manifest (Lists unwrapped by the manifest reader). */
function readDocument(doc: string, path: string, startLine: number, skipped: SkippedDocument[] | undefined): Manifest[] {
  const start = doc.search(/\S/)
  if (start < 0) return []
  // The line of the document's first content (the text starts on the line of its `---`).
  const firstLine = startLine + countLines(doc.slice(0, start))
  let parsed: ReturnType<typeof readHeads>
  try {
    // Only apiVersion, kind, name and namespace are read: the line scanner reads most documents.
    parsed = readHeads(doc, path, 'yaml')
  } catch {
    skipped?.push({path, line: firstLine, reason: 'not valid YAML'})
    return []
  }
  const objects = parsed.objects.map(o => o.object)
  if (parsed.skipped.some(s => s.reason === HELM_TEMPLATE)) {
    try {
      const value = load(doc) as Manifest | null
      if (value && typeof value === 'object' && !Array.isArray(value)) objects.push(value)
    } catch {
      skipped?.push({path, line: firstLine, reason: 'not valid YAML'})
    }
  }
  return objects
}
