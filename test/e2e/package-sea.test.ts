// `npm run package`: the single-file executables, their archives and the krew manifest. The archives
// are served from loopback under a release URL, so krew's own validator installs the manifest on every
// platform; the linux amd64 executable runs with nothing installed (an empty environment, or only the
// test cluster's kubectl on PATH), and krew installs it from the manifest and archive for the real
// kubectl to run as `kubectl prod`, and to complete `kubectl prod` through kubectl_complete-prod.
import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {chmodSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import {type AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {basename, delimiter, dirname, join} from 'node:path'
import {gunzipSync, inflateRawSync} from 'node:zlib'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {BIN, clusterInfo} from './helpers.ts'
import {krewTool, root, run} from '../setup/helpers.ts'

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const nodeVersion: string = pkg.devDependencies.node
const work = mkdtempSync(join(tmpdir(), 'kubectl-prod-package-'))
const out = join(work, 'dist-package')
const manifest = join(work, 'plugins', 'prod.yaml')
const fixture = join(root, 'test', 'fixtures', 'manifests', 'upgrade', 'old-apis.yaml')
const TARGETS = [['linux', 'amd64'], ['linux', 'arm64'], ['darwin', 'amd64'], ['darwin', 'arm64'], ['windows', 'amd64']] as const
const archive = (os: string, arch: string) => `kubectl-prod_${os}_${arch}.${os === 'windows' ? 'zip' : 'tar.gz'}`
// Node's marker that an executable carries an application (postject's fuse, flipped from :0 to :1).
const SEA_FUSE = Buffer.from('NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1')
let server: Server
let releaseUrl = ''

beforeAll(async () => {
  // The release: the archives, over HTTP on loopback, at the path the manifest names.
  server = createServer((req, res) => {
    const file = join(out, basename(req.url ?? ''))
    if (!req.url?.startsWith(`/releases/v${pkg.version}/`) || !existsSync(file)) { res.writeHead(404).end(); return }
    res.writeHead(200, {'content-type': 'application/octet-stream'})
    createReadStream(file).pipe(res)
  })
  await new Promise<void>(res => server.listen(0, '127.0.0.1', res))
  releaseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/releases/v{version}/{file}`
  const r = await run(process.execPath, [join(root, 'scripts', 'package.ts'), '--out', out, '--manifest', manifest, '--release-url', releaseUrl], {cwd: root, timeoutMs: 900_000})
  if (r.code !== 0) throw new Error(`npm run package failed:\n${r.stderr}`)
}, 960_000)
afterAll(async () => {
  await new Promise(res => server?.close(res))
  rmSync(work, {recursive: true, force: true})
})

interface Entry { name: string; mode: number; data: Buffer }

/** The files of a .tar.gz (ustar, as the package script writes them). */
function untar(file: string): Entry[] {
  const tar = gunzipSync(readFileSync(file))
  const entries: Entry[] = []
  for (let at = 0; at + 512 <= tar.length && tar[at] !== 0;) {
    const text = (o: number, n: number) => tar.subarray(at + o, at + o + n).toString('utf8').replace(/\0.*$/s, '')
    const size = parseInt(text(124, 12), 8)
    entries.push({name: text(0, 100), mode: parseInt(text(100, 8), 8), data: tar.subarray(at + 512, at + 512 + size)})
    at += 512 + Math.ceil(size / 512) * 512
  }
  return entries
}

/** The files of a .zip, from its local headers (deflated or stored). */
function unzip(file: string): Entry[] {
  const zip = readFileSync(file)
  const entries: Entry[] = []
  for (let at = 0; zip.readUInt32LE(at) === 0x04034b50;) {
    const method = zip.readUInt16LE(at + 8), size = zip.readUInt32LE(at + 18), nameLength = zip.readUInt16LE(at + 26), extra = zip.readUInt16LE(at + 28)
    const start = at + 30 + nameLength + extra
    const body = zip.subarray(start, start + size)
    entries.push({name: zip.subarray(at + 30, at + 30 + nameLength).toString('utf8'), mode: 0, data: method === 8 ? inflateRawSync(body) : body})
    at = start + size
  }
  return entries
}

/** What an executable is built for, from its header: ELF, Mach-O or PE, and the machine. */
function platformOf(exe: Buffer): string {
  if (exe.readUInt32BE(0) === 0x7f454c46) return `linux/${({62: 'amd64', 183: 'arm64'} as Record<number, string>)[exe.readUInt16LE(18)] ?? 'other'}`
  if (exe.readUInt32LE(0) === 0xfeedfacf) return `darwin/${({0x01000007: 'amd64', 0x0100000c: 'arm64'} as Record<number, string>)[exe.readUInt32LE(4)] ?? 'other'}`
  if (exe.toString('latin1', 0, 2) === 'MZ') {
    const pe = exe.readUInt32LE(0x3c)
    return `windows/${exe.readUInt16LE(pe + 4) === 0x8664 ? 'amd64' : 'other'}`
  }
  return 'unknown'
}

/** The linux amd64 archive unpacked (the executable, kubectl_complete-prod beside it); the executable's path. */
function linuxExecutable(): string {
  const dir = join(work, 'linux-amd64')
  const exe = join(dir, 'kubectl-prod')
  if (existsSync(exe)) return exe
  mkdirSync(dir, {recursive: true})
  for (const entry of untar(join(out, archive('linux', 'amd64')))) {
    writeFileSync(join(dir, entry.name), entry.data)
    chmodSync(join(dir, entry.name), entry.mode)
  }
  return exe
}

describe('npm run package', () => {
  it('writes an archive and its sha256 for linux amd64 and arm64, darwin amd64 and arm64, and windows amd64', () => {
    const expected = TARGETS.flatMap(([os, arch]) => [archive(os, arch), `${archive(os, arch)}.sha256`]).sort()
    expect(readdirSync(out).filter(f => !f.startsWith('.')).sort()).toEqual(expected)
    for (const [os, arch] of TARGETS) {
      const file = archive(os, arch)
      const sum = createHash('sha256').update(readFileSync(join(out, file))).digest('hex')
      expect(readFileSync(join(out, `${file}.sha256`), 'utf8')).toBe(`${sum}  ${file}\n`)
    }
  })

  it('puts in each archive the executable for its platform, with the application in it, kubectl_complete-prod, the LICENSE and the third-party notices', () => {
    const license = readFileSync(join(root, 'LICENSE'))
    for (const [os, arch] of TARGETS) {
      const file = join(out, archive(os, arch))
      const entries = os === 'windows' ? unzip(file) : untar(file)
      const bin = os === 'windows' ? 'kubectl-prod.exe' : 'kubectl-prod'
      const completer = os === 'windows' ? 'kubectl_complete-prod.cmd' : 'kubectl_complete-prod'
      expect(entries.map(e => e.name), file).toEqual([bin, completer, 'LICENSE', 'THIRD-PARTY-NOTICES'])
      const [exe, script, lic, notices] = entries as [Entry, Entry, Entry, Entry]
      expect(lic.data.equals(license)).toBe(true)
      // Node's licence, then every runtime dependency the executable carries, each with its licence text.
      const text = notices.data.toString('utf8')
      expect(text, file).toContain(`Node.js ${nodeVersion}\n\nNode.js is licensed for use as follows`)
      for (const dep of Object.keys(pkg.dependencies)) expect(text, `${file}: ${dep}`).toMatch(new RegExp(`^${dep.replace(/[/.]/g, '\\$&')}@\\d+\\.\\d+\\.\\d+ \\(`, 'm'))
      // Only what is bundled: the test runner and the bundler are not (oclif's tsconfig reader pulls in
      // typescript's version file, so typescript is named, rightly).
      expect(text).not.toMatch(/^(vitest|esbuild)@/m)
      // The script has the executable answer kubectl's completion requests.
      expect(script.data.toString('utf8'), file).toContain(os === 'windows' ? 'kubectl-prod.exe" __complete %*' : 'exec "$here/kubectl-prod" __complete "$@"')
      if (os !== 'windows') expect([exe.mode, script.mode], file).toEqual([0o755, 0o755])
      expect(platformOf(exe.data), file).toBe(`${os}/${arch}`)
      expect(exe.data.includes(SEA_FUSE), `${file}: no application in the executable`).toBe(true)
    }
  })

  it('gives a linux amd64 executable that runs with an empty environment, reading its removal tables from inside', async () => {
    const exe = linuxExecutable()
    const cwd = mkdtempSync(join(tmpdir(), 'kubectl-prod-empty-'))
    const version = await run(exe, ['--version'], {env: {}, cwd, timeoutMs: 30_000})
    expect(version.code, version.stderr).toBe(0)
    expect(version.stdout).toBe(`kubectl-prod/${pkg.version} linux-x64 node-v${nodeVersion}\n`)
    const args = ['upgrade-plan', '-f', fixture, '--target', '1.30', '-o', 'json']
    const plan = await run(exe, args, {env: {}, cwd, timeoutMs: 60_000})
    expect(plan.code, plan.stderr).toBe(1)
    // The same plan as the npm-installed launcher's, table and all.
    const launcher = spawnSync(process.execPath, [BIN, ...args], {encoding: 'utf8'})
    expect(JSON.parse(plan.stdout)).toEqual(JSON.parse(launcher.stdout))
    expect(JSON.parse(plan.stdout).findings.length).toBeGreaterThan(0)
    const help = await run(exe, ['why-pending', '--help'], {env: {}, cwd, timeoutMs: 30_000})
    expect(help.code, help.stderr).toBe(0)
    expect(help.stdout).toBe(spawnSync(process.execPath, [BIN, 'why-pending', '--help'], {encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}}).stdout)
    const unknown = await run(exe, ['no-such-command'], {env: {}, cwd, timeoutMs: 30_000})
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/^error: unknown command "no-such-command"/)
    // kubectl's completion: the archive's kubectl_complete-prod, and the executable under that name (a link).
    const script = await run(join(dirname(exe), 'kubectl_complete-prod'), ['nodepool', ''], {env: {}, cwd, timeoutMs: 30_000})
    expect(script).toMatchObject({code: 0, stderr: ''})
    expect(script.stdout).toMatch(/^list\t.*\nupgrade\t.*\n:4\n$/)
    const link = join(mkdtempSync(join(tmpdir(), 'kubectl-prod-link-')), 'kubectl_complete-prod')
    symlinkSync(exe, link)
    expect(await run(link, ['nodepool', ''], {env: {}, cwd, timeoutMs: 30_000})).toMatchObject({code: 0, stdout: script.stdout, stderr: ''})
  }, 120_000)

  it('gives a linux amd64 executable that reads the cluster with only kubectl on PATH', async () => {
    const {kubeconfig, binDir} = clusterInfo()
    const env = {KUBECONFIG: kubeconfig, PATH: binDir}
    const version = await run(linuxExecutable(), ['version'], {env, timeoutMs: 60_000})
    expect(version.code, version.stderr).toBe(0)
    expect(version.stdout).toMatch(new RegExp(`^Plugin version: ${pkg.version.replace(/\./g, '\\.')}\\nServer version: v1\\.`))
    const pending = await run(linuxExecutable(), ['why-pending', '-A', '-o', 'json'], {env, timeoutMs: 90_000})
    expect([0, 1], pending.stderr).toContain(pending.code)
    expect(JSON.parse(pending.stdout).apiVersion).toBe('kubectl-prod/v1')
  }, 180_000)
})

describe('the krew manifest', () => {
  let krewBin = ''
  beforeAll(async () => {
    // kubectl finds krew as the plugin kubectl-krew.
    krewBin = mkdtempSync(join(tmpdir(), 'kubectl-prod-krew-bin-'))
    symlinkSync(await krewTool('krew'), join(krewBin, 'kubectl-krew'))
  }, 900_000)

  it('names every archive with its URL and sha256, the bin, and the RBAC command in its caveats', () => {
    const text = readFileSync(manifest, 'utf8')
    expect(text).toMatch(/^apiVersion: krew\.googlecontainertools\.github\.com\/v1alpha2\nkind: Plugin\nmetadata:\n {2}name: prod\n/)
    expect(text).toContain(`version: "v${pkg.version}"`)
    expect(text).toMatch(/caveats: \|\n(.*\n)*.*kubectl prod rbac/)
    expect(text).toMatch(/caveats: \|\n(.*\n)*.*ln -s kubectl-prod .*kubectl_complete-prod/)
    expect(text.match(/- from: kubectl_complete-prod(\.cmd)?\n/g)).toHaveLength(TARGETS.length)
    for (const [os, arch] of TARGETS) {
      const file = archive(os, arch)
      expect(text).toContain(`uri: "${releaseUrl.replace('{version}', pkg.version).replace('{file}', file)}"`)
      expect(text).toContain(`sha256: "${readFileSync(join(out, `${file}.sha256`), 'utf8').split(' ')[0]}"`)
    }
  })

  it("passes krew's validator, which installs it on every platform from the release", async () => {
    const validator = await krewTool('validate-krew-manifest')
    const {binDir} = clusterInfo()
    const r = await run(validator, ['-manifest', manifest], {env: {PATH: [krewBin, binDir].join(delimiter), HOME: work}, timeoutMs: 600_000})
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain('structural validation OK')
    expect(r.stderr).toContain(`all ${TARGETS.length} spec.platforms installed fine`)
    expect(r.stderr).not.toMatch(/line length/)
  }, 900_000)

  it('installs with krew from the manifest and the archive, and kubectl runs it as kubectl prod against the cluster', async () => {
    const {kubeconfig, binDir} = clusterInfo()
    const krewRoot = join(work, 'krew-root')
    const env = {KREW_ROOT: krewRoot, KUBECONFIG: kubeconfig, HOME: work, PATH: [join(krewRoot, 'bin'), krewBin, binDir].join(delimiter)}
    const install = await run(join(binDir, 'kubectl'), ['krew', 'install', `--manifest=${manifest}`, `--archive=${join(out, archive('linux', 'amd64'))}`], {env, timeoutMs: 120_000})
    expect(install.code, install.stderr).toBe(0)
    expect(install.stderr).toMatch(/Installed plugin: prod/)
    expect(install.stderr).toContain('kubectl prod rbac')
    const version = await run(join(binDir, 'kubectl'), ['prod', 'version'], {env, timeoutMs: 60_000})
    expect(version.code, version.stderr).toBe(0)
    expect(version.stdout).toMatch(/^Plugin version: .*\nServer version: v1\./)
    const pending = await run(join(binDir, 'kubectl'), ['prod', 'why-pending', '-A'], {env: {...env, NO_COLOR: '1'}, timeoutMs: 90_000})
    expect([0, 1], pending.stderr).toContain(pending.code)
    expect(pending.stdout).toMatch(/all namespaces/)
    expect(existsSync(join(dirname(krewRoot), 'krew-root', 'bin', 'kubectl-prod'))).toBe(true)
    // Completion as the caveats set it up: kubectl_complete-prod linked to krew's kubectl-prod.
    symlinkSync('kubectl-prod', join(krewRoot, 'bin', 'kubectl_complete-prod'))
    const completed = await run(join(binDir, 'kubectl'), ['__complete', 'prod', 'why-pending', '-n', ''], {env, timeoutMs: 60_000})
    expect(completed.code, completed.stderr).toBe(0)
    expect(completed.stdout).toMatch(/^kube-system$/m)
    expect(completed.stdout).toMatch(/^:4$/m)
  }, 240_000)
})
