import {describe, expect, it} from 'vitest'
import {checkContainers, classifyPullError} from '../../../../src/diagnose/checks/containers.ts'
import type {ContainerStatus, Pod} from '../../../../src/model/k8s.ts'
import {NOW, ago, index, pod, podEvent} from '../../../fakes/builders.ts'

function bound(statuses: ContainerStatus[], extra: Partial<Pod['spec']> = {}, phase = 'Pending'): Pod {
  return pod({spec: {nodeName: 'node-a', ...extra}, status: {phase, startTime: ago(12), containerStatuses: statuses}})
}
const waiting = (reason: string, message?: string, more: Partial<ContainerStatus> = {}): ContainerStatus =>
  ({name: 'app', ready: false, restartCount: 0, image: 'nginx:1.25', state: {waiting: {reason, message}}, ...more})

describe('image pulls', () => {
  it('says the image was not found, from the Failed event', () => {
    const p = bound([waiting('ImagePullBackOff', 'Back-off pulling image "ghcr.io/acme/api:1.0.0"')], {containers: [{name: 'app', image: 'ghcr.io/acme/api:1.0.0'}]})
    const failed = podEvent(p, 'Failed', 'Failed to pull image "ghcr.io/acme/api:1.0.0": rpc error: code = NotFound desc = failed to pull and unpack image "ghcr.io/acme/api:1.0.0": failed to resolve reference "ghcr.io/acme/api:1.0.0": ghcr.io/acme/api:1.0.0: not found', {fieldPath: 'spec.containers{app}'})
    const [cause] = checkContainers(p, index(failed), NOW)
    expect(cause?.category).toBe('image-pull')
    expect(cause?.summary).toBe('image ghcr.io/acme/api:1.0.0 of container app was not found in ghcr.io (ImagePullBackOff)')
    expect(cause?.fix).toBe('correct the image name or tag of container app, or push ghcr.io/acme/api:1.0.0')
    expect(cause?.evidence.map(e => e.reason)).toEqual(['ImagePullBackOff', 'Failed'])
  })

  it('recognises a registry rate limit in the newer waiting message', () => {
    const p = bound([waiting('ImagePullBackOff', 'Back-off pulling image "nginx:1.25": ErrImagePull: failed to pull and unpack image "docker.io/library/nginx:1.25": 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit.')])
    const [cause] = checkContainers(p, index(), NOW)
    expect(cause?.summary).toContain('docker.io rate-limited the pull of nginx:1.25')
  })

  it('classifies unauthorized, access denied and rate limits', () => {
    expect(classifyPullError('failed to authorize: failed to fetch oauth token: unexpected status: 401 Unauthorized')).toBe('unauthorized')
    expect(classifyPullError('pull access denied for acme/private, repository does not exist or may require \'docker login\'')).toBe('access-denied')
    expect(classifyPullError('unexpected status code 429 Too Many Requests')).toBe('rate-limited')
    expect(classifyPullError('dial tcp 10.0.0.1:443: i/o timeout')).toBe('unknown')
  })

  it('names the node for ErrImageNeverPull', () => {
    const p = bound([waiting('ErrImageNeverPull', 'Container image "nginx:1.25" is not present with pull policy of Never')])
    const [cause] = checkContainers(p, index(), NOW)
    expect(cause?.summary).toBe('image nginx:1.25 of container app is not present on node node-a and imagePullPolicy is Never')
  })
})

describe('container config', () => {
  it('names the missing ConfigMap', () => {
    const p = bound([waiting('CreateContainerConfigError', 'configmap "app-config" not found')])
    const [cause] = checkContainers(p, index(), NOW)
    expect(cause).toMatchObject({category: 'container-config', summary: 'ConfigMap app-config used by container app does not exist in namespace web'})
    expect(cause?.fix).toBe('create ConfigMap app-config in namespace web, or mark the reference optional')
  })

  it('names the missing key and its Secret', () => {
    const p = bound([waiting('CreateContainerConfigError', "couldn't find key password in Secret web/db-creds")])
    const [cause] = checkContainers(p, index(), NOW)
    expect(cause?.summary).toBe('container app needs key password of Secret web/db-creds, which has no such key')
    expect(cause?.fix).toBe('add key password to Secret db-creds in namespace web, or mark the reference optional')
  })
})

