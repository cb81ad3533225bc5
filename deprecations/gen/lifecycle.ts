// Reads the `+k8s:prerelease-lifecycle-gen` tags of the kinds in one release of a module.
// The tags are the ground truth the apiserver acts on: prerelease-lifecycle-gen turns them into
// APILifecycle*() methods and kube-apiserver stops serving a kind once APILifecycleRemoved() <=
// its own version (k8s.io/apiserver pkg/server/deleted_kinds.go). See ../../shared research, §0.

export interface Gvk { group: string, version: string, kind: string }
export interface Tags { introduced: string, deprecated: string, removed: string, replacement: Gvk | null }
/**
 * One kind as one release declares it; `introduced` is the tag even where `tags` is inert (GA kinds).
 * `registered`: whether the package's register.go adds the type to the scheme (`&Kind{}` in
 * addKnownTypes), or null when the package has no register.go that lists types.
 */
export interface Declared { group: string, version: string, kind: string, file: string, tags: Tags | null, introduced: string | null, registered: boolean | null }

const VERSION_DIR = /^v\d+((alpha|beta)\d+)?$/
const TAG = /^\/\/\s*\+k8s:prerelease-lifecycle-gen:(introduced|deprecated|removed|replacement)=(\S*)/
const TYPE = /^type\s+(\w+)\s+struct\b/

/** "1.21" + n minors. */
export function addMinors(v: string, n: number): string {
  const [major, minor] = v.split('.').map(Number)
  return `${major}.${minor! + n}`
}

/**
 * The tags of one type, with prerelease-lifecycle-gen's defaults for alpha and beta versions:
 * deprecated = introduced + 3 minors, removed = deprecated + 3 minors (checked against the generated
 * zz_generated.prerelease-lifecycle.go, e.g. networking/v1beta1 IngressClass 1.18/1.19/1.22). GA versions
 * get no defaults (their generated file has only APILifecycleIntroduced), so a GA kind counts only when
 * it is explicitly tagged removed; deprecated-but-never-removable GA kinds (core/v1 ComponentStatus,
 * Endpoints) are left out on purpose.
 */
function tagsOf(lines: string[], prerelease: boolean): Tags | null {
  const found: Record<string, string> = {}
  for (const l of lines) {
    const m = TAG.exec(l.trim())
    if (m) found[m[1]!] = m[2]!
  }
  if (!found.introduced) return null
  if (!prerelease && !found.removed) return null
  const deprecated = found.deprecated ?? addMinors(found.introduced, 3)
  const removed = found.removed ?? addMinors(deprecated, 3)
  let replacement: Gvk | null = null
  if (found.replacement) {
    const [group = '', version = '', kind = ''] = found.replacement.split(',')
    replacement = {group, version, kind}
  }
  return {introduced: found.introduced, deprecated, removed, replacement}
}

/**
 * The comment lines gengo reads tags from: the doc comment right above the type and the comment
 * block before it when one blank line separates them (gengo's "second closest comment lines").
 */
function commentsAbove(lines: string[], i: number): string[] {
  const block = (end: number): [string[], number] => {
    let s = end
    while (s >= 0 && lines[s]!.trim().startsWith('//')) s--
    return [lines.slice(s + 1, end + 1), s]
  }
  const [doc, before] = block(i - 1)
  if (before >= 1 && lines[before]!.trim() === '' && lines[before - 1]!.trim().startsWith('//')) {
    const [second] = block(before - 1)
    return [...second, ...doc]
  }
  return doc
}

/**
 * Every struct type of every group/version package in the files of one module release
 * (paths relative to the module root). A package counts when its folder is named like a version
 * and its doc.go names the group with `+groupName=` (core/v1 names the empty group).
 */
export function declaredKinds(files: Map<string, string>): Declared[] {
  // The group: doc.go's `+groupName=`, else register.go's `GroupName = "..."` (apps/v1beta1 has only that).
  const groups = new Map<string, string>()
  for (const [path, text] of files) {
    const name = path.slice(path.lastIndexOf('/') + 1)
    const dir = path.slice(0, path.lastIndexOf('/'))
    if (!VERSION_DIR.test(dir.split('/').pop()!)) continue
    const m = name === 'doc.go' ? /^\/\/\s*\+groupName=(\S*)/m.exec(text) : name === 'register.go' ? /\bGroupName\s*=\s*"([^"]*)"/.exec(text) : null
    if (m && (name === 'doc.go' || !groups.has(dir))) groups.set(dir, m[1]!)
  }
  // The types each package's register.go adds to the scheme (scheme.AddKnownTypes(..., &Deployment{}, ...)).
  const known = new Map<string, Set<string>>()
  for (const [path, text] of files) {
    if (!path.endsWith('/register.go')) continue
    const names = new Set([...text.matchAll(/&(\w+)\{\}/g)].map(m => m[1]!))
    if (names.size) known.set(path.slice(0, path.lastIndexOf('/')), names)
  }
  const out: Declared[] = []
  for (const [path, text] of files) {
    const dir = path.slice(0, path.lastIndexOf('/'))
    const name = path.slice(dir.length + 1)
    const group = groups.get(dir)
    if (group === undefined || !name.endsWith('.go') || name.endsWith('_test.go') || name.startsWith('zz_generated') || name.startsWith('generated.')) continue
    const lines = text.split('\n')
    lines.forEach((line, i) => {
      const m = TYPE.exec(line)
      const version = dir.split('/').pop()!
      if (!m) return
      const comments = commentsAbove(lines, i)
      const introduced = comments.map(l => TAG.exec(l.trim())).find(t => t?.[1] === 'introduced')?.[2] ?? null
      out.push({group, version, kind: m[1]!, file: path, tags: tagsOf(comments, /alpha|beta/.test(version)), introduced, registered: known.has(dir) ? known.get(dir)!.has(m[1]!) : null})
    })
  }
  return out
}
