// Cordon and uncordon, idempotent like kubectl's CordonHelper (kubernetes/kubectl
// pkg/drain/cordon.go UpdateIfRequired): nothing is written when the node is already as desired.
import type {Kube} from './client.js'
import type {Node} from '../model/k8s.js'
import {patchStrategic} from './patch.js'

const nodePath = (name: string) => `/api/v1/nodes/${encodeURIComponent(name)}`

/** The node, or undefined when it does not exist. Other failures throw. */
export async function getNode(kube: Kube, name: string, signal?: AbortSignal): Promise<Node | undefined> {
  const answer = await kube.send(nodePath(name), {signal})
  if (answer.status === 404) return undefined
  if (answer.status >= 200 && answer.status < 300) return answer.body as Node
  // Anything else takes the typed error of the retrying path (403, 5xx after retries, ...).
  return kube.request<Node>(nodePath(name), {signal})
}

/** Sets spec.unschedulable; `changed` is false when the node already was as asked (no write then). */
export async function setUnschedulable(kube: Kube, node: string, value: boolean, signal?: AbortSignal): Promise<{changed: boolean}> {
  const current = await kube.request<Node>(nodePath(node), {signal})
  if (Boolean(current.spec?.unschedulable) === value) return {changed: false}
  // A strategic-merge patch of the one field, as kubectl cordon sends it (null removes it).
  await patchStrategic<Node>(kube, nodePath(node), {spec: {unschedulable: value ? true : null}})
  return {changed: true}
}
