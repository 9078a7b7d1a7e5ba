import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { login, meKey, useMe } from '../../api/auth';
import { ApiError } from '../../api/client';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';

export function LoginPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ username: string; password: string }>();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const qc = useQueryClient();
  const { data: me } = useMe();
  const [error, setError] = useState<string | null>(null);
  const next = params.get('next');
  const target = next && next.startsWith('/') && !next.startsWith('//') ? next : '/';

  const m = useMutation({
    mutationFn: (v: { username: string; password: string }) => login(v.username, v.password),
    onSuccess: (data) => {
      qc.clear();
      qc.setQueryData(meKey, data);
      navigate(target, { replace: true });
    },
    onError: (e) => {
      if (e instanceof ApiError) {
        setError(e.message);
        form.setFields(e.fields.map((f) => ({ name: f.field as 'username' | 'password', errors: [f.message] })));
      } else setError(t('common.unknownError'));
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
        <Form form={form} size="large" onFinish={(v) => {
            setError(null);
            submit(v);
          }} onValuesChange={() => error && setError(null)}>
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
      </Card>
    </div>
  );
}
