// The bash script of `kubectl prod completion bash`, run by a real bash: it passes the words to the
// completer, keeps what matches, and replaces only what readline replaces (after `=` and `:`,
// from `@`). The completer here is a stand-in that prints a fixed answer and records its words;
// the real one answers in test/e2e/completion.test.ts, in an interactive bash.
import {spawnSync} from 'node:child_process'
import {chmodSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {completionScript, SHELLS} from '../../../src/cli/complete/scripts.ts'

const dir = mkdtempSync(join(tmpdir(), 'kubectl-prod-bash-'))
const script = join(dir, 'completion.bash')
writeFileSync(script, completionScript('bash'))

/** Completes `line` (the cursor at its end) with a completer that answers `answer`; returns COMPREPLY, the compopt options and the completer's words. */
function bashComplete(line: string, answer: string): {reply: string[]; options: string[]; words: string[]} {
  const bin = mkdtempSync(join(dir, 'bin-'))
  const completer = join(bin, 'kubectl_complete-prod')
  writeFileSync(completer, `#!/bin/sh\nprintf '%s\\n' "$@" > "${bin}/words"\nprintf '${answer.replaceAll('\n', '\\n').replaceAll('\t', '\\t')}'\n`)
  chmodSync(completer, 0o755)
  const program = [
    `source ${script}`,
    // compopt works only while readline completes: record what the script asks of it.
    'compopt() { printf "%s\\n" "$*" >> "$OPTS"; }',
    `COMP_LINE=${JSON.stringify(line)}; COMP_POINT=${line.length}`,
    '_kubectl_prod_complete',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n')
  const opts = join(bin, 'options')
  writeFileSync(opts, '')
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', program], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: {PATH: `${bin}:/usr/bin:/bin`, OPTS: opts, COMP_WORDBREAKS: ' \t\n"\'@><=;|&(:'}})
  expect(r.stderr).toBe('')
  const words = readFileSync(join(bin, 'words'), 'utf8').split('\n').slice(0, -1)
  return {reply: r.stdout.split('\n').filter(Boolean), options: readFileSync(opts, 'utf8').split('\n').filter(Boolean), words}
}

describe('the bash script', () => {
  it('passes the words after kubectl-prod, the last one empty after a space, and keeps what matches', () => {
    const r = bashComplete('kubectl-prod -n shop why-pending ', 'deploy/\tDeployments\npod/\nweb-1\n:6\n')
    expect(r.words).toEqual(['-n', 'shop', 'why-pending', ''])
    expect(r.reply).toEqual(['deploy/', 'pod/', 'web-1'])
    expect(r.options).toEqual(['-o nospace'])
    expect(bashComplete('kubectl-prod why-pending de', 'deploy/\npod/\n:6\n').reply).toEqual(['deploy/'])
  })

  it('completes --flag=VALUE as the value, and names with : and @ as readline replaces them', () => {
    const inline = bashComplete('kubectl-prod --context=pr', 'prod-eu\nprod-us\n:4\n')
    expect(inline.words).toEqual(['--context=pr'])
    expect(inline.reply).toEqual(['prod-eu', 'prod-us'])
    expect(bashComplete('kubectl-prod --context arn:aws:eks:eu', 'arn:aws:eks:eu-west-1:1:cluster/prod\n:4\n').reply).toEqual(['eu-west-1:1:cluster/prod'])
    expect(bashComplete('kubectl-prod --context kubernetes-admin@k', 'kubernetes-admin@kubernetes\n:4\n').reply).toEqual(['@kubernetes'])
  })

  it('leaves file names to bash only when the completer allows it, and shows nothing on an error', () => {
    expect(bashComplete('kubectl-prod upgrade-plan -f ', ':0\n')).toMatchObject({reply: [], options: ['-o default']})
    expect(bashComplete('kubectl-prod drain ', ':4\n')).toMatchObject({reply: [], options: []})
    expect(bashComplete('kubectl-prod drain ', 'node-a\n:1\n')).toMatchObject({reply: [], options: []})
    expect(bashComplete('kubectl-prod upgrade-plan --target ', '1.35\n1.36\n:36\n')).toMatchObject({reply: ['1.35', '1.36'], options: ['-o nosort']})
  })
})

describe('the scripts', () => {
  it('register completion for kubectl-prod in each shell, asking kubectl_complete-prod', () => {
    expect(SHELLS).toEqual(['bash', 'zsh', 'fish'])
    expect(completionScript('bash')).toContain('\ncomplete -F _kubectl_prod_complete kubectl-prod\n')
    expect(completionScript('zsh')).toMatch(/^#compdef kubectl-prod\n[^]*\ncompdef _kubectl_prod kubectl-prod\n$/)
    expect(completionScript('fish')).toContain("\ncomplete -c kubectl-prod -f -a '(__kubectl_prod_complete)'\n")
    for (const shell of SHELLS) {
      expect(completionScript(shell)).toContain('kubectl_complete-prod')
      // A template literal would have eaten the shell's own ${...}.
      expect(completionScript(shell)).not.toContain('\\${')
    }
    expect(spawnSync('bash', ['-n', script]).status).toBe(0)
  })
})
