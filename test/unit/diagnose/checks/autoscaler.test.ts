import {describe, expect, it} from 'vitest'
import {checkAutoscaler, parseNoScaleUp} from '../../../../src/diagnose/checks/autoscaler.ts'
import {NOW, ago, index, pod, podEvent} from '../../../fakes/builders.ts'

const p = pod()
const ca = (reason: string, message: string, minutesAgo: number) => podEvent(p, reason, message, {minutesAgo, reporter: 'cluster-autoscaler', type: 'Normal'})
const triggered = (minutesAgo: number) => ca('TriggeredScaleUp', 'pod triggered scale-up: [{eks-ng-general-2a3b 3->4 (max: 10)}]', minutesAgo)
const notTriggered = (minutesAgo: number, message = "pod didn't trigger scale-up: 2 max node group size reached, 1 node(s) didn't match Pod's node affinity/selector") =>
  ca('NotTriggerScaleUp', message, minutesAgo)

describe('cluster-autoscaler', () => {
  it('reports a scale-up in progress as a wait, with its age', () => {
    const {causes, waiting} = checkAutoscaler(p, index(triggered(3)), NOW)
    expect(waiting).toBe(true)
    expect(causes).toEqual([expect.objectContaining({category: 'autoscaler-scaling-up', summary: `cluster-autoscaler is adding capacity for the pod: group eks-ng-general-2a3b 3->4 (max 10), started at ${ago(3)}`})])
  })

  it('reads the old TriggeredScaleUp wording', () => {
    const {causes} = checkAutoscaler(p, index(ca('TriggeredScaleUp', 'pod triggered scale-up, group: k8s-workers-us-east-1a, sizes (current/new): 3/4', 4)), NOW)
    expect(causes[0]?.summary).toBe(`cluster-autoscaler is adding capacity for the pod: group k8s-workers-us-east-1a 3->4, started at ${ago(4)}`)
  })

  it('parses the per-group reasons of NotTriggerScaleUp', () => {
    const {causes, waiting} = checkAutoscaler(p, index(notTriggered(2)), NOW)
    expect(waiting).toBe(false)
    expect(causes[0]?.category).toBe('autoscaler-no-scale-up')
    expect(causes[0]?.summary).toBe("cluster-autoscaler will not add a node for the pod: max node group size reached (2 groups), node(s) didn't match Pod's node affinity/selector (1 group)")
    expect(causes[0]?.fix).toBe('raise the maximum size of the node groups that fit the pod; they are at their limit')
  })

  it('reads the <=1.19 "wouldn\'t fit" wording', () => {
    expect(parseNoScaleUp("pod didn't trigger scale-up (it wouldn't fit if a new node is added): 1 Insufficient memory, 3 node(s) didn't match node selector"))
      .toEqual([{count: 1, reason: 'Insufficient memory'}, {count: 3, reason: "node(s) didn't match node selector"}])
  })

  it('says when the event gave no reasons', () => {
    const {causes} = checkAutoscaler(p, index(notTriggered(2, "pod didn't trigger scale-up:")), NOW)
    expect(causes[0]?.summary).toBe('cluster-autoscaler will not add a node for the pod and gave no reason')
  })

  it('lets a later NotTriggerScaleUp supersede an earlier TriggeredScaleUp', () => {
    const {causes, waiting} = checkAutoscaler(p, index(triggered(10), notTriggered(2)), NOW)
    expect(causes.map(c => c.category)).toEqual(['autoscaler-no-scale-up'])
    expect(waiting).toBe(false)
  })

  it('lets a later TriggeredScaleUp supersede an earlier NotTriggerScaleUp', () => {
    const {causes, waiting} = checkAutoscaler(p, index(notTriggered(10), triggered(1)), NOW)
    expect(causes.map(c => c.category)).toEqual(['autoscaler-scaling-up'])
    expect(waiting).toBe(true)
  })

  it('uses only the newest NotTriggerScaleUp', () => {
    const {causes} = checkAutoscaler(p, index(notTriggered(9, "pod didn't trigger scale-up: 1 in backoff after failed scale-up"), notTriggered(1, "pod didn't trigger scale-up: 4 max node group size reached")), NOW)
    expect(causes).toHaveLength(1)
    expect(causes[0]?.summary).toContain('max node group size reached (4 groups)')
  })

  it('stops calling a 25-minute-old scale-up a wait', () => {
    const {causes, waiting} = checkAutoscaler(p, index(triggered(25)), NOW)
    expect(waiting).toBe(false)
    expect(causes[0]?.summary).toContain(`started a scale-up at ${ago(25)}`)
    expect(causes[0]?.fix).toMatch(/cluster-autoscaler-status/)
  })

  it('ignores events about an older pod of the same name', () => {
    const old = podEvent({...p, metadata: {...p.metadata, uid: 'uid-older'}}, 'TriggeredScaleUp', 'pod triggered scale-up: [{ng 1->2 (max: 3)}]', {reporter: 'cluster-autoscaler'})
    expect(checkAutoscaler(p, index(old), NOW)).toEqual({causes: [], waiting: false})
  })
})

describe('Karpenter and Fargate', () => {
  it('treats Nominated as a wait', () => {
    const e = podEvent(p, 'Nominated', 'Pod should schedule on: nodeclaim/default-cvkcv, node/ip-10-0-1-23.ec2.internal', {reporter: 'karpenter', type: 'Normal'})
    const {causes, waiting} = checkAutoscaler(p, index(e), NOW)
    expect(waiting).toBe(true)
    expect(causes[0]?.summary).toBe(`Karpenter is adding capacity for the pod: the pod is nominated to nodeclaim/default-cvkcv, node/ip-10-0-1-23.ec2.internal, started at ${ago(1)}`)
  })

  it('reports Karpenter FailedScheduling with the NodePool named', () => {
    const e = podEvent(p, 'FailedScheduling', 'Failed to schedule pod, incompatible with nodepool "default", daemonset overhead={"cpu":"500m","memory":"640Mi","pods":"5"}, no instance type satisfied resources {"cpu":"64500m","memory":"640Mi","pods":"6"} and requirements karpenter.sh/nodepool In [default] (no instance type has enough resources)', {reporter: 'karpenter'})
    const {causes} = checkAutoscaler(p, index(e), NOW)
    expect(causes[0]?.category).toBe('autoscaler-no-scale-up')
    expect(causes[0]?.summary).toMatch(/^Karpenter cannot launch a node for the pod: incompatible with nodepool "default"/)
    expect(causes[0]?.fix).toBe("change NodePool default (requirements, limits, instance types) or the pod's requirements so one instance type fits")
  })

  it('passes Fargate messages through as other', () => {
    const e = podEvent(p, 'FailedScheduling', 'Pod not supported on Fargate: fields not supported: HostNetwork, invalid SecurityContext fields: Privileged', {reporter: 'fargate-scheduler'})
    const {causes} = checkAutoscaler(p, index(e), NOW)
    expect(causes).toEqual([expect.objectContaining({category: 'other', summary: 'EKS Fargate will not run the pod: Pod not supported on Fargate: fields not supported: HostNetwork, invalid SecurityContext fields: Privileged'})])
  })

  it('leaves default-scheduler FailedScheduling to the scheduler parser', () => {
    const e = podEvent(p, 'FailedScheduling', '0/3 nodes are available: 3 Insufficient cpu.', {reporter: 'default-scheduler'})
    expect(checkAutoscaler(p, index(e), NOW).causes).toEqual([])
  })
})
