import type {Container, ContainerStatus, Event, Pod} from '../../model/k8s.js'
import type {Cause, Evidence} from '../../model/reports/finding.js'
import {cleanMessage, type EventIndex} from '../../model/events.js'
import {eventEvidence} from './evidence.js'
import {short} from '../../model/text.js'

// Pods bound to a node whose containers do not start: image pulls, container config,
// crash loops, init containers, volume mounts and the pod sandbox (CNI).
// Waiting reasons are the kubelet's: pkg/kubelet/images/types.go, pkg/kubelet/kuberuntime/kuberuntime_container.go.

const IMAGE_PULL = new Set(['ErrImagePull', 'ImagePullBackOff', 'ErrImageNeverPull', 'InvalidImageName', 'ImageInspectError'])
const CONFIG = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError'])
const CREATING = new Set(['ContainerCreating', 'PodInitializing'])
const SIGNALS: Record<number, string> = {137: 'SIGKILL', 139: 'SIGSEGV', 143: 'SIGTERM'}

/** Why the containers of a pod bound to a node are not running. */
export function checkContainers(pod: Pod, events: EventIndex, now: Date): Cause[] {
  const phase = pod.status?.phase
  if (!pod.spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return []
  const podEvents = events.for(pod, 'Pod')
  const causes = initContainerCauses(pod, podEvents)
  for (const status of pod.status?.containerStatuses ?? []) {
    const spec = pod.spec.containers.find(c => c.name === status.name)
    // Between two restarts a crashing container shows terminated, not CrashLoopBackOff.
    const between = !status.state?.waiting && (status.state?.terminated?.exitCode ?? 0) !== 0 && status.restartCount > 0
    const cause = between ? crashLoopCause(pod, spec, status, podEvents, `container ${status.name}`, false) : waitingCause(pod, spec, status, podEvents, false)
    if (cause) causes.push(cause)
  }
  return [...causes, ...startupCauses(pod, podEvents, now)]
}

function initContainerCauses(pod: Pod, podEvents: Event[]): Cause[] {
  const specs = pod.spec.initContainers ?? []
  const statuses = pod.status?.initContainerStatuses ?? []
  const statusOf = (c: Container) => statuses.find(s => s.name === c.name)
  // A sidecar (restartPolicy Always) counts as done once started; others once they exit 0.
  const done = (c: Container) => c.restartPolicy === 'Always' ? statusOf(c)?.started === true : statusOf(c)?.state?.terminated?.exitCode === 0
  const finished = specs.filter(done).length
  const blocking = specs.find(c => !done(c))
  const status = blocking && statusOf(blocking)
  if (!blocking || !status) return []
  const progress = `Init:${finished}/${specs.length}`
  const viaWaiting = waitingCause(pod, blocking, status, podEvents, true)
  if (viaWaiting) return [viaWaiting]
  const terminated = status.state?.terminated
  const initialized = pod.status?.conditions?.find(c => c.type === 'Initialized' && c.status !== 'True')
  const evidence = [containerEvidence(status), ...(initialized ? [{kind: 'Condition', reason: `Initialized=${initialized.status} ${initialized.reason ?? ''}`.trim(), message: initialized.message, source: 'pod.status'}] : [])]
  if (terminated && terminated.exitCode !== 0) {
    return [{
      category: 'init-container',
      summary: `init container ${blocking.name} failed (Init:Error, ${progress}): ${exitText(terminated)}`,
      fix: `read why it fails with kubectl logs -n ${pod.metadata.namespace} ${pod.metadata.name} -c ${blocking.name}, and fix what it runs or waits for`,
      evidence,
    }]
  }
  if (status.state?.running) {
    return [{
      category: 'init-container',
      summary: `init container ${blocking.name} is still running (${progress}) since ${status.state.running.startedAt ?? 'an unknown time'}; the pod starts when it exits 0`,
      fix: `check what init container ${blocking.name} waits for with kubectl logs -n ${pod.metadata.namespace} ${pod.metadata.name} -c ${blocking.name}`,
      evidence,
    }]
  }
  return []
}

function waitingCause(pod: Pod, spec: Container | undefined, status: ContainerStatus, podEvents: Event[], init: boolean): Cause | undefined {
  const reason = status.state?.waiting?.reason
  if (!reason) return undefined
  const who = `${init ? 'init container' : 'container'} ${status.name}`
  if (IMAGE_PULL.has(reason)) return imagePullCause(pod, spec, status, podEvents, who, init)
  if (CONFIG.has(reason)) return configCause(pod, status, who)
  if (reason === 'CrashLoopBackOff') return crashLoopCause(pod, spec, status, podEvents, who, init)
  return undefined
}

export type PullFailure = 'rate-limited' | 'not-found' | 'access-denied' | 'unauthorized' | 'never-pull' | 'invalid-name' | 'unknown'

/** Classifies a registry error text; rate limits first, as a 429 body may also say "denied". */
export function classifyPullError(text: string): PullFailure {
  if (/toomanyrequests|\b429\b|too many requests|rate limit/i.test(text)) return 'rate-limited'
  // Docker Hub answers a missing and a private repository alike.
  if (/pull access denied|may require (?:authorization|'docker login')|insufficient_scope/i.test(text)) return 'access-denied'
  if (/code = NotFound|: not found|manifest unknown|not found: manifest|name unknown|does not exist/i.test(text)) return 'not-found'
  if (/unauthorized|\b401\b|\b403\b|forbidden|authentication required|no basic auth credentials|denied/i.test(text)) return 'unauthorized'
  return 'unknown'
}

function imagePullCause(pod: Pod, spec: Container | undefined, status: ContainerStatus, podEvents: Event[], who: string, init: boolean): Cause {
  const waiting = status.state?.waiting ?? {}
  const image = spec?.image ?? status.image ?? 'the image'
  const failed = podEvents.find(e => e.reason === 'Failed' && isAbout(e, status.name, init, image) && /^Failed to pull image/.test(cleanMessage(e)))
  const kind: PullFailure = waiting.reason === 'ErrImageNeverPull' ? 'never-pull' : waiting.reason === 'InvalidImageName' ? 'invalid-name'
    : classifyPullError(`${waiting.message ?? ''}\n${failed ? cleanMessage(failed) : ''}`)
  const node = pod.spec.nodeName
  const registry = registryOf(image)
  const texts: Record<PullFailure, [string, string]> = {
    'not-found': [`image ${image} of ${who} was not found in ${registry} (${waiting.reason})`, `correct the image name or tag of ${who}, or push ${image}`],
    'access-denied': [`${registry} denied pulling ${image} of ${who}: the repository does not exist or needs credentials`, `check the image name, and add an imagePullSecret for ${registry} if the repository is private`],
    'unauthorized': [`${registry} refused to serve ${image} of ${who} without valid credentials (unauthorized)`, `add an imagePullSecret with read access to ${registry} to the pod or its ServiceAccount`],
    'rate-limited': [`${registry} rate-limited the pull of ${image} of ${who} (toomanyrequests / 429)`, `authenticate pulls with an imagePullSecret or mirror ${image} to a registry without pull limits`],
    'never-pull': [`image ${image} of ${who} is not present on node ${node} and imagePullPolicy is Never`, `load ${image} onto node ${node}, or set imagePullPolicy of ${who} to IfNotPresent`],
    'invalid-name': [`image reference ${image} of ${who} is not valid`, `fix the image reference of ${who}`],
    'unknown': [`${who} cannot pull image ${image} (${waiting.reason}): ${short(waiting.message || (failed ? cleanMessage(failed) : 'no message'))}`, `check that node ${node} can reach ${registry} and that ${image} exists`],
  }
  const [summary, fix] = texts[kind]
  return {category: 'image-pull', summary, fix, evidence: [containerEvidence(status), ...(failed ? [eventEvidence(failed)] : [])]}
}

function configCause(pod: Pod, status: ContainerStatus, who: string): Cause {
  const waiting = status.state?.waiting ?? {}
  const message = waiting.message ?? ''
  const ns = pod.metadata.namespace ?? 'default'
  const evidence = [containerEvidence(status)]
  const missing = /\b(configmap|secret) "([^"]+)" not found/i.exec(message)
  if (missing) {
    const kind = objectKind(missing[1]!)
    return {category: 'container-config', summary: `${kind} ${missing[2]} used by ${who} does not exist in namespace ${ns}`, fix: `create ${kind} ${missing[2]} in namespace ${ns}, or mark the reference optional`, evidence}
  }
  // pkg/kubelet/kubelet_pods.go makeEnvironmentVariables: "couldn't find key %v in Secret %v/%v" (older kubelets capitalise "Couldn't").
  const key = /couldn't find key (\S+) in (ConfigMap|Secret) ([^/\s]+)\/(\S+)/i.exec(message)
  if (key) {
    const kind = objectKind(key[2]!)
    return {category: 'container-config', summary: `${who} needs key ${key[1]} of ${kind} ${key[3]}/${key[4]}, which has no such key`, fix: `add key ${key[1]} to ${kind} ${key[4]} in namespace ${key[3]}, or mark the reference optional`, evidence}
  }
  if (/runAsNonRoot and image (will run as root|has non-numeric user)/.test(message)) {
    return {category: 'container-config', summary: `${who} must run as non-root but its image runs as root or a named user: ${short(message)}`, fix: `set securityContext.runAsUser of ${who} to a non-zero numeric UID, or use an image whose USER is numeric and non-root`, evidence}
  }
  return {category: 'container-config', summary: `${who} cannot be created (${waiting.reason}): ${short(message || 'no message')}`, fix: `correct the configuration of ${who} as the message says`, evidence}
}

