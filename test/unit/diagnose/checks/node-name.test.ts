import {describe, expect, it} from 'vitest'
import {checkNodeName} from '../../../../src/diagnose/checks/node-name.ts'
import type {Node} from '../../../../src/model/k8s.ts'
import {node, pod} from '../../../fakes/builders.ts'

describe('checkNodeName', () => {
  it('reports a nodeName that names no node', () => {
    const nodes = new Map<string, Node>([['node-a', node('node-a')]])
    const [cause] = checkNodeName(pod({spec: {nodeName: 'node-gone'}}), nodes)
    expect(cause).toMatchObject({category: 'node-name', summary: 'the pod is bound to node node-gone (spec.nodeName), which does not exist, so no kubelet will ever run it'})
    expect(checkNodeName(pod({spec: {nodeName: 'node-a'}}), nodes)).toEqual([])
  })
})
