/** Schema + graph checks of a workflow definition, with every error tied to a node where it can be. */
import { validators, toErrorDetails } from '../../schemas/index.ts'
import type { WorkflowDefinition } from '../../schemas/generated/workflow.ts'
import type { NodeRegistry } from './registry.ts'
import { validateWorkflow } from './validate-workflow.ts'

/** One problem with a definition: the node (if any), where (JSON pointer) and why. */
export interface DefinitionError { nodeId: string | null; pointer: string; reason: string }
/** The result of checking a definition: errors make it invalid, warnings point at risks (exponential fan-out). */
export interface DefinitionCheck { valid: boolean; errors: DefinitionError[]; warnings: DefinitionError[] }

/** Checks `candidate` against the workflow schema, then (if it passes) the graph rules. */
export function checkDefinition(candidate: unknown, registry: NodeRegistry): DefinitionCheck {
  if (!validators.workflow(candidate)) {
    const nodes = (candidate as { nodes?: Array<{ id?: unknown }> } | null)?.nodes
    const errors = toErrorDetails(validators.workflow.errors).map((d) => {
      const m = /^\/nodes\/(\d+)(\/|$)/.exec(d.pointer)
      const id = m && Array.isArray(nodes) ? nodes[Number(m[1])]?.id : null
      return { nodeId: typeof id === 'string' ? id : null, pointer: d.pointer, reason: d.reason }
    })
    return { valid: false, errors, warnings: [] }
  }
  return validateWorkflow(candidate as WorkflowDefinition, registry)
}
