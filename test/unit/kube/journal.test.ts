import {describe, expect, it} from 'vitest'
import {decodeWalkRecord, encodeWalkRecord, WALK_ANNOTATIONS, writeWalkRecord, type NodeWalkRecord} from '../../../src/kube/journal.ts'
import type {Kube, RequestInit} from '../../../src/kube/client.ts'

const record: NodeWalkRecord = {
  walk: 'w-1', step: 'drained', cordonedByWalk: true, target: '1.37',
  startedAt: '2026-03-07T01:00:00.000Z', updatedAt: '2026-03-07T01:05:00.000Z',
}

describe('walk records in node annotations', () => {
  it('round-trips through the annotations', () => {
    const annotations = Object.fromEntries(Object.entries(encodeWalkRecord(record)).filter(([, v]) => v !== null)) as Record<string, string>
    expect(annotations[WALK_ANNOTATIONS.step]).toBe('drained')
    expect(annotations[WALK_ANNOTATIONS.cordonedByWalk]).toBe('true')
    expect(decodeWalkRecord(annotations)).toEqual(record)
    expect(decodeWalkRecord({...annotations, [WALK_ANNOTATIONS.cordonedByWalk]: 'false'})?.cordonedByWalk).toBe(false)
  })

  it('keeps an error until a record without one removes it', () => {
    const failed = encodeWalkRecord({...record, error: 'hook exited 3'})
    expect(failed[WALK_ANNOTATIONS.error]).toBe('hook exited 3')
    expect(encodeWalkRecord(record)[WALK_ANNOTATIONS.error]).toBeNull()
  })

  it('reads no record from annotations without one, or with an unknown step', () => {
    expect(decodeWalkRecord(undefined)).toBeUndefined()
    expect(decodeWalkRecord({other: 'x'})).toBeUndefined()
    expect(decodeWalkRecord({[WALK_ANNOTATIONS.walk]: 'w', [WALK_ANNOTATIONS.step]: 'flying'})).toBeUndefined()
  })

  it('cordons and records in one merge patch, and uncordons by removing the field', async () => {
    const seen: {path: string; init?: RequestInit}[] = []
    const kube = {request: async (path: string, init?: RequestInit) => { seen.push({path, init}); return {} }} as unknown as Kube
    await writeWalkRecord(kube, 'node a', {...record, step: 'cordoned'}, {unschedulable: true})
    await writeWalkRecord(kube, 'node a', {...record, step: 'done'}, {unschedulable: false})
    await writeWalkRecord(kube, 'node a', {...record, step: 'draining'})
    expect(seen.map(s => s.path)).toEqual(['/api/v1/nodes/node%20a', '/api/v1/nodes/node%20a', '/api/v1/nodes/node%20a'])
    expect(seen.every(s => s.init?.method === 'PATCH' && s.init.contentType === 'application/merge-patch+json')).toBe(true)
    const bodies = seen.map(s => s.init!.body as {spec?: {unschedulable: boolean | null}; metadata: {annotations: Record<string, string>}})
    expect(bodies[0]!.spec).toEqual({unschedulable: true})
    expect(bodies[0]!.metadata.annotations[WALK_ANNOTATIONS.step]).toBe('cordoned')
    expect(bodies[1]!.spec).toEqual({unschedulable: null})
    expect(bodies[2]!.spec).toBeUndefined()
  })
})
