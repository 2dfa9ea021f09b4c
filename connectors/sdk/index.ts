/**
 * The connector SDK: everything a node module needs, so a connector never imports engine internals.
 *
 *   import { defineNode, call, next, fail, PermanentError, compileTextTemplate } from 'ordo/sdk'
 *
 * (`ordo/sdk` is this file through the package's exports; the loader of ORDO_NODES_DIR links it for custom nodes.)
 *
 * A node is `defineNode({ manifest, prepare?, run, perform?, resume?, compensate? })`: `run` builds
 * the request from config, order and variables (pure), `perform` makes the call (the only I/O), and
 * `resume` maps the response to a port, an output and an order change (pure). Test a node with
 * `connectors/sdk/testing.ts`.
 */
export {
  defineNode, next, wait, fail, call,
  type NodeModule, type NodeManifest, type NodeContext, type NodeResult, type NextStep, type Wait, type ResumeEvent,
  type OrderPatch, type ActivityRequest, type CompensateContext, type ConfigOf, type PrepareTools, type Notification,
} from './define-node.ts'
export type { PerformContext, HttpClient, HttpRequest, HttpResponse, ConnectorLogger, CallRecord, SecretReader, ShopAccess, OpenedShop } from './perform.ts'
export {
  ConfigError, ConnectorError, PermanentError, RetryableError, errorForStatus, classOfStatus, describeFailure, type ErrorClass,
} from './errors.ts'
export {
  compileTextTemplate, compileJsonTemplate, fillSecrets, fillParts, TemplateError, MAX_RENDERED_CHARS,
  type TextTemplate, type JsonTemplate, type WithSecrets, type SecretSlot, type SecretParts, type TemplateEscape,
} from './templates.ts'
export { compileRule, evaluateRule, checkRule, isTruthy, RuleError, type CompiledRule } from '../../engine/core/json-logic.ts'
export type { Order, Status, Platform } from '../../schemas/generated/order.ts'
export {
  jsonLogicField, durationField, tagListField, assigneesField, tagSchema, pickComment, DURATION_PATTERN, JSON_LOGIC_COMMENT,
} from '../../engine/nodes/schema-fragments.ts'
export { secretNameField, SECRET_NAME_COMMENT, templateField, TEMPLATE_COMMENT, timeoutOption } from './schema.ts'
export { parseDurationMs } from '../../engine/core/duration.ts'
