/**
 * Builds the designer into designer/dist, which `npm start` serves at `/`. `npm run dev` serves it
 * with hot reload and proxies the API to a running Ordo (ORDO_URL, default http://127.0.0.1:3000).
 */
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import { monacoJsonOnly } from './monaco-json-only.ts'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))
const api = process.env.ORDO_URL ?? 'http://127.0.0.1:3000'

export default defineConfig({
  root: here,
  plugins: [react(), monacoJsonOnly()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
  },
  server: {
    port: 5173,
    proxy: { '/api': { target: api, changeOrigin: false }, '/metrics': api },
  },
})
