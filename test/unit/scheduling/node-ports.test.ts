import {describe, expect, it} from 'vitest'
import {node, makePod} from '../../fakes/builders.ts'
import {evaluate, failuresOf} from './helpers.ts'

describe('NodePorts', () => {
  const nodes = [node('a'), node('b'), node('c')]
  const bound = [
    makePod('web-1', {nodeName: 'a', ports: [{containerPort: 80, hostPort: 8080}]}),
    makePod('dns', {nodeName: 'b', ports: [{containerPort: 53, hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.2'}]}),
    makePod('old', {nodeName: 'c', phase: 'Succeeded', ports: [{containerPort: 80, hostPort: 8080}]}),
  ]

  it('fails where the same protocol and port are taken, naming the pod', () => {
    const v = evaluate(makePod('web-2', {ports: [{containerPort: 80, hostPort: 8080}]}), nodes, bound)
    expect(failuresOf(v, 'a', 'NodePorts')).toEqual([expect.objectContaining({
      category: 'host-port', pods: ['default/web-1'], port: {port: 8080, protocol: 'TCP', hostIP: '0.0.0.0'},
      detail: 'host port TCP/8080 is used by default/web-1',
    })])
    expect(v.get('b')?.fits).toBe(true)
    expect(v.get('c')?.fits).toBe(true) // the Succeeded pod released its port
  })

  it('applies 0.0.0.0 semantics: a wildcard conflicts with any IP, two specific IPs only when equal', () => {
    const udp = (hostIP?: string) => makePod('p', {ports: [{containerPort: 53, hostPort: 53, protocol: 'UDP', ...(hostIP ? {hostIP} : {})}]})
    expect(failuresOf(evaluate(udp(), nodes, bound), 'b', 'NodePorts')).toHaveLength(1)
    expect(failuresOf(evaluate(udp('10.0.0.2'), nodes, bound), 'b', 'NodePorts')).toHaveLength(1)
    expect(failuresOf(evaluate(udp('10.0.0.3'), nodes, bound), 'b', 'NodePorts')).toHaveLength(0)
    // Another protocol on the same port does not conflict.
    const tcp = makePod('p', {ports: [{containerPort: 53, hostPort: 53}]})
    expect(failuresOf(evaluate(tcp, nodes, bound), 'b', 'NodePorts')).toHaveLength(0)
  })

  it('defaults hostPort to containerPort under hostNetwork', () => {
    const pod = makePod('agent', {hostNetwork: true, ports: [{containerPort: 8080}]})
    expect(failuresOf(evaluate(pod, nodes, bound), 'a', 'NodePorts')).toHaveLength(1)
  })

  it('ignores container ports without a host port', () => {
    const pod = makePod('p', {ports: [{containerPort: 8080}]})
    expect(evaluate(pod, nodes, bound).get('a')?.fits).toBe(true)
  })
})
