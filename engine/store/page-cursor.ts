/**
 * Opaque keyset cursors shared by every Store: the sort key of the last row of a page, as
 * base64url JSON. Keyset (not offset) paging stays fast on deep pages and never skips or repeats
 * a row when rows are inserted between two page reads.
 */

type KeyPart = 'number' | 'string'
type Decoded<S extends readonly KeyPart[]> = { -readonly [K in keyof S]: S[K] extends 'number' ? number : string }

/** A cursor the client tampered with or took from another listing; `statusCode` makes Fastify answer 400. */
export class InvalidCursorError extends Error {
  readonly code = 'INVALID_CURSOR'
  readonly statusCode = 400
}

/** Encodes the sort key of a page's last row. */
export function encodeCursor(key: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url')
}

/** Decodes a cursor made by `encodeCursor` for a key of the given shape; throws InvalidCursorError otherwise. */
export function decodeCursor<const S extends readonly KeyPart[]>(cursor: string, shape: S): Decoded<S> {
  let key: unknown
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw new InvalidCursorError('cursor is not valid')
  }
  const valid = Array.isArray(key) && key.length === shape.length &&
    shape.every((type, i) => type === 'number' ? Number.isFinite(key[i]) : typeof key[i] === 'string')
  if (!valid) throw new InvalidCursorError('cursor is not valid')
  return key as Decoded<S>
}

/** Checks a page size: a positive integer (fractions are cut). A missing limit is a caller bug, named here rather than deep in SQL. */
export function pageLimit(limit: number): number {
  if (typeof limit !== 'number' || !Number.isFinite(limit) || limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${String(limit)}`)
  }
  return Math.floor(limit)
}

/**
 * Cuts one page from rows fetched with LIMIT `limit + 1`: the extra row tells whether another page
 * exists without a count query; the cursor is the sort key of the page's last row.
 */
export function keysetPage<R, T>(rows: R[], limit: number, sortKey: (row: R) => ReadonlyArray<string | number>, view: (row: R) => T): { items: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit)
  const last = page[page.length - 1]
  return { items: page.map(view), nextCursor: rows.length > limit && last ? encodeCursor(sortKey(last)) : null }
}
