// The rule sandbox worker's entry point. A worker does not inherit the TypeScript loader of the
// process that starts it (tsx in production, vitest's in tests), so it registers tsx itself.
import { register } from 'tsx/esm/api'

register()
await import('./rule-sandbox-worker.ts')
