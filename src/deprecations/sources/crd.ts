// CRDs read from the cluster itself, instead of a hand-kept list of add-ons: the versions each
// CRD still stores objects at (status.storedVersions) and the versions it deprecates
// (spec.versions[].deprecated and deprecationWarning, which the API server sends to clients as
// a warning). A version can be dropped from a CRD only once no object is stored at it
// (apiextensions-apiserver validation: every storedVersions entry must stay in spec.versions),
// so a stored version the CRD no longer serves, or deprecates, is a migration still to be done.
// Pure.
import type {UpgradeFinding} from '../../model/reports/upgrade-plan.js'
import type {CustomResourceDefinition, UpgradePath} from '../../model/upgrade.js'

const CRD_API_VERSION = 'apiextensions.k8s.io/v1'

/** One line: rewrite the stored objects at the storage version, then drop the old version from status.storedVersions. */
function migrationFix(crd: CustomResourceDefinition, storage: string | undefined): string {
  const name = crd.metadata.name ?? ''
  const plural = crd.spec.names?.plural ? `${crd.spec.names.plural}.${crd.spec.group}` : name
  if (!storage) return `give ${name} a storage version, rewrite every ${plural} object at it, then set status.storedVersions to that version alone`
  return `rewrite every ${plural} object at ${storage} (a StorageVersionMigration, or read and write each one back), then ` +
    `kubectl patch crd ${name} --subresource=status --type=merge -p '{"status":{"storedVersions":["${storage}"]}}'`
}

/**
 * Findings of each CRD: a stored version that is not served (blocker, before the first hop) or
 * that the CRD deprecates (warning), check stored-version; and each served version the CRD
 * deprecates (warning, check crd-deprecated-version), with its deprecation warning as a note.
 */
export function crdFindings(crds: CustomResourceDefinition[], path: UpgradePath): UpgradeFinding[] {
  const out: UpgradeFinding[] = []
  for (const crd of crds) {
    const name = crd.metadata.name ?? ''
    const {group} = crd.spec
    const kind = crd.spec.names?.kind ?? name
    const versions = crd.spec.versions ?? []
    const storage = versions.find(v => v.storage)?.name
    const object = {apiVersion: CRD_API_VERSION, kind: 'CustomResourceDefinition', name}
    const fix = migrationFix(crd, storage)

    for (const stored of crd.status?.storedVersions ?? []) {
      if (stored === storage) continue
      const v = versions.find(x => x.name === stored)
      const source = {type: 'crd' as const, signal: 'stored-version' as const}
      if (!v?.served) {
        out.push({
          check: 'stored-version', severity: 'blocker', object, source, sources: [{...source}],
          message: `${name} still holds objects stored as ${group}/${stored} ${kind}, a version it ${v ? 'no longer serves' : 'no longer has'}; migrate them before upgrading to ${path.target}`,
          fix,
        })
      } else if (v.deprecated) {
        out.push({
          check: 'stored-version', severity: 'warning', object, source, sources: [{...source}],
          message: `${name} still holds objects stored as ${group}/${stored} ${kind}, a version it deprecates`,
          ...(v.deprecationWarning ? {notes: [v.deprecationWarning]} : {}),
          fix,
        })
      }
    }

    for (const v of versions) {
      if (!v.served || !v.deprecated) continue
      const source = {type: 'crd' as const, signal: 'crd-version' as const}
      const others = versions.filter(x => x.served && !x.deprecated && x.name !== v.name).map(x => x.name)
      out.push({
        check: 'crd-deprecated-version', severity: 'warning', object: {...object}, source, sources: [{...source}],
        message: `${group}/${v.name} ${kind} is deprecated by its CRD ${name}${v.deprecationWarning ? `: ${v.deprecationWarning}` : ''}`,
        ...(v.deprecationWarning ? {notes: [v.deprecationWarning]} : {}),
        fix: others.length
          ? `write ${kind} objects and point clients at ${others.map(x => `${group}/${x}`).join(' or ')} instead of ${group}/${v.name}`
          : `the CRD serves no version of ${kind} that is not deprecated: see the add-on's upgrade notes`,
      })
    }
  }
  return out
}
