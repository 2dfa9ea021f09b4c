/** POST /api/rules/evaluate: try a JsonLogic rule against data (the designer's "try it" box), in the rule sandbox. */
import type { FastifyPluginAsync } from 'fastify'
import { DEFAULT_RULE_LIMITS } from '../../core/json-logic.ts'
import { sandboxFailure } from './sandbox-errors.ts'

/** Registers POST /api/rules/evaluate. */
export const ruleRoutes: FastifyPluginAsync = async (app) => {
  app.post<{ Body: { rule: unknown; data?: unknown } }>('/api/rules/evaluate', {
    config: { roles: ['admin', 'designer', 'operator'] },
    schema: {
      tags: ['rules'],
      summary: 'Evaluate a JsonLogic rule: {rule, data} -> {result, operations}; a bad rule, a rule error or a rule over its budget is a 400 naming /rule',
      body: { type: 'object', additionalProperties: false, required: ['rule'], properties: { rule: {}, data: {} } },
    },
  }, async (request) => {
    try {
      const { result, operations } = await app.sandbox.evaluate(request.body.rule, request.body.data ?? {})
      return { result: result ?? null, operations, budget: DEFAULT_RULE_LIMITS.operations }
    } catch (err) {
      throw sandboxFailure(err, '/rule', 'the rule')
    }
  })
}
