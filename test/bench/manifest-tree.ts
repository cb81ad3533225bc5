// The manifest tree of `npm run bench -- upgrade-files`: many small files as a repository of
// Kubernetes manifests holds them, nested by team and app, with a mix of removed and current
// APIs (Deployments, Services, Ingresses on extensions/v1beta1, networking.k8s.io/v1beta1 and
// v1, CronJobs on batch/v1beta1 and v1, PDBs on policy/v1beta1 and v1, HPAs, RBAC, a few
// PodSecurityPolicies), multi-document files, JSON files and Lists, kustomization files and a
// few un-rendered Helm templates. The same seed writes the same tree.
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {dump} from 'js-yaml'
import {random} from '../fakes/random.ts'

export interface ManifestTree {
  files: number
  documents: number
  bytes: number
  /** Helm templates written (upgrade-plan reports them as skipped). */
  templates: number
  /** Documents by apiVersion. */
  apiVersions: Record<string, number>
}

type Doc = Record<string, unknown> & {apiVersion: string; kind: string}

/** Writes `files` manifest files under `dir` (created); what was written. */
export function writeManifestTree(dir: string, files: number, seed = 1): ManifestTree {
  const rnd = random(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!
  const chance = (p: number) => rnd() < p
  const tree: ManifestTree = {files: 0, documents: 0, bytes: 0, templates: 0, apiVersions: {}}
  const count = (docs: Doc[]) => { for (const d of docs) { tree.documents++; tree.apiVersions[d.apiVersion] = (tree.apiVersions[d.apiVersion] ?? 0) + 1 } }

  const labels = (app: string, team: string) => ({'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': team, 'app.kubernetes.io/managed-by': 'kustomize'})
  const container = (app: string) => ({
    name: app, image: `registry.example/${app}:${1 + Math.floor(rnd() * 40)}.${Math.floor(rnd() * 10)}.0`,
    ports: [{name: 'http', containerPort: 8080}],
    env: [{name: 'LOG_LEVEL', value: pick(['info', 'debug', 'warn'])}, {name: 'PORT', value: '8080'}, {name: 'POD_NAME', valueFrom: {fieldRef: {fieldPath: 'metadata.name'}}}],
    resources: {requests: {cpu: pick(['50m', '100m', '250m']), memory: pick(['64Mi', '128Mi', '256Mi'])}, limits: {memory: pick(['256Mi', '512Mi'])}},
    readinessProbe: {httpGet: {path: '/healthz', port: 'http'}, periodSeconds: 10},
  })
  const deployment = (app: string, team: string, ns: string): Doc => {
    const apiVersion = chance(0.08) ? 'extensions/v1beta1' : chance(0.05) ? 'apps/v1beta2' : 'apps/v1'
    return {
      apiVersion, kind: 'Deployment', metadata: {name: app, namespace: ns, labels: labels(app, team)},
      spec: {
        replicas: 1 + Math.floor(rnd() * 4), selector: {matchLabels: {'app.kubernetes.io/name': app}},
        template: {metadata: {labels: labels(app, team)}, spec: {serviceAccountName: app, containers: [container(app)]}},
      },
    }
  }
  const service = (app: string, team: string, ns: string): Doc => ({
    apiVersion: 'v1', kind: 'Service', metadata: {name: app, namespace: ns, labels: labels(app, team)},
    spec: {selector: {'app.kubernetes.io/name': app}, ports: [{name: 'http', port: 80, targetPort: 'http'}]},
  })
  const ingress = (app: string, team: string, ns: string): Doc => {
    const apiVersion = pick(['extensions/v1beta1', 'networking.k8s.io/v1beta1', 'networking.k8s.io/v1', 'networking.k8s.io/v1'])
    const host = `${app}.${team}.example.com`
    const rule = apiVersion === 'networking.k8s.io/v1'
      ? {host, http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: app, port: {number: 80}}}}]}}
      : {host, http: {paths: [{path: '/', backend: {serviceName: app, servicePort: 80}}]}}
    return {
      apiVersion, kind: 'Ingress',
      metadata: {name: app, namespace: ns, labels: labels(app, team), annotations: {'cert-manager.io/cluster-issuer': 'letsencrypt'}},
      spec: {...(apiVersion === 'networking.k8s.io/v1' ? {ingressClassName: 'nginx'} : {}), tls: [{hosts: [host], secretName: `${app}-tls`}], rules: [rule]},
    }
  }
  const cronjob = (app: string, team: string, ns: string): Doc => ({
    apiVersion: chance(0.4) ? 'batch/v1beta1' : 'batch/v1', kind: 'CronJob', metadata: {name: `${app}-report`, namespace: ns, labels: labels(app, team)},
    spec: {
      schedule: `${Math.floor(rnd() * 60)} ${Math.floor(rnd() * 24)} * * *`, concurrencyPolicy: 'Forbid',
      jobTemplate: {spec: {template: {spec: {restartPolicy: 'OnFailure', containers: [{...container(app), args: ['report']}]}}}},
    },
  })
  const pdb = (app: string, team: string, ns: string): Doc => ({
    apiVersion: chance(0.4) ? 'policy/v1beta1' : 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: app, namespace: ns, labels: labels(app, team)},
    spec: {...(chance(0.5) ? {minAvailable: 1} : {maxUnavailable: '25%'}), selector: {matchLabels: {'app.kubernetes.io/name': app}}},
  })
  const hpa = (app: string, team: string, ns: string): Doc => {
    const apiVersion = pick(['autoscaling/v2beta1', 'autoscaling/v2beta2', 'autoscaling/v2', 'autoscaling/v2', 'autoscaling/v1'])
    const metrics = apiVersion === 'autoscaling/v2beta1'
      ? {metrics: [{type: 'Resource', resource: {name: 'cpu', targetAverageUtilization: 75}}]}
      : apiVersion === 'autoscaling/v1' ? {targetCPUUtilizationPercentage: 75}
      : {metrics: [{type: 'Resource', resource: {name: 'cpu', target: {type: 'Utilization', averageUtilization: 75}}}]}
    return {
      apiVersion, kind: 'HorizontalPodAutoscaler', metadata: {name: app, namespace: ns, labels: labels(app, team)},
      spec: {scaleTargetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: app}, minReplicas: 2, maxReplicas: 10, ...metrics},
    }
  }
  const configmap = (app: string, team: string, ns: string): Doc => ({
    apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: `${app}-config`, namespace: ns, labels: labels(app, team)},
    data: {'config.yaml': `server:\n  port: 8080\nfeatures:\n  ${app}: true\n`},
  })
  const rbac = (app: string, team: string, ns: string): Doc[] => {
    const apiVersion = chance(0.3) ? 'rbac.authorization.k8s.io/v1beta1' : 'rbac.authorization.k8s.io/v1'
    return [
      {apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: app, namespace: ns, labels: labels(app, team)}},
      {apiVersion, kind: 'Role', metadata: {name: app, namespace: ns}, rules: [{apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: ['get', 'list', 'watch']}]},
      {apiVersion, kind: 'RoleBinding', metadata: {name: app, namespace: ns}, roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: app}, subjects: [{kind: 'ServiceAccount', name: app, namespace: ns}]},
    ]
  }
  const psp = (app: string): Doc => ({
    apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: {name: `${app}-restricted`},
    spec: {privileged: false, runAsUser: {rule: 'MustRunAsNonRoot'}, seLinux: {rule: 'RunAsAny'}, fsGroup: {rule: 'RunAsAny'}, supplementalGroups: {rule: 'RunAsAny'}, volumes: ['configMap', 'secret', 'emptyDir']},
  })
  // A file's text, and the documents it holds (counted when it is written).
  const yaml = (docs: Doc[]): [string, Doc[]] => {
    const head = chance(0.3) ? `# Managed by the ${docs[0]!.kind} owners; do not edit by hand.\n` : ''
    return [head + docs.map(d => dump(d, {lineWidth: -1})).join('---\n'), docs]
  }
  const json = (doc: Doc | Doc[]): [string, Doc[]] => Array.isArray(doc)
    ? [JSON.stringify({apiVersion: 'v1', kind: 'List', items: doc}, null, 2) + '\n', doc]
    : [JSON.stringify(doc, null, 2) + '\n', [doc]]
  const template = (app: string) => {
    return [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: {{ include "chart.fullname" . }}', '  labels:',
      '    {{- include "chart.labels" . | nindent 4 }}', 'spec:', '  replicas: {{ .Values.replicaCount }}', '  selector:', '    matchLabels:',
      '      {{- include "chart.selectorLabels" . | nindent 6 }}', '  template:', '    spec:', '      containers:',
      `        - name: ${app}`, '          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"', '',
    ].join('\n')
  }

  const teams = Math.max(1, Math.round(Math.sqrt(files / 10)))
  let app = 0
  while (tree.files < files) {
    const team = `team-${(app % teams).toString().padStart(3, '0')}`
    const name = `app-${app.toString().padStart(5, '0')}`
    const ns = `${team}-${pick(['prod', 'staging', 'dev'])}`
    // Each app holds about ten files, in one of the layouts repositories use.
    const layout = pick(['flat', 'kustomize', 'env'])
    const base = layout === 'flat' ? join(dir, team, name) : join(dir, team, name, layout === 'kustomize' ? 'base' : 'deploy')
    mkdirSync(base, {recursive: true})
    const out: [string, [string, Doc[]] | undefined][] = []
    const mix = rnd()
    if (mix < 0.15) {
      out.push(['all.yaml', yaml([deployment(name, team, ns), service(name, team, ns), ingress(name, team, ns), hpa(name, team, ns), configmap(name, team, ns)])])
    } else {
      out.push([chance(0.12) ? 'deployment.json' : 'deployment.yaml', undefined])
      out.push(['service.yaml', yaml([service(name, team, ns)])])
      if (chance(0.8)) out.push([chance(0.1) ? 'ingress.json' : 'ingress.yml', undefined])
      if (chance(0.5)) out.push(['hpa.yaml', yaml([hpa(name, team, ns)])])
    }
    out.push(['configmap.yaml', yaml([configmap(name, team, ns)])])
    if (chance(0.55)) out.push(['cronjob.yaml', yaml([cronjob(name, team, ns)])])
    if (chance(0.55)) out.push(['pdb.yaml', yaml([pdb(name, team, ns)])])
    if (chance(0.6)) out.push(['rbac.yaml', yaml(rbac(name, team, ns))])
    if (chance(0.06)) out.push(['list.json', json([deployment(name, team, ns), service(name, team, ns)])])
    if (chance(0.03)) out.push(['psp.yaml', yaml([psp(name)])])
    if (layout === 'kustomize') out.push(['kustomization.yaml', yaml([{apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: []}])])
    const write = (path: string, [text, docs]: [string, Doc[]]) => {
      writeFileSync(path, text)
      tree.files++
      tree.bytes += Buffer.byteLength(text)
      count(docs)
    }
    for (const [file, content] of out) {
      if (tree.files >= files) break
      // Made here so the JSON/YAML choice above decides the format.
      const doc = () => file.startsWith('deployment') ? deployment(name, team, ns) : ingress(name, team, ns)
      write(join(base, file), content ?? (file.endsWith('.json') ? json(doc()) : yaml([doc()])))
    }
    if (layout === 'env' && tree.files < files) {
      // An overlay per environment, in its own directory.
      const overlay = join(dir, team, name, 'overlays', pick(['prod', 'staging']))
      mkdirSync(overlay, {recursive: true})
      write(join(overlay, 'deployment-patch.yaml'), yaml([deployment(name, team, ns)]))
    }
    if (app % 200 === 199 && tree.files < files) {
      // Now and then a chart's un-rendered template sits among the manifests.
      const chart = join(dir, team, name, 'chart', 'templates')
      mkdirSync(chart, {recursive: true})
      write(join(chart, 'deployment.yaml'), [template(name), []])
      tree.templates++
    }
    app++
  }
  return tree
}
