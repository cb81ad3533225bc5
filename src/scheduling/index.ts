// The scheduler model's public face: evaluate every filter on every node for one pod
// (evaluateNodes), fold the verdicts into causes a person can act on (summarizeVerdicts), and
// place pods on nodes as the scheduler would (placePods) for capacity and what-if questions.
export type {FitFailure, FitFilter, FitInput, FitPluginName, FitSummaryLine, NodeCheck, NodeVerdict, PreparedFitInput} from './types.js'
export {FIT_PLUGINS} from './types.js'
export {evaluateNodes} from './evaluate.js'
export {prepareCluster, type ClusterIndex, type NodeInfo, type PrepareOptions} from './cluster.js'
export {placePods, podFromTemplate, type PlaceInput, type PlacementResult, type PodPlacement, type UnplacedPod} from './place.js'
export {podRequests} from './resources.js'
export {summarizeVerdicts, describeVerdicts, type VerdictOverview} from './summarize.js'
export {toleratesTaint, untoleratedTaints, formatTaint} from './taint-toleration.js'
