import { EditOutlined } from '@ant-design/icons';
import { App, Breadcrumb, Button, Card, DatePicker, Descriptions, Empty, Form, Modal, Select, Space, Spin, Table, Tag, Typography } from 'antd';
import { MEETING_TYPES, REPORT_CYCLES } from '@luoshi/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useCan } from '../../api/auth';
import { api } from '../../api/client';
import type { Campaign, Meeting, Task } from '../../api/types';
import { PersonSelect } from '../../components/PersonSelect';
import { UnitTreeSelect } from '../../components/UnitTreeSelect';
import { useShowError } from '../../components/errors';
import { MeetingFormModal } from './MeetingFormModal';
import { TaskDrawer } from './TaskDrawer';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';

type Decision = Meeting['decisions'][number];
type ToTaskValues = { leadUnitId: string; deadline: Dayjs; responsiblePersonId?: string | null; reportCycle: string; campaignId?: string | null };

function DecisionToTaskModal({ meeting, decision, onClose }: { meeting: Meeting; decision: Decision; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ToTaskValues>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const leadUnitId = Form.useWatch('leadUnitId', form);
  const campaigns = useQuery({
    queryKey: ['campaigns', 'options'],
    queryFn: () => api.list<Campaign>('/api/campaigns', { pageSize: 100, status: 'active' }),
  });
  const m = useMutation({
    mutationFn: (v: ToTaskValues) =>
      api.post<Task>(`/api/meetings/${meeting.id}/decisions/${decision.id}/task`, {
        leadUnitId: v.leadUnitId,
        deadline: v.deadline.format('YYYY-MM-DD'),
        responsiblePersonId: v.responsiblePersonId || null,
        reportCycle: v.reportCycle,
        campaignId: v.campaignId || null,
      }),
    onSuccess: () => {
      void message.success(t('meeting.toTaskDone'));
      void qc.invalidateQueries({ queryKey: ['meetings'] });
      void qc.invalidateQueries({ queryKey: ['tasks'] });
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <Modal open title={t('meeting.toTaskTitle')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: m.isPending }} destroyOnHidden>
      <Typography.Paragraph>
        {decision.seq}. {decision.content}
      </Typography.Paragraph>
      <Form<ToTaskValues>
        form={form}
        layout="vertical"
        initialValues={{ reportCycle: 'none', campaignId: meeting.campaignId, deadline: dayjs().add(1, 'month') }}
        onFinish={(v) => submit(v)}
      >
        <Form.Item name="leadUnitId" label={t('task.leadUnit')} rules={[{ required: true, message: t('task.leadUnitRequired') }]}>
          <UnitTreeSelect />
        </Form.Item>
        <Form.Item name="responsiblePersonId" label={t('task.responsible')}>
          <PersonSelect unitId={leadUnitId} />
        </Form.Item>
        <Form.Item name="deadline" label={t('task.deadline')} rules={[{ required: true, message: t('task.deadlineRequired') }]}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="reportCycle" label={t('task.cycle')}>
          <Select options={Object.entries(REPORT_CYCLES).map(([value, label]) => ({ value, label }))} />
        </Form.Item>
        <Form.Item name="campaignId" label={t('meeting.campaign')} extra={t('meeting.campaignHint')}>
          <Select allowClear options={(campaigns.data?.data ?? []).map((c) => ({ value: c.id, label: c.name }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function MeetingDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const canWrite = useCan('campaigns:meeting:write');
  const canTask = useCan('campaigns:task:write');
  const [editing, setEditing] = useState(false);
  const [converting, setConverting] = useState<Decision | null>(null);
  const [viewing, setViewing] = useState<string | null>(null);
  const meeting = useQuery({ queryKey: ['meetings', 'detail', id], queryFn: () => api.get<Meeting>(`/api/meetings/${id}`) });
  if (meeting.isLoading) return <Spin />;
  if (!meeting.data) {
    return (
      <Card>
        <Empty description={(meeting.error as Error | null)?.message ?? t('common.notFound')} />
      </Card>
    );
  }
  const mt = meeting.data;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Breadcrumb items={[{ title: <Link to="/meetings">{t('nav.meetings')}</Link> }, { title: mt.title }]} />
      <Card
        title={
          <Space>
            {mt.title}
            <Tag color="blue">{MEETING_TYPES[mt.type]}</Tag>
          </Space>
        }
        extra={
          canWrite && (
            <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
              {t('common.edit')}
            </Button>
          )
        }
      >
        <Descriptions column={3} size="small">
          <Descriptions.Item label={t('meeting.heldAt')}>{dayjs(mt.heldAt).format('YYYY-MM-DD HH:mm')}</Descriptions.Item>
          <Descriptions.Item label={t('meeting.place')}>{mt.place ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('meeting.unit')}>{mt.unitName}</Descriptions.Item>
          <Descriptions.Item label={t('meeting.attendees')} span={3}>
            {mt.attendees.length ? mt.attendees.map((a) => <Tag key={a.id}>{a.name}</Tag>) : '—'}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={t('meeting.minutes')}>
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{mt.minutes || t('meeting.noMinutes')}</Typography.Paragraph>
      </Card>
      <Card title={t('meeting.decisions')}>
        <Table<Decision>
          rowKey="id"
          size="middle"
          pagination={false}
          dataSource={mt.decisions}
          locale={{ emptyText: t('meeting.noDecisions') }}
          columns={[
            { title: t('meeting.seq'), dataIndex: 'seq', width: 70 },
            { title: t('meeting.decision'), dataIndex: 'content' },
            {
              title: t('common.actions'),
              width: 140,
              render: (_, d) =>
                d.taskId ? (
                  <Button type="link" size="small" onClick={() => setViewing(d.taskId)}>
                    {t('meeting.viewTask')}
                  </Button>
                ) : (
                  canTask && (
                    <Button type="link" size="small" onClick={() => setConverting(d)}>
                      {t('meeting.toTask')}
                    </Button>
                  )
                ),
            },
          ]}
        />
      </Card>
      {editing && <MeetingFormModal meeting={mt} onClose={() => setEditing(false)} />}
      {converting && <DecisionToTaskModal meeting={mt} decision={converting} onClose={() => setConverting(null)} />}
      <TaskDrawer taskId={viewing} onClose={() => setViewing(null)} />
    </Space>
  );
}
