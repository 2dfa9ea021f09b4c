/** Query-string pieces shared by list routes. */

/** limit + cursor, validated (a wrong-typed limit is a 400 naming /limit). */
export const pageQuery = {
  limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
  cursor: { type: 'string', maxLength: 200 },
} as const

/** `{ id }` path parameter. */
export const idParams = {
  type: 'object', additionalProperties: false, required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 128 } },
} as const
