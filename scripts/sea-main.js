// The entry of the single-file executable: bin/run.js as it is, bundled with everything it imports.
// The executable has no package directory beside it, so oclif is given package.json, the commands and
// the help class from inside the bundle instead of reading them from disk; the removal tables are its
// assets (src/deprecations/shipped.ts).
//
// It is also kubectl_complete-prod, the program kubectl runs from the PATH to complete `kubectl prod`:
// when started under that name (a link to it: krew's `bin` links only kubectl-prod, and a second copy
// of the executable would double the download), or as `kubectl-prod __complete ...` (what the script
// kubectl_complete-prod in the archives runs, which works wherever both are on the PATH, Windows too).
import pjson from '../package.json' with {type: 'json'}

const argv = process.argv.slice(2)
const invokedAs = (process.argv0 ?? '').split(/[\\/]/).pop().replace(/\.(exe|cmd|bat)$/i, '')
if (invokedAs.startsWith('kubectl_complete-') || argv[0] === '__complete') {
  const {runCompletion} = await import('../dist/cli/complete/main.js')
  await runCompletion(argv[0] === '__complete' ? argv.slice(1) : argv)
}
// bin/run.js answers `--version` from package.json on disk: answer it here, in the same format.
if (argv.length === 1 && argv[0] === '--version') {
  process.stdout.write(`${pjson.name}/${pjson.version} ${process.platform}-${process.arch} node-${process.version}\n`)
  process.exit(0)
}
const {Config, Plugin, ModuleLoader} = await import('@oclif/core')
const {COMMANDS} = await import('../dist/commands/index.js')
const {dirname} = await import('node:path')
const load = Config.load.bind(Config)
Config.load = () => load({root: dirname(process.execPath), pjson})
Plugin.prototype.loadCommandsFromTarget = async function () {
  this.commandCache = COMMANDS
  return COMMANDS
}
// oclif loads pjson.oclif.helpClass from a path under the package root: this is that module.
const helpClass = pjson.oclif.helpClass.replace(/^\.\//, '').replace(/\.js$/, '')
const loadModule = ModuleLoader.load
ModuleLoader.load = async (config, path) => String(path).replaceAll('\\', '/').replace(/\.[cm]?[jt]s$/, '').endsWith(helpClass)
  ? import('../dist/cli/help.js')
  : loadModule(config, path)
await import('../bin/run.js')
