// pkg/scheduler/framework/plugins/nodeports/node_ports.go and HostPortInfo.CheckConflict in
// pkg/scheduler/framework/types.go: a wanted host port conflicts with a used one of the same
// protocol and port when either side binds 0.0.0.0 or both bind the same IP.
import {podHostPorts, selfEntry} from './cluster.js'
import type {FitFilter} from './types.js'

export const nodePortsFilter: FitFilter = (pod, cluster) => {
  const wanted = podHostPorts(pod)
  if (wanted.length === 0) return null
  const self = selfEntry(cluster, pod)?.key
  return (node, failures) => {
    if (node.usedPorts.length === 0) return
    for (const want of wanted) {
      const pods = node.usedPorts
        .filter((use) => use.pod !== self && use.protocol === want.protocol && use.port === want.port &&
          (want.ip === '0.0.0.0' || use.ip === '0.0.0.0' || use.ip === want.ip))
        .map((use) => use.pod)
      if (pods.length === 0) continue
      const unique = [...new Set(pods)]
      const where = want.ip === '0.0.0.0' ? '' : ` on ${want.ip}`
      failures.push({
        plugin: 'NodePorts',
        category: 'host-port',
        detail: `host port ${want.protocol}/${want.port}${where} is used by ${unique.join(', ')}`,
        reason: "node(s) didn't have free ports for the requested pod ports",
        unresolvable: false,
        port: {port: want.port, protocol: want.protocol, hostIP: want.ip},
        pods: unique,
      })
    }
  }
}
