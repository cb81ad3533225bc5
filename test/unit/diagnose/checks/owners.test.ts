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
