// What the API server serves: every group/version and every resource with its kind, scope and
// verbs. Asked the way kubectl asks since 1.30: aggregated discovery (two requests, /api and
// /apis, each answering for all its groups), falling back to one request per group/version on
// servers that do not speak it (they ignore the aggregated media type and answer the legacy
// APIVersions / APIGroupList). The shapes: k8s.io/api apidiscovery/v2 types.go (APIGroupDiscovery,
// APIVersionDiscovery, APIResourceDiscovery) and apimachinery pkg/apis/meta/v1 types.go
// (APIGroupList, APIResourceList).
import type {Kube} from './client.js'
import {ClusterError} from '../model/errors.js'

/** One resource as discovery describes it; subresources are named "deployments/scale". */
export interface DiscoveredResource {
  /** "" for the core group. */
  group: string
  version: string
  resource: string
  kind: string
  namespaced: boolean
  verbs: string[]
}

export interface Discovery {
  /** "group/version" ("v1" for core) of every version served, whether or not its resources could be read. */
  servedVersions: string[]
  resources: DiscoveredResource[]
  /** The preferred version of each group ("" for core). */
  preferredVersions: Record<string, string>
  /** Group/versions whose resources could not be read (an aggregated API that is down, a stale cache). */
  unavailable: string[]
}

/**
 * As client-go asks (discovery_client.go, AcceptV2 then AcceptV2Beta1 then JSON): v2 is served
 * from 1.30, v2beta1 before that (until it is switched off by default in 1.33); older servers
 * ignore both and answer the legacy JSON documents.
 */
export const AGGREGATED_DISCOVERY_ACCEPT = [
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
  'application/json',
].join(',')

interface AggregatedResource {
  resource?: string
  responseKind?: {group?: string; version?: string; kind?: string}
  scope?: string
  verbs?: string[]
  subresources?: {subresource?: string; responseKind?: {kind?: string}; verbs?: string[]}[]
}
interface AggregatedList {
  kind?: string
  items?: {metadata?: {name?: string}; versions?: {version?: string; resources?: AggregatedResource[]; freshness?: string}[]}[]
}
interface LegacyGroupList {
  kind?: string
  groups?: {name?: string; versions?: {groupVersion?: string; version?: string}[]; preferredVersion?: {version?: string}}[]
}
interface LegacyVersions {
  kind?: string
  versions?: string[]
}
interface LegacyResourceList {
  groupVersion?: string
  resources?: {name?: string; kind?: string; namespaced?: boolean; verbs?: string[]}[]
}

const gvOf = (group: string, version: string) => group ? `${group}/${version}` : version

function emptyDiscovery(): Discovery {
  return {servedVersions: [], resources: [], preferredVersions: {}, unavailable: []}
}

/**
 * Reads an aggregated discovery document (APIGroupDiscoveryList) into `out`. Versions come in
 * order of preference. A version whose freshness is "Stale" (its aggregated API server is not
 * answering) is unavailable, and neither served nor preferred, as client-go reads it
 * (discovery/aggregated_discovery.go: "PreferredVersion is first non-stale Version").
 */
export function readAggregatedDiscovery(doc: AggregatedList, out: Discovery = emptyDiscovery()): Discovery {
  for (const item of doc.items ?? []) {
    const group = item.metadata?.name ?? ''
    for (const v of item.versions ?? []) {
      if (!v.version) continue
      if (v.freshness === 'Stale') { out.unavailable.push(gvOf(group, v.version)); continue }
      out.preferredVersions[group] ??= v.version
      out.servedVersions.push(gvOf(group, v.version))
      for (const r of v.resources ?? []) {
        if (!r.resource) continue
        const namespaced = r.scope === 'Namespaced'
        out.resources.push({group, version: v.version, resource: r.resource, kind: r.responseKind?.kind ?? '', namespaced, verbs: r.verbs ?? []})
        for (const s of r.subresources ?? []) {
          if (!s.subresource) continue
          out.resources.push({group, version: v.version, resource: `${r.resource}/${s.subresource}`, kind: s.responseKind?.kind ?? '', namespaced, verbs: s.verbs ?? []})
        }
      }
    }
  }
  return out
}

/** Reads one legacy APIResourceList (GET /api/v1, /apis/GROUP/VERSION) into `out`. */
export function readResourceList(group: string, version: string, doc: LegacyResourceList, out: Discovery = emptyDiscovery()): Discovery {
  for (const r of doc.resources ?? []) {
    if (!r.name) continue
    out.resources.push({group, version, resource: r.name, kind: r.kind ?? '', namespaced: r.namespaced ?? false, verbs: r.verbs ?? []})
  }
  return out
}

const isAggregated = (doc: unknown): doc is AggregatedList => (doc as AggregatedList | undefined)?.kind === 'APIGroupDiscoveryList'

/** Group/versions read at once in the legacy fallback. */
const LEGACY_CONCURRENCY = 8

/**
 * Everything the server serves. Aggregated discovery when the server speaks it; otherwise the
 * legacy documents, one request per group/version. A group/version whose document fails
 * (503 from an aggregated API that is down) is listed as unavailable, not a failure.
 */
export async function discoverResources(kube: Kube): Promise<Discovery> {
  const [core, groups] = await Promise.all([
    kube.request<AggregatedList | LegacyVersions>('/api', {accept: AGGREGATED_DISCOVERY_ACCEPT}),
    kube.request<AggregatedList | LegacyGroupList>('/apis', {accept: AGGREGATED_DISCOVERY_ACCEPT}),
  ])
  const out = emptyDiscovery()
  const legacy: {group: string; version: string}[] = []
  if (isAggregated(core)) readAggregatedDiscovery(core, out)
  else {
    const versions = (core as LegacyVersions).versions ?? []
    if (versions[0]) out.preferredVersions[''] = versions[0]
    for (const version of versions) { out.servedVersions.push(version); legacy.push({group: '', version}) }
  }
  if (isAggregated(groups)) readAggregatedDiscovery(groups, out)
  else {
    for (const g of (groups as LegacyGroupList).groups ?? []) {
      if (!g.name) continue
      const preferred = g.preferredVersion?.version ?? g.versions?.[0]?.version
      if (preferred) out.preferredVersions[g.name] = preferred
      for (const v of g.versions ?? []) {
        if (!v.version) continue
        out.servedVersions.push(gvOf(g.name, v.version))
        legacy.push({group: g.name, version: v.version})
      }
    }
  }
  // Each worker takes the next group/version; results are merged in discovery order.
  const lists: (LegacyResourceList | undefined)[] = new Array(legacy.length)
  let next = 0
  const worker = async () => {
    for (let i = next++; i < legacy.length; i = next++) {
      const {group, version} = legacy[i]!
      try {
        lists[i] = await kube.get<LegacyResourceList>(group ? `/apis/${group}/${version}` : `/api/${version}`)
      } catch (err) {
        if (!(err instanceof ClusterError) || err.kind === 'unreachable' || err.kind === 'unauthorized' || err.kind === 'credentials') throw err
        out.unavailable.push(gvOf(group, version))
      }
    }
  }
  await Promise.all(Array.from({length: Math.min(LEGACY_CONCURRENCY, legacy.length)}, worker))
  legacy.forEach(({group, version}, i) => { if (lists[i]) readResourceList(group, version, lists[i]!, out) })
  return out
}
