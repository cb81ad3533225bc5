import {describe, expect, it} from 'vitest'
import {checkWorkload, classifyCreateError, notCreatedWorkloads} from '../../../../src/diagnose/checks/owners.ts'
import type {ResourceQuota, Workload} from '../../../../src/model/k8s.ts'
import {event, index, snapshot} from '../../../fakes/builders.ts'

const ref = (kind: string, name: string, uid: string) => ({apiVersion: 'apps/v1', kind, name, uid, controller: true})
const deployment: Workload = {kind: 'Deployment', metadata: {name: 'api', namespace: 'web', uid: 'uid-d'}, spec: {replicas: 3}, status: {replicas: 0}}
const rs = (o: Partial<Workload['status']> = {}): Workload => ({kind: 'ReplicaSet', metadata: {name: 'api-7d9f', namespace: 'web', uid: 'uid-rs', ownerReferences: [ref('Deployment', 'api', 'uid-d')]}, spec: {replicas: 3}, status: {replicas: 0, ...o}})
const failedCreate = (w: Workload, message: string, reporter = 'replicaset-controller') =>
  event({kind: w.kind!, name: w.metadata.name!, uid: w.metadata.uid}, 'FailedCreate', message, {reporter})
const evidence = {kind: 'Event', reason: 'FailedCreate'}

describe('classifyCreateError', () => {
  it('names the quota and its numbers', () => {
    const cause = classifyCreateError('Error creating: pods "api-7d9f-" is forbidden: exceeded quota: namespace-quota, requested: limits.cpu=1,limits.memory=2Gi, used: limits.cpu=6,limits.memory=12Gi, limited: limits.cpu=6,limits.memory=12Gi', 'web', [], evidence)
    expect(cause.category).toBe('quota-limitrange')
    expect(cause.summary).toBe('ResourceQuota namespace-quota in namespace web is exhausted (limits.cpu: requested 1, used 6 of 6; limits.memory: requested 2Gi, used 12Gi of 12Gi)')
    expect(cause.fix).toBe("raise limits.cpu, limits.memory in ResourceQuota namespace-quota of namespace web, or lower the pod template's requests/limits or the replica count")
  })

  it('takes used/hard from the quota object when the event text is cut', () => {
    const quota: ResourceQuota = {kind: 'ResourceQuota', metadata: {name: 'namespace-quota', namespace: 'web'}, status: {hard: {'limits.cpu': '6', 'limits.memory': '12Gi'}, used: {'limits.cpu': '6', 'limits.memory': '10Gi'}}}
    const cause = classifyCreateError('Error creating: pods "api-7d9f-" is forbidden: exceeded quota: namespace-quota, requested: limits.cpu=1,limits.memory=2Gi, used: limits.cpu=6,limi', 'web', [quota], evidence)
    expect(cause.summary).toBe('ResourceQuota namespace-quota in namespace web is exhausted (limits.cpu: used 6/6; limits.memory: used 10Gi/12Gi)')
    expect(cause.evidence[1]).toMatchObject({kind: 'ResourceQuota', reason: 'namespace-quota', message: 'limits.cpu=6/6,limits.memory=10Gi/12Gi'})
  })

  it('explains "must specify"', () => {
    const cause = classifyCreateError('Error creating: pods "api-7d9f-" is forbidden: failed quota: compute-resources: must specify limits.cpu,limits.memory,requests.cpu,requests.memory', 'web', [], evidence)
    expect(cause.summary).toBe('ResourceQuota compute-resources requires every pod to set limits.cpu,limits.memory,requests.cpu,requests.memory, and the pod template does not')
  })

  it('explains a LimitRange maximum', () => {
    const cause = classifyCreateError('Error creating: pods "x-" is forbidden: maximum cpu usage per Container is 16, but request is 17.', 'web', [], evidence)
    expect(cause.category).toBe('quota-limitrange')
    expect(cause.summary).toBe('LimitRange in namespace web allows a cpu request per Container of at most 16, but the pod asks for 17')
  })

  it('explains a LimitRange minimum with no request', () => {
    const cause = classifyCreateError('Error creating: pods "x-" is forbidden: minimum memory usage per Container is 64Mi.  No request is specified.', 'web', [], evidence)
    expect(cause.summary).toBe('LimitRange in namespace web requires a request for memory per Container (minimum 64Mi), and the pod template sets none')
  })

  it('names the PodSecurity level and the failed checks', () => {
    const cause = classifyCreateError('Error creating: pods "runtime-5c6d" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "runtime" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "runtime" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "runtime" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "runtime" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")', 'web', [], evidence)
    expect(cause.category).toBe('admission-denied')
    expect(cause.summary).toBe('Pod Security level restricted:latest of namespace web rejects the pod template: allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile')
  })

  it('names a denying webhook', () => {
    const cause = classifyCreateError('Error creating: admission webhook "validation.gatekeeper.sh" denied the request: [denied by k8srequiredlabels] you must provide labels: {"owner"}', 'web', [], evidence)
    expect(cause).toMatchObject({category: 'admission-denied', summary: 'admission webhook validation.gatekeeper.sh denied the pod: [denied by k8srequiredlabels] you must provide labels: {"owner"}'})
  })

  it('names an unreachable webhook', () => {
    const cause = classifyCreateError('Error creating: Internal error occurred: failed calling webhook "mpod.kb.io": failed to call webhook: Post "https://webhook-service.system.svc:443/mutate-pod?timeout=10s": dial tcp 10.96.0.12:443: connect: connection refused', 'web', [], evidence)
    expect(cause.summary).toMatch(/^admission webhook mpod\.kb\.io could not be called/)
    expect(cause.fix).toBe('restore the service behind webhook mpod.kb.io, or set its failurePolicy to Ignore if it is not critical')
  })
})

