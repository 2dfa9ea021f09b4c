/**
 * One error shape for every client: { statusCode, error, message, details: [{ pointer, reason }] }.
 * Validation errors name the field by JSON pointer; nothing internal leaks on a 500.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import { toErrorDetails, type ErrorDetail } from '../../schemas/index.ts'
import { ConflictError, NotFoundError } from '../store/store.ts'
import { InvalidCursorError } from '../store/page-cursor.ts'

/** An error that answers with `statusCode` and `details`. */
export class HttpError extends Error {
  constructor(readonly statusCode: number, message: string, readonly details: Array<ErrorDetail & { nodeId?: string | null; in?: string }> = []) {
    super(message)
  }
}

/** 400 naming each bad field. */
export function badRequest(details: Array<ErrorDetail & { nodeId?: string | null; in?: string }>, message?: string): HttpError {
  return new HttpError(400, message ?? details.map((d) => `${d.pointer} ${d.reason}`).slice(0, 5).join('; '), details)
}

/** The JSON body of an error response. */
export function errorBody(statusCode: number, message: string, details: unknown[] = []) {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, details }
}

/** Installs the error and not-found handlers; `notFound` may answer an unmatched request first (the designer's pages). */
export function installErrorHandling(app: FastifyInstance, options: { notFound?: (request: FastifyRequest, reply: FastifyReply) => Promise<boolean> } = {}): void {
  app.setErrorHandler((err: FastifyError & { details?: ErrorDetail[] }, request, reply) => {
    if (err.validation) {
      const part = err.validationContext ?? 'body'
      const details = toErrorDetails(err.validation as never).map((d) => (part === 'body' ? d : { ...d, in: part }))
      return reply.code(400).send(errorBody(400, `${part} is invalid: ${details.map((d) => `${d.pointer} ${d.reason}`).slice(0, 5).join('; ')}`, details))
    }
    if (err instanceof HttpError) return reply.code(err.statusCode).send(errorBody(err.statusCode, err.message, err.details))
    if (err instanceof InvalidCursorError) return reply.code(400).send(errorBody(400, err.message, [{ pointer: '/cursor', reason: 'is not a cursor this server issued' }]))
    if (err instanceof NotFoundError) return reply.code(404).send(errorBody(404, err.message))
    if (err instanceof ConflictError) return reply.code(409).send(errorBody(409, err.message))
    switch (err.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply.code(413).send(errorBody(413, 'request body is larger than the limit', [{ pointer: '/', reason: `larger than ${request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit} bytes` }]))
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply.code(415).send(errorBody(415, `unsupported content type ${request.headers['content-type'] ?? '(none)'}; send application/json`, []))
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500
    if (status === 500) {
      request.log.error({ err }, 'unhandled error')
      return reply.code(500).send(errorBody(500, 'internal error; see the server log', []))
    }
    return reply.code(status).send(errorBody(status, err.message, []))
  })
  app.setNotFoundHandler(async (request, reply) => {
    if (options.notFound && (await options.notFound(request, reply))) return reply
    return reply.code(404).send(errorBody(404, `no route ${request.method} ${request.url.split('?')[0]}`))
  })
}

/**
 * Answers, in the standard shape, what Node's HTTP parser refuses before Fastify sees a request (a
 * timeout, bytes that are not HTTP, headers too large), then destroys the socket. Fastify's default
 * answers without `details`.
 */
export function clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const { requestTimeout, headersTimeout } = this.server
  const [status, message, reason] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'the request did not arrive in time', `headers must arrive within ${headersTimeout} ms and the whole request within ${requestTimeout} ms`]
      : err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'the request headers are too large', 'headers larger than the server accepts']
        : [400, 'the request is not valid HTTP/1.1', (err.code ?? err.message).toString()]
  // After an answer has started on this socket, another status line would corrupt it.
  const answering = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true
  if (socket.writable && !answering) {
    const body = JSON.stringify(errorBody(status, message, [{ pointer: '/', reason }]))
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
  }
  socket.destroy()
}

/** Answers the router's own refusals (a path that is not valid percent-encoding, an overlong path parameter) in the standard shape. */
export function frameworkErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500
  const reason = err.code === 'FST_ERR_BAD_URL' ? 'is not valid percent-encoded UTF-8'
    : err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'has a path segment longer than the server accepts'
      : 'could not be routed'
  if (status === 500) request.log.error({ err }, 'routing failed')
  void reply.code(status).send(errorBody(status, `the URL path ${reason}`, [{ pointer: '/', in: 'path', reason }]))
}
