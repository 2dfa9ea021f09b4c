/**
 * Editing a map of named rules (rule.set's variables) as rows: rename an entry in place, keep the
 * order the engine evaluates them in, find a free name for a new one. Pure, so tests drive it.
 */

/** The map with `from` renamed to `to`, every entry where it was (the engine runs them in order). */
export function renameEntry(map: Record<string, unknown>, from: string, to: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k === from ? to : k, v]))
}

/** The map without `name`. */
export function removeEntry(map: Record<string, unknown>, name: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(map).filter(([k]) => k !== name))
}

/** The first of `var1`, `var2`… that is not taken and that `pattern` (the schema's propertyNames) allows. */
export function freshEntryName(map: Record<string, unknown>, pattern?: string): string {
  const allowed = pattern ? new RegExp(pattern, 'u') : null
  const free = (name: string) => !Object.hasOwn(map, name) && (!allowed || allowed.test(name))
  let i = 1
  while (!free(`var${i}`) && i < 10_000) i++
  return `var${i}`
}

/** Why `name` cannot replace `current` in `map`, or null when it can. */
export function entryNameProblem(map: Record<string, unknown>, current: string, name: string, pattern?: string): 'required' | 'pattern' | 'duplicate' | null {
  if (name === '') return 'required'
  if (pattern && !new RegExp(pattern, 'u').test(name)) return 'pattern'
  if (name !== current && Object.hasOwn(map, name)) return 'duplicate'
  return null
}
