import { CopyOutlined, ReloadOutlined, TeamOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, List, Modal, Popconfirm, Radio, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { DUTIES } from '@luoshi/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../api/auth';
import { ApiError } from '../../api/client';
import { generatePassword, securityApi, securityKeys, securityUrls, type DutyFilter, type SystemAccount } from '../../api/security';
import { useShowError } from '../../components/errors';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import { usePagedList } from '../../components/usePagedList';
import { cardPagination, copyText, DutyTag, Fact, fmtTime, useIsPhone } from './shared';
import './security.css';

type ResetValues = { mode: 'generate' | 'type'; password: string };

/** A new initial password, generated or typed, shown once after saving; the holder changes it at the next login. */
function ResetPasswordModal({ account, onClose }: { account: SystemAccount; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const [form] = Form.useForm<ResetValues>();
  const mode = Form.useWatch('mode', form);
  const [done, setDone] = useState<string | null>(null);
  const m = useMutation({
    mutationFn: (v: ResetValues) => securityApi.updateSystemAccount(account.userId, { version: account.version, password: v.password }),
    onSuccess: (_, v) => {
      setDone(v.password);
      void qc.invalidateQueries({ queryKey: securityKeys.systemAccounts });
    },
    onError: (e) => {
      showError(e, form);
      if (e instanceof ApiError && e.status === 409) void qc.invalidateQueries({ queryKey: securityKeys.systemAccounts });
    },
  });
  const submit = useGuardedSubmit(m);
  return (
    <Modal
      open
      title={t('systemAccounts.resetTitle', { username: account.username })}
      onCancel={onClose}
      mask={{ closable: !done }}
      destroyOnHidden
      footer={
        done ? (
          <Button type="primary" onClick={onClose}>
            {t('systemAccounts.close')}
          </Button>
        ) : (
          <Space>
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="primary" danger loading={m.isPending} onClick={() => form.submit()}>
              {t('systemAccounts.reset')}
            </Button>
          </Space>
        )
      }
    >
      {done ? (
        <div>
          <Alert type="success" showIcon title={t('systemAccounts.resetDone')} description={t('systemAccounts.resetOnce')} style={{ marginBottom: 16 }} />
          <div className="new-password">
            <Typography.Text code style={{ fontSize: 18 }} aria-label={t('systemAccounts.newPassword')}>
              {done}
            </Typography.Text>
            <Button
              icon={<CopyOutlined />}
              onClick={async () => ((await copyText(done)) ? void message.success(t('totp.copied')) : void message.error(t('totp.copyFailed')))}
            >
              {t('totp.copy')}
            </Button>
          </div>
        </div>
      ) : (
        <Form<ResetValues>
          form={form}
          layout="vertical"
          requiredMark={false}
          initialValues={{ mode: 'generate', password: generatePassword() }}
          onFinish={submit}
        >
          <Typography.Paragraph type="secondary">{t('systemAccounts.resetHint')}</Typography.Paragraph>
          <Form.Item name="mode">
            <Radio.Group
              onChange={(e) => form.setFieldValue('password', e.target.value === 'generate' ? generatePassword() : '')}
              options={[
                { value: 'generate', label: t('systemAccounts.generate') },
                { value: 'type', label: t('systemAccounts.type') },
              ]}
            />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('systemAccounts.newPassword')}
            rules={[{ required: true, min: 8, max: 128, message: t('systemAccounts.passwordRule') }]}
            extra={t('password.policyHint')}
          >
            {mode === 'type' ? (
              <Input.Password autoComplete="new-password" autoFocus />
            ) : (
              <Input
                readOnly
                className="generated-password"
                suffix={
                  <Tooltip title={t('systemAccounts.regenerate')}>
                    <Button type="text" size="small" icon={<ReloadOutlined />} aria-label={t('systemAccounts.regenerate')} onClick={() => form.setFieldValue('password', generatePassword())} />
                  </Tooltip>
                }
              />
            )}
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}

/** 账号管理: the system administrator's list of every account, people's and the built-in ones alike. */
export default function SystemAccountsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const isPhone = useIsPhone();
  const { data: me } = useMe();
  const [q, setQ] = useState('');
  const [duty, setDuty] = useState<DutyFilter | undefined>();
  const [resetting, setResetting] = useState<SystemAccount | null>(null);
  const list = usePagedList<SystemAccount>(securityKeys.systemAccounts, securityUrls.systemAccounts, { q: q || undefined, duty });
  const toggle = useMutation({
    mutationFn: (a: SystemAccount) => securityApi.updateSystemAccount(a.userId, { version: a.version, disabled: !a.disabled }),
    onSuccess: (_, a) => {
      void message.success(a.disabled ? t('systemAccounts.enabledDone', { username: a.username }) : t('systemAccounts.disabledDone', { username: a.username }));
      void qc.invalidateQueries({ queryKey: securityKeys.systemAccounts });
    },
    onError: (e) => {
      showError(e);
      void qc.invalidateQueries({ queryKey: securityKeys.systemAccounts });
    },
  });
  const self = (a: SystemAccount) => a.userId === me?.user.id;
  const actions = (a: SystemAccount) =>
    self(a)
      ? [
          <Typography.Text key="self" type="secondary" style={{ fontSize: 12 }}>
            {t('systemAccounts.self')}
          </Typography.Text>,
        ]
      : [
          <Popconfirm
            key="toggle"
            title={a.disabled ? t('systemAccounts.enableConfirm', { username: a.username }) : t('systemAccounts.disableConfirm', { username: a.username })}
            description={a.disabled ? undefined : <div style={{ maxWidth: 280 }}>{t('systemAccounts.disableHint')}</div>}
            okButtonProps={{ danger: !a.disabled }}
            onConfirm={() => toggle.mutate(a)}
          >
            <Button size="small" type={isPhone ? 'default' : 'link'} danger={!a.disabled} loading={toggle.isPending && toggle.variables?.userId === a.userId}>
              {a.disabled ? t('systemAccounts.enable') : t('systemAccounts.disable')}
            </Button>
          </Popconfirm>,
          <Button key="reset" size="small" type={isPhone ? 'default' : 'link'} onClick={() => setResetting(a)}>
            {t('systemAccounts.reset')}
          </Button>,
        ];
  const stateTags = (a: SystemAccount) => (
    <Space size={4} wrap>
      {a.disabled ? <Tag>{t('systemAccounts.stateDisabled')}</Tag> : <Tag color="success">{t('systemAccounts.stateActive')}</Tag>}
      {a.mustChangePassword && <Tag color="gold">{t('securityAdmin.accounts.mustChange')}</Tag>}
    </Space>
  );
  const roleTags = (a: SystemAccount) => (
    <Space size={4} wrap>
      <DutyTag duty={a.duty} />
      {a.roles
        .filter((r) => !a.duty || r.name !== DUTIES[a.duty])
        .map((r) => (
          <Tag key={r.id}>{r.name}</Tag>
        ))}
      {!a.duty && a.roles.length === 0 && <Typography.Text type="secondary">{t('systemAccounts.noRoles')}</Typography.Text>}
    </Space>
  );
  return (
    <Card
      className="security-page"
      title={
        <Space>
          <TeamOutlined />
          {t('systemAccounts.title')}
        </Space>
      }
    >
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('systemAccounts.hint')} />
      <div className="toolbar">
        <Space wrap>
          <Input.Search
            allowClear
            placeholder={t('systemAccounts.search')}
            style={{ width: isPhone ? '100%' : 240 }}
            onSearch={(v) => {
              setQ(v.trim());
              list.resetPage();
            }}
          />
          <Select<DutyFilter>
            allowClear
            placeholder={t('systemAccounts.dutyAll')}
            style={{ width: 180 }}
            value={duty}
            onChange={(v) => {
              setDuty(v);
              list.resetPage();
            }}
            options={(['any', 'none', 'system', 'security', 'audit'] as const).map((d) => ({ value: d, label: t(`systemAccounts.dutyFilter.${d}`) }))}
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
              <Card
                size="small"
                style={{ width: '100%' }}
                title={
                  <Space size={4} wrap>
                    <Typography.Text strong>{a.username}</Typography.Text>
                    {a.personName && <span>{a.personName}</span>}
                  </Space>
                }
                extra={stateTags(a)}
                actions={[<Space key="a" wrap>{actions(a)}</Space>]}
              >
                <div style={{ fontSize: 13, lineHeight: 1.9 }}>
                  {a.unitName && <div>{a.unitName}</div>}
                  <div>{roleTags(a)}</div>
                  <Fact label={t('securityAdmin.accounts.lastLogin')}>{fmtTime(a.lastLoginAt)}</Fact>
                </div>
              </Card>
            </List.Item>
          )}
        />
      ) : (
        <Table<SystemAccount>
          rowKey="userId"
          size="middle"
          loading={list.query.isLoading}
          dataSource={list.rows}
          pagination={list.pagination}
          columns={[
            { title: t('systemAccounts.username'), dataIndex: 'username', width: 150, render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
            { title: t('systemAccounts.person'), dataIndex: 'personName', width: 120, render: (v: string | null) => v ?? <Typography.Text type="secondary">{t('systemAccounts.noPerson')}</Typography.Text> },
            { title: t('securityAdmin.accounts.unit'), dataIndex: 'unitName', ellipsis: true, render: (v: string | null) => v ?? '—' },
            { title: t('securityAdmin.accounts.roles'), key: 'roles', render: (_, a) => roleTags(a) },
            { title: t('securityAdmin.accounts.stateCol'), key: 'state', width: 160, render: (_, a) => stateTags(a) },
            { title: t('securityAdmin.accounts.lastLogin'), dataIndex: 'lastLoginAt', width: 150, render: (v: string | null) => fmtTime(v) },
            { title: t('common.actions'), key: 'a', width: 180, render: (_, a) => <Space size={0}>{actions(a)}</Space> },
          ]}
        />
      )}
      {resetting && <ResetPasswordModal account={resetting} onClose={() => setResetting(null)} />}
    </Card>
  );
}
