// Colour is decided once (flag, NO_COLOR, terminal) and handed to renderers as a Style;
// renderers themselves never look at the environment.

export interface Style {
  bold(s: string): string
  dim(s: string): string
  red(s: string): string
  yellow(s: string): string
  green(s: string): string
  cyan(s: string): string
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`
const plain = (s: string) => s

export function makeStyle(color: boolean): Style {
  if (!color) return {bold: plain, dim: plain, red: plain, yellow: plain, green: plain, cyan: plain}
  return {bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39), cyan: wrap(36, 39)}
}

/** --color always|never wins; auto colours a terminal unless NO_COLOR is set (no-color.org) or TERM is dumb. */
export function shouldColor(flag: string, stream: {isTTY?: boolean}, env: NodeJS.ProcessEnv): boolean {
  if (flag === 'always') return true
  if (flag === 'never') return false
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.TERM === 'dumb') return false
  return Boolean(stream.isTTY)
}
