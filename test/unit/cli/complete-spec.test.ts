// Completion runs without oclif, from src/cli/complete/commands.ts: the commands' names, arguments
// and flags as data. That file is written from the commands themselves, here: when a command, an
// argument or a flag changes, this test fails until the file is written again with
//   UPDATE_GOLDEN=1 npx vitest run --project unit test/unit/cli/complete-spec.test.ts
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {KubeCommand} from '../../../src/cli/base.ts'
import {COMMANDS} from '../../../src/commands/index.ts'
import {ARG_VALUES, FLAG_VALUES, SPEC, flagsOf} from '../../../src/cli/complete/spec.ts'
import type {ArgSpec, CommandSpec, CompletionSpec, FlagSpec} from '../../../src/cli/complete/types.ts'

const root = fileURLToPath(new URL('../../..', import.meta.url))
const FILE = join(root, 'src', 'cli', 'complete', 'commands.ts')
const COMMAND = 'UPDATE_GOLDEN=1 npx vitest run --project unit test/unit/cli/complete-spec.test.ts'

interface OclifFlag { type: 'boolean' | 'option'; char?: string; multiple?: boolean; options?: readonly string[]; required?: boolean; allowNo?: boolean; hidden?: boolean; summary?: string; description?: string }
interface OclifArg { required?: boolean; hidden?: boolean }
interface OclifCommand { summary?: string; description?: string; strict?: boolean; hidden?: boolean; args?: Record<string, OclifArg>; flags?: Record<string, OclifFlag>; baseFlags?: Record<string, OclifFlag> }

const firstLine = (s: string | undefined) => (s ?? '').split('\n')[0]!.trim()

function flagSpecs(flags: Record<string, OclifFlag> | undefined): FlagSpec[] {
  return Object.entries(flags ?? {}).filter(([, f]) => !f.hidden).map(([name, f]) => ({
    name,
    ...(f.char ? {char: f.char} : {}),
    ...(f.type === 'option' ? {value: true as const} : {}),
    ...(f.multiple ? {multiple: true as const} : {}),
    ...(f.options ? {options: [...f.options]} : {}),
    ...(f.required ? {required: true as const} : {}),
    ...(f.allowNo ? {allowNo: true as const} : {}),
    description: firstLine(f.summary ?? f.description),
  }))
}

/** The spec, from the commands as oclif would load them. */
function specFromCommands(): CompletionSpec {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const base = KubeCommand.baseFlags as unknown as Record<string, OclifFlag>
  const commands: CommandSpec[] = Object.entries(COMMANDS as unknown as Record<string, OclifCommand>)
    .filter(([, c]) => !c.hidden)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, c]) => {
      const args = Object.entries(c.args ?? {}).filter(([, a]) => !a.hidden)
      return {
        id: id.replaceAll(':', ' '),
        summary: firstLine(c.summary ?? c.description),
        args: args.map(([name, a], i): ArgSpec => ({name, ...(a.required ? {required: true as const} : {}), ...(c.strict === false && i === args.length - 1 ? {variadic: true as const} : {})})),
        flags: flagSpecs(c.flags),
        ...(c.baseFlags === base ? {connection: true as const} : {}),
      }
    })
  const topics = Object.entries((pkg.oclif.topics ?? {}) as Record<string, {description: string}>).map(([name, t]) => ({name, description: t.description}))
  return {topics, connectionFlags: flagSpecs(base), commands}
}

/** The file: one flag, argument or topic a line, so that a change reads as a one-line diff. */
function render(spec: CompletionSpec): string {
  const j = (v: unknown) => JSON.stringify(v)
  const flags = (fs: FlagSpec[], indent: string) => fs.map(f => `${indent}${j(f)},\n`).join('')
  const commands = spec.commands.map(c => {
    const {flags: own, ...head} = c
    const headText = j(head).slice(0, -1)
    return `    ${headText}, "flags": [\n${flags(own, '      ')}    ]},\n`
  }).join('')
  return `// Written by test/unit/cli/complete-spec.test.ts from src/commands and package.json (oclif.topics):
// do not edit. When a command changes, run ${COMMAND}
import type {CompletionSpec} from './types.js'

export const COMPLETION_SPEC: CompletionSpec = {
  "topics": [
${spec.topics.map(t => `    ${j(t)},\n`).join('')}  ],
  "connectionFlags": [
${flags(spec.connectionFlags, '    ')}  ],
  "commands": [
${commands}  ],
}
`
}

describe('the completion spec', () => {
  it('is the commands as they are (src/cli/complete/commands.ts)', () => {
    const text = render(specFromCommands())
    if (process.env.UPDATE_GOLDEN === '1') {
      if (readFileSync(FILE, 'utf8') !== text) writeFileSync(FILE, text)
      return
    }
    expect(readFileSync(FILE, 'utf8'), `src/cli/complete/commands.ts is not the commands as they are: run ${COMMAND} and review the diff`).toBe(text)
    expect(SPEC).toEqual(specFromCommands())
  })

  it('has every command, topic and connection flag in it', () => {
    expect(SPEC.commands.map(c => c.id)).toEqual(['completion', 'drain', 'nodepool list', 'nodepool upgrade', 'rbac', 'upgrade-plan', 'version', 'why-pending'])
    expect(SPEC.topics.map(t => t.name)).toEqual(['nodepool'])
    expect(SPEC.connectionFlags.map(f => f.name)).toContain('context')
    expect(SPEC.commands.find(c => c.id === 'completion')?.connection).toBeUndefined()
    expect(SPEC.commands.find(c => c.id === 'why-pending')?.connection).toBe(true)
  })

  it('names values only for flags and commands that exist', () => {
    const flagNames = new Set(SPEC.commands.flatMap(c => flagsOf(c).map(f => f.name)))
    expect(Object.keys(FLAG_VALUES).filter(f => !flagNames.has(f))).toEqual([])
    const ids = new Set([...SPEC.commands.map(c => c.id), 'help'])
    expect(Object.keys(ARG_VALUES).filter(id => !ids.has(id))).toEqual([])
    // Each command whose argument has values listed has that argument.
    for (const id of Object.keys(ARG_VALUES)) if (id !== 'help') expect(SPEC.commands.find(c => c.id === id)?.args.length, id).toBeGreaterThan(0)
  })
})
