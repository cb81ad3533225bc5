import type {ResourceQuota, Workload} from '../../model/k8s.js'
import {indexOwners, topOwner, type OwnerIndex} from '../../model/owners.js'
import type {ReportItem} from '../../model/reports/why-pending.js'
import type {Cause, Evidence} from '../../model/reports/finding.js'
import type {ClusterSnapshot} from '../../model/snapshot.js'
import {AGGREGATION_PREFIX, cleanMessage, firstSeen, type EventIndex} from '../../model/events.js'
import {eventEvidence} from './evidence.js'
import {short} from '../../model/text.js'

// Workloads whose pods were never created: the controller's FailedCreate event
// ("Error creating: %v", pkg/controller/controller_utils.go; StatefulSets write
// "create Pod %s in StatefulSet %s failed error: %v") carries the admission error.
// Since 1.17 controller_utils.go writes no event when the namespace is terminating; the
// ReplicaFailure condition of a ReplicaSet still carries the error.

const CONTROLLERS = ['ReplicaSet', 'StatefulSet', 'Job', 'DaemonSet']

/** Workloads with fewer pods than desired and a FailedCreate event or ReplicaFailure condition, as NotCreated items. */
export function notCreatedWorkloads(snapshot: ClusterSnapshot, events: EventIndex, owners: OwnerIndex = indexOwners(snapshot.workloads)): ReportItem[] {
  const items: ReportItem[] = []
  const reported = new Set<string>()
  for (const w of snapshot.workloads.filter(w => CONTROLLERS.includes(w.kind ?? ''))) {
    if (!isShort(w)) continue
    const causes = checkWorkload(w, snapshot, events)
    if (causes.length === 0) continue
    const owner = topOwner(w, owners)
    if (owner) reported.add(`${owner.kind}/${owner.name}`)
    items.push(notCreatedItem(w, owner ?? {kind: w.kind ?? '', name: w.metadata.name ?? ''}, causes, failingSince(w, events)))
  }
  for (const d of snapshot.workloads.filter(w => w.kind === 'Deployment')) {
    if (reported.has(`Deployment/${d.metadata.name}`) || !isShort(d)) continue
    const causes = checkWorkload(d, snapshot, events)
    if (causes.length > 0) items.push(notCreatedItem(d, {kind: 'Deployment', name: d.metadata.name ?? ''}, causes, failingSince(d, events)))
  }
  return items
}

