import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {loadDump} from '../../../src/sources/dump.ts'

const now = new Date('2026-11-21T12:00:00Z')
const pod = (name: string, ns = 'web', extra: Record<string, unknown> = {}) => ({metadata: {name, namespace: ns, uid: `uid-${name}`}, spec: {containers: [{name: 'c'}]}, status: {phase: 'Pending'}, ...extra})

describe('loadDump', () => {
  it('reads a kubectl get -A -o json List of mixed kinds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dump-'))
    const file = join(dir, 'all.json')
    writeFileSync(file, JSON.stringify({apiVersion: 'v1', kind: 'List', items: [
      {kind: 'Pod', ...pod('a')}, {kind: 'Node', metadata: {name: 'n1'}}, {kind: 'Event', metadata: {name: 'e1', namespace: 'web'}, involvedObject: {kind: 'Pod', name: 'a', namespace: 'web'}, reason: 'FailedScheduling'},
      {kind: 'ReplicaSet', apiVersion: 'apps/v1', metadata: {name: 'rs', namespace: 'web'}},
    ]}))
    const snap = loadDump(file, now)
    expect(snap.pods.map(p => p.metadata.name)).toEqual(['a'])
    expect(snap.nodes.map(n => n.metadata.name)).toEqual(['n1'])
    expect(snap.events).toHaveLength(1)
    expect(snap.workloads.map(w => w.kind)).toEqual(['ReplicaSet'])
    expect(snap.source).toEqual({type: 'dump', path: file})
  })

  it('reads a cluster-info dump tree, giving items the kind their typed list implies', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cid-'))
    writeFileSync(join(dir, 'nodes.json'), JSON.stringify({kind: 'NodeList', apiVersion: 'v1', items: [{metadata: {name: 'n1'}}, {metadata: {name: 'n2'}}]}))
    mkdirSync(join(dir, 'web'))
    writeFileSync(join(dir, 'web', 'pods.json'), JSON.stringify({kind: 'PodList', items: [pod('a'), pod('b', 'web', {spec: {nodeName: 'n1', containers: []}, status: {phase: 'Running'}})]}))
    writeFileSync(join(dir, 'web', 'events.json'), JSON.stringify({kind: 'EventList', items: [{metadata: {name: 'e'}, involvedObject: {name: 'a'}}]}))
    mkdirSync(join(dir, 'web', 'a'))
    writeFileSync(join(dir, 'web', 'a', 'logs.txt'), 'not read')
    const snap = loadDump(dir, now)
    expect(snap.nodes).toHaveLength(2)
    expect(snap.pods.map(p => [p.kind, p.metadata.name])).toEqual([['Pod', 'a'], ['Pod', 'b']])
    expect(snap.boundPods.map(p => p.metadata.name)).toEqual(['b'])
    expect(snap.events[0]!.kind).toBe('Event')
  })

  it('reads multi-document YAML and events.k8s.io/v1 events', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yaml-'))
    const file = join(dir, 'x.yaml')
    writeFileSync(file, `kind: Pod\nmetadata: {name: y, namespace: web}\nspec: {containers: []}\n---\napiVersion: events.k8s.io/v1\nkind: Event\nmetadata: {name: ev, namespace: web}\nregarding: {kind: Pod, name: y, namespace: web}\nnote: "0/3 nodes are available: 3 Insufficient cpu."\nreason: FailedScheduling\nreportingController: default-scheduler\n`)
    const snap = loadDump(file, now)
    expect(snap.pods[0]!.metadata.name).toBe('y')
    expect(snap.events[0]!.involvedObject.name).toBe('y')
    expect(snap.events[0]!.message).toContain('Insufficient cpu')
    expect(snap.events[0]!.reportingComponent).toBe('default-scheduler')
  })

  it('fails in one line naming the file or the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-'))
    writeFileSync(join(dir, 'broken.json'), '{"kind": "List", "items": [')
    expect(() => loadDump(join(dir, 'broken.json'), now)).toThrow(/broken\.json is not valid JSON/)
    expect(() => loadDump(join(dir, 'missing'), now)).toThrow(/does not exist/)
    const empty = mkdtempSync(join(tmpdir(), 'empty-'))
    expect(() => loadDump(empty, now)).toThrow(/no Kubernetes objects found/)
  })
})

describe('loadDump through the manifest reader', () => {
  it('reads kubectl cluster-info dump written to one file: JSON Lists with container logs between them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cid-stdout-'))
    const file = join(dir, 'cluster-info.dump')
    writeFileSync(file, [
      JSON.stringify({kind: 'NodeList', apiVersion: 'v1', items: [{metadata: {name: 'n1', managedFields: [{manager: 'kubelet'}]}}]}, null, 4),
      JSON.stringify({kind: 'PodList', apiVersion: 'v1', items: [pod('a'), pod('b', 'web', {spec: {nodeName: 'n1', containers: []}, status: {phase: 'Running'}})]}, null, 4),
      '==== START logs for container c of pod web/b ====',
      '{"level":"error","msg":"a JSON log line with { and \\" in it"}',
      'the last line has no newline==== END logs for container c of pod web/b ====',
      JSON.stringify({kind: 'EventList', apiVersion: 'events.k8s.io/v1', items: [{metadata: {name: 'e'}, regarding: {kind: 'Pod', name: 'a', namespace: 'web'}, note: 'FailedScheduling: 0/1 nodes'}]}, null, 4),
      '',
    ].join('\n'))
    const snap = loadDump(file, now)
    expect(snap.nodes.map(n => [n.kind, n.apiVersion, n.metadata.name, (n.metadata as {managedFields?: unknown}).managedFields])).toEqual([['Node', 'v1', 'n1', undefined]])
    expect(snap.pods.map(p => p.metadata.name)).toEqual(['a', 'b'])
    expect(snap.boundPods.map(p => p.metadata.name)).toEqual(['b'])
    expect(snap.events.map(e => [e.kind, e.involvedObject.name, e.message])).toEqual([['Event', 'a', 'FailedScheduling: 0/1 nodes']])
    expect(snap.gaps).toEqual([])
  })

  it('names the line of invalid YAML in a dump, and ignores a Helm template in a dump directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-yaml-'))
    writeFileSync(join(dir, 'pods.yaml'), `kind: Pod\nmetadata: {name: a, namespace: web}\n---\nkind: Pod\nmetadata:\n  name: b\n   namespace: web\n`)
    expect(() => loadDump(join(dir, 'pods.yaml'), now)).toThrow(/pods\.yaml is not valid YAML at line 7, column 13: bad indentation/)
    const chart = mkdtempSync(join(tmpdir(), 'chart-'))
    writeFileSync(join(chart, 'pod.yaml'), `kind: Pod\nmetadata: {name: a, namespace: web}\n---\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}\n`)
    expect(loadDump(chart, now).pods.map(p => p.metadata.name)).toEqual(['a'])
  })
})
