// THIRD-PARTY-NOTICES of the archives: which packages esbuild bundled, and the text naming each
// with its version, declared licence and licence file, after Node's own.
import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {bundledPackages, krewManifest, NOTICES, TARGETS, thirdPartyNotices} from '../../../scripts/package.ts'

const root = resolve(fileURLToPath(new URL('../../../', import.meta.url)))

describe('bundledPackages', () => {
  it('reads each package directory once from esbuild\'s inputs, scoped and nested ones included; the project\'s own files are not packages', () => {
    expect(bundledPackages([
      'scripts/sea-main.js', 'dist/commands/index.js',
      'node_modules/semver/functions/parse.js', 'node_modules/semver/index.js',
      'node_modules/@oclif/core/lib/index.js', 'node_modules/@oclif/core/lib/help/index.js',
      'node_modules/@inquirer/core/node_modules/ansi-escapes/index.js',
      'node_modules/@scope',
    ])).toEqual([
      'node_modules/@inquirer/core/node_modules/ansi-escapes', 'node_modules/@oclif/core', 'node_modules/@scope', 'node_modules/semver',
    ])
  })
})

describe('thirdPartyNotices', () => {
  it('puts Node first, then each package sorted by name with its version, declared licence and licence text; says when a package ships none', () => {
    const bare = join(mkdtempSync(join(tmpdir(), 'kubectl-prod-notices-')), 'node_modules', 'bare')
    mkdirSync(bare, {recursive: true})
    writeFileSync(join(bare, 'package.json'), JSON.stringify({name: 'bare', version: '1.2.3', license: 'MIT'}))
    const semver = join(root, 'node_modules', 'semver')
    const oclif = join(root, 'node_modules', '@oclif', 'core')
    const text = thirdPartyNotices({product: 'kubectl-prod 0.1.0', nodeVersion: '26.10.0', nodeLicense: 'Node.js is licensed for use as follows:\n\nMIT...', packageDirs: [semver, oclif, bare, semver]})
    const sections = text.split(/\n\n-{78}\n\n/)
    expect(sections[0]).toBe('kubectl-prod 0.1.0 is built from Node.js 26.10.0 and the npm packages below. Their licences follow.')
    expect(sections[1]).toMatch(/^Node\.js 26\.10\.0\n\nNode\.js is licensed/)
    const heads = sections.slice(2).map(s => s.split('\n')[0])
    const version = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version
    expect(heads).toEqual([`@oclif/core@${version(oclif)} (MIT)`, 'bare@1.2.3 (MIT)', `semver@${version(semver)} (ISC)`])
    expect(sections[2]).toContain('Permission is hereby granted')
    expect(sections[4]).toContain('The ISC License')
    expect(sections[3]).toBe('bare@1.2.3 (MIT)\n\n(bare@1.2.3 ships no licence file; its package.json declares MIT.)')
  })
})

describe('krewManifest', () => {
  it('installs the notices beside the LICENSE on every platform', () => {
    const yaml = krewManifest({version: '0.1.0', nodeVersion: '26.10.0', releaseUrl: 'https://example.invalid/v{version}/{file}', archives: TARGETS.map(t => ({target: t, file: `x-${t.os}-${t.arch}`, sha256: '0'.repeat(64)}))})
    expect(yaml.match(new RegExp(`- from: ${NOTICES}\\n        to: \\.`, 'g'))).toHaveLength(TARGETS.length)
    expect(yaml).toContain('nodepool upgrade')
  })
})
