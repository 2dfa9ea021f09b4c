/**
 * The order schemas in Monaco, registered in one place: schemas/order.schema.json for the rule
 * editor's "Try it" samples and schemas/order-input.schema.json for the editor's dry-run order box.
 * Each goes under its own `$id`, so order-input's `order.schema.json#/definitions/…` references resolve.
 */
import orderSchema from '../../../schemas/order.schema.json' with { type: 'json' }
import orderInputSchema from '../../../schemas/order-input.schema.json' with { type: 'json' }
import { addJsonSchema, type Monaco } from '../monaco/monaco.ts'

/** Prefix of the "Try it" sample models (a whole order). */
export const SAMPLE_MODEL_PREFIX = 'ordo://rule-samples/'
/** The dry-run order box's models (an order as sent to the API). */
const DRY_RUN_MODEL_MATCH = ['ordo://dry-run/*']

/** Registers the order schema for "Try it" samples and the order-input schema for `ordo://dry-run/*` models. */
export function registerOrderSchemas(monaco: Monaco): void {
  addJsonSchema(monaco, orderSchema.$id, [`${SAMPLE_MODEL_PREFIX}*`, `${SAMPLE_MODEL_PREFIX}**`], orderSchema)
  addJsonSchema(monaco, orderInputSchema.$id, DRY_RUN_MODEL_MATCH, orderInputSchema)
}
