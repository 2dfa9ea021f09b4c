/** How a failed sandbox job answers: a rule's failure or a broken limit is the caller's 400, a full queue a 503. */
import { SandboxBusyError, SandboxError } from '../../runtime/rule-sandbox.ts'
import { HttpError, badRequest } from '../errors.ts'

/** The HTTP error for `err` thrown by the sandbox; `pointer` names the input at fault, `what` it in words. */
export function sandboxFailure(err: unknown, pointer: string, what: string): Error {
  if (err instanceof SandboxBusyError) return new HttpError(503, err.message, [{ pointer: '/', reason: 'too many rules are being tried at once; retry in a second' }])
  if (err instanceof SandboxError && err.kind !== 'internal') {
    const reason = err.kind === 'limit' ? `${what} ${err.message}` : err.message
    return badRequest([{ pointer: pointer + (err.pointer ?? ''), reason }])
  }
  return err instanceof Error ? err : new Error(String(err))
}
