// A minimal reader for the module zips that `go mod download` leaves in GOMODCACHE/cache/download.
// We read the zip rather than the extracted directory because Go refuses to extract a module whose
// go.mod asks for a newer Go (k8s.io/api prereleases often do), yet still downloads and verifies the zip.
import {readFileSync} from 'node:fs'
import {inflateRawSync} from 'node:zlib'

/** Every file of the zip whose name passes `want`, as name → UTF-8 text. */
export function readZip(path: string, want: (name: string) => boolean): Map<string, string> {
  const buf = readFileSync(path)
  // End of central directory: signature 0x06054b50, searched backwards (a comment may follow it).
  let eocd = -1
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break }
  }
  if (eocd < 0) throw new Error(`${path}: not a zip file`)
  const count = buf.readUInt16LE(eocd + 10)
  let p = buf.readUInt32LE(eocd + 16)
  const out = new Map<string, string>()
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${path}: bad central directory`)
    const method = buf.readUInt16LE(p + 10)
    const size = buf.readUInt32LE(p + 20)
    const nameLen = buf.readUInt16LE(p + 28), extraLen = buf.readUInt16LE(p + 30), commentLen = buf.readUInt16LE(p + 32)
    const local = buf.readUInt32LE(p + 42)
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen)
    p += 46 + nameLen + extraLen + commentLen
    if (!want(name)) continue
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28)
    const data = buf.subarray(start, start + size)
    out.set(name, (method === 0 ? data : inflateRawSync(data)).toString('utf8'))
  }
  return out
}
