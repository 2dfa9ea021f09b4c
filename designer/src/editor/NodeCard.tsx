/**
 * The one node component: draws any manifest's input and named output ports, the node's name, type,
 * a one-line summary of its config, and what is laid over it (validation, a run, heat, a diff).
 */
import { memo, useMemo } from 'react'
import { Handle, Position, type NodeProps } from '@xyflow/react'
import { outputPorts, errorPorts } from '../../../engine/core/node-ports.ts'
import { manifestText, useLocale, useT } from '../i18n/index.ts'
import { configSummary } from '../graph/summary.ts'
import type { OrdoNode } from '../graph/canvas-types.ts'
import type { NodeRunState } from '../graph/run-overlay.ts'
import { useEditor } from './store.ts'
import { CATEGORY_GLYPH, categoryStyle } from './categories.ts'
import { formatDuration } from '../pages/format.ts'
import { describeProblem } from './describe-problem.ts'
import { describeWaitInFull, describeWaitParts } from '../inbox/wait-label.ts'

const NO_PROBLEMS: never[] = []

function NodeCardImpl({ id, data, selected }: NodeProps<OrdoNode>) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const manifest = useEditor((s) => s.manifests.find((m) => m.type === data.nodeType))
  const mine = useEditor((s) => s.problemsByNode[id] ?? NO_PROBLEMS)
  const warned = useEditor((s) => s.warningsByNode[id] ?? NO_PROBLEMS)
  const run = useEditor((s) => s.runStates[id])
  // Its share of the slowest node's time across recent runs, 0..1 (undefined with the heatmap off).
  const heat = useEditor((s) => (s.heatStats[id] ? s.heatStats[id].totalMs / (s.heatMax || 1) : undefined))
  const diff = useEditor((s) => s.diffMarks[id])
  const text = manifest ? manifestText(manifest, locale) : null
  const ports = useMemo(() => (manifest ? outputPorts(manifest, data.config) : []), [manifest, data.config])
  const errPorts = useMemo(() => (manifest ? errorPorts(manifest) : []), [manifest])
  const summary = useMemo(() => configSummary(manifest, data.config, locale), [manifest, data.config, locale])
  const classes = ['ordo-node']
  if (selected) classes.push('selected')
  if (mine.length) classes.push('invalid')
  if (run) classes.push(`run-${run.status}`)
  if (diff && diff !== 'unchanged') classes.push(`diff-${diff}`)
  const style = useMemo(() => ({
    ...categoryStyle(manifest?.category),
    ...(heat !== undefined ? { boxShadow: `0 0 0 ${2 + Math.round(heat * 6)}px rgba(220, 38, 38, ${0.15 + heat * 0.6})` } : {}),
  }), [manifest?.category, heat])

  const title = data.name || text?.title || data.nodeType
  const problem = mine.length > 0 ? `${describeProblem(mine[0], manifest, locale)}${mine.length > 1 ? ` (+${mine.length - 1})` : ''}` : null
  const typeText = `${text?.title ?? t('editor.unknownType')} · ${data.nodeType}`

  // Every card has the same lines whatever is drawn over it: a run, the heatmap, a diff or a problem
  // takes the place of the type or the summary line, so no overlay makes a card grow into the one below.
  return (
    <div className={classes.join(' ')} style={style} data-testid={`node-${id}`} data-run-status={run?.status} data-problems={mine.length} data-heat={heat !== undefined ? Math.round(heat * 100) : undefined}>
      {manifest && manifest.inputs > 0 && <Handle type="target" position={Position.Top} className="port-in" />}
      <div className="node-head">
        <span className="glyph" aria-hidden>{CATEGORY_GLYPH[manifest?.category ?? ''] ?? '?'}</span>
        <span className="node-title" title={title}>{title}</span>
        {mine.length > 0 && <span className="node-flag bad" title={mine.map((p) => describeProblem(p, manifest, locale)).join('\n')}>!</span>}
        {mine.length === 0 && warned.length > 0 && <span className="node-flag warn" data-testid={`warning-${id}`} title={warned.map((p) => describeProblem(p, manifest, locale)).join('\n')}>⚠</span>}
      </div>
      {run ? (
        <div className="node-line node-run" title={typeText}>
          {!run.wait && <span className={`badge ${run.status}`}>{t(`status.${run.status}` as 'status.running')}</span>}
          {run.durationMs !== null && <span>{formatDuration(run.durationMs)}</span>}
          {run.attempts > 1 && <span>{t('editor.attempts', { n: run.attempts })}</span>}
          {/* A wait takes the status badge's place, as a badge of the same height, so the card keeps its size:
              what for (short), cut with an ellipsis, and until when, never cut; the whole sentence on hover. */}
          {run.wait && <WaitText id={id} wait={run.wait} />}
        </div>
      ) : diff && diff !== 'unchanged' ? (
        <div className="node-line" title={typeText}><span className={`diff-tag ${diff}`}>{t(`editor.diff.${diff}` as 'editor.diff.added')}</span></div>
      ) : problem ? (
        <div className="node-line node-problem" title={problem}>{problem}</div>
      ) : (
        <div className="node-line node-type" title={typeText}>{text?.title ?? t('editor.unknownType')} · <code>{data.nodeType}</code></div>
      )}
      {heat !== undefined ? <HeatLabel id={id} summary={summary} /> : <div className="node-line node-summary" title={summary || undefined}>{summary}</div>}
      <div className="ports-out">
        {ports.map((port) => {
          const portTitle = manifest?.outputs.find((p) => p.name === port)?.title
          const taken = run?.port === port
          return (
            <div key={port} className={`port-out ${errPorts.includes(port) ? 'error-port' : ''} ${taken ? 'taken' : ''}`} data-taken={taken || undefined}>
              <span className="port-label">{text?.port(port, portTitle) ?? port}</span>
              <Handle type="source" position={Position.Bottom} id={port} className="port-handle" data-testid={`port-${id}-${port}`} />
            </div>
          )
        })}
      </div>
    </div>
  )
}

function WaitText({ id, wait }: { id: string; wait: NonNullable<NodeRunState['wait']> }) {
  const locale = useLocale((s) => s.locale)
  const { what, until } = describeWaitParts(wait, locale, { short: true })
  return (
    <span className="badge waiting node-wait" data-testid={`wait-${id}`} title={describeWaitInFull(wait, locale)}>
      <span className="what">{what}</span>{until && <span className="until"> · {until}</span>}
    </span>
  )
}

/** The heatmap's numbers for one node, in the summary's line (the summary stays in its tooltip). */
function HeatLabel({ id, summary }: { id: string; summary: string }) {
  const t = useT()
  const stats = useEditor((s) => s.heatStats[id])
  const text = stats ? t('editor.heat.label', { avg: formatDuration(stats.avgMs), p95: formatDuration(stats.p95Ms), n: stats.count }) : summary
  return <div className="node-line node-heat" title={[text, summary].filter(Boolean).join('\n')}>{text}</div>
}

export const NodeCard = memo(NodeCardImpl)

/** React Flow's node types, at module scope so they are not re-created on render. */
export const nodeTypes = { ordo: NodeCard }
