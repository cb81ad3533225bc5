// Run by `npm install` (the prepare script) before the build. npm itself may run on a Node too old
// for kubectl-prod (engines); the npm scripts do not: the `node` development dependency puts a
// pinned Node in node_modules/.bin, which npm puts first on their PATH. This says so in plain words
// after npm's EBADENGINE warnings, and stops the install when that Node is missing.
import {readFileSync} from 'node:fs'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
const [minMajor, minMinor] = /(\d+)\.(\d+)/.exec(pkg.engines.node).slice(1).map(Number)
const tooOld = (version) => {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number)
  return major < minMajor || (major === minMajor && minor < minMinor)
}
const pinned = pkg.devDependencies.node
// npm's user agent names the Node that npm runs on: "npm/11.6.2 node/v20.19.5 linux x64 ...".
const npmNode = /\bnode\/(v[\d.]+)/.exec(process.env.npm_config_user_agent ?? '')?.[1] ?? process.version

if (tooOld(process.version)) {
  console.error(`kubectl-prod: Node ${pinned} (the \`node\` development dependency) is not in node_modules/.bin, so the npm scripts would run on Node ${process.version}, which is too old (kubectl-prod needs ${pkg.engines.node}).`)
  console.error('kubectl-prod: if npm skipped its install script, run `npm install-scripts approve node`, then `npm install` again.')
  process.exit(1)
}
if (tooOld(npmNode)) {
  console.error(`kubectl-prod: the EBADENGINE warnings above are about this machine's Node ${npmNode}, which npm runs on: they need no action.`)
  console.error(`kubectl-prod: this install put Node ${process.version} in node_modules/.bin; \`npm run demo\`, \`npm test\` and the other npm scripts run on it, and the system's Node is left as it is.`)
  console.error('kubectl-prod: outside npm scripts, run the plugin with `npm exec -- kubectl-prod ...`.')
}