/** Why a workload's pods are not created: its newest FailedCreate event, else its ReplicaFailure / Progressing conditions. */
export function checkWorkload(w: Workload, snapshot: ClusterSnapshot, events: EventIndex): Cause[] {
  const failed = events.for(w, w.kind).find(e => e.reason === 'FailedCreate')
  const namespace = w.metadata.namespace ?? 'default'
  if (failed) return [classifyCreateError(cleanMessage(failed), namespace, snapshot.quotas, eventEvidence(failed))]
  const conditions = w.status?.conditions ?? []
  const replicaFailure = conditions.find(c => c.type === 'ReplicaFailure' && c.status === 'True')
  if (replicaFailure?.message) {
    return [classifyCreateError(replicaFailure.message, namespace, snapshot.quotas, {kind: 'Condition', reason: `ReplicaFailure=True ${replicaFailure.reason ?? ''}`.trim(), message: replicaFailure.message, source: `${(w.kind ?? 'workload').toLowerCase()}.status`})]
  }
  const stalled = conditions.find(c => c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded')
  if (stalled) {
    return [{category: 'other', summary: `${w.kind} ${w.metadata.name} exceeded its progress deadline: ${stalled.message ?? ''}`.trim(), fix: `look at the newest ReplicaSet of ${w.kind} ${w.metadata.name} and its pods for why they do not become available`, evidence: [{kind: 'Condition', reason: 'Progressing=False ProgressDeadlineExceeded', message: stalled.message, source: 'deployment.status'}]}]
  }
  return []
}

// The controllers' wrappers around the API server's error, outermost first:
//   "Error creating: %v"                                    controller_utils.go (ReplicaSet, Job, DaemonSet)
//   "create Pod %s in StatefulSet %s failed error: %s"       statefulset/stateful_pod_control.go recordPodEvent
//   "create Claim %s for Pod %s in StatefulSet %s failed error: %s"   recordClaimEvent (the claim, not the pod)
//   "Failed to create PVC %s: %s"                           createPersistentVolumeClaims, inside the pod event
// and the API server's own "pods \"x\" is forbidden: " / "Internal error occurred: " (apimachinery api/errors).
const WRAPPERS = [
  /^Error creating: /,
  /^create Pod \S+ in StatefulSet \S+ failed error: /,
  /^create Claim \S+ for Pod \S+ in StatefulSet \S+ failed error: /,
  /^Failed to create PVC \S+: /,
]

/** Classifies the admission error a controller got when creating a pod. Works from the text alone; `quotas` only adds numbers. */
export function classifyCreateError(message: string, namespace: string, quotas: ResourceQuota[], evidence: Evidence): Cause {
  let text = message.trim().replace(AGGREGATION_PREFIX, '')
  for (const wrapper of WRAPPERS) text = text.replace(wrapper, '')
  // k8s.io/apiserver resourcequota/controller.go (k8s.io/kubernetes plugin/pkg/admission/resourcequota before 1.20);
  // OpenShift 3 capitalised "Exceeded quota:".
  const quota = /exceeded quota: (.*)$/is.exec(text)
  if (quota) return quotaCause(quota[1]!, namespace, quotas, evidence)
  const mustSpecify = /failed quota: ([^:]+): must specify (.*)$/is.exec(text)
  if (mustSpecify) return mustSpecifyCause(mustSpecify[1]!, mustSpecify[2]!, namespace, evidence)
  const unknownStatus = /status unknown for quota: ([^,\s]+)(?:, resources: (\S+))?/i.exec(text)
  if (unknownStatus) {
    const [, name, resources] = unknownStatus
    return {category: 'quota-limitrange', summary: `ResourceQuota ${name} in namespace ${namespace} has no usage computed yet${resources ? ` for ${resources}` : ''}, so the API server rejects pods it covers`, fix: `check that kube-controller-manager's resourcequota controller is running and syncing namespace ${namespace}; the pods are created once ResourceQuota ${name} has status.used`, evidence: [evidence]}
  }
  const uncovered = /insufficient quota to consume: (\S+)/i.exec(text)
  if (uncovered) {
    return {category: 'quota-limitrange', summary: `the API server only admits ${uncovered[1]} when a ResourceQuota in namespace ${namespace} covers it (limitedResources), and none does`, fix: `create a ResourceQuota for ${uncovered[1]} in namespace ${namespace}, or stop requesting it in the pod template`, evidence: [evidence]}
  }
  // plugin/pkg/admission/limitranger/admission.go: "(maximum|minimum) %s usage per %s is %s, but (request|limit) is %s."
  // and "... is %s.  No (request|limit) is specified."; capitalised "Maximum"/"Minimum" in older releases.
  const limit = /(maximum|minimum) (\S+) usage per (\w+) is (\S+?)(?:, but (request|limit) is (\S+?)\.?(?=$|[\s,\]])|\.\s+No (request|limit) is specified)/i.exec(text)
  if (limit) {
    const [, boundWord, resource, scope, allowed, field, value, absent] = limit
    const bound = boundWord!.toLowerCase()
    const summary = absent
      ? `LimitRange in namespace ${namespace} requires a ${absent} for ${resource} per ${scope} (${bound} ${allowed}), and the pod template sets none`
      : `LimitRange in namespace ${namespace} allows a ${resource} ${field} per ${scope} of at ${bound === 'maximum' ? 'most' : 'least'} ${allowed}, but the pod asks for ${value}`
    const fix = absent ? `set a ${resource} ${absent} on every container of the pod template` : `change the ${resource} ${field} of the pod template to at ${bound === 'maximum' ? 'most' : 'least'} ${allowed}, or change the LimitRange in namespace ${namespace}`
    return {category: 'quota-limitrange', summary, fix, evidence: [evidence]}
  }
  const ratio = /(\S+) max limit to request ratio per (\w+) is (\S+), but (.*?)\.?$/.exec(text)
  if (ratio) {
    return {category: 'quota-limitrange', summary: `LimitRange in namespace ${namespace} caps the ${ratio[1]} limit/request ratio per ${ratio[2]} at ${ratio[3]}, but ${ratio[4]}`, fix: `bring the ${ratio[1]} limit of the pod template within ${ratio[3]} times its request`, evidence: [evidence]}
  }
  const pss = /violates PodSecurity "([^"]+)": (.*)$/.exec(text)
  if (pss) {
    const checks = splitTopLevel(pss[2]!).map(v => v.replace(/\s*\(.*$/, ''))
    return {category: 'admission-denied', summary: `Pod Security level ${pss[1]} of namespace ${namespace} rejects the pod template: ${checks.join(', ')}`, fix: `set the securityContext fields level ${pss[1]} requires (${checks.join(', ')}) on the pod template, or lower the namespace's pod-security.kubernetes.io/enforce label`, evidence: [evidence]}
  }
  // plugin/pkg/admission/security/podsecuritypolicy/admission.go (removed in 1.25).
  const psp = /(?:unable to validate against any pod security policy|PodSecurityPolicy: unable to admit pod):?\s*(.*)$/s.exec(text)
  if (psp) {
    const detail = psp[1]!.trim().replace(/^\[\s*\]$/, '')
    return {category: 'admission-denied', summary: detail ? `no PodSecurityPolicy the workload may use admits the pod template: ${short(detail)}` : 'no PodSecurityPolicy admits the pod template: the pod\'s service account and the controller may use none', fix: detail ? 'change the pod template to fit a PodSecurityPolicy its service account may use, or grant "use" on a policy that admits it' : 'grant the pod\'s service account "use" on a PodSecurityPolicy (Role/RoleBinding on podsecuritypolicies)', evidence: [evidence]}
  }
  // k8s.io/apiserver admission/plugin/webhook/errors/statuserror.go.
  const denied = /admission webhook "([^"]+)" denied the request:?\s*(.*)$/.exec(text)
  if (denied) {
    return {category: 'admission-denied', summary: `admission webhook ${denied[1]} denied the pod: ${short(denied[2] ?? '')}`, fix: `change the pod template to satisfy the policy behind webhook ${denied[1]}, or ask its owner for an exception`, evidence: [evidence]}
  }
  // k8s.io/apiserver util/webhook/error.go ErrCallingWebhook, wrapped in "Internal error occurred: " when the
  // webhook's failurePolicy is Fail; "failed calling admission webhook" in 1.10–1.12.
  const unreachable = /failed calling (?:admission )?webhook "([^"]+)"(?::\s*(.*)|; no further details available)$/s.exec(text)
  if (unreachable) return webhookFailure(unreachable[1]!, unreachable[2] ?? '', evidence)
  // webhook/validating|mutating/dispatcher.go (1.20+): the request's deadline passed while webhooks were called.
  if (/^Timeout: request did not complete within requested timeout$/.test(text)) {
    return {category: 'admission-denied', summary: 'the API server ran out of time while calling admission webhooks, so pod creation fails (no webhook denied the pod)', fix: 'find the slow admission webhook (apiserver_admission_webhook_admission_duration_seconds) and fix its service, lower its timeoutSeconds, or set its failurePolicy to Ignore if it is not critical', evidence: [evidence]}
  }
  // k8s.io/apiserver admission/plugin/namespace/lifecycle/admission.go.
  const terminating = /unable to create new content in namespace (\S+) because it is being terminated/.exec(text)
  if (terminating) {
    return {category: 'other', summary: `namespace ${terminating[1]} is being deleted, so no new pods can be created in it`, fix: `wait for namespace ${terminating[1]} to finish terminating (check its finalizers if it is stuck), then recreate the workload`, evidence: [evidence]}
  }
  // plugin/pkg/admission/serviceaccount/admission.go: "error looking up service account %s/%s: %v"
  // (capitalised "Error" in older releases), and the older "service account %s/%s was not found, retry after…".
  const account = /serviceaccount "([^"]+)" not found/i.exec(text) ?? /service account [^/\s]+\/(\S+) was not found/i.exec(text)
  if (account) {
    return {category: 'other', summary: `ServiceAccount ${account[1]} named by the pod template does not exist in namespace ${namespace}`, fix: `create ServiceAccount ${account[1]} in namespace ${namespace}, or correct serviceAccountName`, evidence: [evidence]}
  }
  const lookup = /error looking up service account [^/\s]+\/([^:\s]+): (.*)$/is.exec(text)
  if (lookup) {
    return {category: 'other', summary: `the API server could not look up ServiceAccount ${lookup[1]} in namespace ${namespace}: ${short(lookup[2] ?? '')}`, fix: 'see the error; the controller retries on its own', evidence: [evidence]}
  }
  return {category: 'other', summary: `the controller cannot create pods: ${short(text)}`, fix: `fix the error the API server returned for the pod template`, evidence: [evidence]}
}

