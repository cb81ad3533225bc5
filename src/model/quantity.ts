// Kubernetes resource quantities: parsing (exact, through bigint) and formatting for people.
// Grammar from k8s.io/apimachinery/pkg/api/resource/quantity.go:
//   <quantity> ::= <signedNumber><suffix>
//   <suffix>   ::= Ki | Mi | Gi | Ti | Pi | Ei | n | u | m | "" | k | M | G | T | P | E | (e|E)<signedNumber>

const BINARY_SUFFIXES: Record<string, bigint> = {Ki: 10n, Mi: 20n, Gi: 30n, Ti: 40n, Pi: 50n, Ei: 60n}
const DECIMAL_SUFFIXES: Record<string, number> = {n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18}
const NUMBER = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(.*)$/
const EXPONENT = /^[eE]([+-]?\d+)$/

/** An exact quantity: numerator / 10^scale. */
interface Exact {
  numerator: bigint
  scale: number
}

function parseExact(input: string): Exact {
  const s = input.trim()
  const m = NUMBER.exec(s)
  if (!m) throw new Error(`invalid quantity "${input}"`)
  const [, sign = '', number = '', suffix = ''] = m
  const [whole = '', fraction = ''] = number.split('.')
  let numerator = BigInt((whole || '0') + fraction) * (sign === '-' ? -1n : 1n)
  let scale = fraction.length
  const binary = Object.hasOwn(BINARY_SUFFIXES, suffix) ? BINARY_SUFFIXES[suffix] : undefined
  const exponent = EXPONENT.exec(suffix)
  if (binary !== undefined) {
    numerator <<= binary
  } else if (Object.hasOwn(DECIMAL_SUFFIXES, suffix)) {
    scale -= DECIMAL_SUFFIXES[suffix] ?? 0
  } else if (exponent) {
    scale -= Number(exponent[1])
  } else {
    throw new Error(`invalid quantity "${input}": unknown suffix "${suffix}"`)
  }
  if (scale < 0) {
    numerator *= 10n ** BigInt(-scale)
    scale = 0
  }
  return {numerator, scale}
}

/** Value × multiplier, rounded up like Quantity.Value() / MilliValue() (they round towards +∞). */
function ceilScaled({numerator, scale}: Exact, multiplier: bigint): number {
  const n = numerator * multiplier
  const d = 10n ** BigInt(scale)
  let q = n / d
  if (n % d !== 0n && n > 0n) q += 1n
  return Number(q)
}

/** The value in base units (cores for cpu, bytes for memory), as a float: "100m" → 0.1, "1Gi" → 1073741824. Throws on invalid text. */
export function parseQuantity(s: string): number {
  const {numerator, scale} = parseExact(s)
  return scale === 0 ? Number(numerator) : Number(numerator) / 10 ** scale
}

/** Like parseQuantity, but undefined instead of an exception. */
export function tryParseQuantity(s: string | undefined | null): number | undefined {
  if (s === undefined || s === null) return undefined
  try {
    return parseQuantity(String(s))
  } catch {
    return undefined
  }
}

/** CPU in whole millicores, rounded up as the scheduler does (Quantity.MilliValue): "0.1" → 100, "1" → 1000. */
export function parseCpuMillis(s: string): number {
  return ceilScaled(parseExact(s), 1000n)
}

/** Integer base units rounded up (Quantity.Value): "1.5" → 2, "1Ki" → 1024. */
export function parseQuantityValue(s: string): number {
  return ceilScaled(parseExact(s), 1n)
}

/** Resources measured in bytes (shown with binary suffixes). */
export function isByteResource(resource: string): boolean {
  return /(^|\.)(memory|ephemeral-storage|storage)$/.test(resource) || /(^|\.)hugepages-/.test(resource)
}

/** Whether a resource is CPU (cores), including quota names like requests.cpu. */
export function isCpuResource(resource: string): boolean {
  return resource === 'cpu' || resource.endsWith('.cpu')
}

function trimDecimals(n: number, decimals: number): string {
  const s = n.toFixed(decimals)
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s
}

const BINARY_UNITS = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei']

function formatBytes(bytes: number, decimals: number): string {
  let unit = -1
  let scaled = bytes
  while (unit < BINARY_UNITS.length - 1 && Math.abs(scaled) >= 1024) {
    scaled /= 1024
    unit++
  }
  if (unit < 0) return String(Math.round(bytes))
  let text = trimDecimals(scaled, decimals)
  // 1023.96Mi rounds to "1024Mi": say 1Gi instead.
  if (Math.abs(Number(text)) >= 1024 && unit < BINARY_UNITS.length - 1) {
    unit++
    text = trimDecimals(scaled / 1024, decimals)
  }
  return `${text}${BINARY_UNITS[unit]}`
}

/**
 * A value in base units (cores for cpu) for people: cpu as "3", "1500m" or "250m"; bytes as
 * "1.2Gi", "512Mi"; counts (pods, nvidia.com/gpu) as integers. `decimals` (default 1) is the
 * precision of byte values, and of cpu/count values that are not whole.
 */
export function formatQuantity(resource: string, value: number, decimals = 1): string {
  if (!Number.isFinite(value)) return String(value)
  if (isCpuResource(resource)) {
    // As kubectl describe writes them: whole cores, or millicores.
    const millis = Math.round(value * 1000)
    if (millis % 1000 === 0) return String(millis / 1000)
    return `${millis}m`
  }
  if (isByteResource(resource)) return formatBytes(value, decimals)
  return Number.isInteger(value) ? String(value) : trimDecimals(value, Math.max(decimals, 3))
}

/**
 * Two values of one resource formatted so that they read differently when they differ
 * ("needs 4Gi, 3.96Gi free" rather than "needs 4Gi, 4Gi free").
 */
export function formatQuantityPair(resource: string, a: number, b: number): [string, string] {
  let decimals = 1
  let fa = formatQuantity(resource, a, decimals)
  let fb = formatQuantity(resource, b, decimals)
  while (fa === fb && a !== b && decimals < 6) {
    decimals++
    fa = formatQuantity(resource, a, decimals)
    fb = formatQuantity(resource, b, decimals)
  }
  return [fa, fb]
}
