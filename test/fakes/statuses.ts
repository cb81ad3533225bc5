// Status bodies as the real API server writes them, shared by the unit tests and checked
// against the real server by test/e2e/kube-seams.test.ts.

/** v1.36.4's answer to a policy/v1 Eviction of a pod whose PodDisruptionBudget allows no disruption. */
export const PDB_REFUSAL = {
  kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
  message: 'Cannot evict pod as it would violate the pod\'s disruption budget.',
  reason: 'TooManyRequests',
  details: {causes: [{reason: 'DisruptionBudget', message: 'The disruption budget db-pdb needs 3 healthy pods and has 3 currently'}]},
  code: 429,
}

/** API priority and fairness throttling (apiserver pkg/server/filters/priority-and-fairness.go). */
export const THROTTLED = {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Too many requests, please try again later.', reason: 'TooManyRequests', details: {retryAfterSeconds: 1}, code: 429}
