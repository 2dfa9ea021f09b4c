/** Sign in with an access token; the API says which role it has. */
import { useState, type FormEvent } from 'react'
import { ApiError } from '../api/client.ts'
import type { Session } from '../api/types.ts'
import { useT } from '../i18n/index.ts'
import { LanguageSelect } from './LanguageSelect.tsx'
import { useSession } from './session.ts'

export function LoginPage() {
  const t = useT()
  const [token, setToken] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function submit(e: FormEvent) {
    e.preventDefault()
    const value = token.trim()
    if (!value) return
    setBusy(true)
    setError(null)
    try {
      const response = await fetch('/api/session', { headers: { authorization: `Bearer ${value}` } })
      if (response.status === 401) throw new ApiError(401, t('login.invalid'))
      if (!response.ok) throw new ApiError(response.status, response.statusText)
      useSession.getState().signIn(value, (await response.json()) as Session)
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t('login.invalid') : t('common.error', { message: (err as Error).message }))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="login">
      <form className="card login-card" onSubmit={submit}>
        <h1>{t('login.title')}</h1>
        <label htmlFor="token">{t('login.token')}</label>
        <input id="token" type="password" autoComplete="current-password" value={token} onChange={(e) => setToken(e.target.value)} data-testid="login-token" autoFocus />
        <p className="hint">{t('login.tokenHint')}</p>
        {error && <p className="field-error" role="alert">{error}</p>}
        <div className="row">
          <button type="submit" className="primary" disabled={busy || !token.trim()} data-testid="login-submit">{t('login.submit')}</button>
          <span className="spacer" />
          <LanguageSelect />
        </div>
      </form>
    </div>
  )
}
