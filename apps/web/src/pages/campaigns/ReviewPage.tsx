import { App, Button, Card, Form, Input, Modal, Progress, Segmented, Space, Table, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { TaskReport } from '../../api/types';
import { useShowError } from '../../components/errors';
import { ExportButton } from '../../components/ExportButton';
import { usePagedList } from '../../components/usePagedList';
import { ReportFiles, ReportStatusTag, TaskDrawer } from './TaskDrawer';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';

type Decision = 'accept' | 'return';

function ReviewModal({ report, decision, onClose }: { report: TaskReport; decision: Decision; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ comment?: string }>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (comment?: string) =>
      api.post<TaskReport>(`/api/reports/${report.id}/review`, { version: report.version, decision, comment: comment?.trim() || null }),
    onSuccess: () => {
      void message.success(decision === 'accept' ? t('review.accepted') : t('review.returned'));
      void qc.invalidateQueries({ queryKey: ['reports'] });
      void qc.invalidateQueries({ queryKey: ['tasks'] });
      void qc.invalidateQueries({ queryKey: ['campaigns'] });
      void qc.invalidateQueries({ queryKey: ['home'] });
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <Modal
      open
      title={decision === 'accept' ? t('review.acceptTitle') : t('review.returnTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={decision === 'accept' ? t('review.confirmAccept') : t('review.confirmReturn')}
      okButtonProps={{ loading: m.isPending, danger: decision === 'return' }}
      destroyOnHidden
    >
      <Typography.Paragraph>
        {report.taskTitle} · {report.periodLabel} · {t('review.percentN', { n: report.percent })}
      </Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(v) => submit(v.comment)}>
        <Form.Item
          name="comment"
          label={t('review.comment')}
          rules={decision === 'return' ? [{ required: true, whitespace: true, message: t('review.commentRequired') }] : []}
        >
          <Input.TextArea rows={4} maxLength={2000} placeholder={decision === 'accept' ? t('review.commentOptional') : t('review.commentReturn')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 进展审核: the reports waiting for the caller's unit; accept, or return with a comment. */
export function ReviewPage() {
  const { t } = useTranslation();
  const [view, setView] = useState<'todo' | 'done'>('todo');
  const [acting, setActing] = useState<{ report: TaskReport; decision: Decision } | null>(null);
  const [viewing, setViewing] = useState<string | null>(null);
  const filters = view === 'todo' ? { toReview: 'true', sort: 'submittedAt' } : { sort: '-submittedAt' };
  const { query, rows, pagination, resetPage } = usePagedList<TaskReport>(['reports', 'review'], '/api/reports', filters);
  return (
    <Card>
      <h2 className="page-title">{t('review.title')}</h2>
      <div className="toolbar">
        <Segmented
          value={view}
          onChange={(v) => {
            setView(v as 'todo' | 'done');
            resetPage();
          }}
          options={[
            { value: 'todo', label: t('review.todo') },
            { value: 'done', label: t('review.all') },
          ]}
        />
        <ExportButton url={'/api/reports/export'} filters={filters} fallbackName="进展报送.xlsx" />
      </div>
      <Table<TaskReport>
        rowKey="id"
        loading={query.isFetching}
        dataSource={rows}
        pagination={pagination}
        scroll={{ x: 1000 }}
        locale={{ emptyText: query.error ? (query.error as Error).message : view === 'todo' ? t('review.emptyTodo') : t('review.empty') }}
        columns={[
          {
            title: t('review.task'),
            dataIndex: 'taskTitle',
            width: 220,
            render: (v: string, r) => <Typography.Link onClick={() => setViewing(r.taskId)}>{v}</Typography.Link>,
          },
          { title: t('review.period'), dataIndex: 'periodLabel', width: 110 },
          {
            title: t('review.content'),
            dataIndex: 'content',
            render: (v: string, r) => (
              <div>
                <Typography.Paragraph ellipsis={{ rows: 3, expandable: true, symbol: t('common.more') }} style={{ marginBottom: 4, whiteSpace: 'pre-wrap' }}>
                  {v}
                </Typography.Paragraph>
                <ReportFiles report={r} />
              </div>
            ),
          },
          { title: t('review.percent'), dataIndex: 'percent', width: 130, render: (p: number) => <Progress percent={p} size="small" /> },
          {
            title: t('review.submitter'),
            dataIndex: 'submittedByName',
            width: 150,
            render: (v: string, r) => (
              <Space orientation="vertical" size={0}>
                <span>{v}</span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {dayjs(r.submittedAt).format('YYYY-MM-DD HH:mm')}
                </Typography.Text>
              </Space>
            ),
          },
          { title: t('review.status'), dataIndex: 'status', width: 90, render: (s: TaskReport['status']) => <ReportStatusTag status={s} /> },
          {
            title: t('common.actions'),
            width: 130,
            fixed: 'right',
            render: (_, r) =>
              r.status === 'submitted' ? (
                <Space size={0}>
                  <Button type="link" size="small" onClick={() => setActing({ report: r, decision: 'accept' })}>
                    {t('review.accept')}
                  </Button>
                  <Button type="link" size="small" danger onClick={() => setActing({ report: r, decision: 'return' })}>
                    {t('review.return')}
                  </Button>
                </Space>
              ) : (
                <Typography.Text type="secondary">{r.reviewComment ?? '—'}</Typography.Text>
              ),
          },
        ]}
      />
      {acting && <ReviewModal report={acting.report} decision={acting.decision} onClose={() => setActing(null)} />}
      <TaskDrawer taskId={viewing} onClose={() => setViewing(null)} />
    </Card>
  );
}