describe('crash loops', () => {
  it('calls out OOMKilled with the memory limit', () => {
    const p = bound([waiting('CrashLoopBackOff', 'back-off 5m0s restarting failed container=app pod=web-7d9f-abcde_web(uid-pod)', {
      restartCount: 12, lastState: {terminated: {exitCode: 137, reason: 'OOMKilled'}},
    })], {containers: [{name: 'app', image: 'nginx:1.25', resources: {limits: {memory: '256Mi'}}}]}, 'Running')
    const [cause] = checkContainers(p, index(), NOW)
    expect(cause?.category).toBe('crashloop')
    expect(cause?.summary).toBe('container app is in CrashLoopBackOff after 12 restarts; last exit: OOMKilled, exit code 137 at its memory limit of 256Mi')
    expect(cause?.fix).toBe('raise the memory limit of container app above 256Mi, or lower its memory use')
  })

  it('points at the liveness probe when the kubelet killed the container', () => {
    const p = bound([waiting('CrashLoopBackOff', 'back-off 40s restarting failed container=app pod=x', {restartCount: 3, lastState: {terminated: {exitCode: 137, reason: 'Error'}}})], {}, 'Running')
    const killing = podEvent(p, 'Killing', 'Container app failed liveness probe, will be restarted', {fieldPath: 'spec.containers{app}', type: 'Normal'})
    const [cause] = checkContainers(p, index(killing), NOW)
    expect(cause?.summary).toContain('last exit: Error, exit code 137 (SIGKILL); the kubelet killed it for failing its liveness probe')
    expect(cause?.fix).toMatch(/^fix the liveness probe of container app/)
  })

  it('suggests the previous logs for a plain non-zero exit', () => {
    const p = bound([waiting('CrashLoopBackOff', undefined, {restartCount: 5, lastState: {terminated: {exitCode: 1, reason: 'Error'}}})], {}, 'Running')
    const [cause] = checkContainers(p, index(), NOW)
    expect(cause?.summary).toContain('exit code 1')
    expect(cause?.fix).toBe('read why it exits with kubectl logs -n web web-7d9f-abcde -c app --previous')
  })

  it('catches a crashing container between two restarts', () => {
    const p = bound([{name: 'app', ready: false, restartCount: 2, state: {terminated: {exitCode: 139, reason: 'Error'}}}], {}, 'Running')
    const [cause] = checkContainers(p, index(), NOW)
    expect(cause?.summary).toBe('container app exited and is being restarted after 2 restarts; last exit: Error, exit code 139 (SIGSEGV)')
  })
})

describe('init containers', () => {
  const specs = {initContainers: [{name: 'wait-for-db', image: 'busybox'}, {name: 'migrate', image: 'acme/migrate:2'}]}

  it('names the init container that crash-loops', () => {
    const p = pod({spec: {nodeName: 'node-a', ...specs}, status: {phase: 'Pending', initContainerStatuses: [
      {name: 'wait-for-db', ready: true, restartCount: 0, state: {terminated: {exitCode: 0, reason: 'Completed'}}},
      {name: 'migrate', ready: false, restartCount: 4, state: {waiting: {reason: 'CrashLoopBackOff'}}, lastState: {terminated: {exitCode: 2, reason: 'Error'}}},
    ], containerStatuses: [waiting('PodInitializing')]}})
    const mountedSinceThen = podEvent(p, 'FailedMount', 'MountVolume.SetUp failed for volume "config" : configmap "app-config" not found', {minutesAgo: 9})
    const causes = checkContainers(p, index(mountedSinceThen), NOW)
    expect(causes).toHaveLength(1)
    expect(causes[0]?.category).toBe('init-container')
    expect(causes[0]?.summary).toBe('init container migrate is in CrashLoopBackOff after 4 restarts; last exit: Error, exit code 2')
  })

  it('reports Init:N/M for an init container still running', () => {
    const p = pod({spec: {nodeName: 'node-a', ...specs}, status: {phase: 'Pending', initContainerStatuses: [
      {name: 'wait-for-db', ready: false, restartCount: 0, state: {running: {startedAt: ago(20)}}},
      {name: 'migrate', ready: false, restartCount: 0, state: {waiting: {reason: 'PodInitializing'}}},
    ]}})
    const [cause] = checkContainers(p, index(), NOW)
    expect(cause?.summary).toBe(`init container wait-for-db is still running (Init:0/2) since ${ago(20)}; the pod starts when it exits 0`)
  })
})

