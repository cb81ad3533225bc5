import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

describe('test/cluster/build.sh', () => {
  it('says in one line that Go is missing, and exits 2', () => {
    const r = spawnSync('bash', [join('test', 'cluster', 'build.sh')], {env: {PATH: '/usr/bin:/bin', HOME: process.env.HOME}, encoding: 'utf8'})
    expect(r.status).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^test cluster: Go is not installed; install Go 1\.26 or newer/)
    expect(r.stdout).toBe('')
  })
})
