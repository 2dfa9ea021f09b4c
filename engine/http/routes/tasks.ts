/**
 * The approval inbox: GET /api/tasks (what I may act on), GET /api/tasks/count (the badge),
 * GET /api/tasks/:id, POST /api/tasks/:id/claim and /complete; GET /api/notifications (reminders
 * and escalations for me). Any signed-in role may call them; the task service decides who may act.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { TaskRow, TokenRow } from '../../store/store.ts'
import { NotFoundError } from '../../store/store.ts'
import { TaskAlreadyVotedError, TaskForbiddenError, TaskFormError, TaskService } from '../../runtime/task-service.ts'
import { ALL_ROLES } from '../auth.ts'
import { HttpError, badRequest } from '../errors.ts'
import { iso } from '../iso.ts'
import { idParams, pageQuery } from './paging.ts'
import { RunNames } from './run-names.ts'

const PRIORITY = { type: 'string', enum: ['low', 'normal', 'high', 'urgent'] } as const

/** What the inbox shows beside a task: its workflow's and node's names and its order's number. */
interface TaskNames { workflowName: string | null; nodeName: string | null; order: { platform: string; platformOrderId: string; totalAmount: number; currency: string; status: string } | null }

/** The API shape of a task (DESIGN's fields, times ISO 8601, with names and whether the caller may act). */
export function taskView(task: TaskRow, names: TaskNames, principal: Pick<TokenRow, 'name' | 'role'>) {
  return {
    id: task.id, runId: task.runId, workflowId: task.workflowId, orderId: task.orderId, nodeId: task.nodeId, title: task.title,
    status: task.status, priority: task.priority, assignees: task.assignees, level: task.level, levelName: task.levelName ?? null,
    quorum: task.quorum, form: task.form ?? null, commentRequired: task.commentRequired ?? false,
    dueAt: iso(task.dueAt), createdAt: iso(task.createdAt), completedAt: iso(task.completedAt), completedBy: task.completedBy,
    decision: task.decision, comment: task.comment, data: task.data, claimedBy: task.claimedBy,
    votes: task.votes.map((v) => ({ ...v, at: iso(v.at) })),
    ...names,
    mayAct: task.status === 'open' && TaskService.mayAct(task, principal) && !(task.excluded ?? []).includes(principal.name),
  }
}

function principalOf(request: FastifyRequest): Pick<TokenRow, 'name' | 'role'> {
  return { name: request.principal!.name, role: request.principal!.role }
}

/** Turns the task service's refusals into the API's errors. */
function refusal(err: unknown): never {
  if (err instanceof TaskForbiddenError) throw new HttpError(403, err.message, [{ pointer: '/', reason: err.message }])
  if (err instanceof TaskAlreadyVotedError) throw new HttpError(409, err.message, [{ pointer: '/', reason: err.message }])
  if (err instanceof TaskFormError) throw badRequest(err.details, err.message)
  throw err
}

