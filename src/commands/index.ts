// Explicit command discovery: oclif loads this one module instead of scanning the folder.
import Rbac from './rbac.js'
import UpgradePlan from './upgrade-plan.js'
import Version from './version.js'
import WhyPending from './why-pending.js'

export const COMMANDS = {
  rbac: Rbac,
  'upgrade-plan': UpgradePlan,
  version: Version,
  'why-pending': WhyPending,
}