// Why a webhook call failed, from the transport error the API server wrapped (net/http, crypto/x509,
// k8s.io/apiserver util/proxy "no endpoints available for service %q").
function webhookFailure(name: string, detail: string, evidence: Evidence): Cause {
  const base = `admission webhook ${name} could not be called, so pod creation fails`
  const tail = detail ? `: ${short(detail)}` : ''
  if (/no endpoints available for service "?([^"\s]+)"?/.test(detail)) {
    const service = /no endpoints available for service "?([^"\s]+)"?/.exec(detail)![1]
    return {category: 'admission-denied', summary: `${base} (its service ${service} has no ready endpoints; the webhook did not deny the pod)${tail}`, fix: `start or fix the pods behind service ${service} of webhook ${name}, or set the webhook's failurePolicy to Ignore if it is not critical`, evidence: [evidence]}
  }
  if (/x509: |tls: failed to verify certificate/.test(detail)) {
    return {category: 'admission-denied', summary: `${base} (the API server does not trust its TLS certificate; the webhook did not deny the pod)${tail}`, fix: `fix the caBundle of webhook ${name} or the certificate its service serves (e.g. cert-manager's CA injector), or set its failurePolicy to Ignore if it is not critical`, evidence: [evidence]}
  }
  if (/deadline exceeded|Client\.Timeout exceeded|i\/o timeout|timed out/i.test(detail)) {
    return {category: 'admission-denied', summary: `${base} (the call timed out; the webhook did not deny the pod)${tail}`, fix: `make the service behind webhook ${name} answer within its timeoutSeconds (check its pods and any network policy between the API server and it), or set its failurePolicy to Ignore if it is not critical`, evidence: [evidence]}
  }
  return {category: 'admission-denied', summary: `${base}${tail}`, fix: `restore the service behind webhook ${name}, or set its failurePolicy to Ignore if it is not critical`, evidence: [evidence]}
}