function crashLoopCause(pod: Pod, spec: Container | undefined, status: ContainerStatus, podEvents: Event[], who: string, init: boolean): Cause {
  const last = status.state?.terminated ?? status.lastState?.terminated
  const memory = spec?.resources?.limits?.memory
  const oom = last?.reason === 'OOMKilled'
  const killing = podEvents.find(e => e.reason === 'Killing' && isAbout(e, status.name, init) && /failed (liveness|startup) probe/.test(cleanMessage(e)))
  const probe = killing && /failed (liveness|startup) probe/.exec(cleanMessage(killing))?.[1]
  const exit = last ? exitText(last) + (oom ? (memory ? ` at its memory limit of ${memory}` : ' (no memory limit set: the node ran out of memory)') : '') : 'no termination recorded'
  const ns = pod.metadata.namespace
  const fix = oom
    ? (memory ? `raise the memory limit of ${who} above ${memory}, or lower its memory use` : `set a memory request that covers the use of ${who}, or lower its memory use`)
    : probe ? `fix the ${probe} probe of ${who} (raise its failureThreshold or timeoutSeconds if the app is only slow), or the endpoint it checks`
      : `read why it exits with kubectl logs -n ${ns} ${pod.metadata.name} -c ${status.name} --previous`
  return {
    category: init ? 'init-container' : 'crashloop',
    summary: `${who} ${status.state?.waiting ? 'is in CrashLoopBackOff' : 'exited and is being restarted'} after ${status.restartCount} restarts; last exit: ${exit}${probe ? `; the kubelet killed it for failing its ${probe} probe` : ''}`,
    fix,
    evidence: [containerEvidence(status), ...(killing ? [eventEvidence(killing)] : [])],
  }
}