/** Registers the task and notification routes. */
export const taskRoutes: FastifyPluginAsync = async (app) => {
  const { engine } = app
  const { store, clock } = engine

  /** Names for a page of tasks: each workflow, version and order read once. */
  async function namesFor(tasks: TaskRow[]): Promise<Map<string, TaskNames>> {
    const names = new RunNames(store)
    const orders = new Map<string, Awaited<ReturnType<typeof store.getOrder>>>()
    const out = new Map<string, TaskNames>()
    for (const t of tasks) {
      if (t.orderId && !orders.has(t.orderId)) orders.set(t.orderId, await store.getOrder(t.orderId))
      const o = t.orderId ? orders.get(t.orderId)?.order : undefined
      out.set(t.id, {
        workflowName: await names.workflowName(t.workflowId),
        nodeName: await names.nodeName(t.workflowId, t.version, t.nodeId),
        // The inbox shows what is at stake: the amount and the status beside the order number.
        order: o ? { platform: o.platform, platformOrderId: o.platformOrderId, totalAmount: o.totalAmount, currency: o.currency, status: o.status } : null,
      })
    }
    return out
  }

  app.get<{ Querystring: { status: TaskRow['status']; priority?: TaskRow['priority']; workflowId?: string; orderId?: string; limit: number; cursor?: string } }>('/api/tasks', {
    config: { roles: ALL_ROLES },
    schema: {
      tags: ['tasks'],
      summary: 'The tasks the caller may act on (theirs by name or role; admin: all), most urgent and soonest due first',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          status: { type: 'string', enum: ['open', 'completed', 'expired', 'cancelled'], default: 'open' },
          priority: PRIORITY, workflowId: { type: 'string', maxLength: 64 }, orderId: { type: 'string', maxLength: 128 }, ...pageQuery,
        },
      },
    },
  }, async (request) => {
    const { limit, cursor, ...filter } = request.query
    const page = await engine.tasks.list(principalOf(request), { ...filter, limit, cursor })
    const names = await namesFor(page.items)
    return { tasks: page.items.map((t) => taskView(t, names.get(t.id)!, principalOf(request))), nextCursor: page.nextCursor }
  })

  app.get('/api/tasks/count', {
    config: { roles: ALL_ROLES },
    schema: { tags: ['tasks'], summary: 'How many open tasks the caller may act on (the inbox badge)' },
  }, async (request) => ({ open: await engine.tasks.countOpen(principalOf(request)) }))

  app.get<{ Params: { id: string } }>('/api/tasks/:id', {
    config: { roles: ALL_ROLES },
    schema: { tags: ['tasks'], summary: 'One task, with its order and run', params: idParams },
  }, async (request) => {
    const task = await engine.tasks.get(request.params.id, principalOf(request)).catch(refusal)
    if (!task) throw new NotFoundError(`task ${request.params.id} not found`)
    const names = await namesFor([task])
    const [order, run, history] = await Promise.all([
      task.orderId ? store.getOrder(task.orderId) : null,
      store.getRun(task.runId),
      task.orderId ? store.orderHistory(task.orderId) : [],
    ])
    return {
      task: taskView(task, names.get(task.id)!, principalOf(request)),
      order: order ? { ...order.order, raw: undefined } : null,
      history: history.map((e) => ({ ...e, at: iso(e.at) })),
      run: run ? { id: run.state.runId, workflowId: run.state.workflowId, version: run.state.version, status: run.state.status, startedAt: iso(run.state.startedAt), variables: run.state.variables } : null,
    }
  })

  app.post<{ Params: { id: string }; Body: { release?: boolean } | undefined }>('/api/tasks/:id/claim', {
    config: { roles: ALL_ROLES },
    schema: {
      tags: ['tasks'], summary: 'Take a task (colleagues see who handles it), or give it back with {"release": true}', params: idParams,
      body: { type: 'object', additionalProperties: false, properties: { release: { type: 'boolean' } } },
    },
  }, async (request) => {
    const task = await engine.tasks.claim(request.params.id, principalOf(request), clock.now(), request.body?.release === true).catch(refusal)
    return taskView(task, (await namesFor([task])).get(task.id)!, principalOf(request))
  })

  app.post<{ Params: { id: string }; Body: { decision: 'approve' | 'reject'; comment?: string; data?: Record<string, unknown> } }>('/api/tasks/:id/complete', {
    config: { roles: ALL_ROLES },
    schema: {
      tags: ['tasks'],
      summary: 'Approve or reject a task: 403 to a caller who may not act on it (checked first), 409 when it is not open (naming its status), 400 naming a form field',
      params: idParams,
      body: {
        type: 'object', additionalProperties: false, required: ['decision'],
        properties: {
          decision: { type: 'string', enum: ['approve', 'reject'] },
          comment: { type: 'string', maxLength: 2000 },
          data: { type: 'object', description: 'The answers to the task\'s form' },
        },
      },
    },
  }, async (request) => {
    const task = await engine.tasks.complete(request.params.id, principalOf(request), request.body, clock.now()).catch(refusal)
    return taskView(task, (await namesFor([task])).get(task.id)!, principalOf(request))
  })

  app.get<{ Querystring: { limit: number; cursor?: string } }>('/api/notifications', {
    config: { roles: ALL_ROLES },
    schema: {
      tags: ['tasks'], summary: 'Reminders, escalations and new tasks for the caller (by name or role; admin: all), newest first',
      querystring: { type: 'object', additionalProperties: false, properties: { ...pageQuery } },
    },
  }, async (request) => {
    const p = principalOf(request)
    const page = await store.listNotifications(p.role === 'admin' ? null : p, request.query.limit, request.query.cursor)
    return { items: page.items.map((n) => ({ ...n, at: iso(n.at) })), nextCursor: page.nextCursor }
  })
}
