// Shell completion scripts for running kubectl-prod directly (`kubectl prod completion SHELL`).
// Through kubectl none is needed: kubectl's own completion runs kubectl_complete-prod. Each
// script asks the same program, with the same protocol (cobra's: the candidates one per line,
// `value<TAB>description`, then `:DIRECTIVE`): kubectl_complete-prod when it is on the PATH (npm
// installs it beside kubectl-prod), else `kubectl-prod __complete` (the single executable).

export const SHELLS = ['bash', 'zsh', 'fish'] as const
export type Shell = (typeof SHELLS)[number]

export const isShell = (s: string): s is Shell => (SHELLS as readonly string[]).includes(s)

/** A script as written: `\${` in it is the shell's `${` (a template literal would read it as its own). */
const sh = (s: TemplateStringsArray) => s.raw.join('').replaceAll('\\${', '${')

// Directives (cobra's ShellCompDirective): 1 error, 2 no space, 4 no file completion, 32 keep order.
const BASH = sh`# bash completion for kubectl-prod. Load it with: source <(kubectl-prod completion bash)
# (kubectl prod <TAB> needs none: kubectl runs kubectl_complete-prod itself.)
_kubectl_prod_complete() {
  local line=\${COMP_LINE:0:COMP_POINT} cur out directive=0 comp prefix='' strip i
  local -a words lines
  read -r -a words <<< "$line"
  [[ -z $line || $line =~ [[:space:]]$ ]] && words+=('')
  cur=\${words[\${#words[@]}-1]}
  if command -v kubectl_complete-prod >/dev/null 2>&1; then
    out=$(kubectl_complete-prod "\${words[@]:1}" 2>/dev/null)
  else
    out=$("\${words[0]}" __complete "\${words[@]:1}" 2>/dev/null)
  fi
  mapfile -t lines <<< "$out"
  if [[ \${lines[\${#lines[@]}-1]} =~ ^:([0-9]+)$ ]]; then
    directive=\${BASH_REMATCH[1]}
    unset 'lines[\${#lines[@]}-1]'
  fi
  COMPREPLY=()
  (( directive & 1 )) && return 0
  # --flag=VALUE: the candidates are values; the word is the whole of it.
  [[ $cur == -*=* ]] && prefix="\${cur%%=*}="
  # Readline replaces only what follows the last word-break character (= : ...) of the word, or
  # what starts with it for @ (which it keeps with the word, as it does $).
  for ((i = \${#cur} - 1; i >= 0; i--)); do [[ $COMP_WORDBREAKS == *"\${cur:i:1}"* ]] && break; done
  if (( i >= 0 )) && [[ \${cur:i:1} == [@$] ]]; then strip=\${cur:0:i}; else strip=\${cur:0:i+1}; fi
  for comp in "\${lines[@]}"; do
    comp=$prefix\${comp%%$'\t'*}
    [[ -n $comp && $comp == "$cur"* ]] && COMPREPLY+=("\${comp#"$strip"}")
  done
  (( directive & 2 )) && compopt -o nospace
  (( directive & 32 )) && compopt -o nosort 2>/dev/null
  (( \${#COMPREPLY[@]} == 0 && (directive & 4) == 0 )) && compopt -o default
  return 0
}
complete -F _kubectl_prod_complete kubectl-prod
`

const ZSH = sh`#compdef kubectl-prod
# zsh completion for kubectl-prod. Load it with: source <(kubectl-prod completion zsh)
# (after compinit; kubectl prod <TAB> needs none: kubectl runs kubectl_complete-prod itself.)
_kubectl_prod() {
  local out directive=0 line value desc
  local -a args lines comps opts
  args=("\${(@)words[2,CURRENT]}")
  if (( $+commands[kubectl_complete-prod] )); then
    out=$(kubectl_complete-prod "\${args[@]}" 2>/dev/null)
  else
    out=$(\${words[1]} __complete "\${args[@]}" 2>/dev/null)
  fi
  lines=("\${(@f)out}")
  if [[ \${lines[-1]} == :<-> ]]; then
    directive=\${lines[-1]#:}
    lines=("\${(@)lines[1,-2]}")
  fi
  (( directive & 1 )) && return 1
  # --flag=VALUE: the candidates are values.
  [[ \${words[CURRENT]} == -*=* ]] && compset -P '*='
  for line in "\${lines[@]}"; do
    [[ -z $line ]] && continue
    value=\${line%%$'\t'*}
    desc=''
    [[ $line == *$'\t'* ]] && desc=\${line#*$'\t'}
    comps+=("\${value//:/\\:}\${desc:+:$desc}")
  done
  (( directive & 2 )) && opts+=(-S '')
  (( directive & 32 )) && opts+=(-V values)
  if (( \${#comps} )); then
    _describe -t values 'kubectl-prod' comps "\${opts[@]}"
  elif (( (directive & 4) == 0 )); then
    _files
  fi
}
compdef _kubectl_prod kubectl-prod
`

const FISH = sh`# fish completion for kubectl-prod. Load it with: kubectl-prod completion fish | source
# (kubectl prod <TAB> needs none: kubectl runs kubectl_complete-prod itself.)
function __kubectl_prod_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l out
    if type -q kubectl_complete-prod
        set out (kubectl_complete-prod $tokens[2..-1] $current 2>/dev/null)
    else
        set out ($tokens[1] __complete $tokens[2..-1] $current 2>/dev/null)
    end
    set -l directive 0
    if string match -qr '^:[0-9]+$' -- $out[-1]
        set directive (string sub -s 2 -- $out[-1])
        set -e out[-1]
    end
    test (math "bitand($directive, 1)") -ne 0; and return
    # --flag=VALUE: the candidates are values; fish replaces the whole word.
    set -l prefix ''
    string match -qr -- '^-[^=]*=' $current; and set prefix (string replace -r -- '=.*' '=' $current)
    for line in $out
        test -n "$line"; and printf '%s%s\n' $prefix $line
    end
    if test (count $out) -eq 0; and test (math "bitand($directive, 4)") -eq 0
        __fish_complete_path $current
    end
end
complete -c kubectl-prod -f -a '(__kubectl_prod_complete)'
`

export function completionScript(shell: Shell): string {
  return {bash: BASH, zsh: ZSH, fish: FISH}[shell]
}
