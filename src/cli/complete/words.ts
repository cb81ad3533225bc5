// The words typed so far, read as the command will read them: which command they name, the flags
// and values already given, the arguments, and what the word being completed is. Pure.
import {findCommand, flagsOf, isTopic, type CommandSpec, type FlagSpec} from './spec.js'

export interface Line {
  command?: CommandSpec
  /** A topic named without its command yet (`nodepool`). */
  topic?: string
  /** The words name no command: nothing is completed. */
  unknown: boolean
  /** Values given, by long flag name (switches as "true"; `--no-x` as "false"). */
  flags: Map<string, string[]>
  args: string[]
  /** The word being completed: the last one, possibly empty. */
  word: string
  /** Set when the word is the value of this flag (`-n <TAB>`, `--namespace=<TAB>`). */
  valueFlag?: FlagSpec
  /** The value typed so far (the word, or what follows its `=`). */
  value: string
}

const find = (flags: FlagSpec[], name: string) => flags.find(f => f.name === name)
const findChar = (flags: FlagSpec[], char: string) => flags.find(f => f.char === char)

/** Reads the words after `kubectl prod`; the last is the one being completed (empty for a new word). */
export function readLine(argv: string[]): Line {
  const words = argv.slice(0, -1)
  const word = argv.at(-1) ?? ''
  const line: Line = {unknown: false, flags: new Map(), args: [], word, value: word}
  const set = (flag: FlagSpec, value: string) => line.flags.set(flag.name, [...(line.flags.get(flag.name) ?? []), value])
  let dashes = false
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!
    if (dashes || !w.startsWith('-') || w === '-') {
      addWord(line, w)
      continue
    }
    if (w === '--') { dashes = true; continue }
    const flags = flagsOf(line.command)
    // kubectl's verbosity: -v, -v=6, -v6, -vv, and -v 6 (src/cli/argv.ts).
    if (/^-v+$|^-v=?\d+$/.test(w)) {
      if (w === '-v' && /^\d+$/.test(words[i + 1] ?? '')) i++
      continue
    }
    if (w.startsWith('--')) {
      const eq = w.indexOf('=')
      const name = w.slice(2, eq < 0 ? undefined : eq)
      const flag = find(flags, name) ?? (name.startsWith('no-') ? find(flags, name.slice(3)) : undefined)
      if (!flag) continue
      if (!flag.value) set(flag, name === flag.name ? 'true' : 'false')
      else if (eq >= 0) set(flag, w.slice(eq + 1))
      else if (i + 1 < words.length) set(flag, words[++i]!)
      else line.valueFlag = flag
      continue
    }
    // Short flags: -A, -n NAME, -nNAME, -n=NAME, -ojson, and switches run together (-Ay).
    for (let j = 1; j < w.length; j++) {
      const flag = findChar(flags, w[j]!)
      if (!flag) break
      if (!flag.value) { set(flag, 'true'); continue }
      const rest = w.slice(j + 1).replace(/^=/, '')
      if (rest) set(flag, rest)
      else if (i + 1 < words.length) set(flag, words[++i]!)
      else line.valueFlag = flag
      break
    }
  }
  if (line.valueFlag) return line
  // The word itself may carry its flag: --namespace=ku, -n=ku.
  const inline = /^(--[^=]+|-[^-=])=(.*)$/s.exec(word)
  if (inline && !dashes) {
    const flags = flagsOf(line.command)
    const name = inline[1]!
    const flag = name.startsWith('--') ? find(flags, name.slice(2)) : findChar(flags, name[1]!)
    if (flag?.value) {
      line.valueFlag = flag
      line.value = inline[2]!
    }
  }
  return line
}

/** A word that is not a flag: the command's name (topic, then command), `help`'s subject, or an argument. */
function addWord(line: Line, w: string): void {
  if (line.unknown) return
  if (line.command) { line.args.push(w); return }
  const id = line.topic ? `${line.topic} ${w}` : w
  const command = findCommand(id)
  if (command) { line.command = command; line.topic = undefined; return }
  if (!line.topic && isTopic(w)) { line.topic = w; return }
  line.unknown = true
}
