import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['{engine,connectors,schemas,examples,test,designer}/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'designer/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
