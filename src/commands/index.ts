// Explicit command discovery: oclif loads this one module instead of scanning the folder.
import Completion from './completion.js'
import NodePoolList from './nodepool/list.js'
import NodePoolUpgrade from './nodepool/upgrade.js'
import Drain from './drain.js'
import Rbac from './rbac.js'
import UpgradePlan from './upgrade-plan.js'
import Version from './version.js'
import WhyPending from './why-pending.js'

export const COMMANDS = {
  completion: Completion,
  drain: Drain,
  'nodepool:list': NodePoolList,
  'nodepool:upgrade': NodePoolUpgrade,
  rbac: Rbac,
  'upgrade-plan': UpgradePlan,
  version: Version,
  'why-pending': WhyPending,
}
