/**
 * What a waiting token waits for, in the operator's language. The engine labels each wait in
 * English for logs ("signal address_confirmed", "approval \"…\", level 1 of 2 (组长)"); this reads
 * those patterns back and says them in the designer's language, with until when, in the viewer's zone.
 */
import { format, type Locale, type MessageKey } from '../i18n/messages.ts'
import type { TokenWait } from './types.ts'

type Params = Record<string, string>

/** The kinds of wait the engine labels; each has a sentence (`inbox.wait.*`) and a short form for a card (`inbox.waitShort.*`). */
type WaitKind = 'signal' | 'time' | 'orderChange' | 'approval' | 'approvalLevel' | 'approvalLevelNamed' | 'escalation' | 'findOrders' | 'reserveStock' | 'releaseStock' | 'syncStock' | 'childRuns' | 'subWorkflow' | 'other'

/** The engine's label patterns (engine/nodes/*.node.ts `label:`), each with its kind and how to read its parts. */
const PATTERNS: Array<{ re: RegExp; kind: (m: RegExpExecArray) => WaitKind; params: (m: RegExpExecArray) => Params }> = [
  { re: /^signal (.+)$/, kind: () => 'signal', params: (m) => ({ name: m[1] }) },
  { re: /^time$/, kind: () => 'time', params: () => ({}) },
  { re: /^order change$/, kind: () => 'orderChange', params: () => ({}) },
  {
    re: /^approval "(.*)"(?:, level (\d+) of (\d+)(?: \((.*)\))?)?$/,
    kind: (m) => (m[2] === undefined ? 'approval' : m[4] === undefined ? 'approvalLevel' : 'approvalLevelNamed'),
    params: (m) => ({ title: m[1], level: m[2] ?? '', levels: m[3] ?? '', name: m[4] ?? '' }),
  },
  { re: /^escalation "(.*)", step (\d+) of (\d+)$/, kind: () => 'escalation', params: (m) => ({ title: m[1], step: m[2], steps: m[3] }) },
  { re: /^finding orders$/, kind: () => 'findOrders', params: () => ({}) },
  { re: /^reserving stock$/, kind: () => 'reserveStock', params: () => ({}) },
  { re: /^releasing stock$/, kind: () => 'releaseStock', params: () => ({}) },
  { re: /^syncing stock$/, kind: () => 'syncStock', params: () => ({}) },
  { re: /^(\d+) runs of (.+)$/, kind: () => 'childRuns', params: (m) => ({ n: m[1], workflow: m[2] }) },
  { re: /^sub-workflow (.+)$/, kind: () => 'subWorkflow', params: (m) => ({ workflow: m[1] }) },
]

function messageKey(kind: WaitKind, short: boolean): MessageKey {
  // Both tables name every kind: a missing translation is a type error here.
  return short ? `inbox.waitShort.${kind}` satisfies MessageKey : `inbox.wait.${kind}` satisfies MessageKey
}

/** How to say a wait: names for what a label names by id (a child flow's workflow id → its name); `short`: the card's form, without "waiting for". */
export interface WaitTextOptions { workflowName?(id: string): string | null | undefined; short?: boolean }

/** The engine's wait label in `locale`: "等待信号 address_confirmed" (short: "信号 address_confirmed"); a label it does not know is shown as "等待：<label>". */
export function describeWaitLabel(label: string, locale: Locale, names: WaitTextOptions = {}): string {
  for (const p of PATTERNS) {
    const m = p.re.exec(label)
    if (!m) continue
    const params = p.params(m)
    if (params.workflow !== undefined) params.workflow = names.workflowName?.(params.workflow) || params.workflow
    return format(locale, messageKey(p.kind(m), names.short === true), params)
  }
  return format(locale, messageKey('other', names.short === true), { label })
}

/**
 * A time near now, short, in the viewer's zone (or `timeZone`): "12-02 09:00" in Chinese, "Dec 2, 09:00"
 * in English; with the year when it is not this year's. '' when it cannot be read.
 */
export function formatShortTime(iso: string, locale: Locale, now: number = Date.now(), timeZone?: string): string {
  const at = new Date(iso)
  if (Number.isNaN(at.getTime())) return ''
  const yearOf = (d: Date) => new Intl.DateTimeFormat('en', { year: 'numeric', timeZone }).format(d)
  const withYear = yearOf(at) !== yearOf(new Date(now))
  if (locale === 'zh-CN') {
    const parts = Object.fromEntries(new Intl.DateTimeFormat('zh-CN', {
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone,
    }).formatToParts(at).map((p) => [p.type, p.value]))
    return `${withYear ? `${parts.year}-` : ''}${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`
  }
  return new Intl.DateTimeFormat('en', {
    ...(withYear ? { year: 'numeric' } : {}), month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone,
  }).format(at)
}

/** The two parts of a wait: what for ("等待信号 address_confirmed") and until when ("截止 12-02 09:00", null when open-ended). */
export function describeWaitParts(wait: Pick<TokenWait, 'label' | 'until'>, locale: Locale, options: WaitTextOptions & { now?: number; timeZone?: string } = {}): { what: string; until: string | null } {
  const until = wait.until ? formatShortTime(wait.until, locale, options.now, options.timeZone) : ''
  return { what: describeWaitLabel(wait.label, locale, options), until: until ? format(locale, 'inbox.wait.until', { time: until }) : null }
}

/** "等待信号 address_confirmed · 截止 12-02 09:00" / "waiting for signal address_confirmed · until Dec 2, 09:00". */
export function describeWait(wait: Pick<TokenWait, 'label' | 'until'>, locale: Locale, options: WaitTextOptions & { now?: number; timeZone?: string } = {}): string {
  const { what, until } = describeWaitParts(wait, locale, options)
  return until ? `${what} · ${until}` : what
}

/** The tooltip: what it waits for, since when and until when, one per line. */
export function describeWaitInFull(wait: Pick<TokenWait, 'label' | 'since' | 'until'>, locale: Locale, options: WaitTextOptions & { now?: number; timeZone?: string } = {}): string {
  const lines = [describeWaitLabel(wait.label, locale, options)]
  const since = formatShortTime(wait.since, locale, options.now, options.timeZone)
  if (since) lines.push(format(locale, 'inbox.wait.since', { time: since }))
  const until = wait.until ? formatShortTime(wait.until, locale, options.now, options.timeZone) : ''
  if (until) lines.push(format(locale, 'inbox.wait.until', { time: until }))
  return lines.join('\n')
}
