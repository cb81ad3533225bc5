// Patches, typed by the object they change. A merge patch (RFC 7386) replaces lists whole and
// deletes a key set to null; a strategic-merge patch merges lists of known built-in types by
// their key (containers by name, taints by key and effect), as kubectl cordon and label do
// (apimachinery pkg/util/strategicpatch).
import type {Kube} from './client.js'

/** Any part of T; null removes a key. */
export type MergePatch<T> = T extends readonly unknown[] ? T | null
  : T extends object ? {[K in keyof T]?: MergePatch<T[K]> | null}
  : T | null

/** A merge patch that may also carry directives such as `$patch: delete` or `$retainKeys`. */
export type StrategicPatch<T> = T extends readonly unknown[] ? (StrategicPatch<T[number]> | {$patch: 'replace' | 'merge' | 'delete'})[] | null
  : T extends object ? {[K in keyof T]?: StrategicPatch<T[K]> | null} & {[directive: `$${string}`]: unknown}
  : T | null

export interface PatchOptions {
  /** Validate and answer without persisting (dryRun=All). */
  dryRun?: boolean
  /** Who owns the fields changed (managedFields); the server defaults to the user agent. */
  fieldManager?: string
}

export const MERGE_PATCH = 'application/merge-patch+json'
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json'

/** PATCH with a JSON merge patch; returns the object as stored. Works on any type, custom resources too. */
export function patchMerge<T>(kube: Kube, path: string, body: MergePatch<T>, opts: PatchOptions = {}): Promise<T> {
  return patch<T>(kube, path, body, MERGE_PATCH, opts)
}

/** PATCH with a strategic-merge patch; returns the object as stored. Built-in types only (custom resources answer 415). */
export function patchStrategic<T>(kube: Kube, path: string, body: StrategicPatch<T>, opts: PatchOptions = {}): Promise<T> {
  return patch<T>(kube, path, body, STRATEGIC_MERGE_PATCH, opts)
}

function patch<T>(kube: Kube, path: string, body: unknown, contentType: string, opts: PatchOptions): Promise<T> {
  return kube.request<T>(path, {
    method: 'PATCH', body, contentType,
    query: {dryRun: opts.dryRun ? 'All' : undefined, fieldManager: opts.fieldManager},
  })
}
