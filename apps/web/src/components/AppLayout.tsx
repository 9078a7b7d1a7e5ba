import {
  ApartmentOutlined,
  AuditOutlined,
  BarChartOutlined,
  BellOutlined,
  CalendarOutlined,
  DashboardOutlined,
  DownOutlined,
  FileSearchOutlined,
  FileTextOutlined,
  FlagOutlined,
  GlobalOutlined,
  KeyOutlined,
  LogoutOutlined,
  MenuOutlined,
  OrderedListOutlined,
  ReadOutlined,
  SafetyCertificateOutlined,
  TeamOutlined,
  UserOutlined,
  ScheduleOutlined,
  TrophyOutlined,
} from '@ant-design/icons';
import { Alert, Badge, Button, Drawer, Dropdown, Layout, Menu, Space, Spin } from 'antd';
import type { MenuProps } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { logout, PENDING_PATHS, pendingStep, useMe } from '../api/auth';
import { useTodoCount } from '../api/info';
import { useUnreadCount } from '../api/notify';
import { LANGUAGES, setLanguage, type LanguageCode } from '../i18n';
import { ChangePasswordModal } from './ChangePasswordModal';
import * as dashboardArea from '../pages/dashboard/area';
import * as bulletinsArea from '../pages/bulletins/area';
import * as notifyArea from '../pages/notify/area';
import * as securityArea from '../pages/security/area';
import * as auditArea from '../pages/audit/area';
import { useIsPhone } from '../pages/security/shared';
import { ErrorBoundary } from './ErrorBoundary';

/** Icons of the separated admins' pages, which stand alone in their menus. */
const ADMIN_ICONS: Record<string, React.ReactNode> = {
  '/system/accounts': <TeamOutlined />,
  '/security': <SafetyCertificateOutlined />,
  '/audit': <FileSearchOutlined />,
  '/system/calendar': <CalendarOutlined />,
};
const DUTY_ORDER = ['/org', '/system/accounts', '/org?tab=roles', '/system/calendar', '/security', '/audit'];
const dutyOrder = (key: string) => (DUTY_ORDER.indexOf(key) + 1 || DUTY_ORDER.length + 1);

type NavItem = { key: string; icon?: React.ReactNode; label: string; perms?: string[]; children?: NavItem[]; badge?: number };

