import { PaperClipOutlined } from '@ant-design/icons';
import { App, Button, Descriptions, Drawer, Empty, Popconfirm, Space, Spin, Steps, Tag, Timeline, Typography } from 'antd';
import { REPORT_STATUSES, TASK_STATUSES } from '@luoshi/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../api/auth';
import { api, download } from '../../api/client';
import { listReports } from '../../api/campaigns';
import type { Task, TaskReport } from '../../api/types';
import { useShowError } from '../../components/errors';
import { TaskFormModal } from './TaskFormModal';
import { cycleLabel, DeadlineCell, ProgressCell, TaskFlags } from './TaskTreeTable';

const REPORT_COLORS = { submitted: 'processing', accepted: 'success', returned: 'error' } as const;

export function ReportStatusTag({ status }: { status: TaskReport['status'] }) {
  return <Tag color={REPORT_COLORS[status]}>{REPORT_STATUSES[status]}</Tag>;
}

export function ReportFiles({ report }: { report: TaskReport }) {
  if (!report.files.length) return null;
  return (
    <Space wrap size={4}>
      {report.files.map((f) => (
        <Button
          key={f.id}
          type="link"
          size="small"
          icon={<PaperClipOutlined />}
          onClick={() => void download(`/api/reports/${report.id}/files/${f.id}`, f.name)}
        >
          {f.name}
        </Button>
      ))}
    </Space>
  );
}

/** One task: what it asks, who answers for it (明责→履责→督责→考责→问责), and its reports. */
export function TaskDrawer({ taskId, onClose }: { taskId: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const canWrite = useCan('campaigns:task:write');
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const task = useQuery({ queryKey: ['tasks', 'detail', taskId], queryFn: () => api.get<Task>(`/api/tasks/${taskId}`), enabled: !!taskId });
  const reports = useQuery({
    queryKey: ['reports', 'task', taskId],
    queryFn: () => listReports({ taskId: taskId!, pageSize: 100, sort: '-submittedAt' }),
    enabled: !!taskId,
  });
  const finish = useMutation({
    mutationFn: (tk: Task) => api.patch<Task>(`/api/tasks/${tk.id}`, { version: tk.version, status: tk.status === 'done' ? 'in_progress' : 'done' }),
    onSuccess: () => {
      void message.success(t('common.saved'));
      void qc.invalidateQueries({ queryKey: ['tasks'] });
      void qc.invalidateQueries({ queryKey: ['campaigns'] });
    },
    onError: (e) => showError(e),
  });
  const tk = task.data;
  const list = reports.data?.data ?? [];
  const accepted = list.filter((r) => r.status === 'accepted').length;
  return (
    <Drawer
      open={!!taskId}
      onClose={onClose}
      size={720}
      title={t('task.detailTitle')}
      extra={
        tk &&
        canWrite && (
          <Space>
            <Button onClick={() => setEditing(true)}>{t('common.edit')}</Button>
            <Popconfirm
              title={tk.status === 'done' ? t('task.reopenConfirm') : t('task.finishConfirm')}
              onConfirm={() => finish.mutate(tk)}
            >
              <Button loading={finish.isPending}>{tk.status === 'done' ? t('task.reopen') : t('task.finish')}</Button>
            </Popconfirm>
          </Space>
        )
      }
    >
      {task.isLoading && <Spin />}
      {task.error && <Empty description={(task.error as Error).message} />}
      {tk && (
        <>
          <Typography.Title level={5} style={{ marginTop: 0 }}>
            {tk.title} <TaskFlags task={tk} />
          </Typography.Title>
          <Descriptions column={2} size="small" bordered styles={{ label: { width: 100, whiteSpace: 'nowrap' } }}>
            <Descriptions.Item label={t('task.campaign')}>{tk.campaignName ?? `${t('task.keyList')}（${tk.year}）`}</Descriptions.Item>
            <Descriptions.Item label={t('task.dimension')}>{tk.dimension ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('task.leadUnit')}>{tk.leadUnitName}</Descriptions.Item>
            <Descriptions.Item label={t('task.coUnits')}>{tk.coUnits.map((u) => u.name).join('、') || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('task.responsible')}>{tk.responsiblePersonName ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('task.status')}>{TASK_STATUSES[tk.status]}</Descriptions.Item>
            <Descriptions.Item label={t('task.startDate')}>{tk.startDate}</Descriptions.Item>
            <Descriptions.Item label={t('task.deadline')}>
              <DeadlineCell task={tk} />
            </Descriptions.Item>
            <Descriptions.Item label={t('task.cycle')}>{cycleLabel(tk.reportCycle)}</Descriptions.Item>
            <Descriptions.Item label={t('task.progress')}>
              <ProgressCell task={tk} />
            </Descriptions.Item>
            <Descriptions.Item label={t('task.evidence')} span={2}>
              {tk.evidenceRequired ?? '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('task.description')} span={2}>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{tk.description ?? '—'}</Typography.Paragraph>
            </Descriptions.Item>
          </Descriptions>

          <Typography.Title level={5}>{t('task.chain')}</Typography.Title>
          <Steps
            size="small"
            current={tk.status === 'done' ? 3 : list.length ? (accepted ? 2 : 1) : 0}
            status={tk.overdue || tk.missingReports.length ? 'error' : undefined}
            items={[
              { title: t('task.chain1'), content: tk.responsiblePersonName ?? tk.leadUnitName },
              { title: t('task.chain2'), content: t('task.chainReports', { n: list.length }) },
              { title: t('task.chain3'), content: t('task.chainAccepted', { n: accepted }) },
              { title: t('task.chain4'), content: `${tk.progress}%` },
              { title: t('task.chain5'), content: tk.overdue ? t('task.overdue') : '—' },
            ]}
          />

          <Typography.Title level={5} style={{ marginTop: 24 }}>
            {t('task.reports')}
          </Typography.Title>
          {reports.isLoading ? (
            <Spin />
          ) : list.length === 0 ? (
            <Empty description={t('report.none')} />
          ) : (
            <Timeline
              items={list.map((r) => ({
                color: r.status === 'accepted' ? 'green' : r.status === 'returned' ? 'red' : 'blue',
                content: (
                  <div>
                    <Space wrap>
                      <strong>{r.periodLabel}</strong>
                      <ReportStatusTag status={r.status} />
                      <span>{r.percent}%</span>
                      <Typography.Text type="secondary">
                        {r.submittedByName} · {dayjs(r.submittedAt).format('YYYY-MM-DD HH:mm')}
                      </Typography.Text>
                    </Space>
                    <div style={{ whiteSpace: 'pre-wrap', margin: '4px 0' }}>{r.content}</div>
                    <ReportFiles report={r} />
                    {r.reviewComment && (
                      <Typography.Text type={r.status === 'returned' ? 'danger' : 'secondary'}>
                        {t('report.reviewComment')}：{r.reviewComment}（{r.reviewedByName}）
                      </Typography.Text>
                    )}
                  </div>
                ),
              }))}
            />
          )}
          {editing && <TaskFormModal task={tk} campaignId={tk.campaignId} onClose={() => setEditing(false)} />}
        </>
      )}
    </Drawer>
  );
}
