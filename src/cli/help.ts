// Help in kubectl's words (package.json oclif.helpClass): usage lines say `kubectl prod ...`, the
// overview groups the commands by task as `kubectl --help` groups its own, and a command's help reads
// in kubectl's order: what it does, examples, flags, then the usage line, just above the prompt.
import {CommandHelp, Help, type Command, type Interfaces} from '@oclif/core'
import {firstLine} from '../model/text.js'

/** How users type it: kubectl runs the plugin kubectl-prod for `kubectl prod`. */
export const INVOCATION = 'kubectl prod'

/**
 * The groups of the overview, by task, as kubectl has "Troubleshooting and Debugging Commands" and
 * "Cluster Management Commands". A command in none is listed under OTHER COMMANDS.
 */
export const COMMAND_GROUPS: {title: string; commands: string[]}[] = [
  {title: 'TROUBLESHOOTING COMMANDS', commands: ['why-pending']},
  {title: 'UPGRADE COMMANDS', commands: ['upgrade-plan', 'nodepool upgrade']},
  {title: 'NODE COMMANDS', commands: ['drain', 'nodepool list']},
  {title: 'ACCESS AND OTHER COMMANDS', commands: ['rbac', 'version', 'completion']},
]

const spaced = (id: string) => id.replaceAll(':', ' ')

class KubectlCommandHelp extends CommandHelp {
  /** What it does (summary, then description), examples, arguments and flags, then the usage line. */
  override generate(): string {
    const lead = [firstLine(this.command.summary ?? this.command.description ?? ''), this.command.summary ? this.command.description : this.command.description?.split('\n').slice(1).join('\n')]
      .filter((s): s is string => !!s?.trim())
      .map(s => this.wrap(s.trim(), 0))
      .join('\n\n')
    return [lead, super.generate()].filter(Boolean).join('\n\n')
  }

  protected override sections(): ReturnType<CommandHelp['sections']> {
    const byHeader = new Map(super.sections().map(s => [s.header, s]))
    const order = ['EXAMPLES', 'ARGUMENTS', 'FLAGS', 'FLAG DESCRIPTIONS', 'ALIASES', this.opts.usageHeader || 'USAGE']
    return order.flatMap(h => byHeader.get(h) ?? [])
  }

  /** `kubectl prod nodepool upgrade POOL --target-version <value> [flags]`: the arguments and required flags; the rest are [flags]. */
  protected override usage(): string {
    const cmd = this.command
    const args = Object.values(cmd.args ?? {}).filter(a => !a.hidden)
    const words = args.map((a, i) => {
      const name = `${a.name.toUpperCase()}${cmd.strict === false && i === args.length - 1 ? '...' : ''}`
      return a.required ? name : `[${name}]`
    })
    const flags = Object.entries(cmd.flags ?? {}).filter(([, f]) => !f.hidden)
    for (const [name, f] of flags) if (f.required) words.push(f.type === 'option' ? `--${name} <value>` : `--${name}`)
    if (flags.some(([, f]) => !f.required)) words.push('[flags]')
    return this.wrap([INVOCATION, spaced(cmd.id), ...words].join(' '))
  }

  /** Each example as typed, one per line (no `$ `, no wrapping: they are copied into a shell). */
  protected override examples(examples: Command.Example[] | string | undefined): string | undefined {
    const list = typeof examples === 'string' ? [examples] : examples ?? []
    if (list.length === 0) return undefined
    return list
      .flatMap(e => typeof e === 'string' ? e.split('\n') : [`# ${e.description}`, e.command])
      .map(l => this.render(l).replace(/^\$ /, ''))
      .join('\n')
  }
}

export default class KubectlHelp extends Help {
  protected override CommandHelpClass = KubectlCommandHelp

  override async showCommandHelp(command: Command.Loadable): Promise<void> {
    this.log(this.formatCommand(command) + '\n')
  }

  /** The overview: the commands grouped by task, the usage line, and where to read more. */
  override formatRoot(): string {
    const commands = this.sortedCommands.filter(c => c.id)
    const byId = new Map(commands.map(c => [spaced(c.id), c]))
    const grouped = new Set(COMMAND_GROUPS.flatMap(g => g.commands))
    const groups = [...COMMAND_GROUPS, {title: 'OTHER COMMANDS', commands: [...byId.keys()].filter(id => !grouped.has(id))}]
    // One column for all the groups, as kubectl aligns them.
    const width = Math.max(...[...byId.keys()].map(id => id.length))
    const sections = groups.flatMap(g => {
      const rows = g.commands.flatMap(id => {
        const c = byId.get(id)
        return c ? [[id.padEnd(width), firstLine(c.summary ?? c.description ?? '')] as [string, string]] : []
      })
      return rows.length ? [this.section(g.title, this.renderList(rows, {indentation: 2, stripAnsi: this.opts.stripAnsi}))] : []
    })
    return [
      this.wrap(firstLine(this.config.pjson.description ?? ''), 0),
      ...sections,
      this.section(this.opts.usageHeader || 'USAGE', `${INVOCATION} COMMAND [flags]`),
      `Use "${INVOCATION} <command> --help" for more information about a given command.`,
    ].join('\n\n')
  }

  protected override async showRootHelp(): Promise<void> {
    this.log(this.formatRoot() + '\n')
  }

  /** A topic (nodepool): what it is, its commands, the usage line. */
  protected override async showTopicHelp(topic: Interfaces.Topic): Promise<void> {
    const name = spaced(topic.name)
    const commands = this.sortedCommands.filter(c => c.id.startsWith(`${topic.name}:`) && c.id.split(':').length === topic.name.split(':').length + 1)
    const width = Math.max(...commands.map(c => spaced(c.id).length))
    const rows = commands.map(c => [spaced(c.id).padEnd(width), firstLine(c.summary ?? c.description ?? '')] as [string, string])
    this.log([
      this.wrap(firstLine(topic.description ?? ''), 0),
      this.section('COMMANDS', this.renderList(rows, {indentation: 2, stripAnsi: this.opts.stripAnsi})),
      this.section(this.opts.usageHeader || 'USAGE', `${INVOCATION} ${name} COMMAND [flags]`),
      `Use "${INVOCATION} ${name} <command> --help" for more information about a command.`,
    ].join('\n\n') + '\n')
  }
}