describe('volumes and sandbox while ContainerCreating', () => {
  const creating = () => bound([waiting('ContainerCreating')])

  it('names the volume and the missing ConfigMap of a FailedMount', () => {
    const p = creating()
    const e = podEvent(p, 'FailedMount', 'MountVolume.SetUp failed for volume "config" : configmap "app-config" not found')
    const [cause] = checkContainers(p, index(e), NOW)
    expect(cause?.category).toBe('volume-mount')
    expect(cause?.summary).toBe('volume config cannot be mounted: ConfigMap app-config does not exist in namespace web')
  })

  it('explains a Multi-Attach error', () => {
    const p = creating()
    const e = podEvent(p, 'FailedAttachVolume', 'Multi-Attach error for volume "pvc-0a1b2c" Volume is already exclusively attached to one node and can\'t be attached to another', {reporter: 'attachdetach-controller'})
    const [cause] = checkContainers(p, index(e), NOW)
    expect(cause?.summary).toBe('volume pvc-0a1b2c is still attached to another node (Multi-Attach error), so it cannot attach to node node-a')
    expect(cause?.evidence[0]?.source).toBe('attachdetach-controller')
  })

  it('names the unmounted volumes of the kubelet timeout', () => {
    const p = creating()
    const e = podEvent(p, 'FailedMount', 'Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data kube-api-access-x2x]: timed out waiting for the condition')
    const [cause] = checkContainers(p, index(e), NOW)
    expect(cause?.summary).toBe(`volumes [data] are not mounted on node node-a since ${ago(12)}: the kubelet timed out waiting for them`)
  })

  it('recognises CNI IP exhaustion', () => {
    const p = creating()
    const e = podEvent(p, 'FailedCreatePodSandBox', 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "4f1c": plugin type="aws-cni" name="aws-cni" failed (add): add cmd: failed to assign an IP address to container')
    const [cause] = checkContainers(p, index(e), NOW)
    expect(cause?.category).toBe('sandbox-network')
    expect(cause?.summary).toBe(`the CNI (aws-cni) could not assign an IP address to the pod on node node-a since ${ago(12)}: the subnet or the node's IP pool is exhausted`)
  })

  it('ignores an event about an older pod of the same name', () => {
    const p = creating()
    const stale = podEvent({...p, metadata: {...p.metadata, uid: 'uid-older'}}, 'FailedMount', 'MountVolume.SetUp failed for volume "config" : configmap "old" not found')
    expect(checkContainers(p, index(stale), NOW)).toEqual([])
  })

  it('ignores old mount failures once the containers run', () => {
    const p = bound([{name: 'app', ready: true, restartCount: 0, state: {running: {startedAt: ago(5)}}}], {}, 'Running')
    const e = podEvent(p, 'FailedMount', 'MountVolume.SetUp failed for volume "config" : configmap "app-config" not found', {minutesAgo: 8})
    expect(checkContainers(p, index(e), NOW)).toEqual([])
  })
})
