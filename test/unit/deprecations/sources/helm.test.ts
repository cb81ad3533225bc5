// Helm release manifests (as Helm renders them: `---` and a `# Source:` line before each
// document) read into API sightings.
import {describe, expect, it} from 'vitest'
import {helmUses} from '../../../../src/deprecations/sources/helm.ts'
import type {SkippedDocument} from '../../../../src/sources/manifests.ts'
import type {HelmRelease} from '../../../../src/model/upgrade.ts'

const MANIFEST = `---
# Source: shop/templates/pdb.yaml
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: shop
spec:
  minAvailable: 1
---
# Source: shop/templates/clusterrole.yaml
apiVersion: rbac.authorization.k8s.io/v1beta1
kind: ClusterRole
metadata:
  name: shop-reader
---
# Source: shop/templates/cron.yaml
apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: report
  namespace: jobs
---
# Source: shop/templates/rules.yaml
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: shop-rules
spec:
  groups:
    - name: shop
      rules:
        - alert: Down
          annotations:
            summary: "{{ $labels.instance }} is down"
---
# Source: shop/templates/list.yaml
apiVersion: v1
kind: List
items:
  - apiVersion: networking.k8s.io/v1beta1
    kind: Ingress
    metadata:
      name: shop
`

const release = (o: Partial<HelmRelease> = {}): HelmRelease => ({namespace: 'web', name: 'shop', revision: 7, status: 'deployed', storage: 'Secret', manifest: MANIFEST, ...o})

describe('helmUses', () => {
  it('gives one sighting per object of the manifest, in the release\'s namespace unless set or cluster-scoped', () => {
    const uses = helmUses([release()])
    expect(uses.map(u => [u.apiVersion, u.kind, u.namespace, u.name])).toEqual([
      ['policy/v1beta1', 'PodDisruptionBudget', 'web', 'shop'],
      ['rbac.authorization.k8s.io/v1beta1', 'ClusterRole', undefined, 'shop-reader'],
      ['batch/v1beta1', 'CronJob', 'jobs', 'report'],
      ['monitoring.coreos.com/v1', 'PrometheusRule', 'web', 'shop-rules'],
      ['networking.k8s.io/v1beta1', 'Ingress', 'web', 'shop'],
    ])
    for (const u of uses) {
      expect(u.source).toEqual({type: 'helm', signal: 'helm-manifest', release: {namespace: 'web', name: 'shop', revision: 7, storage: 'Secret'}})
    }
  })

  it('says which release a document that is not YAML came from, without its text, and reads the rest', () => {
    const skipped: SkippedDocument[] = []
    const manifest = '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Secret\ndata:\n  password: [unclosed\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: b\n'
    const uses = helmUses([release({manifest, storage: 'ConfigMap', revision: 2})], {skipped})
    expect(uses.map(u => `${u.kind}/${u.name}`)).toEqual(['ConfigMap/a', 'Deployment/b'])
    expect(skipped).toEqual([{path: 'helm release web/shop revision 2', line: 7, reason: 'not valid YAML'}])
  })

  it('takes a cluster scope rule from the caller', () => {
    const uses = helmUses([release()], {isClusterScoped: (group, kind) => group === 'monitoring.coreos.com' && kind === 'PrometheusRule'})
    expect(uses.find(u => u.kind === 'PrometheusRule')?.namespace).toBeUndefined()
    expect(uses.find(u => u.kind === 'ClusterRole')?.namespace).toBe('web')
  })

  it('gives nothing for an empty manifest', () => {
    expect(helmUses([release({manifest: ''})])).toEqual([])
  })
})
