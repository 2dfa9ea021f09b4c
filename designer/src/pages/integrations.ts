/**
 * Pure helpers of the integrations page and the run's outside calls: the log's filters as they sit
 * in the URL and go to GET /api/integrations/log, a health window's figures as the table shows
 * them, connectors by their titles, error classes in words.
 */
import { query } from '../api/client.ts'
import type { ConnectorHealth, HealthWindow, IntegrationEntry } from '../api/types.ts'
import type { ErrorClass } from '../../../connectors/sdk/errors.ts'
import { translateIfKnown, type Translate } from '../i18n/index.ts'
import type { Locale } from '../i18n/messages.ts'
import { formatDuration } from './format.ts'

/** How a failed call is classed (connectors/sdk/errors.ts ErrorClass; the log's `outcome` filter takes each). */
export const ERROR_CLASSES = ['timeout', 'auth', '4xx', '5xx', 'network', 'error'] as const satisfies readonly ErrorClass[]
export type ErrorClassName = (typeof ERROR_CLASSES)[number]
/** Every class the SDK knows is offered: one added there and not here does not compile. */
export const EVERY_ERROR_CLASS: [Exclude<ErrorClass, ErrorClassName>] extends [never] ? true : never = true

/** The log's outcome filter: any failure, one class of failure, or the calls that worked. */
export const OUTCOMES = ['failed', ...ERROR_CLASSES, 'ok'] as const
export type Outcome = (typeof OUTCOMES)[number]

/** The health windows the API reports, shortest first. */
export const HEALTH_WINDOWS = ['5m', '1h', '24h'] as const

/** The log's filters, as the URL of /integrations keeps them. */
export interface LogFilters {
  connector?: string
  outcome?: Outcome
  orderId?: string
  runId?: string
  subscriptionId?: string
}

export const LOG_FILTER_KEYS = ['connector', 'outcome', 'orderId', 'runId', 'subscriptionId'] as const satisfies ReadonlyArray<keyof LogFilters>

/** The longest value the API takes for each filter (a longer one would be refused with a 400). */
const MAX_LENGTH: Record<Exclude<keyof LogFilters, 'outcome'>, number> = { connector: 100, orderId: 128, runId: 128, subscriptionId: 128 }

/** The filters of a query string; an outcome the API does not know and a value it would refuse are left out. */
export function logFiltersFrom(params: URLSearchParams): LogFilters {
  const out: LogFilters = {}
  for (const key of ['connector', 'orderId', 'runId', 'subscriptionId'] as const) {
    const value = params.get(key)?.trim()
    if (value && value.length <= MAX_LENGTH[key]) out[key] = value
  }
  const outcome = params.get('outcome')
  if (outcome && (OUTCOMES as readonly string[]).includes(outcome)) out.outcome = outcome as Outcome
  return out
}

/** Whether any filter is set. */
export function hasLogFilters(filters: LogFilters): boolean {
  return LOG_FILTER_KEYS.some((k) => Boolean(filters[k]))
}

/** GET /api/integrations/log for one page: the filters, the page size and the cursor of the page before. */
export function logUrl(filters: LogFilters, limit: number, cursor: string | null): string {
  return `/api/integrations/log${query({
    connector: filters.connector, outcome: filters.outcome, orderId: filters.orderId, runId: filters.runId,
    subscriptionId: filters.subscriptionId, limit, cursor,
  })}`
}

/** A share (0..1) as a percentage: "0%", "12.5%", "100%"; a share too small to show is "<0.1%". */
export function formatRate(rate: number, locale: string): string {
  if (!Number.isFinite(rate) || rate <= 0) return new Intl.NumberFormat(locale, { style: 'percent' }).format(0)
  if (rate < 0.001) return `<${new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(0.001)}`
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(rate)
}

/** How a window's error rate reads: no calls, none failed, some (under 5%), many. */
export type RateLevel = 'idle' | 'ok' | 'warn' | 'bad'

export function rateLevel(w: Pick<HealthWindow, 'calls' | 'failed' | 'errorRate'>): RateLevel {
  if (w.calls === 0) return 'idle'
  if (w.failed === 0) return 'ok'
  return w.errorRate < 0.05 ? 'warn' : 'bad'
}

/** A health window as its cells show it. */
export interface WindowCells {
  calls: string
  /** The error rate; '—' without calls. */
  rate: string
  level: RateLevel
  /** "p50 / p99"; '—' without calls. */
  latency: string
  /** Failures by class, most first. */
  errors: Array<[string, number]>
}

export function windowCells(w: HealthWindow | undefined, locale: Locale): WindowCells {
  if (!w || w.calls === 0) return { calls: '0', rate: '—', level: 'idle', latency: '—', errors: [] }
  return {
    calls: new Intl.NumberFormat(locale).format(w.calls),
    rate: formatRate(w.errorRate, locale),
    level: rateLevel(w),
    latency: w.p50Ms === null && w.p99Ms === null ? '—' : `${formatDuration(w.p50Ms)} / ${formatDuration(w.p99Ms)}`,
    errors: Object.entries(w.errors).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
  }
}

/** The window named `name` ("5m"...) of a connector's health. */
export function healthWindow(row: ConnectorHealth, name: string): HealthWindow | undefined {
  return row.windows.find((w) => w.window === name)
}

/**
 * The health rows in the order an operator reads them: connectors called in the last day first,
 * then those called before, then those never called; by name within each.
 */
export function sortHealth(rows: readonly ConnectorHealth[], title: (connector: string) => string): ConnectorHealth[] {
  const rank = (r: ConnectorHealth) => ((healthWindow(r, '24h')?.calls ?? 0) > 0 ? 0 : r.lastAt ? 1 : 2)
  return [...rows].sort((a, b) => rank(a) - rank(b) || title(a.connector).localeCompare(title(b.connector)) || (a.connector < b.connector ? -1 : 1))
}

/** What a node type's title is read from: a manifest (title, its i18n) or the health answer's title map. */
export interface TitleSource { type: string; title: string; i18n?: Record<string, { title?: string } | undefined> }

/**
 * A connector as people call it: its node type's title in `locale` ("发送邮件"), the words for a
 * subscription's deliveries ("订阅推送（Webhook）"), or its id when nothing names it.
 */
export function connectorTitle(connector: string, locale: Locale, t: Translate, sources: { manifests?: readonly TitleSource[] | null; titles?: Record<string, string> } = {}): string {
  const manifest = sources.manifests?.find((m) => m.type === connector)
  if (manifest) return manifest.i18n?.[locale]?.title ?? manifest.title
  const titled = sources.titles?.[locale] ?? sources.titles?.en
  if (titled) return titled
  return translateIfKnown(t, `integrations.connector.${connector}`) ?? connector
}

/** An error class in words ("5xx" → "服务端错误 5xx"); the class itself when the table has no words for it. */
export function errorClassLabel(t: Translate, errorClass: string): string {
  return translateIfKnown(t, `integrations.errorClass.${errorClass}`) ?? errorClass
}

/** How a call's status reads: worked, failed, or no status (a broker's confirm, a network failure). */
export function callLevel(entry: Pick<IntegrationEntry, 'errorClass' | 'statusCode'>): 'ok' | 'bad' {
  return entry.errorClass ? 'bad' : 'ok'
}

/** "POST 127.0.0.1:4000/orders": the method (when HTTP) and the endpoint. */
export function callLine(entry: Pick<IntegrationEntry, 'method' | 'endpoint'>): string {
  return entry.method ? `${entry.method} ${entry.endpoint}` : entry.endpoint
}
