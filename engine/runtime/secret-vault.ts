/**
 * Secrets (API keys, robot tokens, SMTP passwords) sealed at rest with AES-256-GCM. The key comes
 * from ORDO_SECRET_KEY, or is generated once into the data folder (mode 600). A secret's value
 * leaves the vault only for a connector's `perform`; the API, logs, exports and the integration log
 * never see it.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { PermanentError } from '../../connectors/sdk/errors.ts'
import type { SecretReader } from '../../connectors/sdk/templates.ts'
import type { SecretRow, Store } from '../store/store.ts'

/** Secret names: what a node config or template refers to ({{secret.wms-token}}). */
export { SECRET_NAME_PATTERN } from '../core/secret-references.ts'
/** Shorter values could not be kept out of logs (every "1234" in a message would be masked). */
export const MIN_SECRET_LENGTH = 4
export const MAX_SECRET_LENGTH = 64 * 1024

const IV_BYTES = 12
const TAG_BYTES = 16
const VERSION = 1

/** A key that is not 32 bytes of hex or base64, or a key file that cannot be read. */
export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SecretKeyError'
  }
}

/** Reads a 256-bit key given as 64 hex digits or as base64. */
export function parseSecretKey(text: string, source: string): Buffer {
  const t = text.trim()
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(t) ? Buffer.from(t, 'base64') : null
  if (!key || key.length !== 32) throw new SecretKeyError(`${source} must be 32 bytes, as 64 hex digits or base64 (e.g. from \`openssl rand -base64 32\`)`)
  return key
}

/**
 * The vault's key: ORDO_SECRET_KEY when set, else the key file, generated (mode 600) on first start.
 * `source` says which, for the start-up log.
 */
export function loadSecretKey(options: { envKey?: string; keyFile: string }): { key: Buffer; source: 'env' | 'file' | 'generated' } {
  if (options.envKey !== undefined && options.envKey.trim() !== '') return { key: parseSecretKey(options.envKey, 'ORDO_SECRET_KEY'), source: 'env' }
  if (existsSync(options.keyFile)) {
    const mode = statSync(options.keyFile).mode & 0o777
    // Tighten a key file someone made readable to others; it guards every secret.
    if (mode & 0o077) chmodSync(options.keyFile, 0o600)
    return { key: parseSecretKey(readFileSync(options.keyFile, 'utf8'), options.keyFile), source: 'file' }
  }
  const key = randomBytes(32)
  mkdirSync(dirname(options.keyFile), { recursive: true })
  // wx: two processes starting at once must not each write their own key.
  try {
    writeFileSync(options.keyFile, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadSecretKey(options)
    throw err
  }
  return { key, source: 'generated' }
}

/** Seals and opens values with one key; the name is bound in as associated data, so a sealed value cannot be moved to another name. */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new SecretKeyError('the secret key must be 32 bytes')
  }

  seal(name: string, value: string): Buffer {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    cipher.setAAD(Buffer.from(`ordo-secret:${name}`))
    const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()])
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body])
  }

  open(name: string, sealed: Buffer): string {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) throw new SecretKeyError(`secret "${name}" is not sealed in a form this build reads`)
    const iv = sealed.subarray(1, 1 + IV_BYTES)
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES)
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv)
    decipher.setAAD(Buffer.from(`ordo-secret:${name}`))
    decipher.setAuthTag(tag)
    try {
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')
    } catch {
      throw new SecretKeyError(`secret "${name}" cannot be opened with this key (was ORDO_SECRET_KEY or the key file changed?)`)
    }
  }
}

/** The secrets of one Ordo: set and deleted by admins, read by connectors. */
export class SecretVault implements SecretReader {
  private readonly box: SecretBox
  private readonly cache = new Map<string, string>()

  constructor(private readonly store: Store, key: Buffer) {
    this.box = new SecretBox(key)
  }

  /** Creates or replaces a secret; true when it is new. */
  async set(name: string, value: string, by: string, now: number): Promise<boolean> {
    const created = await this.store.putSecret({ name, sealed: this.box.seal(name, value), by }, now)
    this.cache.set(name, value)
    return created
  }

  /** The value for a connector; a PermanentError when there is no such secret (retrying cannot help). */
  async get(name: string): Promise<string> {
    const cached = this.cache.get(name)
    if (cached !== undefined) return cached
    const row = await this.store.getSecret(name)
    if (!row) throw new PermanentError(`no secret is named "${name}" (an admin sets it under Secrets)`, { errorClass: 'auth' })
    let value: string
    try {
      value = this.box.open(name, row.sealed)
    } catch (err) {
      throw new PermanentError((err as Error).message, { errorClass: 'auth' })
    }
    this.cache.set(name, value)
    return value
  }

  /** Names and dates, never values. */
  list(): Promise<Array<Omit<SecretRow, 'sealed'>>> {
    return this.store.listSecrets()
  }

  async delete(name: string): Promise<boolean> {
    this.cache.delete(name)
    return this.store.deleteSecret(name)
  }

  /** Seals a value that belongs to something else (a subscription's signing secret): `label` is bound in. */
  sealFor(label: string, value: string): Buffer {
    return this.box.seal(label, value)
  }

  openFor(label: string, sealed: Buffer): string {
    return this.box.open(label, sealed)
  }

  /** Names of stored secrets this key cannot open (a changed key), checked at start. */
  async unreadable(): Promise<string[]> {
    const bad: string[] = []
    for (const s of await this.store.listSecrets()) {
      const row = await this.store.getSecret(s.name)
      try { if (row) this.box.open(s.name, row.sealed) } catch { bad.push(s.name) }
    }
    return bad
  }
}
