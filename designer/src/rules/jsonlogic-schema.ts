/**
 * A loose JSON Schema for JsonLogic rules, for Monaco's JSON tab: a rule is a literal, an array, or
 * an object with exactly one key among the engine's operators (engine/core/rules/rule-operators.ts;
 * jsonlogic-schema.test.ts keeps the list in step with it). Unknown operators are flagged.
 */

/** Every operator Ordo's rule engine knows, with a one-line hint. */
export const ENGINE_OPERATORS: Record<string, string> = {
  var: 'Reads data: {"var": "order.totalAmount"}; {"var": ["path", default]}',
  missing: 'The listed paths that are missing from the data',
  missing_some: '[need, [paths]]: missing paths unless at least `need` are present',
  get: 'Reads a key of an object: [object, key, default]',
  '==': 'Equal (loose)', '===': 'Equal (strict)', '!=': 'Not equal (loose)', '!==': 'Not equal (strict)',
  '<': 'Less than; [a, x, b] is a < x < b', '<=': 'Less or equal; [a, x, b] is a ≤ x ≤ b',
  '>': 'Greater than', '>=': 'Greater or equal',
  '!': 'Not', '!!': 'Truthy (an empty array is false)', not: 'Not',
  and: 'All true (returns the first falsy value)', or: 'Any true (returns the first truthy value)',
  if: '[cond, then, cond2, then2, …, else]', '?:': '[cond, then, else]', '??': 'The first non-null value',
  in: 'Membership: ["vip", {"var": "order.tags"}] or a substring of a string',
  cat: 'Concatenates strings', substr: '[string, start, length]', length: 'Length of a string or array',
  '+': 'Sum', '-': 'Difference or negation', '*': 'Product', '/': 'Quotient', '%': 'Remainder', max: 'Maximum', min: 'Minimum',
  map: '[array, rule]', filter: '[array, rule]', reduce: '[array, rule, initial]', all: '[array, rule]', some: '[array, rule]', none: '[array, rule]',
  merge: 'Flattens arrays into one', keys: 'The keys of an object', every: '[array, rule]',
  preserve: 'A literal value, not evaluated', try: 'The first rule that does not fail; later ones read {"var": "type"}', throw: 'Fails the rule with a type',
}

/** The schema registered for `ordo://rules/…` models. */
export function jsonLogicSchema(): Record<string, unknown> {
  const properties: Record<string, unknown> = {}
  for (const [op, description] of Object.entries(ENGINE_OPERATORS)) {
    properties[op] = op === 'preserve' ? { description } : { description, $ref: '#/definitions/args' }
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'JsonLogic rule',
    description: 'A JsonLogic rule over { order, vars, input }, e.g. {">": [{"var": "order.totalAmount"}, 100000]} (amounts in minor units).',
    $ref: '#/definitions/rule',
    definitions: {
      rule: {
        if: { type: 'object' },
        then: {
          type: 'object',
          minProperties: 1,
          maxProperties: 1,
          properties,
          additionalProperties: false,
          errorMessage: 'A rule object has exactly one key: a JsonLogic operator the engine knows.',
        },
        else: {
          anyOf: [
            { type: ['string', 'number', 'boolean', 'null'] },
            { type: 'array', items: { $ref: '#/definitions/rule' } },
          ],
        },
      },
      args: {
        anyOf: [
          { type: 'array', items: { $ref: '#/definitions/rule' } },
          { $ref: '#/definitions/rule' },
        ],
      },
    },
  }
}