describe('notCreatedWorkloads', () => {
  it('lists a ReplicaSet short of pods with a FailedCreate, owned by its Deployment', () => {
    const r = rs()
    const e = failedCreate(r, 'Error creating: pods "api-7d9f-" is forbidden: exceeded quota: namespace-quota, requested: pods=1, used: pods=10, limited: pods=10')
    const items = notCreatedWorkloads(snapshot({workloads: [deployment, r]}), index(e))
    expect(items).toHaveLength(1)
    expect(items[0]).toMatchObject({object: {kind: 'ReplicaSet', namespace: 'web', name: 'api-7d9f'}, owner: {kind: 'Deployment', name: 'api'}, status: 'NotCreated', waiting: false})
    expect(items[0]?.causes[0]?.summary).toContain('pods: requested 1, used 10 of 10')
  })

  it('unwraps the StatefulSet wording', () => {
    const sts: Workload = {kind: 'StatefulSet', metadata: {name: 'db', namespace: 'web', uid: 'uid-sts'}, spec: {replicas: 1}, status: {replicas: 0}}
    const e = failedCreate(sts, 'create Pod db-0 in StatefulSet db failed error: pods "db-0" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)', 'statefulset-controller')
    const [item] = notCreatedWorkloads(snapshot({workloads: [sts]}), index(e))
    expect(item?.owner).toEqual({kind: 'StatefulSet', name: 'db'})
    expect(item?.causes[0]?.summary).toBe('Pod Security level baseline:latest of namespace web rejects the pod template: host namespaces')
  })

  it('uses the ReplicaFailure condition when the events expired', () => {
    const r = rs({conditions: [{type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "api-7d9f-" is forbidden: error looking up service account web/api: serviceaccount "api" not found'}]})
    const [cause] = checkWorkload(r, snapshot(), index())
    expect(cause).toMatchObject({category: 'other', summary: 'ServiceAccount api named by the pod template does not exist in namespace web'})
  })

  it('skips workloads that have all their pods despite an old FailedCreate', () => {
    const r = rs({replicas: 3})
    const e = failedCreate(r, 'Error creating: pods "api-7d9f-" is forbidden: exceeded quota: q, requested: pods=1, used: pods=3, limited: pods=3')
    expect(notCreatedWorkloads(snapshot({workloads: [r]}), index(e))).toEqual([])
  })

  it('reports a stalled Deployment once', () => {
    const d: Workload = {...deployment, status: {replicas: 0, conditions: [{type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "api-7d9f" has timed out progressing.'}]}}
    const items = notCreatedWorkloads(snapshot({workloads: [d, rs()]}), index())
    expect(items).toHaveLength(1)
    expect(items[0]?.object).toEqual({kind: 'Deployment', namespace: 'web', name: 'api'})
    expect(items[0]?.causes[0]?.summary).toBe('Deployment api exceeded its progress deadline: ReplicaSet "api-7d9f" has timed out progressing.')
  })
})

// FailedCreate wordings (issue 11 item 6). Each row is the controller's wrapper around the API
// server's error, both read in the source named in its comment. Sources: kubernetes/autoscaler's
// vendored k8s.io/kubernetes (controller_utils.go, statefulset, daemon: branch per release, v1.36.2
// from PR #9978), kubernetes/apiserver and kubernetes/pod-security-admission at their kubernetes-1.x.0
// tags, and kubernetes/kubernetes index copies where no tag could be read (the comment says so).
describe('classifyCreateError: FailedCreate wordings by release', () => {
  const ev = {kind: 'Event', reason: 'FailedCreate', source: 'replicaset-controller'}
  interface Row {
    name: string
    message: string
    want: {category: string; summary?: RegExp; fix?: RegExp}
    quotas?: ResourceQuota[]
  }
  const rows: Row[] = [
    {
      // pkg/controller/controller_utils.go v1.36.2 ("Error creating: %v"); apiserver pkg/admission/plugin/resourcequota/controller.go kubernetes-1.36.0
      name: 'ReplicaSet, exceeded quota, no ResourceQuota in the snapshot',
      message: 'Error creating: pods "api-7d9f-x2k4q" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=3800m, limited: requests.cpu=4',
      want: {category: 'quota-limitrange', summary: /^ResourceQuota compute in namespace web is exhausted \(requests\.cpu: requested 500m, used 3800m of 4\)$/, fix: /raise requests\.cpu in ResourceQuota compute/},
    },
    {
      // apiserver pkg/admission/plugin/resourcequota/controller.go kubernetes-1.20.0 (moved from k8s.io/kubernetes); controller_utils.go v1.20
      name: 'Job, exceeded quota on pods',
      message: 'Error creating: pods "nightly-27854320-" is forbidden: exceeded quota: object-counts, requested: pods=1, used: pods=20, limited: pods=20',
      want: {category: 'quota-limitrange', summary: /pods: requested 1, used 20 of 20/},
    },
    {
      // pkg/quota evaluator core/pods.go, older form (fmt.Errorf("must specify %s", strings.Join(missingSet.List(), ",")), index copies; release not pinned);
      // apiserver resourcequota/controller.go kubernetes-1.20.0 ("failed quota: %s: %v")
      name: 'must specify, older list form',
      message: 'Error creating: pods "api-7d9f-" is forbidden: failed quota: compute: must specify limits.cpu,limits.memory',
      want: {category: 'quota-limitrange', summary: /^ResourceQuota compute requires every pod to set limits\.cpu,limits\.memory, and the pod template does not$/},
    },
    {
      // pkg/quota/v1/evaluator/core/pods.go, newer form ("%s for: %s" joined by "; "; kubernetes/kubernetes index copy 05e7cb29, release not pinned)
      name: 'must specify, per-container form',
      message: 'Error creating: pods "api-7d9f-" is forbidden: failed quota: compute: must specify limits.cpu for: app; limits.memory for: app,sidecar',
      want: {category: 'quota-limitrange', summary: /requires every pod to set limits\.cpu,limits\.memory, and the pod template does not: limits\.cpu \(containers app\), limits\.memory \(containers app,sidecar\)$/},
    },
    {
      // apiserver pkg/admission/plugin/resourcequota/controller.go kubernetes-1.20.0 ("status unknown for quota: %s, resources: %s")
      name: 'quota status not computed yet',
      message: 'Error creating: pods "api-7d9f-" is forbidden: status unknown for quota: compute, resources: limits.cpu,limits.memory',
      want: {category: 'quota-limitrange', summary: /^ResourceQuota compute in namespace web has no usage computed yet for limits\.cpu,limits\.memory/, fix: /resourcequota controller/},
    },
    {
      // apiserver pkg/admission/plugin/resourcequota/controller.go kubernetes-1.20.0 ("insufficient quota to consume: %v", limitedResources)
      name: 'limited resource without a covering quota',
      message: 'Error creating: pods "trainer-5c9d-" is forbidden: insufficient quota to consume: requests.nvidia.com/gpu',
      want: {category: 'quota-limitrange', summary: /only admits requests\.nvidia\.com\/gpu when a ResourceQuota in namespace web covers it/},
    },
    {
      // plugin/pkg/admission/limitranger/admission.go, capitalised "Maximum %s usage per %s is %s, but limit is %s." (kubernetes/kubernetes index copy 0061479, an early release: k8s.io/kubernetes/pkg/runtime and internalclientset, before 1.5; release not pinned)
      name: 'LimitRange maximum, capitalised older wording',
      message: 'Error creating: pods "api-7d9f-" is forbidden: Maximum cpu usage per Container is 2, but limit is 4.',
      want: {category: 'quota-limitrange', summary: /^LimitRange in namespace web allows a cpu limit per Container of at most 2, but the pod asks for 4$/},
    },
    {
      // plugin/pkg/admission/limitranger/admission.go (lower-case, index copy importing k8s.io/kubernetes/pkg/apis/core, so 1.9 or later; release not pinned): several
      // violations aggregated by apimachinery util/errors as "[e1, e2]"
      name: 'LimitRange, two violations aggregated',
      message: 'Error creating: pods "api-7d9f-" is forbidden: [maximum cpu usage per Container is 1, but limit is 2., maximum memory usage per Container is 1Gi, but limit is 2Gi.]',
      want: {category: 'quota-limitrange', summary: /allows a cpu limit per Container of at most 1, but the pod asks for 2$/},
    },
    {
      // plugin/pkg/admission/limitranger/admission.go ("%s max limit to request ratio per %s is %s, but provided ratio is %f.")
      name: 'LimitRange limit/request ratio',
      message: 'Error creating: pods "api-7d9f-" is forbidden: cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000.',
      want: {category: 'quota-limitrange', summary: /caps the cpu limit\/request ratio per Container at 2, but provided ratio is 4\.000000$/},
    },
    {
      // statefulset/stateful_pod_control.go v1.10 recordClaimEvent ("%s Claim %s for Pod %s in StatefulSet %s failed error: %s");
      // limitranger admission.go maxRequestConstraint for claims ("maximum %s usage per %s is %s, but request is %s.")
      name: 'StatefulSet claim over a PersistentVolumeClaim LimitRange',
      message: 'create Claim data-db-0 for Pod db-0 in StatefulSet db failed error: persistentvolumeclaims "data-db-0" is forbidden: maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi.',
      want: {category: 'quota-limitrange', summary: /allows a storage request per PersistentVolumeClaim of at most 10Gi, but the pod asks for 20Gi$/},
    },
    {
      // statefulset/stateful_pod_control.go v1.10 CreateStatefulPod ("Failed to create PVC %s: %s" inside "create Pod %s in StatefulSet %s failed error: %s");
      // apiserver resourcequota/controller.go kubernetes-1.20.0
      name: 'StatefulSet pod event for a claim over quota',
      message: 'create Pod db-0 in StatefulSet db failed error: Failed to create PVC data-db-0: persistentvolumeclaims "data-db-0" is forbidden: exceeded quota: storage, requested: requests.storage=20Gi, used: requests.storage=90Gi, limited: requests.storage=100Gi',
      want: {category: 'quota-limitrange', summary: /^ResourceQuota storage in namespace web is exhausted \(requests\.storage: requested 20Gi, used 90Gi of 100Gi\)$/},
    },
    {
      // pod-security-admission admission/admission.go kubernetes-1.23.0 ("violates PodSecurity %q: %s"); policy/check_hostNamespaces.go,
      // check_hostPorts.go kubernetes-1.36.0; daemon_controller.go v1.36.2 creates through controller_utils.go ("Error creating: %v")
      name: 'DaemonSet rejected by PodSecurity baseline',
      message: 'Error creating: pods "node-agent-7q2wz" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true), hostPort (container "agent" uses hostPort 9100)',
      want: {category: 'admission-denied', summary: /^Pod Security level baseline:latest of namespace web rejects the pod template: host namespaces, hostPort$/},
    },
    {
      // plugin/pkg/admission/security/podsecuritypolicy/admission.go ("unable to validate against any pod security policy: %v", kubernetes/kubernetes index copy 00bdb3f, an early release using extensions.PodSecurityPolicy and glog; release not pinned)
      name: 'PodSecurityPolicy, no usable policy',
      message: 'Error creating: pods "api-7d9f-" is forbidden: unable to validate against any pod security policy: []',
      want: {category: 'admission-denied', summary: /^no PodSecurityPolicy admits the pod template/, fix: /"use" on a PodSecurityPolicy/},
    },
    {
      // plugin/pkg/admission/security/podsecuritypolicy/admission.go ("PodSecurityPolicy: unable to admit pod: %v", index copy with the
      // context-aware admission interface, so 1.16 or later, release not pinned; the plugin was removed in 1.25); field.ErrorList printed as "[…]"
      name: 'PodSecurityPolicy, privileged container refused',
      message: 'Error creating: pods "api-7d9f-" is forbidden: PodSecurityPolicy: unable to admit pod: [spec.containers[0].securityContext.privileged: Invalid value: true: Privileged containers are not allowed]',
      want: {category: 'admission-denied', summary: /^no PodSecurityPolicy the workload may use admits the pod template: \[spec\.containers\[0\]\.securityContext\.privileged/},
    },
    {
      // apiserver pkg/admission/plugin/webhook/errors/statuserror.go kubernetes-1.16.0 ("%s %s" with "without explanation")
      name: 'webhook denied without explanation',
      message: 'Error creating: admission webhook "validate.policy.example.com" denied the request without explanation',
      want: {category: 'admission-denied', summary: /^admission webhook validate\.policy\.example\.com denied the pod: without explanation$/},
    },
    {
      // apiserver pkg/admission/plugin/webhook/errors/errors.go kubernetes-1.10.0 ("failed calling admission webhook %q: %v"), wrapped by
      // apimachinery api/errors NewInternalError ("Internal error occurred: %v"); net/url error of the Go of that release (URL unquoted)
      name: 'v1.10 webhook unreachable: connection refused',
      message: 'Error creating: Internal error occurred: failed calling admission webhook "pod-policy.example.com": Post https://pod-policy-webhook.policy.svc:443/validate: dial tcp 10.96.14.2:443: getsockopt: connection refused',
      want: {category: 'admission-denied', summary: /^admission webhook pod-policy\.example\.com could not be called, so pod creation fails: Post https/, fix: /^restore the service behind webhook pod-policy\.example\.com, or set its failurePolicy to Ignore/},
    },
    {
      // apiserver pkg/util/webhook/error.go kubernetes-1.16.0 ("failed calling webhook %q: %v"); crypto/x509 UnknownAuthorityError
      name: 'v1.16 webhook with an untrusted certificate',
      message: 'Error creating: Internal error occurred: failed calling webhook "pod-policy.example.com": Post https://pod-policy-webhook.policy.svc:443/validate?timeout=30s: x509: certificate signed by unknown authority',
      want: {category: 'admission-denied', summary: /could not be called, so pod creation fails \(the API server does not trust its TLS certificate; the webhook did not deny the pod\)/, fix: /caBundle of webhook pod-policy\.example\.com/},
    },
    {
      // apiserver webhook/validating/dispatcher.go kubernetes-1.22.0 ("failed to call webhook: %w" inside ErrCallingWebhook)
      name: 'v1.22+ webhook timing out',
      message: 'Error creating: Internal error occurred: failed calling webhook "pod-policy.example.com": failed to call webhook: Post "https://pod-policy-webhook.policy.svc:443/validate?timeout=10s": context deadline exceeded',
      want: {category: 'admission-denied', summary: /\(the call timed out; the webhook did not deny the pod\)/, fix: /answer within its timeoutSeconds.*failurePolicy to Ignore/},
    },
    {
      // apiserver pkg/util/proxy/proxy.go kubernetes-1.36.0 ("no endpoints available for service %q") through webhook/mutating/dispatcher.go kubernetes-1.36.0
      name: 'v1.36 webhook whose service has no endpoints',
      message: 'Error creating: Internal error occurred: failed calling webhook "mpod.kb.io": failed to call webhook: Post "https://webhook-service.system.svc:443/mutate-pod?timeout=10s": no endpoints available for service "webhook-service"',
      want: {category: 'admission-denied', summary: /\(its service webhook-service has no ready endpoints; the webhook did not deny the pod\)/, fix: /^start or fix the pods behind service webhook-service of webhook mpod\.kb\.io, or set the webhook's failurePolicy to Ignore/},
    },
    {
      // apiserver pkg/util/webhook/error.go kubernetes-1.16.0 ("failed calling webhook %q; no further details available")
      name: 'webhook failure without details',
      message: 'Error creating: Internal error occurred: failed calling webhook "pod-policy.example.com"; no further details available',
      want: {category: 'admission-denied', summary: /^admission webhook pod-policy\.example\.com could not be called, so pod creation fails$/},
    },
    {
      // apiserver webhook/validating/dispatcher.go kubernetes-1.20.0 (NewTimeoutError "request did not complete within requested timeout"; "Timeout: %s")
      name: 'request deadline passed while calling webhooks',
      message: 'Error creating: Timeout: request did not complete within requested timeout',
      want: {category: 'admission-denied', summary: /ran out of time while calling admission webhooks.*no webhook denied the pod/, fix: /failurePolicy to Ignore/},
    },
    {
      // apiserver pkg/admission/plugin/namespace/lifecycle/admission.go kubernetes-1.10.0; statefulset/stateful_pod_control.go v1.10
      name: 'StatefulSet in a terminating namespace',
      message: 'create Pod db-0 in StatefulSet db failed error: pods "db-0" is forbidden: unable to create new content in namespace web because it is being terminated',
      want: {category: 'other', summary: /^namespace web is being deleted, so no new pods can be created in it$/},
    },
    {
      // plugin/pkg/admission/serviceaccount/admission.go ("service account %s/%s was not found, retry after the service account is created", kubernetes/kubernetes index copy 0061479, before 1.5; release not pinned)
      name: 'ServiceAccount missing, older wording',
      message: 'Error creating: pods "api-7d9f-" is forbidden: service account web/api was not found, retry after the service account is created',
      want: {category: 'other', summary: /^ServiceAccount api named by the pod template does not exist in namespace web$/},
    },
  ]

  it.each(rows)('$name', ({message, want, quotas}) => {
    const cause = classifyCreateError(message, 'web', quotas ?? [], ev)
    expect(cause.category).toBe(want.category)
    if (want.summary) expect(cause.summary).toMatch(want.summary)
    if (want.fix) expect(cause.fix).toMatch(want.fix)
    expect(cause.evidence[0]).toBe(ev)
  })

  it('a failing webhook never reads as a denial', () => {
    for (const row of rows.filter(r => /failed calling|Timeout:/.test(r.message))) {
      const cause = classifyCreateError(row.message, 'web', [], ev)
      expect(cause.summary).not.toMatch(/denied the pod:/)
      expect(cause.fix).toMatch(/failurePolicy to Ignore/)
    }
  })

  it('the correlator prefix changes nothing (client-go tools/record/events_cache.go, v1.10–v1.36.2)', () => {
    for (const row of rows) {
      const plain = classifyCreateError(row.message, 'web', [], ev)
      const combined = classifyCreateError(`(combined from similar events): ${row.message}`, 'web', [], ev)
      expect({category: combined.category, summary: combined.summary, fix: combined.fix}).toEqual({category: plain.category, summary: plain.summary, fix: plain.fix})
    }
  })

  it('a cut quota message with no ResourceQuota in the snapshot says the object was not seen', () => {
    // apiserver resourcequota/controller.go kubernetes-1.36.0, cut inside "used:" (a dump or a consumer that shortened it)
    const cause = classifyCreateError('Error creating: pods "api-7d9f-" is forbidden: exceeded quota: compute, requested: requests.cpu=500m,requests.memory=1Gi, used: requests.cpu=3', 'web', [], ev)
    expect(cause.category).toBe('quota-limitrange')
    expect(cause.summary).toBe('ResourceQuota compute in namespace web is exhausted (the message is cut and ResourceQuota compute was not seen in the snapshot)')
    expect(cause.fix).toBe("raise requests.cpu, requests.memory in ResourceQuota compute of namespace web, or lower the pod template's requests/limits or the replica count")
    expect(cause.evidence[1]).toMatchObject({kind: 'ResourceQuota', reason: 'compute', source: 'computed', message: expect.stringMatching(/^not in the snapshot/)})
  })

  it('a quota message alone gives quota-limitrange even for a quota of another namespace in the snapshot', () => {
    const other: ResourceQuota = {kind: 'ResourceQuota', metadata: {name: 'compute', namespace: 'batch'}, status: {hard: {'requests.cpu': '4'}, used: {'requests.cpu': '4'}}}
    const cause = classifyCreateError('Error creating: pods "api-7d9f-" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=3', 'web', [other], ev)
    expect(cause.category).toBe('quota-limitrange')
    expect(cause.summary).toMatch(/was not seen in the snapshot/)
  })

  it('the ReplicaFailure condition carries the namespace-terminating error the 1.17+ controllers no longer send as an event', () => {
    // controller_utils.go v1.17 skips the FailedCreate event for NamespaceTerminatingCause; replicaset calculateStatus copies the error.
    const r = rs({conditions: [{type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "api-7d9f-" is forbidden: unable to create new content in namespace web because it is being terminated'}]})
    const [cause] = checkWorkload(r, snapshot(), index())
    expect(cause).toMatchObject({category: 'other', summary: 'namespace web is being deleted, so no new pods can be created in it'})
  })
})
