/**
 * The one way the designer talks to the API: JSON over fetch with the session's bearer token.
 * Errors arrive in the API's shape ({ statusCode, message, details: [{ pointer, reason }] }).
 */
import { useSession } from '../app/session.ts'

import type { ProblemDetail } from './types.ts'

/** An API error answer, kept whole so forms can show each detail beside its field. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly details: ProblemDetail[] = []) {
    super(message)
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** Calls the API; resolves with the parsed JSON body, rejects with ApiError. A 401 ends the session. */
export async function api<T>(method: Method, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  return (await apiText<T>(method, url, body !== undefined ? JSON.stringify(body) : undefined, headers)).value
}

/**
 * Calls the API with a body already in JSON text (a platform payload sent as pasted: its 64-bit ids
 * whole) and resolves with the parsed answer and its text (whose numbers JSON.parse did not round).
 */
export async function apiText<T>(method: Method, url: string, bodyText?: string, headers: Record<string, string> = {}): Promise<{ value: T; text: string }> {
  const token = useSession.getState().token
  const response = await fetch(url, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(bodyText !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: bodyText,
  })
  const text = await response.text()
  let parsed: unknown = null
  if (text) {
    try { parsed = JSON.parse(text) } catch { parsed = { message: text } }
  }
  if (!response.ok) {
    const e = (parsed ?? {}) as { message?: string; details?: ProblemDetail[] }
    if (response.status === 401) useSession.getState().logout()
    throw new ApiError(response.status, e.message ?? response.statusText, e.details ?? [])
  }
  return { value: parsed as T, text }
}

/** Query string from the defined entries of an object. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? `?${s}` : ''
}