/** FailedMount / FailedAttachVolume and sandbox (CNI) failures, only while the pod is still being set up. */
function startupCauses(pod: Pod, podEvents: Event[], now: Date): Cause[] {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
  // Once any container has run, the sandbox exists and the volumes were mounted: older failures are history.
  const started = statuses.some(s => s.state?.running || s.state?.terminated || s.lastState?.terminated)
  const creating = statuses.length === 0 ? pod.status?.phase !== 'Running' : statuses.some(s => CREATING.has(s.state?.waiting?.reason ?? ''))
  if (started || !creating) return []
  const node = pod.spec.nodeName
  const ns = pod.metadata.namespace ?? 'default'
  const since = pod.status?.startTime ? ` since ${pod.status.startTime}` : ''
  const causes: Cause[] = []
  const seen = new Set<string>()
  const mountEvents = podEvents.filter(e => e.reason === 'FailedMount' || e.reason === 'FailedAttachVolume')
  for (const e of mountEvents) {
    const message = cleanMessage(e)
    const volume = /for volume "([^"]+)"/.exec(message)?.[1]
    if (!volume || seen.has(volume)) continue
    seen.add(volume)
    causes.push({category: 'volume-mount', ...mountText(message, volume, node, ns), evidence: [eventEvidence(e)]})
  }
  const timeout = mountEvents.find(e => /unmounted volumes=\[/.test(cleanMessage(e)))
  if (timeout && causes.length === 0) {
    const volumes = /unmounted volumes=\[([^\]]*)\]/.exec(cleanMessage(timeout))?.[1]?.trim() ?? ''
    causes.push({
      category: 'volume-mount',
      summary: `volumes [${volumes}] are not mounted on node ${node}${since}: the kubelet timed out waiting for them`,
      fix: `find why volume ${volumes.split(' ')[0]} does not attach: check its PersistentVolumeClaim, its VolumeAttachment and the CSI driver pods on node ${node}`,
      evidence: [eventEvidence(timeout)],
    })
  }
  const sandbox = podEvents.find(e => e.reason === 'FailedCreatePodSandBox')
  const notReady = podEvents.find(e => e.reason === 'NetworkNotReady')
  if (sandbox) causes.push(sandboxCause(sandbox, node, since))
  else if (notReady) causes.push({category: 'sandbox-network', summary: `the network plugin of node ${node} is not ready${since}: ${short(cleanMessage(notReady))}`, fix: `check the CNI DaemonSet pod on node ${node} (kubectl get pods -n kube-system -o wide --field-selector spec.nodeName=${node})`, evidence: [eventEvidence(notReady)]})
  return causes
}

