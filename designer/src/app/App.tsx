/** The designer's shell: sign-in gate, top navigation, language switch and the page routes. */
import { lazy, Suspense, useEffect, useState } from 'react'
import { Link, Redirect, Route, Switch, useLocation } from 'wouter'
import { api, ApiError } from '../api/client.ts'
import { connectEvents, useLiveStatus } from '../api/events.ts'
import type { Session } from '../api/types.ts'
import { useT } from '../i18n/index.ts'
import { roleCan, useSession, type Permission } from './session.ts'
import { confirmLeave } from './unsaved.ts'
import { LanguageSelect } from './LanguageSelect.tsx'
import { LoginPage } from './LoginPage.tsx'
import { WorkflowsPage } from '../pages/WorkflowsPage.tsx'
import { TemplatesPage } from '../pages/TemplatesPage.tsx'
import { OrdersPage } from '../pages/OrdersPage.tsx'
import { OrderDetailPage } from '../pages/OrderDetailPage.tsx'
import { RunsPage } from '../pages/RunsPage.tsx'
import { RunDetailPage } from '../pages/RunDetailPage.tsx'
import { IncidentsPage } from '../pages/IncidentsPage.tsx'
import { IntegrationsPage } from '../pages/IntegrationsPage.tsx'
import { SecretsPage } from '../pages/SecretsPage.tsx'
import { SubscriptionsPage } from '../pages/SubscriptionsPage.tsx'
import { SubscriptionPage } from '../pages/SubscriptionPage.tsx'
import { InboxPage } from '../inbox/InboxPage.tsx'
import { InboxBadge } from '../inbox/InboxBadge.tsx'

// The editor (React Flow, forms, the rule builder) loads when first opened: sign-in and the lists stay light.
const EditorPage = lazy(() => import('../editor/EditorPage.tsx').then((m) => ({ default: m.EditorPage })))
// A task page draws its run with the editor's canvas: loaded when first opened, like the editor.
const TaskPage = lazy(() => import('../inbox/TaskPage.tsx').then((m) => ({ default: m.TaskPage })))
// The shops pages bring the generated credential forms (rjsf) and the JSON editors: loaded when first opened.
const ShopsPage = lazy(() => import('../pages/ShopsPage.tsx').then((m) => ({ default: m.ShopsPage })))
const ShopDetailPage = lazy(() => import('../pages/ShopDetailPage.tsx').then((m) => ({ default: m.ShopDetailPage })))

export function App() {
  const token = useSession((s) => s.token)
  const who = useSession((s) => s.who)
  const [checking, setChecking] = useState(Boolean(token && !who))

  // A token remembered from last time is checked once; a revoked one sends the user to sign in.
  useEffect(() => {
    if (!token || who) { setChecking(false); return }
    setChecking(true)
    api<Session>('GET', '/api/session')
      .then((s) => useSession.getState().signIn(token, s))
      .catch((e) => { if (!(e instanceof ApiError) || e.status === 401) useSession.getState().logout() })
      .finally(() => setChecking(false))
  }, [token, who])

  useEffect(() => { connectEvents(who ? token : null) }, [token, who])

  if (!token || (!who && !checking)) return <LoginPage />
  if (!who) return null
  // Approvers come to decide tasks: they land in the inbox.
  const home = who.role === 'approver' ? '/inbox' : '/workflows'
  return (
    <div className="app">
      <TopBar />
      <main className="page">
        <Switch>
          <Route path="/"><Redirect to={home} /></Route>
          <Route path="/login"><Redirect to={home} /></Route>
          <Route path="/workflows" component={WorkflowsPage} />
          <Route path="/workflows/:id">{(p) => <Suspense fallback={<Loading />}><EditorPage workflowId={p.id} /></Suspense>}</Route>
          <Route path="/templates" component={TemplatesPage} />
          <Route path="/orders" component={OrdersPage} />
          <Route path="/orders/:id">{(p) => <OrderDetailPage orderId={decodeURIComponent(p.id)} />}</Route>
          <Route path="/runs" component={RunsPage} />
          <Route path="/runs/:id">{(p) => <RunDetailPage runId={p.id} />}</Route>
          <Route path="/incidents" component={IncidentsPage} />
          <Route path="/integrations" component={IntegrationsPage} />
          <Route path="/subscriptions" component={SubscriptionsPage} />
          <Route path="/subscriptions/:id">{(p) => <SubscriptionPage subscriptionId={decodeURIComponent(p.id)} />}</Route>
          <Route path="/secrets" component={SecretsPage} />
          <Route path="/shops"><Suspense fallback={<Loading />}><ShopsPage /></Suspense></Route>
          <Route path="/shops/:id">{(p) => <Suspense fallback={<Loading />}><ShopDetailPage shopId={decodeURIComponent(p.id)} /></Suspense>}</Route>
          <Route path="/inbox" component={InboxPage} />
          <Route path="/inbox/:id">{(p) => <Suspense fallback={<Loading />}><TaskPage taskId={decodeURIComponent(p.id)} /></Suspense>}</Route>
          <Route><NotFound /></Route>
        </Switch>
      </main>
    </div>
  )
}

function Loading() {
  const t = useT()
  return <p className="empty">{t('common.loading')}</p>
}

function NotFound() {
  const t = useT()
  return <p className="empty">{t('common.none')}</p>
}

function TopBar() {
  const t = useT()
  const [location] = useLocation()
  const who = useSession((s) => s.who)
  const connected = useLiveStatus((s) => s.connected)
  // The outside world's pages to those who work with it; secrets to admins (designers may open the list).
  const all: Array<readonly [string, string, Permission?]> = [
    ['/workflows', t('nav.workflows')], ['/templates', t('nav.templates')], ['/orders', t('nav.orders')], ['/shops', t('nav.shops'), 'viewShops'],
    ['/runs', t('nav.runs')], ['/incidents', t('nav.incidents')], ['/inbox', t('inbox.nav')],
    ['/integrations', t('nav.integrations'), 'viewIntegrations'], ['/subscriptions', t('nav.subscriptions'), 'viewSubscriptions'],
    ['/secrets', t('nav.secrets'), 'manageSecrets'],
  ]
  const items = all.filter(([, , need]) => !need || roleCan(who?.role, need))
  return (
    <header className="topbar">
      <span className="brand">{t('app.title')}</span>
      <nav>
        {items.map(([href, label]) => (
          <Link key={href} href={href} className={location.startsWith(href) ? 'active' : ''} data-testid={`nav-${href.slice(1)}`}
            onClick={(e) => { if (!confirmLeave(t('editor.leaveUnsaved'))) e.preventDefault() }}>{label}{href === '/inbox' && <InboxBadge />}</Link>
        ))}
      </nav>
      <span className="spacer" />
      <span className={`live ${connected ? 'on' : 'off'}`} title={connected ? t('common.live') : t('common.offline')}>●<span className="live-label"> {connected ? t('common.live') : t('common.offline')}</span></span>
      <label className="lang">
        <span className="sr-only">{t('nav.language')}</span>
        <LanguageSelect testid="language" />
      </label>
      {who && <span className="who" data-testid="who" title={`${who.name} · ${t(`role.${who.role}`)}`}>{who.name} · {t(`role.${who.role}`)}</span>}
      <button className="link" onClick={() => { if (confirmLeave(t('editor.leaveUnsaved'))) useSession.getState().logout() }}>{t('nav.logout')}</button>
    </header>
  )
}
