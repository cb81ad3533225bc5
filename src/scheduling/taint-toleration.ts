// pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go and
// k8s.io/api/core/v1/toleration.go (ToleratesTaint). The scheduler stops at the first
// untolerated taint; this filter reports every one.
import type {Taint, Toleration} from '../model/k8s.js'
import {taintCategory} from '../model/taints.js'
import type {FitFailure, FitFilter} from './types.js'

const INT = /^[+-]?\d+$/

/**
 * Toleration.ToleratesTaint: an empty effect matches every effect, an empty key (with Exists)
 * every key; the operator defaults to Equal. Gt/Lt are the 1.35 alpha numeric operators
 * (KEP-5471): Gt tolerates a taint whose value is greater than the toleration's, Lt one whose value is lower.
 */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false
  if (toleration.key && toleration.key !== taint.key) return false
  switch (toleration.operator ?? '') {
    case '':
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '')
    case 'Exists':
      return true
    case 'Gt':
    case 'Lt': {
      const t = taint.value ?? ''
      const v = toleration.value ?? ''
      if (!INT.test(t) || !INT.test(v)) return false
      return toleration.operator === 'Gt' ? BigInt(t) > BigInt(v) : BigInt(t) < BigInt(v)
    }
    default:
      return false
  }
}

export function tolerationsTolerateTaint(tolerations: Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint))
}

/** NoSchedule and NoExecute taints the tolerations do not cover (PreferNoSchedule only affects scoring). */
export function untoleratedTaints(taints: Taint[], tolerations: Toleration[] | undefined): Taint[] {
  return taints.filter((taint) => (taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') && !tolerationsTolerateTaint(tolerations, taint))
}

/** "dedicated=gpu:NoSchedule", "node.kubernetes.io/not-ready:NoExecute". */
export function formatTaint(taint: {key: string; value?: string; effect: string}): string {
  return `${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}`
}

export function taintFailure(taint: Taint): FitFailure {
  return {
    plugin: 'TaintToleration',
    category: taintCategory(taint.key),
    detail: `taint ${formatTaint(taint)}`,
    reason: `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`,
    unresolvable: true,
    taint: {key: taint.key, ...(taint.value ? {value: taint.value} : {}), effect: taint.effect},
  }
}

export const taintTolerationFilter: FitFilter = (pod) => {
  const tolerations = pod.spec.tolerations
  return (node, failures) => {
    for (const taint of node.taints) {
      if ((taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') && !tolerationsTolerateTaint(tolerations, taint)) failures.push(taintFailure(taint))
    }
  }
}
