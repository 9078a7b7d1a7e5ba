import { Alert, App, Button, Col, Form, InputNumber, Radio, Row, Space, Spin, Typography } from 'antd';
import { DEFAULT_SECURITY_POLICY, type SecurityPolicy } from '@luoshi/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { securityApi, securityKeys, useSecurityPolicy } from '../../api/security';
import { useShowError } from '../../components/errors';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import { fmtTime } from './shared';

type NumberField = Exclude<keyof SecurityPolicy, 'totp'>;

/** Each number of the policy with its bounds (those of the contract) and its unit. */
const NUMBERS: { name: NumberField; min: number; max: number; unit: string }[] = [
  { name: 'minLength', min: 8, max: 64, unit: 'chars' },
  { name: 'minClasses', min: 2, max: 4, unit: 'classes' },
  { name: 'historyCount', min: 0, max: 24, unit: 'times' },
  { name: 'maxAgeDays', min: 0, max: 365, unit: 'days' },
  { name: 'warnDays', min: 0, max: 30, unit: 'days' },
  { name: 'lockoutThreshold', min: 3, max: 10, unit: 'times' },
  { name: 'lockoutMinutes', min: 5, max: 1440, unit: 'minutes' },
  { name: 'sessionMaxHours', min: 1, max: 72, unit: 'hours' },
  { name: 'maxSessions', min: 1, max: 20, unit: 'sessions' },
];

const GROUPS: { title: string; fields: NumberField[] }[] = [
  { title: 'groupPassword', fields: ['minLength', 'minClasses', 'historyCount', 'maxAgeDays', 'warnDays'] },
  { title: 'groupLockout', fields: ['lockoutThreshold', 'lockoutMinutes'] },
  { title: 'groupSession', fields: ['sessionMaxHours', 'maxSessions'] },
];

/** The security administrator's password, lockout, second-factor and session policy. */
export function PolicyForm() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const q = useSecurityPolicy();
  const [form] = Form.useForm<SecurityPolicy>();
  const maxAge = Form.useWatch('maxAgeDays', form);
  useEffect(() => {
    if (q.data) form.setFieldsValue(q.data);
  }, [q.data, form]);
  const m = useMutation({
    mutationFn: (v: SecurityPolicy) => securityApi.savePolicy({ ...v, version: q.data!.version }),
    onSuccess: (r) => {
      qc.setQueryData(securityKeys.policy, r);
      void message.success(t('securityAdmin.policy.saved'));
    },
    onError: (e) => {
      showError(e, form);
      // someone saved in between: show their policy, the user decides again
      if (e instanceof ApiError && e.status === 409) void qc.invalidateQueries({ queryKey: securityKeys.policy });
    },
  });
  const submit = useGuardedSubmit(m);
  if (q.isLoading) return <Spin style={{ display: 'block', margin: '40px auto' }} />;
  if (q.error) return <Alert type="error" showIcon title={(q.error as Error).message} />;
  const field = (name: NumberField) => {
    const n = NUMBERS.find((x) => x.name === name)!;
    return (
      <Col xs={24} md={12} key={name}>
        <Form.Item
          name={name}
          label={t(`securityAdmin.policy.${name}`)}
          extra={t(`securityAdmin.policy.${name}Help`, { min: n.min, max: n.max, def: DEFAULT_SECURITY_POLICY[name] })}
          dependencies={name === 'warnDays' ? ['maxAgeDays'] : undefined}
          rules={[
            { required: true, type: 'integer', min: n.min, max: n.max, message: t('securityAdmin.policy.range', { min: n.min, max: n.max }) },
            // the warning starts within the lifetime of a password
            ...(name === 'warnDays'
              ? [
                  ({ getFieldValue }: { getFieldValue: (n: string) => unknown }) => ({
                    validator: (_: unknown, v: number) => {
                      const age = getFieldValue('maxAgeDays') as number;
                      return !age || v == null || v < age ? Promise.resolve() : Promise.reject(new Error(t('securityAdmin.policy.warnBelowAge')));
                    },
                  }),
                ]
              : []),
          ]}
        >
          <InputNumber
            min={n.min}
            max={n.max}
            precision={0}
            style={{ width: '100%', maxWidth: 260 }}
            suffix={t(`securityAdmin.policy.unit.${n.unit}`)}
            disabled={name === 'warnDays' && maxAge === 0}
          />
        </Form.Item>
      </Col>
    );
  };
  return (
    <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} style={{ maxWidth: 880 }}>
      {GROUPS.map((g) => (
        <div key={g.title}>
          <Typography.Title level={5}>{t(`securityAdmin.policy.${g.title}`)}</Typography.Title>
          <Row gutter={24}>{g.fields.map(field)}</Row>
        </div>
      ))}
      <Typography.Title level={5}>{t('securityAdmin.policy.groupTotp')}</Typography.Title>
      <Form.Item name="totp" extra={t('securityAdmin.policy.totpHelp')} rules={[{ required: true }]}>
        <Radio.Group
          style={{ display: 'flex', flexDirection: 'column', gap: 8 }}
          options={(['optional', 'privileged', 'everyone'] as const).map((k) => ({ value: k, label: t(`securityAdmin.policy.totpMode.${k}`) }))}
        />
      </Form.Item>
      <Space wrap style={{ marginTop: 8 }}>
        <Button type="primary" htmlType="submit" loading={m.isPending}>
          {t('common.save')}
        </Button>
        <Button onClick={() => form.setFieldsValue(DEFAULT_SECURITY_POLICY)}>{t('securityAdmin.policy.defaults')}</Button>
        {q.data && (
          <Typography.Text type="secondary">
            {t('securityAdmin.policy.updatedAt', { at: fmtTime(q.data.updatedAt), version: q.data.version })}
          </Typography.Text>
        )}
      </Space>
    </Form>
  );
}
