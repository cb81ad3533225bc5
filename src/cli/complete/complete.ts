// What to offer for the word being completed, as cobra's `__complete` answers it (kubectl's
// plugin completion passes our answer on unchanged: k8s.io/kubectl pkg/cmd/plugin/plugin_completion.go):
// the candidates, each `value` or `value<TAB>description`, and a directive for the shell. Names
// from the cluster and the kubeconfig come from a Source; everything else is known here.
import {parseTarget, type Target} from '../../diagnose/target.js'
import {POOL_LABELS} from '../../model/pools.js'
import {SHELLS} from './scripts.js'
import {ARG_VALUES, FLAG_VALUES, HELP_COMMAND, SPEC, flagsOf, type CommandSpec, type FlagSpec, type ValueKind} from './spec.js'
import {readLine, type Line} from './words.js'

/** cobra's ShellCompDirective bits (spf13/cobra completions.go). */
export const Directive = {
  /** Complete files (the shell's default). */
  Default: 0,
  Error: 1,
  NoSpace: 2,
  NoFileComp: 4,
  KeepOrder: 32,
} as const

export interface Candidate {
  value: string
  description?: string
}

export interface Answer {
  candidates: Candidate[]
  directive: number
}

/** The workload kinds a why-pending target names (src/diagnose/target.ts). */
export type WorkloadKind = Extract<Target, {kind: 'workload'}>['workloadKind']

/** The names completion reads from the kubeconfig and the cluster (cluster.ts reads them for real). */
export interface Source {
  /** Context, cluster or user names of the kubeconfig. */
  kubeconfigNames(kind: 'context' | 'cluster' | 'user'): Promise<string[]>
  namespaces(): Promise<string[]>
  nodes(): Promise<string[]>
  /** Node pools as `nodepool list` names them (none for nodes in no pool), with their node counts. */
  pools(poolLabel: string | undefined): Promise<{name: string; nodes: number}[]>
  /** Pods, or workloads of a kind, in the namespace of the line (every namespace with -A). */
  pods(): Promise<string[]>
  workloads(kind: WorkloadKind): Promise<string[]>
  /** The control plane's version: "1.33" and the full "1.33.4". */
  serverVersion(): Promise<{minor: string; version: string}>
  /** The removal table: the newest minor it covers, and how many rows each minor removes. */
  removals(): Promise<{coversThrough: string; removedIn: Map<string, number>}>
  /** The commands `kubectl prod rbac` has a role for. */
  rbacCommands(): Promise<string[]>
}

/** The kinds a why-pending target names, in kubectl's short forms (src/diagnose/target.ts also takes the long ones). */
const TARGET_KINDS = ['pod', 'deploy', 'sts', 'ds', 'job', 'rs', 'node']

/** Completes the last of `argv` (the words after `kubectl prod`); `source` is asked only when names are needed. */
export async function complete(argv: string[], makeSource: (line: Line) => Source): Promise<Answer> {
  const line = readLine(argv)
  let made: Source | undefined
  const source = () => made ??= makeSource(line)
  if (line.valueFlag) return flagValues(line.valueFlag, line, source)
  if (line.unknown) return none()
  if (line.word.startsWith('-')) return flagNames(line)
  if (!line.command) return commandNames(line.topic, line.word)
  return argValues(line.command, line, source)
}

const none = (directive: number = Directive.NoFileComp): Answer => ({candidates: [], directive})

function matching(candidates: Candidate[], prefix: string, directive: number = Directive.NoFileComp): Answer {
  const seen = new Set<string>()
  return {
    candidates: candidates.filter(c => c.value.startsWith(prefix) && !seen.has(c.value) && seen.add(c.value)),
    directive,
  }
}

const names = (values: string[]): Candidate[] => values.map(value => ({value}))

/** The commands and topics at the top (or a topic's commands), and `help`. */
function commandNames(topic: string | undefined, word: string): Answer {
  const depth = topic ? 2 : 1
  const here = SPEC.commands.filter(c => c.id.split(' ').length === depth && (!topic || c.id.startsWith(`${topic} `)))
  const candidates: Candidate[] = here.map(c => ({value: c.id.split(' ').at(-1)!, description: c.summary}))
  if (!topic) candidates.push(...SPEC.topics.map(t => ({value: t.name, description: t.description})), {value: HELP_COMMAND.id, description: HELP_COMMAND.summary})
  return matching(candidates.sort((a, b) => a.value.localeCompare(b.value)), word)
}

/** Flag names, as cobra offers them: each flag not given yet (or repeatable), long and short forms. */
function flagNames(line: Line): Answer {
  const candidates: Candidate[] = []
  for (const f of flagsOf(line.command)) {
    if (line.flags.has(f.name) && !f.multiple) continue
    candidates.push({value: `--${f.name}`, description: f.description})
    if (f.allowNo) candidates.push({value: `--no-${f.name}`, description: f.description})
    if (f.char) candidates.push({value: `-${f.char}`, description: f.description})
  }
  return matching(candidates, line.word)
}

/** cobra offers the required flags not given yet wherever an argument could go. */
function requiredFlags(command: CommandSpec, line: Line): Candidate[] {
  return command.flags.filter(f => f.required && !line.flags.has(f.name)).map(f => ({value: `--${f.name}`, description: f.description}))
}

async function argValues(command: CommandSpec, line: Line, source: () => Source): Promise<Answer> {
  const last = command.args.at(-1)
  const arg = command.args[line.args.length] ?? (last?.variadic ? last : undefined)
  const kind = arg ? ARG_VALUES[command.id] : undefined
  const required = requiredFlags(command, line)
  if (!kind) return matching(required, line.word)
  const answer = await values(kind, line, source)
  return {...answer, candidates: [...answer.candidates, ...matching(required, line.word).candidates]}
}

