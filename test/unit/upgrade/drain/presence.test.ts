// Which pods are still on the node, by UID, from a list and its watch events.
import {describe, expect, it} from 'vitest'
import {PodPresence, type PresenceEvent} from '../../../../src/upgrade/drain/presence.ts'
import {managedPod} from './fakes.ts'

describe('PodPresence', () => {
  it('tracks pods by UID: a pod recreated under the same name is another pod', async () => {
    const old = managedPod('db-0', {uid: 'old'})
    const fresh = managedPod('db-0', {uid: 'new'})
    let release!: () => void
    const gate = new Promise<void>(r => { release = r })
    async function* events(): AsyncGenerator<PresenceEvent> {
      yield {type: 'SYNC', items: [old]}
      await gate
      yield {type: 'DELETED', object: old}
      yield {type: 'ADDED', object: fresh}
    }
    const presence = new PodPresence(events())
    await new Promise(r => setImmediate(r))
    expect(presence.ready).toBe(true)
    expect(presence.get('old')?.metadata.name).toBe('db-0')
    const change = presence.nextChange()
    release()
    await change
    await new Promise(r => setImmediate(r))
    expect(presence.get('old')).toBeUndefined()
    expect(presence.get('new')?.metadata.uid).toBe('new')
  })

  it('passes a failed watch on to the waiter', async () => {
    async function* events(): AsyncGenerator<PresenceEvent> {
      yield {type: 'SYNC', items: []}
      throw new Error('watch failed')
    }
    const presence = new PodPresence(events())
    await new Promise(r => setImmediate(r))
    await expect(presence.nextChange()).rejects.toThrow('watch failed')
  })
})
