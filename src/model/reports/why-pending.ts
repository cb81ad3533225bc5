// The why-pending report: a contract (kind WhyPendingReport, apiVersion kubectl-prod/v1).
// Fields are added, never renamed or removed.
import type {Cause, ObjectRef} from './finding.js'

export type ItemStatus = 'Pending' | 'NotReady' | 'NotCreated'

export interface ReportItem {
  object: ObjectRef
  owner: {kind: string; name: string} | null
  status: ItemStatus
  /** The node the pod is bound to (spec.nodeName); absent while the scheduler has not placed it. */
  node?: string
  waiting: boolean
  since?: string
  /** What blocks it, most direct first: each a change that, alone or with the others, lets it run. */
  causes: Cause[]
  /** Context that blocks nothing by itself: nodes reserved for other work, problems of nodes it could not use anyway. */
  notes: string[]
}

export interface NodeItem {
  name: string
  ready: 'True' | 'False' | 'Unknown'
  causes: Cause[]
}

export interface WhyPendingReport {
  apiVersion: 'kubectl-prod/v1'
  kind: 'WhyPendingReport'
  items: ReportItem[]
  nodes: NodeItem[]
  summary: {
    byStatus: Record<string, number>
    byCategory: Record<string, number>
  }
  /** What could not be read (forbidden, absent from a dump); answers that needed it may be incomplete. */
  gaps?: string[]
}
