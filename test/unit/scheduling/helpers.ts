// Assertions over the scheduler model's verdicts; the fixtures come from test/fakes/builders.ts.
import type {Node, Pod} from '../../../src/model/k8s.ts'
import {evaluateNodes, type FitFailure, type NodeVerdict} from '../../../src/scheduling/index.ts'

/** Verdicts by node name. */
export function evaluate(pod: Pod, nodes: Node[], boundPods: Pod[] = []): Map<string, NodeVerdict> {
  return new Map(evaluateNodes({pod, nodes, boundPods}).map((v) => [v.node, v]))
}

/** The failures of one plugin on one node. */
export function failuresOf(verdicts: Map<string, NodeVerdict>, node: string, plugin: string): FitFailure[] {
  const v = verdicts.get(node)
  if (!v) throw new Error(`no verdict for node ${node}`)
  return v.failures.filter((f) => f.plugin === plugin)
}
