/**
 * The canvas: React Flow over the nearest editor store. Drops from the palette add nodes; edges can
 * only leave from a port the node has; keyboard shortcuts drive undo/redo, copy/paste and delete.
 */
import { useCallback, useEffect, useMemo, useRef, type DragEvent } from 'react'
import { Background, Controls, MiniMap, ReactFlow, useReactFlow, type Connection, type EdgeChange, type IsValidConnection, type NodeChange } from '@xyflow/react'
import type { OrdoEdge, OrdoNode } from '../graph/canvas-types.ts'
import { useEditor, useEditorStore } from './store.ts'
import { nodeTypes } from './NodeCard.tsx'
import { NODE_TYPE_MIME } from './Palette.tsx'
import { CATEGORY_COLOR } from './categories.ts'

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  if (!el) return false
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) || Boolean(el.closest('.monaco-editor'))
}

export function Canvas({ readOnly: readOnlyProp = false, testId = 'canvas', fitKey }: { readOnly?: boolean; testId?: string; fitKey?: unknown }) {
  const store = useEditorStore()
  // A dialog over the canvas (the version diff) locks it, so keys meant for the dialog do not edit the flow.
  const locked = useEditor((s) => s.locked)
  const readOnly = readOnlyProp || locked
  const nodes = useEditor((s) => s.nodes)
  const edges = useEditor((s) => s.edges)
  const runStates = useEditor((s) => s.runStates)
  const manifests = useEditor((s) => s.manifests)
  const flow = useReactFlow<OrdoNode, OrdoEdge>()

  // Fit the view when another flow is loaded (not on every edit). An empty canvas is not fitted:
  // React Flow would keep the request until the first node appears and then jump to it, away from
  // where the user dropped it.
  const flowRef = useRef(flow)
  flowRef.current = flow
  useEffect(() => {
    if (store.getState().nodes.length === 0) return
    // The bottom padding keeps the whole flow above the minimap (200 × 150 px in the bottom-right
    // corner), so no node is drawn under it where a click would land on the minimap instead.
    const id = requestAnimationFrame(() => void flowRef.current.fitView({ padding: { x: '8%', top: '8%', bottom: '175px' }, maxZoom: 1.2 }))
    return () => cancelAnimationFrame(id)
  }, [fitKey, store])

  // Always handled, read-only too: React Flow reports node sizes and selection through them (the
  // minimap needs the sizes); a read-only canvas cannot drag, connect or delete in the first place.
  const onNodesChange = useCallback((c: NodeChange<OrdoNode>[]) => store.getState().onNodesChange(c), [store])
  const onEdgesChange = useCallback((c: EdgeChange<OrdoEdge>[]) => store.getState().onEdgesChange(c), [store])

  const isValidConnection: IsValidConnection<OrdoEdge> = useCallback((c) => store.getState().canConnect(c), [store])
  const onConnect = useCallback((c: Connection) => { store.getState().connect(c) }, [store])

  const onDragOver = useCallback((event: DragEvent) => {
    if (readOnly) return
    event.preventDefault()
    event.dataTransfer.dropEffect = 'move'
  }, [readOnly])

  const onDrop = useCallback((event: DragEvent) => {
    if (readOnly) return
    event.preventDefault()
    const type = event.dataTransfer.getData(NODE_TYPE_MIME) || event.dataTransfer.getData('text/plain')
    if (!type || !store.getState().manifests.some((m) => m.type === type)) return
    const position = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY })
    store.getState().addNode(type, { x: position.x - 110, y: position.y - 30 })
  }, [flow, readOnly, store])

  // Shortcuts: only when the user is not typing in a field or in Monaco.
  useEffect(() => {
    if (readOnly) return
    function onKey(event: KeyboardEvent) {
      if (isTyping(event.target)) return
      const mod = event.ctrlKey || event.metaKey
      const key = event.key.toLowerCase()
      const s = store.getState()
      if (mod && key === 'z' && !event.shiftKey) { event.preventDefault(); s.undo() }
      else if (mod && ((key === 'z' && event.shiftKey) || key === 'y')) { event.preventDefault(); s.redo() }
      else if (mod && key === 'c') { s.copy() }
      else if (mod && key === 'v') { event.preventDefault(); s.paste() }
      else if (mod && key === 'a') { event.preventDefault(); s.selectAll() }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [readOnly, store])

  // Edges a run took are drawn animated and green.
  const styledEdges = useMemo(() => (Object.keys(runStates).length === 0 ? edges : edges.map((e) => {
    const src = runStates[e.source]
    const taken = src && src.port === e.sourceHandle && runStates[e.target]
    return taken ? { ...e, animated: true, className: 'edge-taken' } : e
  })), [edges, runStates])

  return (
    <div className="canvas" data-testid={testId} onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<OrdoNode, OrdoEdge>
        nodes={nodes}
        edges={styledEdges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={readOnly ? undefined : onConnect}
        onDelete={readOnly ? undefined : ({ nodes: n, edges: e }) => store.getState().removeElements(n.map((x) => x.id), e.map((x) => x.id))}
        isValidConnection={isValidConnection}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        elementsSelectable
        deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
        defaultEdgeOptions={{ type: 'smoothstep' }}
        minZoom={0.1}
        maxZoom={2}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={16} />
        <Controls showInteractive={!readOnly} />
        <MiniMap pannable zoomable nodeColor={(n) => CATEGORY_COLOR[manifests.find((m) => m.type === (n as OrdoNode).data.nodeType)?.category ?? ''] ?? '#94a3b8'} />
      </ReactFlow>
    </div>
  )
}
