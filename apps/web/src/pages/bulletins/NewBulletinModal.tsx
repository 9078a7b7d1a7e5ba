import { Alert, App, Form, Input, Modal, Radio, Select, Space, Steps, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { bulletinKeys, bulletinUrls, useBulletinTemplates, type Bulletin, type BulletinTemplate } from '../../api/bulletins';
import { api } from '../../api/client';
import { useShowError } from '../../components/errors';
import { UnitTreeSelect } from '../../components/UnitTreeSelect';
import { useDefaultUnit } from '../../components/useDefaultUnit';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import { PeriodPicker, periodKeyOf, type PeriodKind } from './PeriodPicker';

type Values = { periodKey: string; scopeUnitId: string; unitIds?: string[]; measure?: string; reason?: string };

const kindsOf = (tpl: BulletinTemplate): PeriodKind[] =>
  tpl.periodKind === 'any' ? ['month', 'quarter', 'half', 'year'] : [tpl.periodKind];

/** 新建通报: pick a template, then the period and the scope unit (and for 表扬/批评 the units, or a measure to prefill them). */
export function NewBulletinModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const templates = useBulletinTemplates();
  const [step, setStep] = useState(0);
  const [code, setCode] = useState<string>();
  const [form] = Form.useForm<Values>();
  useDefaultUnit(form, 'scopeUnitId', step === 1);
  const tpl = templates.data?.data.find((x) => x.code === code);
  const create = useMutation({
    mutationFn: (v: Values) =>
      api.post<Bulletin>(bulletinUrls.list, {
        template: code,
        periodKey: v.periodKey,
        scopeUnitId: v.scopeUnitId,
        unitIds: v.unitIds?.length ? v.unitIds : undefined,
        measure: v.unitIds?.length ? undefined : v.measure,
        reason: v.reason?.trim() || undefined,
      }),
    onSuccess: (b) => {
      void qc.invalidateQueries({ queryKey: bulletinKeys.all });
      void message.success(t('bulletins.new.created'));
      navigate(`/bulletins/${b.id}`);
    },
    onError: (e: Error) => showError(e),
  });
  const submit = useGuardedSubmit(create);
  const pickTemplate = (c: string) => {
    setCode(c);
    const x = templates.data?.data.find((y) => y.code === c);
    if (x) {
      const k = kindsOf(x)[0];
      const base = k === 'week' ? dayjs().subtract(1, 'week') : k === 'half' ? dayjs().subtract(6, 'month') : k === 'quarter' ? dayjs().subtract(3, 'month') : dayjs().subtract(1, 'month');
      form.setFieldsValue({ periodKey: periodKeyOf(k, base, base.month() < 6 ? 1 : 2), measure: 'tasks' });
    }
  };
  return (
    <Modal
      open
      width={720}
      title={t('bulletins.new.title')}
      onCancel={onClose}
      okText={step === 0 ? t('bulletins.new.next') : t('bulletins.new.create')}
      okButtonProps={{ disabled: !code, loading: create.isPending }}
      cancelText={step === 0 ? t('common.cancel') : t('bulletins.new.back')}
      cancelButtonProps={{ onClick: () => (step === 0 ? onClose() : setStep(0)) }}
      onOk={() => (step === 0 ? setStep(1) : form.validateFields().then(submit))}
      destroyOnHidden
    >
      <Steps size="small" current={step} style={{ marginBottom: 24 }} items={[{ title: t('bulletins.new.stepTemplate') }, { title: t('bulletins.new.stepData') }]} />
      {step === 0 && (
        <Radio.Group value={code} onChange={(e) => pickTemplate(e.target.value)} style={{ width: '100%' }}>
          <Space direction="vertical" style={{ width: '100%' }}>
            {(templates.data?.data ?? []).map((x) => (
              <Radio key={x.code} value={x.code}>
                <Typography.Text strong>{x.name}</Typography.Text>
                <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                  {x.description}
                </Typography.Text>
              </Radio>
            ))}
          </Space>
        </Radio.Group>
      )}
      {step === 1 && tpl && (
        <Form form={form} layout="vertical" preserve>
          <Form.Item name="periodKey" label={t('bulletins.field.period')} rules={[{ required: true }]}>
            <PeriodPicker kinds={kindsOf(tpl)} />
          </Form.Item>
          <Form.Item name="scopeUnitId" label={t('bulletins.field.scope')} rules={[{ required: true, message: t('common.selectUnit') }]} extra={t('bulletins.new.scopeHint')}>
            <UnitTreeSelect />
          </Form.Item>
          {tpl.picksUnits && (
            <>
              <Form.Item name="unitIds" label={t('bulletins.new.units')} extra={t('bulletins.new.unitsHint')}>
                <UnitTreeSelect multiple allowClear />
              </Form.Item>
              <Form.Item name="measure" label={t('bulletins.new.measure')}>
                <Select
                  options={['tasks', 'points', 'platform'].map((m) => ({ value: m, label: t(`bulletins.measure.${m}.${tpl.code === 'commendation' ? 'top' : 'bottom'}`) }))}
                />
              </Form.Item>
              <Form.Item name="reason" label={t('bulletins.new.reason')}>
                <Input.TextArea rows={2} maxLength={2000} placeholder={t('bulletins.new.reasonHint')} />
              </Form.Item>
            </>
          )}
          {tpl.code === 'weekly_study' && <Alert type="info" showIcon message={t('bulletins.new.weeklyHint')} />}
        </Form>
      )}
    </Modal>
  );
}
