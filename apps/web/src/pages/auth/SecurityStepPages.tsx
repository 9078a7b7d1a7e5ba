import { KeyOutlined, LogoutOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Spin, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { logout, meKey, PENDING_PATHS, pendingStep, useMe } from '../../api/auth';
import { ChangePasswordForm } from '../../components/ChangePasswordModal';
import { TotpEnrolment } from './TotpEnrolment';
import './auth.css';

/** Where to go after the forced steps: the page the user was on its way to. */
function useNextTarget() {
  const [params] = useSearchParams();
  const next = params.get('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

function StepFrame({ icon, title, children }: { icon: ReactNode; title: string; children: ReactNode }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { data: me } = useMe();
  const doLogout = async () => {
    try {
      await logout();
    } finally {
      qc.clear();
      qc.setQueryData(meKey, null);
      navigate('/login', { replace: true });
    }
  };
  return (
    <div className="login-bg">
      <Card className="login-card security-step">
        <div className="security-step-head">
          {icon}
          <span>{title}</span>
        </div>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 16 }}>
          {me?.person
            ? t('securityStep.account', { name: me.person.name, username: me.user.username })
            : t('securityStep.accountOnly', { username: me?.user.username ?? '' })}
        </Typography.Paragraph>
        {children}
        <div style={{ textAlign: 'center', marginTop: 16 }}>
          <Button type="link" icon={<LogoutOutlined />} onClick={() => void doLogout()}>
            {t('securityStep.logout')}
          </Button>
        </div>
      </Card>
    </div>
  );
}

/** Sends the user where they belong when this step is not (or no longer) theirs. */
function useStepGuard(step: 'password' | 'totp') {
  const { data: me, isLoading } = useMe();
  const location = useLocation();
  const target = useNextTarget();
  if (isLoading) return <Spin size="large" style={{ display: 'block', marginTop: 120 }} />;
  if (!me) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  const pending = pendingStep(me);
  if (pending !== step) return <Navigate to={pending ? `${PENDING_PATHS[pending]}?next=${encodeURIComponent(target)}` : target} replace />;
  return null;
}

/** First login, an administrator's reset, or an expired password: a new password before anything else. */
export function PasswordStepPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const { data: me } = useMe();
  const navigate = useNavigate();
  const target = useNextTarget();
  const [done, setDone] = useState(false);
  const guard = useStepGuard('password');
  if (guard && !done) return guard;
  const expired = !!me?.security.passwordExpiresAt && dayjs(me.security.passwordExpiresAt).isBefore(dayjs());
  return (
    <StepFrame icon={<KeyOutlined />} title={t('securityStep.passwordTitle')}>
      <Alert type="warning" showIcon title={expired ? t('securityStep.passwordExpired') : t('securityStep.passwordFirst')} style={{ marginBottom: 16 }} />
      <ChangePasswordForm
        form={form}
        submitText={t('securityStep.passwordSubmit')}
        onDone={() => {
          // the me query was refetched: the guard of the next page decides between the second factor and the target
          setDone(true);
          navigate(target, { replace: true });
        }}
      />
    </StepFrame>
  );
}

/** The policy requires a second factor for this account: enrol it before anything else. */
export function TotpStepPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const target = useNextTarget();
  // Once enrolment has begun the page stays until the recovery codes are confirmed, whatever the me query says.
  const [started, setStarted] = useState(false);
  const guard = useStepGuard('totp');
  if (guard && !started) return guard;
  return (
    <StepFrame icon={<SafetyCertificateOutlined />} title={t('securityStep.totpTitle')}>
      <Alert type="info" showIcon title={t('securityStep.totpRequired')} style={{ marginBottom: 16 }} />
      <div onFocusCapture={() => setStarted(true)}>
        <TotpEnrolment
          onFinished={async () => {
            await qc.invalidateQueries({ queryKey: meKey });
            navigate(target, { replace: true });
          }}
        />
      </div>
    </StepFrame>
  );
}
