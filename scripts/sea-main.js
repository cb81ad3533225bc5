// The entry of the single-file executable: bin/run.js as it is, bundled with everything it imports.
// The executable has no package directory beside it, so oclif is given package.json and the commands
// from inside the bundle instead of reading them from disk; the removal tables are its assets
// (src/deprecations/shipped.ts).
import pjson from '../package.json' with {type: 'json'}

const argv = process.argv.slice(2)
// bin/run.js answers `--version` from package.json on disk: answer it here, in the same format.
if (argv.length === 1 && argv[0] === '--version') {
  process.stdout.write(`${pjson.name}/${pjson.version} ${process.platform}-${process.arch} node-${process.version}\n`)
  process.exit(0)
}
const {Config, Plugin} = await import('@oclif/core')
const {COMMANDS} = await import('../dist/commands/index.js')
const {dirname} = await import('node:path')
const load = Config.load.bind(Config)
Config.load = () => load({root: dirname(process.execPath), pjson})
Plugin.prototype.loadCommandsFromTarget = async function () {
  this.commandCache = COMMANDS
  return COMMANDS
}
await import('../bin/run.js')
