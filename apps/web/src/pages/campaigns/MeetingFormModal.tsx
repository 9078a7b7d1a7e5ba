import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Col, DatePicker, Form, Input, Modal, Row, Select, Space } from 'antd';
import { MEETING_TYPES } from '@luoshi/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../../api/client';
import type { Campaign, Meeting } from '../../api/types';
import { PersonSelect } from '../../components/PersonSelect';
import { useShowError } from '../../components/errors';
import { useDefaultUnit } from '../../components/useDefaultUnit';
import { UnitTreeSelect } from '../../components/UnitTreeSelect';
import { useMe } from '../../api/auth';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';

type Values = {
  unitId?: string;
  type: string;
  title: string;
  heldAt: Dayjs;
  place?: string;
  campaignId?: string | null;
  attendeeIds: string[];
  minutes?: string;
  decisions: { content: string }[];
};

export function MeetingFormModal({ meeting, onClose }: { meeting?: Meeting; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { data: me } = useMe();
  useDefaultUnit(form, 'unitId', !meeting);
  const campaigns = useQuery({
    queryKey: ['campaigns', 'options'],
    queryFn: () => api.list<Campaign>('/api/campaigns', { pageSize: 100, status: 'active' }),
  });
  const m = useMutation({
    mutationFn: (v: Values) => {
      const body = {
        type: v.type,
        title: v.title,
        heldAt: v.heldAt.format(),
        place: v.place || null,
        campaignId: v.campaignId || null,
        attendeeIds: v.attendeeIds ?? [],
        minutes: v.minutes || null,
        decisions: (v.decisions ?? []).map((d) => d.content).filter((s) => s && s.trim()),
      };
      return meeting ? api.patch<Meeting>(`/api/meetings/${meeting.id}`, { ...body, version: meeting.version }) : api.post<Meeting>('/api/meetings', { ...body, unitId: v.unitId });
    },
    onSuccess: (mt) => {
      void message.success(meeting ? t('common.saved') : t('meeting.created'));
      void qc.invalidateQueries({ queryKey: ['meetings'] });
      onClose();
      if (!meeting) navigate(`/meetings/${mt.id}`);
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <Modal
      open
      title={meeting ? t('meeting.editTitle') : t('meeting.createTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ loading: m.isPending }}
      width={760}
      destroyOnHidden
    >
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={
          meeting
            ? {
                type: meeting.type,
                title: meeting.title,
                heldAt: dayjs(meeting.heldAt),
                place: meeting.place ?? undefined,
                campaignId: meeting.campaignId,
                attendeeIds: meeting.attendees.map((a) => a.id),
                minutes: meeting.minutes ?? undefined,
                decisions: meeting.decisions.map((d) => ({ content: d.content })),
              }
            : { unitId: me?.unit?.id, type: 'weekly', heldAt: dayjs().minute(0).second(0), attendeeIds: [], decisions: [{ content: '' }] }
        }
        onFinish={(v) => submit(v)}
      >
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name="type" label={t('meeting.type')} rules={[{ required: true }]}>
              <Select options={Object.entries(MEETING_TYPES).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
          </Col>
          <Col span={16}>
            <Form.Item name="title" label={t('meeting.name')} rules={[{ required: true, whitespace: true, message: t('meeting.nameRequired') }]}>
              <Input maxLength={200} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="heldAt" label={t('meeting.heldAt')} rules={[{ required: true, message: t('meeting.heldAtRequired') }]}>
              <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="place" label={t('meeting.place')}>
              <Input maxLength={200} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="campaignId" label={t('meeting.campaign')}>
              <Select allowClear options={(campaigns.data?.data ?? []).map((c) => ({ value: c.id, label: c.name }))} />
            </Form.Item>
          </Col>
        </Row>
        {!meeting && (
          <Form.Item name="unitId" label={t('meeting.unit')} rules={[{ required: true, message: t('common.selectUnit') }]}>
            <UnitTreeSelect />
          </Form.Item>
        )}
        <Form.Item name="attendeeIds" label={t('meeting.attendees')}>
          <PersonSelect multiple initialOptions={meeting?.attendees.map((a) => ({ value: a.id, label: a.name }))} />
        </Form.Item>
        <Form.Item name="minutes" label={t('meeting.minutes')}>
          <Input.TextArea rows={5} maxLength={20000} />
        </Form.Item>
        <Form.Item label={t('meeting.decisions')}>
          <Form.List name="decisions">
            {(fields, { add, remove }) => (
              <Space orientation="vertical" style={{ width: '100%' }}>
                {fields.map((f, i) => (
                  <Space key={f.key} align="start" style={{ width: '100%' }}>
                    <span style={{ lineHeight: '32px', width: 24 }}>{i + 1}.</span>
                    <Form.Item name={[f.name, 'content']} style={{ margin: 0, width: 600 }}>
                      <Input maxLength={1000} placeholder={t('meeting.decisionPlaceholder')} />
                    </Form.Item>
                    <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={() => remove(f.name)} />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ content: '' })}>
                  {t('meeting.addDecision')}
                </Button>
              </Space>
            )}
          </Form.List>
        </Form.Item>
      </Form>
    </Modal>
  );
}
