#!/usr/bin/env node
// kubectl_complete-prod: kubectl (1.26 or newer) runs it from the PATH to complete `kubectl prod ...`,
// with the words after `kubectl prod` (dist/cli/complete/main.js says what it prints). It loads
// nothing of oclif. On a Node too old for the rest it answers with the directive alone (no
// completion, no file names) rather than an error: a shell is waiting. Plain syntax, so old Nodes get this far.
var nodeVersion = process.versions.node.split('.').map(Number)
if (nodeVersion[0] < 22 || (nodeVersion[0] === 22 && nodeVersion[1] < 13)) {
  process.stdout.write(':4\n')
  process.exit(0)
}
import module from 'node:module'

module.enableCompileCache?.()
const {runCompletion} = await import('../dist/cli/complete/main.js')
await runCompletion(process.argv.slice(2))
