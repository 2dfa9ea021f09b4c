/** Graph algorithms over node ids and adjacency lists, for workflow validation. */

/** Node ids reachable from `start` (included) along `next`. */
export function reachableFrom(start: string, next: ReadonlyMap<string, readonly string[]>): Set<string> {
  const seen = new Set<string>([start])
  const stack = [start]
  while (stack.length > 0) {
    const id = stack.pop() as string
    for (const to of next.get(id) ?? []) {
      if (!seen.has(to)) {
        seen.add(to)
        stack.push(to)
      }
    }
  }
  return seen
}

/**
 * The cycles of a graph as strongly connected components (Tarjan, iterative so a 1,000-node workflow
 * cannot overflow the stack): components of two or more nodes, or one node with an edge to itself.
 */
export function findCycles(nodes: readonly string[], next: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: string[] = []
  const cycles: string[][] = []
  let counter = 0

  for (const root of nodes) {
    if (index.has(root)) continue
    const work: Array<{ id: string; i: number }> = [{ id: root, i: 0 }]
    index.set(root, counter)
    low.set(root, counter++)
    stack.push(root)
    onStack.add(root)
    while (work.length > 0) {
      const frame = work[work.length - 1]
      const targets = next.get(frame.id) ?? []
      if (frame.i < targets.length) {
        const to = targets[frame.i++]
        if (!index.has(to)) {
          index.set(to, counter)
          low.set(to, counter++)
          stack.push(to)
          onStack.add(to)
          work.push({ id: to, i: 0 })
        } else if (onStack.has(to)) {
          low.set(frame.id, Math.min(low.get(frame.id) as number, index.get(to) as number))
        }
        continue
      }
      work.pop()
      if (work.length > 0) {
        const parent = work[work.length - 1].id
        low.set(parent, Math.min(low.get(parent) as number, low.get(frame.id) as number))
      }
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = []
        let id: string
        do {
          id = stack.pop() as string
          onStack.delete(id)
          component.push(id)
        } while (id !== frame.id)
        if (component.length > 1 || targets.includes(frame.id)) cycles.push(component.reverse())
      }
    }
  }
  return cycles
}
