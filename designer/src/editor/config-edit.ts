/**
 * What a config form's change does to the stored config. rjsf shows a config with its schema's
 * defaults filled in (an approval's priority `normal`, business hours of Mon–Fri 09:00–18:00, an
 * HTTP call's method `POST`) and reports that filled-in value: once as it mounts, again when the
 * config it is given changes (an undo), and with every edit the operator makes. So what it reports
 * is never the edit itself: the edit is how the report differs from what the form showed for the
 * stored config, and only that goes into the store. Selecting a node therefore changes nothing, and
 * a default the form shows is written only where the operator changes something: the engine applies
 * the defaults itself (`config.priority ?? 'normal'`), so an absent field runs as its default.
 */
import { createSchemaUtils, type RJSFSchema, type SchemaUtilsType, type ValidatorType } from '@rjsf/utils'
import { sameJson } from '../graph/convert.ts'

type Json = unknown

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * `stored` with the operator's edit applied: the edit is how `next` (what the form reports) differs
 * from `shown` (what the form showed for `stored`). A value the operator did not change keeps its
 * stored form: a default the form filled in stays absent. Where something changed under a value that
 * is not stored (the first field typed into business hours), the form's whole value there is taken,
 * as the operator saw it, defaults and all. A field the operator emptied is kept as an empty field
 * (undefined: absent as JSON). Array items are matched by position, and an item the store does not
 * have yet (a new one) is taken whole.
 */
export function applyFormEdit(stored: Json, shown: Json, next: Json): Json {
  if (sameJson(shown, next)) return stored
  if (stored === undefined) return next
  if (isPlainObject(stored) && isPlainObject(shown) && isPlainObject(next)) {
    const out: Record<string, unknown> = { ...stored }
    for (const key of new Set([...Object.keys(shown), ...Object.keys(next)])) {
      const value = applyFormEdit(stored[key], shown[key], next[key])
      if (value !== undefined) out[key] = value
      // A field the operator emptied stays an empty field (rjsf fills an absent one with its default
      // again); as JSON it is absent, and the default applies.
      else if (key in next && !sameJson(shown[key], next[key])) out[key] = undefined
      else delete out[key]
    }
    return out
  }
  if (Array.isArray(stored) && Array.isArray(shown) && Array.isArray(next)) {
    return next.map((item, i) => (i < stored.length ? applyFormEdit(stored[i], shown[i], item) : item))
  }
  return next
}

/** The value rjsf shows for a form's data, and what one of its reports changes. */
export interface FormDefaults {
  /** What the form shows for `stored`: it with the schema's defaults filled in, as rjsf's Form fills them. */
  shown(stored: Json): Json
  /**
   * The stored value after the form reported `reported`, or null when the report changes nothing
   * (the form's own defaults as it mounts or re-derives, an echo of the store). An absent value and
   * an empty object are one: a form over no config shows `{}`.
   */
  edit<T>(stored: T | undefined, reported: Json): { value: T | undefined } | null
}

const cache = new WeakMap<object, WeakMap<object, FormDefaults>>()

/** The defaults of forms over `schema` validated by `validator` (the form's own: oneOf options are told apart by it). */
export function formDefaults(validator: ValidatorType, schema: RJSFSchema): FormDefaults {
  let bySchema = cache.get(validator)
  if (!bySchema) cache.set(validator, (bySchema = new WeakMap()))
  let found = bySchema.get(schema)
  if (!found) {
    // The Form's own defaults: the same schema utils with the same (default) default-filling behaviour.
    const utils: SchemaUtilsType = createSchemaUtils(validator, schema)
    const shown = (stored: Json) => utils.getDefaultFormState(utils.getRootSchema(), (stored ?? {}) as never)
    found = {
      shown,
      edit<T>(stored: T | undefined, reported: Json) {
        const before = (stored ?? {}) as Json
        const after = applyFormEdit(before, shown(before), reported ?? {})
        return sameJson(after ?? {}, before) ? null : { value: after as T | undefined }
      },
    }
    bySchema.set(schema, found)
  }
  return found
}
