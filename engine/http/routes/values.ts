/**
 * GET /api/values: the teams, hold pools, tags and exception types in use, so the designer offers
 * them in pick lists and a typo does not silently open a new queue. Gathered from the orders and
 * from every stored workflow draft and published version (the config fields their node types mark
 * with `$comment: "pick:<list>"`).
 */
import type { FastifyPluginAsync } from 'fastify'
import { ALL_ROLES } from '../auth.ts'
import { PICK_LISTS } from '../../nodes/schema-fragments.ts'
import { collectDefinitionPickValues, emptyPickValues } from '../../nodes/pick-values.ts'

/** The most values answered per list. */
export const MAX_VALUES = 500
/** Teams and pools are read from this many of the most recently updated orders (nothing indexes them). */
export const RECENT_ORDERS = 10_000

const valueList = { type: 'array', maxItems: MAX_VALUES, items: { type: 'string' } } as const

/** Registers GET /api/values. */
export const valueRoutes: FastifyPluginAsync = async (app) => {
  const { store, registry } = app.engine
  app.get('/api/values', {
    config: { roles: ALL_ROLES },
    schema: {
      tags: ['workflows'],
      summary: 'Teams, hold pools, tags and exception types in use (orders and workflows), sorted, at most 500 each',
      response: {
        200: {
          type: 'object', additionalProperties: false, required: [...PICK_LISTS],
          properties: Object.fromEntries(PICK_LISTS.map((list) => [list, valueList])),
        },
      },
    },
  }, async () => {
    const inUse = emptyPickValues()
    const fromOrders = await store.orderValues(MAX_VALUES, RECENT_ORDERS)
    for (const list of PICK_LISTS) for (const v of fromOrders[list]) inUse[list].add(v)
    const manifestOf = (type: string) => registry.get(type)?.manifest
    for (const row of await store.listWorkflows()) {
      collectDefinitionPickValues(row.draft, manifestOf, inUse)
      // Older versions still run the orders pinned to them: their teams and pools are in use too.
      for (const version of await store.listVersions(row.id)) collectDefinitionPickValues(version.definition, manifestOf, inUse)
    }
    return Object.fromEntries(PICK_LISTS.map((list) => [list, [...inUse[list]].sort(byCodePoint).slice(0, MAX_VALUES)]))
  })
}

/** The same order in every locale and on every server: by code point. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
