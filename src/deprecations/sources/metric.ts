// Clients still calling deprecated APIs, from apiserver_requested_deprecated_apis: requests, not
// objects, so a sighting names the group/version/resource (and subresource) but no object. The
// client is not in the metric; the API server's audit log names it (annotation k8s.io/deprecated).
// Pure.
import type {ApiUse, DeprecatedApiRequest} from '../../model/upgrade.js'

/** One ApiUse per series (type metric, signal request-metric), with its resource and subresource. */
export function metricUses(requests: DeprecatedApiRequest[]): ApiUse[] {
  return requests.map(r => ({
    apiVersion: r.group ? `${r.group}/${r.version}` : r.version,
    resource: r.resource,
    ...(r.subresource ? {subresource: r.subresource} : {}),
    source: {type: 'metric', signal: 'request-metric'},
  }))
}
