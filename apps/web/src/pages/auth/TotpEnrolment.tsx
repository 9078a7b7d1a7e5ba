import { CopyOutlined, DownloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Checkbox, Form, Input, Space, Steps, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { authApi, authKeys, useMe, type TotpSetup } from '../../api/auth';
import { useShowError } from '../../components/errors';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import { copyText, downloadText } from '../security/shared';

/** The code field of every second-factor form: six digits from the app, or a recovery code when `recovery`. */
export function OtpInput(props: { recovery?: boolean; value?: string; onChange?: (v: string) => void; autoFocus?: boolean; id?: string }) {
  const { t } = useTranslation();
  return (
    <Input
      id={props.id}
      value={props.value}
      onChange={(e) => props.onChange?.(props.recovery ? e.target.value : e.target.value.replace(/\D/g, ''))}
      autoFocus={props.autoFocus}
      inputMode={props.recovery ? 'text' : 'numeric'}
      autoComplete="one-time-code"
      maxLength={props.recovery ? 20 : 6}
      placeholder={props.recovery ? 'xxxxx-xxxxx' : t('totp.codePlaceholder')}
      className="otp-input"
    />
  );
}

export const otpRules = (t: (k: string) => string, recovery = false) => [
  { required: true, message: recovery ? t('totp.recoveryRequired') : t('totp.codeRequired') },
  ...(recovery ? [] : [{ pattern: /^\d{6}$/, message: t('totp.codeRule') }]),
];

/** Ten one-time codes, shown once: copy, download as .txt, and confirm they are kept before going on. */
export function RecoveryCodesPanel({ codes, onDone, doneText }: { codes: string[]; onDone: () => void; doneText?: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { data: me } = useMe();
  const [saved, setSaved] = useState(false);
  const username = me?.user.username ?? '';
  const text = [
    t('totp.codesFileTitle', { username }),
    t('totp.codesFileCreated', { at: dayjs().format('YYYY-MM-DD HH:mm') }),
    t('totp.codesFileHint'),
    '',
    ...codes,
    '',
  ].join('\n');
  return (
    <div>
      <Alert type="warning" showIcon title={t('totp.codesTitle')} description={t('totp.codesHint')} style={{ marginBottom: 16 }} />
      <ol className="recovery-codes" aria-label={t('totp.codesTitle')}>
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <Space wrap style={{ marginBottom: 16 }}>
        <Button
          icon={<CopyOutlined />}
          onClick={async () => ((await copyText(codes.join('\n'))) ? void message.success(t('totp.copied')) : void message.error(t('totp.copyFailed')))}
        >
          {t('totp.copy')}
        </Button>
        <Button icon={<DownloadOutlined />} onClick={() => downloadText(t('totp.codesFileName', { username }), text)}>
          {t('totp.download')}
        </Button>
      </Space>
      <div style={{ marginBottom: 16 }}>
        <Checkbox checked={saved} onChange={(e) => setSaved(e.target.checked)}>
          {t('totp.savedCheck')}
        </Checkbox>
      </div>
      <Button type="primary" block disabled={!saved} onClick={onDone}>
        {doneText ?? t('totp.done')}
      </Button>
    </div>
  );
}

/** The base32 secret in groups of four, easier to type into an app that cannot scan. */
const groupSecret = (s: string) => s.replace(/(.{4})/g, '$1 ').trim();

/**
 * Enrols the authenticator app: confirm the password, scan the QR code (or type the secret), confirm with a code,
 * then keep the recovery codes. The caller decides what happens after (the forced step goes on into the app).
 */
export function TotpEnrolment({ onFinished, onCancel, onEnabled }: { onFinished: () => void; onCancel?: () => void; onEnabled?: () => void }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const qc = useQueryClient();
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [pwdForm] = Form.useForm<{ password: string }>();
  const [codeForm] = Form.useForm<{ code: string }>();
  const start = useMutation({
    mutationFn: (v: { password: string }) => authApi.totpSetup(v.password),
    onSuccess: (s) => setSetup(s),
    onError: (e) => showError(e, pwdForm),
  });
  const enable = useMutation({
    mutationFn: (v: { code: string }) => authApi.totpEnable(v.code.trim()),
    onSuccess: (r) => {
      setCodes(r.codes);
      void qc.invalidateQueries({ queryKey: authKeys.totp });
      onEnabled?.();
    },
    onError: (e) => {
      showError(e, codeForm);
      codeForm.setFieldValue('code', '');
    },
  });
  const submitStart = useGuardedSubmit(start);
  const submitEnable = useGuardedSubmit(enable);
  const step = codes ? 2 : setup ? 1 : 0;

  return (
    <div className="totp-enrolment">
      <Steps
        size="small"
        current={step}
        responsive={false}
        titlePlacement="vertical"
        style={{ marginBottom: 20 }}
        items={[{ title: t('totp.stepPassword') }, { title: t('totp.stepScan') }, { title: t('totp.stepCodes') }]}
      />
      {step === 0 && (
        <Form form={pwdForm} layout="vertical" onFinish={submitStart} requiredMark={false}>
          <Typography.Paragraph type="secondary">{t('totp.intro')}</Typography.Paragraph>
          <Form.Item name="password" label={t('totp.password')} rules={[{ required: true, message: t('login.passwordRequired') }]}>
            <Input.Password autoComplete="current-password" autoFocus />
          </Form.Item>
          <Space>
            {onCancel && <Button onClick={onCancel}>{t('common.cancel')}</Button>}
            <Button type="primary" htmlType="submit" loading={start.isPending}>
              {t('totp.next')}
            </Button>
          </Space>
        </Form>
      )}
      {step === 1 && setup && (
        <div>
          <Typography.Paragraph>{t('totp.scanHint')}</Typography.Paragraph>
          <div className="totp-qr">
            <img src={setup.qrDataUrl} alt={t('totp.qrAlt')} width={200} height={200} />
          </div>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>
            {t('totp.manualHint')}
          </Typography.Paragraph>
          <div className="totp-secret">
            <Typography.Text code copyable={{ text: setup.secret }} aria-label={t('totp.secret')} data-secret={setup.secret}>
              {groupSecret(setup.secret)}
            </Typography.Text>
          </div>
          <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
            {t('totp.manualParams')}
          </Typography.Paragraph>
          <Form form={codeForm} layout="vertical" onFinish={submitEnable} requiredMark={false}>
            <Form.Item name="code" label={t('totp.confirmCode')} rules={otpRules(t)}>
              <OtpInput autoFocus />
            </Form.Item>
            <Space>
              {onCancel && <Button onClick={onCancel}>{t('common.cancel')}</Button>}
              <Button type="primary" htmlType="submit" loading={enable.isPending}>
                {t('totp.enable')}
              </Button>
            </Space>
          </Form>
        </div>
      )}
      {step === 2 && codes && <RecoveryCodesPanel codes={codes} onDone={onFinished} />}
    </div>
  );
}
