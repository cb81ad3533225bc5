// Pod resource requests as the scheduler computes them:
// k8s.io/component-helpers/resource/helpers.go (PodRequests, AggregateContainerRequests).
import type {Container, Pod, ResourceList} from '../model/k8s.js'
import {parseCpuMillis, parseQuantityValue} from '../model/quantity.js'

/** Resource amounts in scheduler units: cpu in millicores, everything else in integer base units. */
export type ResourceMap = Map<string, number>

/** Pod-level resources (spec.resources) apply to these only (IsSupportedPodLevelResource). */
const POD_LEVEL_RESOURCES = ['cpu', 'memory']

// Clusters repeat a few quantity texts ("500m", "2Gi") across thousands of pods: parse each once.
const cpuCache = new Map<string, number>()
const valueCache = new Map<string, number>()

/** Quantity text in scheduler units; invalid text (which the API server never stores) counts as 0. */
export function scaledValue(resource: string, text: string): number {
  const cache = resource === 'cpu' ? cpuCache : valueCache
  let value = cache.get(text)
  if (value === undefined) {
    try {
      value = resource === 'cpu' ? parseCpuMillis(String(text)) : parseQuantityValue(String(text))
    } catch {
      value = 0
    }
    if (cache.size > 10_000) cache.clear()
    cache.set(text, value)
  }
  return value
}

/** Scheduler units to base units (cpu in cores). */
export function toBaseUnits(resource: string, scaled: number): number {
  return resource === 'cpu' ? scaled / 1000 : scaled
}

export function resourceListToMap(list: ResourceList | undefined): ResourceMap {
  const out: ResourceMap = new Map()
  for (const [name, text] of Object.entries(list ?? {})) out.set(name, scaledValue(name, text))
  return out
}

function addTo(target: ResourceMap, other: ResourceMap): void {
  for (const [name, value] of other) target.set(name, (target.get(name) ?? 0) + value)
}

function max(target: ResourceMap, other: ResourceMap): void {
  for (const [name, value] of other) {
    if (value > (target.get(name) ?? 0)) target.set(name, value)
  }
}

/**
 * A container's requests. The API server defaults a missing request to the limit
 * (pkg/apis/core/v1/defaults.go); doing it here too covers workload templates, and is a no-op
 * for stored pods. A resource with neither asks 0.
 */
function containerRequests(container: Container): ResourceMap {
  const out = resourceListToMap(container.resources?.requests)
  const limits = container.resources?.limits
  if (limits) {
    for (const [name, text] of Object.entries(limits)) {
      if (!out.has(name)) out.set(name, scaledValue(name, text))
    }
  }
  return out
}

/**
 * max(sum of regular containers + restartable (sidecar) init containers, each init container
 * while it runs) + overhead. An init container runs next to the sidecars started before it,
 * so its footprint is its own requests plus theirs (KEP-753).
 */
export function podRequestMap(pod: Pod): ResourceMap {
  const containers = pod.spec.containers ?? []
  const inits = pod.spec.initContainers ?? []
  // Most pods: one container and nothing else, whose requests are the pod's.
  if (containers.length === 1 && inits.length === 0 && !pod.spec.resources && !pod.spec.overhead) return containerRequests(containers[0]!)
  const reqs: ResourceMap = new Map()
  for (const container of containers) addTo(reqs, containerRequests(container))
  const sidecars: ResourceMap = new Map()
  const initPeak: ResourceMap = new Map()
  for (const container of inits) {
    const own = containerRequests(container)
    if (container.restartPolicy === 'Always') {
      addTo(reqs, own)
      addTo(sidecars, own)
      max(initPeak, sidecars)
    } else {
      const running = new Map(own)
      addTo(running, sidecars)
      max(initPeak, running)
    }
  }
  max(reqs, initPeak)
  const podLevel = pod.spec.resources
  if (podLevel) {
    for (const name of POD_LEVEL_RESOURCES) {
      const text = podLevel.requests?.[name] ?? podLevel.limits?.[name]
      if (text !== undefined) reqs.set(name, scaledValue(name, text))
    }
  }
  if (pod.spec.overhead) addTo(reqs, resourceListToMap(pod.spec.overhead))
  return reqs
}

/** The pod's effective request per resource, in base units (cpu in cores, memory in bytes). */
export function podRequests(pod: Pod): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [name, value] of podRequestMap(pod)) out[name] = toBaseUnits(name, value)
  return out
}
