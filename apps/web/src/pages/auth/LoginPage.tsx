import { LockOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { AUTH_CODES, login, meKey, useMe } from '../../api/auth';
import { ApiError } from '../../api/client';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import { OtpInput, otpRules } from './TotpEnrolment';
import './auth.css';

type Credentials = { username: string; password: string };

export function LoginPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<Credentials>();
  const [codeForm] = Form.useForm<{ code: string }>();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const qc = useQueryClient();
  const { data: me } = useMe();
  const [error, setError] = useState<string | null>(null);
  // The second step keeps what was typed in the first: the server wants username, password and code together.
  const [pending, setPending] = useState<Credentials | null>(null);
  const [recovery, setRecovery] = useState(false);
  const next = params.get('next');
  const target = next && next.startsWith('/') && !next.startsWith('//') ? next : '/';

  const m = useMutation({
    mutationFn: (v: Credentials & { code?: string }) => login(v.username, v.password, v.code),
    onSuccess: (data) => {
      qc.clear();
      qc.setQueryData(meKey, data);
      navigate(target, { replace: true });
    },
    onError: (e, v) => {
      if (!(e instanceof ApiError)) return setError(t('common.unknownError'));
      if (e.code === AUTH_CODES.totpRequired) {
        setError(null);
        setPending({ username: v.username, password: v.password });
        return;
      }
      if (e.code === AUTH_CODES.totpInvalid) {
        setError(e.message);
        codeForm.setFieldValue('code', '');
        return;
      }
      // A wrong password on the way (or a lock after too many wrong codes) goes back to the first step.
      setPending(null);
      setRecovery(false);
      setError(e.message);
      form.setFields(e.fields.filter((f) => f.field === 'username' || f.field === 'password').map((f) => ({ name: f.field as keyof Credentials, errors: [f.message] })));
    },
  });

  const submit = useGuardedSubmit(m);

  if (me && !m.isPending) return <Navigate to={target} replace />;

  return (
    <div className="login-bg">
      <Card className="login-card">
        <div className="login-title">
          <h1>{t('app.name')}</h1>
          <div>{t('app.subtitle')}</div>
        </div>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
        {/* The first form stays mounted (hidden) during the second step so the browser's password manager sees one login. */}
        <Form
          form={form}
          size="large"
          style={pending ? { display: 'none' } : undefined}
          onFinish={(v) => {
            setError(null);
            submit(v);
          }}
          onValuesChange={() => error && setError(null)}
        >
          <Form.Item name="username" rules={[{ required: true, message: t('login.usernameRequired') }]}>
            <Input prefix={<UserOutlined />} placeholder={t('login.username')} aria-label={t('login.username')} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item name="password" rules={[{ required: true, message: t('login.passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined />} placeholder={t('login.password')} aria-label={t('login.password')} autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={m.isPending}>
            {t('login.submit')}
          </Button>
        </Form>
        {pending && (
          <Form
            form={codeForm}
            size="large"
            layout="vertical"
            requiredMark={false}
            onFinish={(v) => {
              setError(null);
              submit({ ...pending, code: v.code.trim() });
            }}
          >
            <div className="login-step-title">
              <SafetyOutlined /> {recovery ? t('login.recoveryTitle') : t('login.codeTitle')}
            </div>
            <Typography.Paragraph type="secondary">
              {recovery ? t('login.recoveryHint', { username: pending.username }) : t('login.codeHint', { username: pending.username })}
            </Typography.Paragraph>
            <Form.Item
              name="code"
              label={recovery ? t('login.recoveryLabel') : t('login.codeLabel')}
              rules={otpRules(t, recovery)}
            >
              <OtpInput key={recovery ? 'r' : 'c'} recovery={recovery} autoFocus />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={m.isPending}>
              {t('login.verify')}
            </Button>
            <div className="login-step-links">
              <Button
                type="link"
                size="small"
                onClick={() => {
                  setRecovery(!recovery);
                  setError(null);
                  codeForm.resetFields();
                }}
              >
                {recovery ? t('login.useCode') : t('login.useRecovery')}
              </Button>
              <Button
                type="link"
                size="small"
                onClick={() => {
                  setPending(null);
                  setRecovery(false);
                  setError(null);
                  codeForm.resetFields();
                  form.setFieldValue('password', '');
                }}
              >
                {t('login.back')}
              </Button>
            </div>
          </Form>
        )}
      </Card>
    </div>
  );
}
