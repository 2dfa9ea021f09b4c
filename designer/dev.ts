/**
 * `npm run dev`: the API restarting on engine changes (tsx watch) and the designer with hot reload
 * (Vite), proxied to the API. Open the URL Vite prints; Ctrl+C stops both.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createServer } from 'vite'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = join(here, '..')
const port = process.env.PORT ?? '3000'

const apiServer = spawn(process.execPath, ['--import', 'tsx', '--watch', join(root, 'engine', 'server.ts')], {
  cwd: root, stdio: 'inherit', env: { ...process.env, PORT: port },
})
// The designer's proxy goes to this API (vite.config.ts reads ORDO_URL).
process.env.ORDO_URL ??= `http://127.0.0.1:${port}`
const vite = await createServer({ configFile: join(here, 'vite.config.ts') })
await vite.listen()
vite.printUrls()

function stop() {
  apiServer.kill('SIGTERM')
  void vite.close().then(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
apiServer.on('exit', (code) => { if (code !== null && code !== 0) console.error(`API server exited with ${code}`) })
