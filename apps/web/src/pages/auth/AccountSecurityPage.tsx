import { DesktopOutlined, KeyOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Form, Input, List, Modal, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { authApi, authKeys, meKey, useMe, useMySessions, useTotpStatus, type MySession, type RecoveryCodes } from '../../api/auth';
import { ChangePasswordForm } from '../../components/ChangePasswordModal';
import { useShowError } from '../../components/errors';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import { describeUserAgent, fmtTime, SessionFacts, useIsPhone } from '../security/shared';
import { OtpInput, otpRules, RecoveryCodesPanel, TotpEnrolment } from './TotpEnrolment';
import './auth.css';

function PasswordCard() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const sec = me?.security;
  return (
    <Card
      title={
        <Space>
          <KeyOutlined />
          {t('accountSecurity.passwordTitle')}
        </Space>
      }
    >
      <Descriptions column={1} size="small" style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('accountSecurity.username')}>{me?.user.username}</Descriptions.Item>
        <Descriptions.Item label={t('accountSecurity.expiresAt')}>
          {sec?.passwordExpiresAt ? (
            <Space wrap size={4}>
              {dayjs(sec.passwordExpiresAt).format('YYYY-MM-DD')}
              {sec.passwordExpiresInDays !== null && <Tag color="orange">{t('accountSecurity.expiresIn', { count: sec.passwordExpiresInDays })}</Tag>}
            </Space>
          ) : (
            t('accountSecurity.neverExpires')
          )}
        </Descriptions.Item>
      </Descriptions>
      {open ? (
        <div style={{ maxWidth: 420 }}>
          <ChangePasswordForm form={form} onDone={() => setOpen(false)} />
          <Button block type="text" style={{ marginTop: 8 }} onClick={() => setOpen(false)}>
            {t('common.cancel')}
          </Button>
        </div>
      ) : (
        <Button onClick={() => setOpen(true)}>{t('password.title')}</Button>
      )}
    </Card>
  );
}

type Confirm = { password: string; code: string };

/** Password + current code: what regenerating recovery codes and turning the second factor off both ask for. */
function ConfirmTotpModal({ kind, onClose }: { kind: 'codes' | 'disable'; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const [form] = Form.useForm<Confirm>();
  const [codes, setCodes] = useState<string[] | null>(null);
  const [recovery, setRecovery] = useState(false);
  const m = useMutation({
    mutationFn: async (v: Confirm): Promise<RecoveryCodes | null> => {
      if (kind === 'codes') return authApi.totpRecoveryCodes(v.password, v.code.trim());
      await authApi.totpDisable(v.password, v.code.trim());
      return null;
    },
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: authKeys.totp });
      if (r) setCodes(r.codes);
      else {
        void qc.invalidateQueries({ queryKey: meKey });
        void message.success(t('accountSecurity.totpDisabled'));
        onClose();
      }
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <Modal
      open
      title={kind === 'codes' ? t('accountSecurity.regenerateTitle') : t('accountSecurity.disableTitle')}
      onCancel={codes ? undefined : onClose}
      closable={!codes}
      mask={{ closable: !codes }}
      footer={
        codes
          ? null
          : [
              <Button key="c" onClick={onClose}>
                {t('common.cancel')}
              </Button>,
              <Button key="o" type="primary" danger={kind === 'disable'} loading={m.isPending} onClick={() => form.submit()}>
                {kind === 'codes' ? t('accountSecurity.regenerate') : t('accountSecurity.disable')}
              </Button>,
            ]
      }
      destroyOnHidden
    >
      {codes ? (
        <RecoveryCodesPanel codes={codes} onDone={onClose} />
      ) : (
        <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
          <Typography.Paragraph type="secondary">
            {kind === 'codes' ? t('accountSecurity.regenerateHint') : t('accountSecurity.disableHint')}
          </Typography.Paragraph>
          <Form.Item name="password" label={t('totp.password')} rules={[{ required: true, message: t('login.passwordRequired') }]}>
            <Input.Password autoComplete="current-password" autoFocus />
          </Form.Item>
          <Form.Item
            name="code"
            label={recovery ? t('login.recoveryLabel') : t('login.codeLabel')}
            rules={otpRules(t, recovery)}
            extra={
              <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setRecovery(!recovery)}>
                {recovery ? t('login.useCode') : t('login.useRecovery')}
              </Button>
            }
          >
            <OtpInput key={recovery ? 'r' : 'c'} recovery={recovery} />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}

function TotpCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const status = useTotpStatus();
  const isPhone = useIsPhone();
  const [enrolling, setEnrolling] = useState(false);
  const [codesShown, setCodesShown] = useState(false);
  const [confirm, setConfirm] = useState<'codes' | 'disable' | null>(null);
  const s = status.data;
  return (
    <Card
      loading={status.isLoading}
      title={
        <Space>
          <SafetyCertificateOutlined />
          {t('accountSecurity.totpTitle')}
        </Space>
      }
    >
      {s && (
        <>
          <Descriptions column={1} size="small" style={{ marginBottom: 12 }}>
            <Descriptions.Item label={t('accountSecurity.totpState')}>
              <Space wrap size={4}>
                {s.enabled ? <Tag color="success">{t('accountSecurity.enabled')}</Tag> : <Tag>{t('accountSecurity.notEnabled')}</Tag>}
                {s.required && <Tag color="red">{t('accountSecurity.required')}</Tag>}
              </Space>
            </Descriptions.Item>
            {s.enabled && <Descriptions.Item label={t('accountSecurity.enabledAt')}>{fmtTime(s.enabledAt)}</Descriptions.Item>}
            {s.enabled && (
              <Descriptions.Item label={t('accountSecurity.codesLeft')}>
                <span className={s.recoveryCodesLeft <= 3 ? 'text-danger' : undefined}>{t('accountSecurity.codesLeftValue', { count: s.recoveryCodesLeft })}</span>
              </Descriptions.Item>
            )}
          </Descriptions>
          {!s.enabled && <Typography.Paragraph type="secondary">{t('accountSecurity.totpWhy')}</Typography.Paragraph>}
          {s.enabled && s.recoveryCodesLeft <= 3 && <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t('accountSecurity.codesLow')} />}
          <Space wrap>
            {!s.enabled && (
              <Button type="primary" onClick={() => setEnrolling(true)}>
                {t('accountSecurity.enrol')}
              </Button>
            )}
            {s.enabled && <Button onClick={() => setConfirm('codes')}>{t('accountSecurity.regenerate')}</Button>}
            {s.enabled && !s.required && (
              <Button danger onClick={() => setConfirm('disable')}>
                {t('accountSecurity.disable')}
              </Button>
            )}
          </Space>
          {s.enabled && s.required && (
            <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
              {t('accountSecurity.cannotDisable')}
            </Typography.Paragraph>
          )}
        </>
      )}
      <Modal
        open={enrolling}
        title={t('accountSecurity.enrolTitle')}
        footer={null}
        width={isPhone ? '100%' : 520}
        // once enabled, the recovery codes are on screen for the only time: the dialog closes through 完成 alone
        closable={!codesShown}
        keyboard={!codesShown}
        onCancel={() => setEnrolling(false)}
        mask={{ closable: false }}
        destroyOnHidden
      >
        <TotpEnrolment
          onCancel={() => setEnrolling(false)}
          onEnabled={() => setCodesShown(true)}
          onFinished={() => {
            setEnrolling(false);
            setCodesShown(false);
            void qc.invalidateQueries({ queryKey: meKey });
            void message.success(t('accountSecurity.totpEnabled'));
          }}
        />
      </Modal>
      {confirm && <ConfirmTotpModal kind={confirm} onClose={() => setConfirm(null)} />}
    </Card>
  );
}

function SessionsCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const isPhone = useIsPhone();
  const q = useMySessions();
  const end = useMutation({
    mutationFn: (s: MySession) => authApi.endSession(s.id),
    onSuccess: (_, s) => {
      if (s.current) {
        // ending this very session is a logout
        qc.clear();
        qc.setQueryData(meKey, null);
        navigate('/login', { replace: true });
        return;
      }
      void message.success(t('accountSecurity.sessionEnded'));
      void qc.invalidateQueries({ queryKey: authKeys.sessions });
    },
    onError: (e) => showError(e),
  });
  const rows = [...(q.data ?? [])].sort((a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt.localeCompare(a.lastSeenAt));
  const endButton = (s: MySession) => (
    <Popconfirm
      title={s.current ? t('accountSecurity.endCurrentConfirm') : t('accountSecurity.endConfirm')}
      okText={t('accountSecurity.end')}
      okButtonProps={{ danger: true }}
      onConfirm={() => end.mutate(s)}
    >
      <Button size="small" danger type={isPhone ? 'default' : 'link'} loading={end.isPending && end.variables?.id === s.id}>
        {t('accountSecurity.end')}
      </Button>
    </Popconfirm>
  );
  const device = (s: MySession) => (
    <Space size={4} wrap>
      <span title={s.userAgent ?? undefined}>{describeUserAgent(s.userAgent, t)}</span>
      {s.current && <Tag color="blue">{t('accountSecurity.current')}</Tag>}
    </Space>
  );
  return (
    <Card
      title={
        <Space>
          <DesktopOutlined />
          {t('accountSecurity.sessionsTitle')}
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('accountSecurity.sessionsHint')}</Typography.Paragraph>
      {isPhone ? (
        <List
          loading={q.isLoading}
          dataSource={rows}
          locale={{ emptyText: t('accountSecurity.noSessions') }}
          renderItem={(s) => (
            <List.Item key={s.id} actions={[endButton(s)]}>
              <List.Item.Meta
                title={device(s)}
                description={<SessionFacts s={s} />}
              />
            </List.Item>
          )}
        />
      ) : (
        <Table<MySession>
          rowKey="id"
          size="small"
          loading={q.isLoading}
          dataSource={rows}
          pagination={false}
          locale={{ emptyText: t('accountSecurity.noSessions') }}
          columns={[
            { title: t('accountSecurity.device'), key: 'device', render: (_, s) => device(s) },
            { title: t('accountSecurity.ip'), dataIndex: 'ip', width: 150, render: (v: string | null) => v ?? '—' },
            { title: t('accountSecurity.createdAt'), dataIndex: 'createdAt', width: 150, render: (v: string) => fmtTime(v) },
            { title: t('accountSecurity.lastSeenAt'), dataIndex: 'lastSeenAt', width: 150, render: (v: string) => fmtTime(v) },
            { title: t('accountSecurity.sessionExpiresAt'), dataIndex: 'expiresAt', width: 150, render: (v: string) => fmtTime(v) },
            { title: t('common.actions'), key: 'a', width: 90, render: (_, s) => endButton(s) },
          ]}
        />
      )}
    </Card>
  );
}

/** 账号安全: every user's own password, second factor and sessions. */
export default function AccountSecurityPage() {
  const { t } = useTranslation();
  return (
    <div style={{ maxWidth: 1100 }}>
      <h2 className="page-title">{t('accountSecurity.title')}</h2>
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <PasswordCard />
        <TotpCard />
        <SessionsCard />
      </Space>
    </div>
  );
}
