/** An Error thrown by a node's `prepare` that names the exact config field at fault. */
export class ConfigError extends Error {
  /** JSON pointer relative to the node's config, e.g. "/cases/1/rule" ("" for the whole config). */
  readonly pointer: string

  constructor(pointer: string, message: string) {
    super(message)
    this.name = 'ConfigError'
    this.pointer = pointer
  }
}