// pkg/quota/v1/evaluator/core/pods.go Constraints: "must specify %s" with the resources joined by ","
// (older) or "<resource> for: <containers>" joined by "; " (newer).
function mustSpecifyCause(name: string, detail: string, namespace: string, evidence: Evidence): Cause {
  const list = detail.trim()
  const perContainer = [...list.matchAll(/(\S+) for: ([^;]+)/g)].map(([, resource, containers]) => ({resource: resource!, containers: containers!.trim()}))
  if (perContainer.length > 0) {
    const missing = perContainer.map(p => `${p.resource} (containers ${p.containers})`).join(', ')
    const resources = perContainer.map(p => p.resource).join(',')
    return {category: 'quota-limitrange', summary: `ResourceQuota ${name} requires every pod to set ${resources}, and the pod template does not: ${missing}`, fix: `set ${resources} on those containers of the pod template, or add a LimitRange with defaults in namespace ${namespace}`, evidence: [evidence]}
  }
  const resources = list.split(/\s/)[0] ?? list
  return {category: 'quota-limitrange', summary: `ResourceQuota ${name} requires every pod to set ${resources}, and the pod template does not`, fix: `set ${resources} on every container of the pod template, or add a LimitRange with defaults in namespace ${namespace}`, evidence: [evidence]}
}

