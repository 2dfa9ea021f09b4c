import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['{engine,connectors,schemas,examples,test,designer}/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'designer/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A poll waits for something a server or a browser does: on a loaded 2-core CI machine 1 s (the
    // default) is not always enough for a worker to start or a page to render.
    expect: { poll: { timeout: 5_000 } },
  },
})
