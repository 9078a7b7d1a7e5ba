import { SafetyCertificateOutlined } from '@ant-design/icons';
import { App, Button, Card, Drawer, Input, List, Popconfirm, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { DUTIES } from '@luoshi/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useCan } from '../../api/auth';
import {
  securityApi,
  securityKeys,
  securityUrls,
  type SecurityAccount,
  type SecurityAccountState,
  type SecuritySession,
} from '../../api/security';
import { useShowError } from '../../components/errors';
import { usePagedList } from '../../components/usePagedList';
import { PolicyForm } from './PolicyForm';
import './security.css';
import { cardPagination, describeUserAgent, DutyTag, Fact, fmtTime, SessionFacts, useIsPhone } from './shared';

/** The tags that say why an account needs the security administrator. */
function AccountStateTags({ a }: { a: SecurityAccount }) {
  const { t } = useTranslation();
  const locked = !!a.lockedUntil && dayjs(a.lockedUntil).isAfter(dayjs());
  return (
    <Space size={4} wrap>
      {a.disabled && <Tag>{t('securityAdmin.accounts.disabled')}</Tag>}
      {locked && <Tag color="red">{t('securityAdmin.accounts.lockedUntil', { at: dayjs(a.lockedUntil).format('HH:mm') })}</Tag>}
      {!locked && a.failedAttempts > 0 && <Tag color="orange">{t('securityAdmin.accounts.failed', { count: a.failedAttempts })}</Tag>}
      {a.passwordExpired && <Tag color="orange">{t('securityAdmin.accounts.expired')}</Tag>}
      {a.mustChangePassword && <Tag color="gold">{t('securityAdmin.accounts.mustChange')}</Tag>}
      {!a.disabled && !locked && !a.failedAttempts && !a.passwordExpired && !a.mustChangePassword && <Tag color="success">{t('securityAdmin.accounts.normal')}</Tag>}
    </Space>
  );
}

function TotpTag({ a }: { a: SecurityAccount }) {
  const { t } = useTranslation();
  if (a.totpEnabled) return <Tag color="success">{t('securityAdmin.accounts.totpOn')}</Tag>;
  return <Tag color={a.totpRequired ? 'red' : undefined}>{a.totpRequired ? t('securityAdmin.accounts.totpMissing') : t('securityAdmin.accounts.totpOff')}</Tag>;
}

/** One account's sessions, each with 结束, and 全部结束. */
function AccountSessionsDrawer({ account, onClose }: { account: SecurityAccount; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const isPhone = useIsPhone();
  const q = useQuery({ queryKey: [...securityKeys.sessions, 'of', account.userId], queryFn: () => securityApi.sessionsOf(account.userId) });
  const refresh = () => void qc.invalidateQueries({ queryKey: securityKeys.all });
  const end = useMutation({
    mutationFn: (id: string) => securityApi.endSession(id),
    onSuccess: () => {
      void message.success(t('securityAdmin.sessions.ended'));
      refresh();
    },
    onError: (e) => showError(e),
  });
  const endAll = useMutation({
    mutationFn: async (ids: string[]) => {
      for (const id of ids) await securityApi.endSession(id);
    },
    onSuccess: () => {
      void message.success(t('securityAdmin.sessions.allEnded'));
      refresh();
    },
    onError: (e) => {
      showError(e);
      refresh();
    },
  });
  const rows = q.data?.data ?? [];
  return (
    <Drawer
      open
      onClose={onClose}
      size={isPhone ? '100%' : 560}
      title={t('securityAdmin.sessions.ofAccount', { username: account.username })}
      extra={
        rows.length > 0 && (
          <Popconfirm
            title={t('securityAdmin.sessions.endAllConfirm', { username: account.username, count: rows.length })}
            okButtonProps={{ danger: true }}
            okText={t('securityAdmin.sessions.end')}
            onConfirm={() => endAll.mutate(rows.map((s) => s.id))}
          >
            <Button danger loading={endAll.isPending}>
              {t('securityAdmin.sessions.endAll')}
            </Button>
          </Popconfirm>
        )
      }
    >
      <List
        loading={q.isLoading}
        dataSource={rows}
        locale={{ emptyText: t('securityAdmin.sessions.none') }}
        renderItem={(s) => (
          <List.Item
            key={s.id}
            actions={[
              <Popconfirm key="end" title={t('securityAdmin.sessions.endConfirm', { username: s.username })} okButtonProps={{ danger: true }} okText={t('securityAdmin.sessions.end')} onConfirm={() => end.mutate(s.id)}>
                <Button size="small" danger loading={end.isPending && end.variables === s.id}>
                  {t('securityAdmin.sessions.end')}
                </Button>
              </Popconfirm>,
            ]}
          >
            <List.Item.Meta title={describeUserAgent(s.userAgent, t)} description={<SessionFacts s={s} />} />
          </List.Item>
        )}
      />
    </Drawer>
  );
}

function AccountsTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const isPhone = useIsPhone();
  const canManage = useCan('security:account:manage');
  const [q, setQ] = useState('');
  const [state, setState] = useState<SecurityAccountState | undefined>();
  const [sessionsOf, setSessionsOf] = useState<SecurityAccount | null>(null);
  const list = usePagedList<SecurityAccount>(securityKeys.accounts, securityUrls.accounts, { q: q || undefined, state });
  const refresh = () => void qc.invalidateQueries({ queryKey: securityKeys.all });
  const unlock = useMutation({
    mutationFn: (a: SecurityAccount) => securityApi.unlock(a.userId),
    onSuccess: (_, a) => {
      void message.success(t('securityAdmin.accounts.unlocked', { username: a.username }));
      refresh();
    },
    onError: (e) => showError(e),
  });
  const reset = useMutation({
    mutationFn: (a: SecurityAccount) => securityApi.totpReset(a.userId),
    onSuccess: (_, a) => {
      void message.success(t('securityAdmin.accounts.totpResetDone', { username: a.username }));
      refresh();
    },
    onError: (e) => showError(e),
  });
  const locked = (a: SecurityAccount) => (!!a.lockedUntil && dayjs(a.lockedUntil).isAfter(dayjs())) || a.failedAttempts > 0;
  const actions = (a: SecurityAccount) =>
    canManage
      ? [
          locked(a) && (
            <Popconfirm key="unlock" title={t('securityAdmin.accounts.unlockConfirm', { username: a.username })} onConfirm={() => unlock.mutate(a)}>
              <Button size="small" type={isPhone ? 'default' : 'link'} loading={unlock.isPending && unlock.variables?.userId === a.userId}>
                {t('securityAdmin.accounts.unlock')}
              </Button>
            </Popconfirm>
          ),
          a.totpEnabled && (
            <Popconfirm
              key="totp"
              title={t('securityAdmin.accounts.totpResetConfirm', { username: a.username })}
              description={<div style={{ maxWidth: 280 }}>{t('securityAdmin.accounts.totpResetHint')}</div>}
              okButtonProps={{ danger: true }}
              onConfirm={() => reset.mutate(a)}
            >
              <Button size="small" danger type={isPhone ? 'default' : 'link'} loading={reset.isPending && reset.variables?.userId === a.userId}>
                {t('securityAdmin.accounts.totpReset')}
              </Button>
            </Popconfirm>
          ),
          a.sessions > 0 && (
            <Button key="sessions" size="small" type={isPhone ? 'default' : 'link'} onClick={() => setSessionsOf(a)}>
              {t('securityAdmin.accounts.sessions', { count: a.sessions })}
            </Button>
          ),
        ].filter(Boolean)
      : [];
  const who = (a: SecurityAccount) => (
    <Space size={4} wrap>
      <Typography.Text strong>{a.username}</Typography.Text>
      {a.personName && <span>{a.personName}</span>}
      <DutyTag duty={a.duty} />
    </Space>
  );
  return (
    <>
      <div className="toolbar">
        <Space wrap>
          <Input.Search
            allowClear
            placeholder={t('securityAdmin.accounts.search')}
            style={{ width: isPhone ? '100%' : 240 }}
            onSearch={(v) => {
              setQ(v.trim());
              list.resetPage();
            }}
          />
          <Select<SecurityAccountState>
            allowClear
            placeholder={t('securityAdmin.accounts.stateAll')}
            style={{ width: 180 }}
            value={state}
            onChange={(v) => {
              setState(v);
              list.resetPage();
            }}
            options={(['locked', 'no_totp', 'expired', 'duty'] as const).map((s) => ({ value: s, label: t(`securityAdmin.accounts.state.${s}`) }))}
          />
        </Space>
      </div>
      {isPhone ? (
        <List
          split={false}
          loading={list.query.isLoading}
          dataSource={list.rows}
          pagination={cardPagination(list.pagination)}
          renderItem={(a) => (
            <List.Item key={a.userId}>
              <Card size="small" style={{ width: '100%' }} title={who(a)} actions={actions(a).length ? [<Space key="a" wrap>{actions(a)}</Space>] : undefined}>
                <div style={{ fontSize: 13, lineHeight: 1.9 }}>
                  {a.unitName && <div>{a.unitName}</div>}
                  <div>
                    <AccountStateTags a={a} /> <TotpTag a={a} />
                  </div>
                  <Fact label={t('securityAdmin.accounts.lastLogin')}>{fmtTime(a.lastLoginAt)}</Fact>
                </div>
              </Card>
            </List.Item>
          )}
        />
      ) : (
        <Table<SecurityAccount>
          rowKey="userId"
          size="middle"
          loading={list.query.isLoading}
          dataSource={list.rows}
          pagination={list.pagination}
          columns={[
            { title: t('securityAdmin.accounts.account'), key: 'who', render: (_, a) => who(a) },
            { title: t('securityAdmin.accounts.unit'), dataIndex: 'unitName', ellipsis: true, render: (v: string | null) => v ?? '—' },
            {
              title: t('securityAdmin.accounts.roles'),
              dataIndex: 'roles',
              render: (roles: SecurityAccount['roles'], a) => (
                <Space size={4} wrap>
                  {roles.filter((r) => !a.duty || r.name !== DUTIES[a.duty]).map((r) => (
                    <Tag key={r.code}>{r.name}</Tag>
                  ))}
                </Space>
              ),
            },
            { title: t('securityAdmin.accounts.stateCol'), key: 'state', render: (_, a) => <AccountStateTags a={a} /> },
            { title: t('securityAdmin.accounts.totp'), key: 'totp', width: 120, render: (_, a) => <TotpTag a={a} /> },
            { title: t('securityAdmin.accounts.lastLogin'), dataIndex: 'lastLoginAt', width: 150, render: (v: string | null) => fmtTime(v) },
            { title: t('common.actions'), key: 'a', width: 220, render: (_, a) => <Space size={0} wrap>{actions(a)}</Space> },
          ]}
        />
      )}
      {sessionsOf && <AccountSessionsDrawer account={sessionsOf} onClose={() => setSessionsOf(null)} />}
    </>
  );
}

function SessionsTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const isPhone = useIsPhone();
  const canManage = useCan('security:account:manage');
  const [q, setQ] = useState('');
  const list = usePagedList<SecuritySession>(securityKeys.sessions, securityUrls.sessions, { q: q || undefined, sort: '-lastSeenAt' });
  const end = useMutation({
    mutationFn: (s: SecuritySession) => securityApi.endSession(s.id),
    onSuccess: () => {
      void message.success(t('securityAdmin.sessions.ended'));
      void qc.invalidateQueries({ queryKey: securityKeys.all });
    },
    onError: (e) => showError(e),
  });
  const endButton = (s: SecuritySession) =>
    canManage && (
      <Popconfirm key="end" title={t('securityAdmin.sessions.endConfirm', { username: s.username })} okButtonProps={{ danger: true }} okText={t('securityAdmin.sessions.end')} onConfirm={() => end.mutate(s)}>
        <Button size="small" danger type={isPhone ? 'default' : 'link'} loading={end.isPending && end.variables?.id === s.id}>
          {t('securityAdmin.sessions.end')}
        </Button>
      </Popconfirm>
    );
  return (
    <>
      <div className="toolbar">
        <Input.Search
          allowClear
          placeholder={t('securityAdmin.sessions.search')}
          style={{ width: isPhone ? '100%' : 240 }}
          onSearch={(v) => {
            setQ(v.trim());
            list.resetPage();
          }}
        />
      </div>
      {isPhone ? (
        <List
          loading={list.query.isLoading}
          dataSource={list.rows}
          pagination={cardPagination(list.pagination)}
          locale={{ emptyText: t('securityAdmin.sessions.none') }}
          renderItem={(s) => (
            <List.Item key={s.id} actions={[endButton(s)].filter(Boolean)}>
              <List.Item.Meta
                title={
                  <Space size={4} wrap>
                    <Typography.Text strong>{s.username}</Typography.Text>
                    <span>{describeUserAgent(s.userAgent, t)}</span>
                  </Space>
                }
                description={<SessionFacts s={s} />}
              />
            </List.Item>
          )}
        />
      ) : (
        <Table<SecuritySession>
          rowKey="id"
          size="middle"
          loading={list.query.isLoading}
          dataSource={list.rows}
          pagination={list.pagination}
          locale={{ emptyText: t('securityAdmin.sessions.none') }}
          columns={[
            { title: t('securityAdmin.accounts.account'), dataIndex: 'username', width: 160 },
            { title: t('accountSecurity.device'), dataIndex: 'userAgent', render: (v: string | null) => <span title={v ?? undefined}>{describeUserAgent(v, t)}</span> },
            { title: t('accountSecurity.ip'), dataIndex: 'ip', width: 150, render: (v: string | null) => v ?? '—' },
            { title: t('accountSecurity.createdAt'), dataIndex: 'createdAt', width: 150, render: (v: string) => fmtTime(v) },
            { title: t('accountSecurity.lastSeenAt'), dataIndex: 'lastSeenAt', width: 150, render: (v: string) => fmtTime(v) },
            { title: t('accountSecurity.sessionExpiresAt'), dataIndex: 'expiresAt', width: 150, render: (v: string) => fmtTime(v) },
            ...(canManage ? [{ title: t('common.actions'), key: 'a', width: 90, render: (_: unknown, s: SecuritySession) => endButton(s) }] : []),
          ]}
        />
      )}
    </>
  );
}

/** 安全管理: the security administrator's policy, accounts and sessions. */
export default function SecurityAdminPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const canPolicy = useCan('security:policy:write');
  const canAccounts = useCan('security:account:manage');
  const tabs = [
    ...(canPolicy ? [{ key: 'policy', label: t('securityAdmin.tabPolicy'), children: <PolicyForm /> }] : []),
    ...(canAccounts
      ? [
          { key: 'accounts', label: t('securityAdmin.tabAccounts'), children: <AccountsTab /> },
          { key: 'sessions', label: t('securityAdmin.tabSessions'), children: <SessionsTab /> },
        ]
      : []),
  ];
  const tab = tabs.some((x) => x.key === params.get('tab')) ? params.get('tab')! : tabs[0]?.key;
  return (
    <Card
      className="security-page"
      title={
        <Space>
          <SafetyCertificateOutlined />
          {t('securityAdmin.title')}
        </Space>
      }
    >
      <Tabs activeKey={tab} onChange={(k) => setParams(k === tabs[0]?.key ? {} : { tab: k }, { replace: true })} items={tabs} destroyOnHidden />
    </Card>
  );
}
