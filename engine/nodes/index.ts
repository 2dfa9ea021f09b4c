/** The built-in node types of the engine core (connector nodes live in connectors/). */
import type { AnyNodeModule } from '../core/registry.ts'
import triggerOrderEvent from './trigger.order-event.node.ts'
import triggerManual from './trigger.manual.node.ts'
import triggerSchedule from './trigger.schedule.node.ts'
import ruleCondition from './rule.condition.node.ts'
import ruleSwitch from './rule.switch.node.ts'
import ruleSet from './rule.set.node.ts'
import orderUpdateStatus from './order.update-status.node.ts'
import orderTag from './order.tag.node.ts'
import orderHold from './order.hold.node.ts'
import orderAssign from './order.assign.node.ts'
import flowParallel from './flow.parallel.node.ts'
import flowJoin from './flow.join.node.ts'
import flowEnd from './flow.end.node.ts'
import timeWait from './time.wait.node.ts'
import timeEscalate from './time.escalate.node.ts'
import humanApproval from './human.approval.node.ts'
import orderFind from './order.find.node.ts'
import flowForEach from './flow.for-each.node.ts'
import flowSubWorkflow from './flow.sub-workflow.node.ts'
import ruleClassifyException from './rule.classify-exception.node.ts'

/** Every built-in node module, ready for `createRegistry`. */
export const builtinNodes: readonly AnyNodeModule[] = [
  triggerOrderEvent, triggerManual, triggerSchedule,
  ruleCondition, ruleSwitch, ruleSet, ruleClassifyException,
  orderUpdateStatus, orderTag, orderHold, orderAssign, orderFind,
  flowParallel, flowJoin, flowEnd, flowForEach, flowSubWorkflow,
  timeWait, timeEscalate, humanApproval,
]