// k8s.io/apiserver/pkg/admission/plugin/resourcequota/controller.go: "exceeded quota: %s, requested: %s, used: %s, limited: %s",
// each list "k=v,k=v" with no spaces, so ", " separates the fields.
function quotaCause(detail: string, namespace: string, quotas: ResourceQuota[], evidence: Evidence): Cause {
  const [name = '', ...fields] = detail.trim().split(', ')
  const field = (key: string) => fields.find(f => f.startsWith(`${key}: `))?.slice(key.length + 2)
  const [requested, used, limited] = [field('requested'), field('used'), field('limited')]
  const resources = requested ? parseList(requested).map(([k]) => k) : []
  const evidences = [evidence]
  let numbers: string
  if (requested && used && limited) {
    const u = new Map(parseList(used))
    const l = new Map(parseList(limited))
    numbers = parseList(requested).map(([k, v]) => `${k}: requested ${v}, used ${u.get(k) ?? '?'} of ${l.get(k) ?? '?'}`).join('; ')
  } else {
    // Events are cut at 1024 characters; the quota object still has the numbers.
    const quota = quotas.find(q => q.metadata.name === name && (q.metadata.namespace ?? 'default') === namespace)
    const hard = quota?.status?.hard ?? quota?.spec?.hard ?? {}
    const usedNow = quota?.status?.used ?? {}
    const keys = resources.length > 0 ? resources : Object.keys(hard).filter(k => usedNow[k] === hard[k])
    numbers = quota ? keys.filter(k => hard[k] !== undefined).map(k => `${k}: used ${usedNow[k] ?? '0'}/${hard[k]}`).join('; ') : `the message is cut and ResourceQuota ${name} was not seen in the snapshot`
    if (quota) evidences.push({kind: 'ResourceQuota', reason: name, message: Object.keys(hard).map(k => `${k}=${usedNow[k] ?? '0'}/${hard[k]}`).join(','), source: 'resourcequota.status'})
    else evidences.push({kind: 'ResourceQuota', reason: name, message: `not in the snapshot (not listed, or listing ResourceQuotas in namespace ${namespace} was not allowed)`, source: 'computed'})
  }
  const which = resources.length > 0 ? resources.join(', ') : 'its resources'
  return {
    category: 'quota-limitrange',
    summary: `ResourceQuota ${name} in namespace ${namespace} is exhausted (${numbers})`,
    fix: `raise ${which} in ResourceQuota ${name} of namespace ${namespace}, or lower the pod template's requests/limits or the replica count`,
    evidence: evidences,
  }
}

function parseList(list: string): [string, string][] {
  return list.split(',').map(p => p.split('=')).filter(p => p.length === 2).map(([k, v]) => [k!, v!])
}

/** Splits "a (x, y), b (z)" on commas outside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (ch === '(') depth++
    else if (ch === ')') depth--
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim())
      start = i + 1
    }
  }
  parts.push(text.slice(start).trim())
  return parts.filter(Boolean)
}

function isShort(w: Workload): boolean {
  const spec = w.spec ?? {}
  const status = w.status ?? {}
  const num = (v: unknown, d: number) => typeof v === 'number' ? v : d
  switch (w.kind) {
    case 'DaemonSet': return num(status.currentNumberScheduled, 0) < num(status.desiredNumberScheduled, 0)
    case 'Job': {
      if ((status.conditions ?? []).some(c => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')) return false
      const remaining = num(spec.completions, Infinity) - num(status.succeeded, 0)
      return num(status.active, 0) < Math.min(num(spec.parallelism, 1), remaining)
    }
    default: return num(status.replicas, 0) < num(spec.replicas, 1)
  }
}

function failingSince(w: Workload, events: EventIndex): string | undefined {
  const failures = events.for(w, w.kind).filter(e => e.reason === 'FailedCreate')
  const oldest = failures.at(-1)
  return (oldest && firstSeen(oldest)) ?? w.status?.conditions?.find(c => c.type === 'ReplicaFailure')?.lastTransitionTime
}

function notCreatedItem(w: Workload, owner: {kind: string; name: string}, causes: Cause[], start: string | undefined): ReportItem {
  return {
    object: {kind: w.kind ?? '', namespace: w.metadata.namespace, name: w.metadata.name ?? ''},
    owner, status: 'NotCreated', waiting: false, ...(start ? {since: start} : {}), causes, notes: [],
  }
}


