/** POST /api/rules/evaluate: try a JsonLogic rule against data (the designer's "try it" box). */
import type { FastifyPluginAsync } from 'fastify'
import { evaluateRule } from '../../core/json-logic.ts'
import { badRequest } from '../errors.ts'

/** Registers POST /api/rules/evaluate. */
export const ruleRoutes: FastifyPluginAsync = async (app) => {
  app.post<{ Body: { rule: unknown; data?: unknown } }>('/api/rules/evaluate', {
    config: { roles: ['admin', 'designer', 'operator'] },
    schema: {
      tags: ['rules'], summary: 'Evaluate a JsonLogic rule: {rule, data} -> {result}; a bad rule or a rule error is a 400 naming /rule',
      body: { type: 'object', additionalProperties: false, required: ['rule'], properties: { rule: {}, data: {} } },
    },
  }, async (request) => {
    try {
      return { result: evaluateRule(request.body.rule, request.body.data ?? {}).result ?? null }
    } catch (err) {
      throw badRequest([{ pointer: '/rule', reason: (err as Error).message }])
    }
  })
}
