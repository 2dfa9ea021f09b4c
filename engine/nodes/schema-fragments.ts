/** Pieces of config schemas shared by several node types, so every form renders them the same way. */

/**
 * Marks a config field holding a JsonLogic rule. `$comment` is the draft-07 annotation for tools:
 * the designer shows its rule builder for fields carrying it, and strict ajv accepts it.
 */
export const JSON_LOGIC_COMMENT = 'jsonlogic'

/** A config field holding a JsonLogic rule (any JSON value). */
export function jsonLogicField(title: string, description: string): Record<string, unknown> {
  return { title, description, $comment: JSON_LOGIC_COMMENT }
}

/** One order tag, as schemas/order.schema.json defines it. */
export const tagSchema = {
  type: 'string', minLength: 1, maxLength: 64, pattern: '^[^\\s,]+$', title: 'Tag',
} as const

/** A list of distinct order tags. */
export function tagListField(title: string, description: string): Record<string, unknown> {
  return { type: 'array', title, description, items: tagSchema, uniqueItems: true, maxItems: 100 }
}