function mountText(message: string, volume: string, node: string | undefined, ns: string): {summary: string; fix: string} {
  if (message.includes('Multi-Attach error')) {
    return {summary: `volume ${volume} is still attached to another node (Multi-Attach error), so it cannot attach to node ${node}`, fix: `stop the pod that still uses volume ${volume} on the other node, or wait for its detach; ReadWriteOnce volumes attach to one node at a time`}
  }
  const missing = /\b(configmap|secret) "([^"]+)" not found/i.exec(message)
  if (missing) {
    const kind = objectKind(missing[1]!)
    return {summary: `volume ${volume} cannot be mounted: ${kind} ${missing[2]} does not exist in namespace ${ns}`, fix: `create ${kind} ${missing[2]} in namespace ${ns}, or mark the volume optional`}
  }
  const attach = message.startsWith('AttachVolume')
  return {
    summary: `volume ${volume} failed to ${attach ? 'attach to' : 'mount on'} node ${node}: ${short(message.replace(/^.*?for volume "[^"]+"\s*:?\s*/, ''))}`,
    fix: `check the storage driver of volume ${volume} for node ${node} (its CSI node and controller pods, and the cloud's attach limits)`,
  }
}

function sandboxCause(event: Event, node: string | undefined, since: string): Cause {
  const message = cleanMessage(event)
  const plugin = /plugin type="([^"]+)"/.exec(message)?.[1]
  if (/failed to assign an IP address/i.test(message)) {
    return {category: 'sandbox-network', summary: `the CNI${plugin ? ` (${plugin})` : ''} could not assign an IP address to the pod on node ${node}${since}: the subnet or the node's IP pool is exhausted`, fix: `free or add IP addresses for node ${node}'s subnet (or enable prefix delegation), or run the pod on a node with free IPs`, evidence: [eventEvidence(event)]}
  }
  if (/cni plugin not initialized|cni config uninitialized|network plugin is not ready/i.test(message)) {
    return {category: 'sandbox-network', summary: `the network plugin of node ${node} is not initialised${since}`, fix: `check the CNI DaemonSet pod on node ${node} (kubectl get pods -n kube-system -o wide --field-selector spec.nodeName=${node})`, evidence: [eventEvidence(event)]}
  }
  return {category: 'sandbox-network', summary: `the container runtime could not create the pod sandbox on node ${node}${since}: ${short(message)}`, fix: `check the CNI${plugin ? ` (${plugin})` : ''} and container runtime logs on node ${node}`, evidence: [eventEvidence(event)]}
}

/** kubelet events name the container in fieldPath "spec.containers{name}"; without one, match the image. */
function isAbout(event: Event, container: string, init: boolean, image?: string): boolean {
  const path = event.involvedObject.fieldPath
  if (path) return path === `spec.${init ? 'initContainers' : 'containers'}{${container}}`
  return image !== undefined && cleanMessage(event).includes(`"${image}"`)
}

function exitText(t: {exitCode: number; reason?: string; signal?: number}): string {
  const signal = SIGNALS[t.exitCode]
  return `${t.reason ?? 'terminated'}, exit code ${t.exitCode}${signal && t.reason !== 'OOMKilled' ? ` (${signal})` : ''}`
}

function registryOf(image: string): string {
  const first = image.split('/')[0] ?? ''
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io'
}

function objectKind(word: string): string {
  return word.toLowerCase() === 'configmap' ? 'ConfigMap' : 'Secret'
}


function containerEvidence(status: ContainerStatus): Evidence {
  const waiting = status.state?.waiting
  const last = status.lastState?.terminated
  return {
    kind: 'ContainerStatus',
    reason: waiting?.reason ?? status.state?.terminated?.reason ?? (status.state?.running ? 'Running' : undefined),
    message: [`container ${status.name}`, waiting?.message, last && `last terminated: ${last.reason ?? ''} exit code ${last.exitCode}`.replace('  ', ' ')].filter(Boolean).join('; '),
    source: 'pod.status',
  }
}

