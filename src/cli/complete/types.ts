// The shapes of what completion knows of the commands (spec.ts, commands.ts).

export interface FlagSpec {
  name: string
  char?: string
  /** Takes a value (`--name VALUE`); a switch otherwise. */
  value?: true
  /** May be given more than once. */
  multiple?: true
  options?: string[]
  required?: true
  /** A switch that also has a `--no-` form. */
  allowNo?: true
  description: string
}

export interface ArgSpec {
  name: string
  required?: true
  /** Takes any number of words (the command is not strict). */
  variadic?: true
}

export interface CommandSpec {
  /** With spaces between words: `nodepool upgrade`. */
  id: string
  summary: string
  args: ArgSpec[]
  flags: FlagSpec[]
  /** Also takes the connection and output flags every cluster command has (`connectionFlags`). */
  connection?: true
}

export interface CompletionSpec {
  topics: {name: string; description: string}[]
  commands: CommandSpec[]
  connectionFlags: FlagSpec[]
}
