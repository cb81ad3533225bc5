// Help in kubectl's words, as golden files (test/golden/help/): the overview grouped by task, a
// topic, and commands of each shape (an optional argument, a variadic one, a required flag, no
// connection flags). Rendered 80 columns wide, without colour, by the help class package.json names.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {Config, Plugin, type Interfaces} from '@oclif/core'
import {beforeAll, describe, expect, it} from 'vitest'
import {COMMANDS} from '../../../src/commands/index.ts'
import KubectlHelp, {COMMAND_GROUPS} from '../../../src/cli/help.ts'
import {expectGolden} from '../render/golden.ts'

const root = fileURLToPath(new URL('../../..', import.meta.url))
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

class CapturedHelp extends KubectlHelp {
  out: string[] = []
  protected override log(...args: string[]): void {
    this.out.push(...args)
  }
}

let config: Config
beforeAll(async () => {
  // The package as it is, with the commands given from the source (as the single executable gives them from its bundle).
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-prod-help-'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg))
  // oclif's own seam for that (private in its types): scripts/sea-main.js uses it too.
  const plugin = Plugin.prototype as unknown as {loadCommandsFromTarget: () => Promise<unknown>}
  const loadCommands = plugin.loadCommandsFromTarget
  plugin.loadCommandsFromTarget = async function (this: {commandCache?: unknown}) {
    this.commandCache = COMMANDS
    return COMMANDS
  }
  try {
    config = await Config.load(dir)
  } finally {
    plugin.loadCommandsFromTarget = loadCommands
  }
})

async function help(...argv: string[]): Promise<string> {
  const h = new CapturedHelp(config, {maxWidth: 80, stripAnsi: true} as Partial<Interfaces.HelpOptions>)
  await h.showHelp(argv)
  return h.out.join('\n') + '\n'
}

describe('kubectl prod --help', () => {
  it('groups the commands by task, as kubectl --help does, and ends with the usage line', async () => {
    const text = await help('--help')
    expectGolden('help/overview', text)
    expect(text.indexOf('TROUBLESHOOTING COMMANDS')).toBeLessThan(text.indexOf('UPGRADE COMMANDS'))
    expect(text).toContain('\nUSAGE\n  kubectl prod COMMAND [flags]\n')
    expect(text).not.toContain('$ kubectl-prod')
  })

  it('lists every command once, under its group', async () => {
    const text = await help()
    const ids = Object.keys(COMMANDS).map(id => id.replaceAll(':', ' '))
    for (const id of ids) expect(text.match(new RegExp(`^  ${id}  `, 'gm'))?.length, id).toBe(1)
    expect(COMMAND_GROUPS.flatMap(g => g.commands).sort()).toEqual([...ids].sort())
    expect(text).not.toMatch(/^OTHER COMMANDS$/m)
  })

  it('shows a topic with its commands', async () => {
    expectGolden('help/nodepool', await help('nodepool', '--help'))
  })

  it('shows a command in kubectl\'s order: what it does, examples, flags, the usage line', async () => {
    const text = await help('why-pending', '--help')
    expectGolden('help/why-pending', text)
    const order = ['Explain why pods', 'EXAMPLES', 'ARGUMENTS', 'FLAGS', 'CONNECTION FLAGS', 'USAGE'].map(s => text.indexOf(s))
    expect(order).toEqual([...order].sort((a, b) => a - b))
    expect(text).toMatch(/\nUSAGE\n {2}kubectl prod why-pending \[TARGET\] \[flags\]\n/)
    expect(text).toMatch(/\nEXAMPLES\n {2}kubectl prod why-pending -A\n {2}kubectl prod why-pending deploy\/web -n shop\n/)
  })

  it('names the arguments and the required flags in the usage line', async () => {
    expectGolden('help/nodepool-upgrade', await help('nodepool', 'upgrade', '--help'))
    expectGolden('help/drain', await help('drain', '--help'))
    expect(await help('nodepool', 'upgrade', '--help')).toContain('\n  kubectl prod nodepool upgrade POOL --target-version <value> [flags]\n')
    expect(await help('drain', '--help')).toContain('\n  kubectl prod drain NODE... [flags]\n')
  })

  it('shows completion without the connection flags it does not have', async () => {
    const text = await help('completion', '--help')
    expectGolden('help/completion', text)
    expect(text).not.toContain('CONNECTION FLAGS')
    expect(text).toContain('\n  kubectl prod completion SHELL\n')
  })
})