export function AppLayout() {
  const { t, i18n } = useTranslation();
  const { data: me, isLoading } = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [collapsed, setCollapsed] = useState(false);
  const [pwdOpen, setPwdOpen] = useState(false);
  // 待我审核 carries its count: one cheap list request for the reviewers.
  // Nothing else is asked of the server until the forced steps (new password, second factor) are done.
  const ready = !!me && !pendingStep(me);
  const todo = useTodoCount(ready && !!me?.permissions.includes('info:item:review'));
  // the 三员 see their own pages only: no notifications either
  const unread = useUnreadCount(ready && !me?.security.duty);
  // On a phone the menu opens as a drawer from the header, and the pages get the whole width.
  const isPhone = useIsPhone();
  const [navOpen, setNavOpen] = useState(false);
  const [expiryDismissed, setExpiryDismissed] = useState(() => sessionStorage.getItem('luoshi.expiryWarned') === '1');

  if (isLoading) {
    return (
      <div style={{ height: '100%', display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
        <Spin size="large" />
      </div>
    );
  }
  if (!me) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  // A new password, then the second factor, before anything else (the server refuses the rest until then).
  const step = pendingStep(me);
  if (step) return <Navigate to={`${PENDING_PATHS[step]}?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;

  const nav: NavItem[] = [
    { key: '/', icon: <DashboardOutlined />, label: t('nav.home') },
    { key: '/my-tasks', icon: <ScheduleOutlined />, label: t('nav.myTasks'), perms: ['campaigns:task:read'] },
    { key: '/campaigns', icon: <FlagOutlined />, label: t('nav.campaigns'), perms: ['campaigns:campaign:read'] },
    { key: '/key-tasks', icon: <OrderedListOutlined />, label: t('nav.keyTasks'), perms: ['campaigns:task:read'] },
    { key: '/reviews', icon: <AuditOutlined />, label: t('nav.reviews'), perms: ['campaigns:report:review'] },
    { key: '/meetings', icon: <CalendarOutlined />, label: t('nav.meetings'), perms: ['campaigns:meeting:read'] },
    {
      key: '/study',
      icon: <ReadOutlined />,
      label: t('nav.study'),
      children: [
        ...(me.person ? [{ key: '/study/me', label: t('nav.myStudy'), perms: ['study:session:read'] }] : []),
        { key: '/study/sessions', label: t('nav.studySessions'), perms: ['study:session:read'] },
        { key: '/study/stats', label: t('nav.studyStats'), perms: ['study:stats:read'] },
        { key: '/study/attendance', label: t('nav.studyAttendance'), perms: ['study:stats:read'] },
        { key: '/study/coverage', label: t('nav.studyCoverage'), perms: ['study:coverage:read'] },
        { key: '/study/reflections', label: t('nav.studyReflections'), perms: ['study:reflection:write', 'study:reflection:review'] },
        { key: '/study/reading', label: t('nav.studyReading'), perms: ['study:reading:write'] },
        { key: '/study/scores', label: t('nav.studyScores'), perms: ['study:score:read', 'study:score:import'] },
        { key: '/study/supervisions', label: t('nav.studySupervisions'), perms: ['study:coverage:confirm'] },
        { key: '/study/settings', label: t('nav.studySettings'), perms: ['study:coverage:confirm'] },
      ],
    },
    {
      key: '/points',
      icon: <TrophyOutlined />,
      label: t('nav.points'),
      children: [
        ...(me.person ? [{ key: '/points/me', label: t('nav.myPoints'), perms: ['points:ledger:read'] }] : []),
        { key: '/points/results', label: t('nav.pointsResults'), perms: ['points:ledger:read'] },
        { key: '/points/events', label: t('nav.pointsEvents'), perms: ['points:ledger:read'] },
        { key: '/points/claims', label: t('nav.pointsClaims'), perms: ['points:claim:submit', 'points:claim:approve'] },
        { key: '/points/appeals', label: t('nav.pointsAppeals'), perms: ['points:appeal:decide'] },
        { key: '/points/interviews', label: t('nav.pointsInterviews'), perms: ['points:interview:write'] },
        { key: '/points/supervision', label: t('nav.pointsSupervision'), perms: ['points:supervision:view'] },
        { key: '/points/rules', label: t('nav.pointsRules'), perms: ['points:rule:read'] },
        { key: '/points/periods', label: t('nav.pointsPeriods'), perms: ['points:period:manage'] },
      ],
    },
    {
      key: '/info',
      icon: <FileTextOutlined />,
      label: t('nav.info'),
      children: [
        { key: '/info/items', label: t('nav.infoItems'), perms: ['info:item:read'] },
        { key: '/info/todo', label: t('nav.infoTodo'), perms: ['info:item:review'], badge: todo.data },
        { key: '/info/issues', label: t('nav.infoIssues'), perms: ['info:item:read'] },
        { key: '/info/media', label: t('nav.infoMedia'), perms: ['info:item:read'] },
        { key: '/info/targets', label: t('nav.infoTargets'), perms: ['info:item:read'] },
        { key: '/info/stats', label: t('nav.infoStats'), perms: ['info:item:read'] },
        { key: '/info/settings', label: t('nav.infoSettings'), perms: ['info:settings:write'] },
      ],
    },
    {
      key: '/reports',
      icon: <BarChartOutlined />,
      label: t('nav.reports'),
      children: [...dashboardArea.nav(t), ...bulletinsArea.nav(t), ...notifyArea.nav(t)],
    },
    { key: '/org', icon: <ApartmentOutlined />, label: t('nav.org'), perms: ['org:unit:read'] },
    ...[...securityArea.nav(t), ...auditArea.nav(t)].map((n) => ({ ...n, icon: ADMIN_ICONS[n.key] })),
  ];
  const duty = me.security.duty;
  if (duty === 'system') nav.push({ key: '/org?tab=roles', icon: <KeyOutlined />, label: t('nav.roles'), perms: ['org:role:read'] });
  // The 三员 see their own pages only, as a flat menu: pages open to everyone (工作台, 通知中心) are not theirs.
  const allowed = (n: NavItem) => (!n.perms ? !duty : n.perms.some((p) => me.permissions.includes(p)));
  // A group shows when any of its pages does.
  const grouped = nav
    .map((n) => (n.children ? { ...n, children: n.children.filter(allowed) } : n))
    .filter((n) => (n.children ? n.children.length > 0 : allowed(n)));
  const visible = duty
    ? grouped.flatMap((n) => n.children?.map((c) => ({ ...c, icon: ADMIN_ICONS[c.key] ?? n.icon })) ?? [n]).sort((a, b) => dutyOrder(a.key) - dutyOrder(b.key))
    : grouped;
  const leaves = visible.flatMap((n) => n.children ?? [n]);
  if (duty && location.pathname === '/' && leaves.length) return <Navigate to={leaves[0].key} replace />;
  // A single task opened by link (/tasks/:id) belongs with 我的任务 in the menu.
  const path = location.pathname.startsWith('/tasks/') ? '/my-tasks' : location.pathname + (location.search.startsWith('?tab=') ? location.search : '');
  const selected =
    leaves
      .filter((n) => (n.key === '/' ? path === '/' : path.startsWith(n.key)))
      .sort((a, b) => b.key.length - a.key.length)[0]?.key ?? '';

  const doLogout = async () => {
    try {
      await logout();
    } finally {
      qc.clear();
      qc.setQueryData(['me'], null);
      navigate('/login', { replace: true });
    }
  };

  const userMenu: MenuProps['items'] = [
    { key: 'security', icon: <SafetyCertificateOutlined />, label: t('layout.accountSecurity'), onClick: () => navigate('/account/security') },
    { key: 'password', icon: <KeyOutlined />, label: t('layout.changePassword'), onClick: () => setPwdOpen(true) },
    { type: 'divider' },
    { key: 'logout', icon: <LogoutOutlined />, label: t('layout.logout'), onClick: () => void doLogout() },
  ];
  const langMenu: MenuProps = {
    items: LANGUAGES.map((l) => ({ key: l.code, label: l.label })),
    selectable: true,
    selectedKeys: [i18n.language],
    onClick: ({ key }) => setLanguage(key as LanguageCode),
  };

  const sideMenu = (
    <>
      <div className="app-logo">
        <span className="mark">{t('app.mark')}</span>
        {(!collapsed || isPhone) && <span>{t('app.name')}</span>}
      </div>
      <Menu
        theme="dark"
        mode="inline"
        selectedKeys={[selected]}
        defaultOpenKeys={visible.filter((n) => n.children && location.pathname.startsWith(n.key)).map((n) => n.key)}
        items={visible.map((n) => ({
          key: n.key,
          icon: n.icon,
          label: n.label,
          children: n.children?.map((c) => ({
            key: c.key,
            label: c.badge ? (
              <span>
                {c.label} <Badge count={c.badge} size="small" offset={[4, -2]} />
              </span>
            ) : (
              c.label
            ),
          })),
        }))}
        onClick={({ key }) => {
          setNavOpen(false);
          navigate(key);
        }}
      />
    </>
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {isPhone ? (
        <Drawer
          open={navOpen}
          placement="left"
          size={240}
          closable={false}
          onClose={() => setNavOpen(false)}
          styles={{ body: { padding: 0, background: '#001529' } }}
        >
          {sideMenu}
        </Drawer>
      ) : (
        <Layout.Sider collapsible collapsed={collapsed} onCollapse={setCollapsed} width={208} theme="dark">
          {sideMenu}
        </Layout.Sider>
      )}
      <Layout>
        <Layout.Header className="app-header">
          {isPhone ? (
            <Button type="text" icon={<MenuOutlined />} aria-label={t('layout.menu')} onClick={() => setNavOpen(true)} />
          ) : (
            <span style={{ color: '#555' }}>{t('app.subtitle')}</span>
          )}
          <Space size={isPhone ? 0 : 'middle'}>
            {!duty && (
              <Badge count={unread.data ?? 0} size="small" offset={[-6, 6]}>
                <Button type="text" icon={<BellOutlined />} aria-label={t('nav.notifications')} title={t('nav.notifications')} onClick={() => navigate('/notifications')} />
              </Badge>
            )}
            <Dropdown menu={langMenu}>
              <Button type="text" icon={<GlobalOutlined />} aria-label={t('layout.language')}>
                {!isPhone && (LANGUAGES.find((l) => l.code === i18n.language)?.label ?? LANGUAGES[0].label)}
              </Button>
            </Dropdown>
            <Dropdown menu={{ items: userMenu }}>
              <Button type="text" icon={<UserOutlined />}>
                {me.person?.name ?? me.user.username}
                {me.unit && !isPhone ? `（${me.unit.name}）` : ''} <DownOutlined />
              </Button>
            </Dropdown>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: isPhone ? 12 : 20, minWidth: 0 }}>
          <Suspense fallback={<Spin style={{ display: 'block', marginTop: 80 }} />}>
            {me.security.passwordExpiresInDays !== null && !expiryDismissed && (
              <Alert
                type="warning"
                showIcon
                title={t('layout.passwordExpiring', { count: me.security.passwordExpiresInDays })}
                action={
                  <Button size="small" onClick={() => setPwdOpen(true)}>
                    {t('layout.changePassword')}
                  </Button>
                }
                closable={{
                  onClose: () => {
                    sessionStorage.setItem('luoshi.expiryWarned', '1');
                    setExpiryDismissed(true);
                  },
                }}
                style={{ marginBottom: 16 }}
              />
            )}
            <ErrorBoundary resetKey={location.pathname}>
              <Outlet />
            </ErrorBoundary>
          </Suspense>
        </Layout.Content>
      </Layout>
      <ChangePasswordModal open={pwdOpen} onClose={() => setPwdOpen(false)} />
    </Layout>
  );
}