async function flagValues(flag: FlagSpec, line: Line, source: () => Source): Promise<Answer> {
  if (flag.options) return matching(names(flag.options), line.value)
  const kind = FLAG_VALUES[flag.name]
  return kind ? values(kind, line, source) : none()
}

async function values(kind: ValueKind, line: Line, source: () => Source): Promise<Answer> {
  const typed = line.value
  switch (kind) {
    case 'file': return none(Directive.Default)
    case 'shell': return matching(names([...SHELLS]), typed)
    case 'pool-label': return matching(names([...POOL_LABELS]), typed)
    case 'command': return helpSubject(line)
    case 'context': case 'cluster': case 'user':
      return matching(names(await source().kubeconfigNames(kind)), typed)
    case 'namespace': return matching(names(await source().namespaces()), typed)
    case 'rbac-command': return matching(names(await source().rbacCommands()), typed)
    case 'node': {
      // drain takes several: the ones already given are not offered again.
      const given = new Set(line.args)
      return matching(names((await source().nodes()).filter(n => !given.has(n))), typed)
    }
    case 'pool': {
      const poolLabel = line.flags.get('pool-label')?.at(-1)
      const pools = await source().pools(poolLabel)
      return matching(pools.map(p => ({value: p.name, description: `${p.nodes} ${p.nodes === 1 ? 'node' : 'nodes'}`})), typed)
    }
    case 'why-pending-target': return whyPendingTarget(typed, source())
    case 'upgrade-target': return upgradeTargets(line, source)
    case 'kubelet-version': {
      const v = await source().serverVersion()
      return matching([{value: v.minor, description: 'the control plane\'s version'}, {value: v.version, description: 'the control plane\'s version'}], typed, Directive.NoFileComp | Directive.KeepOrder)
    }
  }
}

/** `help <TAB>`: the commands and topics; `help nodepool <TAB>`: the topic's commands. */
function helpSubject(line: Line): Answer {
  const [first, ...rest] = line.args
  if (first === undefined) return matching(commandNames(undefined, line.word).candidates.filter(c => c.value !== HELP_COMMAND.id), line.word)
  if (rest.length === 0 && SPEC.topics.some(t => t.name === first)) return commandNames(first, line.word)
  return none()
}

/**
 * why-pending's TARGET: `KIND/` while no kind is typed (no space after it), then `KIND/NAME` from
 * the cluster; a bare NAME is a pod, so pod names are offered beside the kinds.
 */
async function whyPendingTarget(typed: string, source: Source): Promise<Answer> {
  const slash = typed.indexOf('/')
  if (slash < 0) {
    const kinds = TARGET_KINDS.map(k => ({value: `${k}/`}))
    const answer = matching([...kinds, ...names(await source.pods())], typed)
    const onlyKinds = answer.candidates.every(c => c.value.endsWith('/'))
    return {...answer, directive: Directive.NoFileComp | (onlyKinds ? Directive.NoSpace : 0)}
  }
  const typedKind = typed.slice(0, slash)
  // The kind as why-pending reads it: any form it takes completes, any other completes nothing.
  let target: Target
  try {
    target = parseTarget(`${typedKind}/x`)
  } catch {
    return none()
  }
  const found = target.kind === 'node' ? await source.nodes() : target.kind === 'workload' ? await source.workloads(target.workloadKind) : await source.pods()
  return matching(found.map(name => ({value: `${typedKind}/${name}`})), typed)
}

/**
 * upgrade-plan --target: each minor after the current one (--current, or the cluster's) through the
 * removal table; offline (-f, --from-dump) with no --current, the minors that remove APIs.
 */
async function upgradeTargets(line: Line, source: () => Source): Promise<Answer> {
  const s = source()
  const {coversThrough, removedIn} = await s.removals()
  const offline = line.flags.has('from-dump') || (line.flags.has('filename') && !line.flags.has('live'))
  const given = line.flags.get('current')?.at(-1)
  const current = given !== undefined ? minorOf(given) : offline ? undefined : (await s.serverVersion()).minor
  const removes = (v: string) => {
    const n = removedIn.get(v) ?? 0
    return n ? `removes ${n} ${n === 1 ? 'API' : 'APIs'}` : ''
  }
  const candidates: Candidate[] = []
  if (current === undefined) {
    // Rows also name removals planned past the table's last release: those are no target yet.
    const minors = [...new Set([...removedIn.keys(), coversThrough])].filter(v => minorPart(v) <= minorPart(coversThrough)).sort((a, b) => minorPart(a) - minorPart(b))
    for (const v of minors) candidates.push({value: v, description: removes(v) || 'the newest release the removal table covers'})
  } else {
    const start = minorPart(current) + 1
    for (let m = start; m <= Math.max(minorPart(coversThrough), start); m++) {
      const v = `1.${m}`
      const facts = [m === start ? 'the next minor' : `${m - start + 1} hops`, removes(v), m > minorPart(coversThrough) ? 'newer than the removal table' : '']
      candidates.push({value: v, description: facts.filter(Boolean).join('; ')})
    }
  }
  return matching(candidates, line.value, Directive.NoFileComp | Directive.KeepOrder)
}

const minorPart = (v: string) => Number(v.split('.')[1])

/** "1.33" from 1.33, v1.33.2, 1.33.2-eks-1 (undefined when it is none). */
function minorOf(v: string): string | undefined {
  const m = /^v?1\.(\d+)/.exec(v.trim())
  return m ? `1.${Number(m[1])}` : undefined
}
