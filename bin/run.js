#!/usr/bin/env node
// The kubectl-prod launcher. kubectl finds it on PATH as `kubectl-prod` and runs it for
// `kubectl prod ...`; flags placed before the command are moved after it.
import module from 'node:module'

module.enableCompileCache?.()
const {reorderArgs} = await import('../dist/cli/argv.js')
const {execute} = await import('@oclif/core')
await execute({dir: import.meta.url, args: reorderArgs(process.argv.slice(2))})
