import { App, DatePicker, Form, Input, Modal, Select } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../../api/client';
import type { Campaign, Group } from '../../api/types';
import { useShowError } from '../../components/errors';
import { useDefaultUnit } from '../../components/useDefaultUnit';
import { UnitTreeSelect } from '../../components/UnitTreeSelect';
import { useMe } from '../../api/auth';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';

type Values = { unitId?: string; name: string; description?: string; dimensions: string[]; period: [Dayjs, Dayjs]; leadingGroupId?: string | null };

/** The dimensions the 四大专项行动 use (学·比·转·提); others can be typed. */
const SUGGESTED_DIMENSIONS = ['学', '比', '转', '提'];

export function CampaignFormModal({ campaign, onClose }: { campaign?: Campaign; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { data: me } = useMe();
  useDefaultUnit(form, 'unitId', !campaign);
  const groups = useQuery({
    queryKey: ['org', 'groups', 'leading'],
    queryFn: () => api.list<Group>('/api/org/groups', { type: 'leading', pageSize: 100 }),
    retry: false,
  });
  const m = useMutation({
    mutationFn: (v: Values) => {
      const body = {
        name: v.name,
        description: v.description || null,
        dimensions: v.dimensions ?? [],
        startDate: v.period[0].format('YYYY-MM-DD'),
        endDate: v.period[1].format('YYYY-MM-DD'),
        leadingGroupId: v.leadingGroupId || null,
      };
      return campaign
        ? api.patch<Campaign>(`/api/campaigns/${campaign.id}`, { ...body, version: campaign.version })
        : api.post<Campaign>('/api/campaigns', { ...body, unitId: v.unitId });
    },
    onSuccess: (c) => {
      void message.success(campaign ? t('common.saved') : t('campaign.created'));
      void qc.invalidateQueries({ queryKey: ['campaigns'] });
      onClose();
      if (!campaign) navigate(`/campaigns/${c.id}`);
    },
    onError: (e) => {
      showError(e, form);
      // the server names startDate/endDate; the form has one range field
      const fields = (e as { fields?: { field: string; message: string }[] }).fields ?? [];
      const dateErr = fields.find((f) => f.field === 'startDate' || f.field === 'endDate');
      if (dateErr) form.setFields([{ name: 'period', errors: [dateErr.message] }]);
    },
  });
  const submit = useGuardedSubmit(m);
  return (
    <Modal
      open
      title={campaign ? t('campaign.editTitle') : t('campaign.createTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ loading: m.isPending }}
      width={640}
      destroyOnHidden
    >
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={
          campaign
            ? {
                name: campaign.name,
                description: campaign.description ?? undefined,
                dimensions: campaign.dimensions,
                period: [dayjs(campaign.startDate), dayjs(campaign.endDate)],
                leadingGroupId: campaign.leadingGroupId,
              }
            : { unitId: me?.unit?.id, dimensions: SUGGESTED_DIMENSIONS, period: [dayjs().startOf('year'), dayjs().endOf('year')] }
        }
        onFinish={(v) => submit(v)}
      >
        <Form.Item name="name" label={t('campaign.name')} rules={[{ required: true, whitespace: true, message: t('campaign.nameRequired') }]}>
          <Input maxLength={200} placeholder={t('campaign.namePlaceholder')} />
        </Form.Item>
        {!campaign && (
          <Form.Item name="unitId" label={t('campaign.unit')} rules={[{ required: true, message: t('common.selectUnit') }]}>
            <UnitTreeSelect />
          </Form.Item>
        )}
        <Form.Item name="dimensions" label={t('campaign.dimensions')} extra={t('campaign.dimensionsHint')}>
          <Select mode="tags" options={SUGGESTED_DIMENSIONS.map((d) => ({ value: d, label: d }))} tokenSeparators={[',', '，', '、']} />
        </Form.Item>
        <Form.Item name="period" label={t('campaign.period')} rules={[{ required: true, message: t('campaign.periodRequired') }]}>
          <DatePicker.RangePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="leadingGroupId" label={t('campaign.leadingGroup')}>
          <Select
            allowClear
            loading={groups.isLoading}
            options={(groups.data?.data ?? []).map((g) => ({ value: g.id, label: `${g.name}（${g.unitName}）` }))}
            notFoundContent={t('campaign.noLeadingGroup')}
          />
        </Form.Item>
        <Form.Item name="description" label={t('campaign.description')}>
          <Input.TextArea rows={4} maxLength={5000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
