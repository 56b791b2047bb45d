/** @module test/security/hostile-payload-cases — the polluting, mis-encoded and compressed bodies of campaign test 11. */
import { gzipSync } from 'node:zlib'

/** Bodies whose keys could reach a prototype once merged or spread, for a given order id. */
export function prototypeBodies(id: string): string[] {
  return [
    `{"id":${id},"__proto__":{"polluted":"yes"}}`,
    `{"id":${id},"\\u005f_proto__":{"polluted":"yes"}}`,
    `{"id":${id},"constructor":{"prototype":{"polluted":"yes"}}}`,
    `{"id":${id},"prototype":{"polluted":"yes"}}`,
    `{"id":${id},"customer":{"a":[{"__proto__":{"polluted":"yes"}}]}}`,
  ]
}

/** Byte sequences that are not UTF-8, each as it would sit inside a JSON string. */
export const INVALID_UTF8: Record<string, number[]> = {
  'invalid byte': [0xff, 0xfe],
  'overlong "/"': [0xc0, 0xaf],
  'overlong NUL': [0xe0, 0x80, 0x80],
  'lone high surrogate': [0xed, 0xa0, 0x80],
  'lone low surrogate': [0xed, 0xb0, 0x80],
  'truncated sequence': [0xe2, 0x82],
}

let bomb: Buffer | undefined

/** 16 gzip members of 64 MiB of zeros: ~1 MiB on the wire, 1 GiB if anyone inflates it. */
export function gzipBomb(): Buffer {
  if (bomb !== undefined) return bomb
  const member = gzipSync(Buffer.alloc(64 * 1024 * 1024))
  bomb = Buffer.concat(Array.from({ length: 16 }, () => member))
  return bomb
}
