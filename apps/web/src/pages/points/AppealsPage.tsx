import { App, Button, Card, Descriptions, Form, Input, Modal, Radio, Segmented, Table, Tag, Typography } from 'antd';
import { APPEAL_STATUSES } from '@luoshi/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCan } from '../../api/auth';
import { api } from '../../api/client';
import { pointsKeys, pointsUrls, type PointAppeal } from '../../api/points';
import { useShowError } from '../../components/errors';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import { ExportButton } from '../../components/ExportButton';
import { usePagedList } from '../../components/usePagedList';
import { UnitFilter } from '../../components/UnitTreeSelect';
import { Pts } from './shared';

const STATUS_COLORS: Record<PointAppeal['status'], string> = { pending: 'processing', upheld: 'success', dismissed: 'default' };
type Values = { uphold: boolean; decision: string };

/** 裁定: 支持 books a reversal of the line; 驳回 leaves it. Either way the decision is written down. */
function DecideModal({ appeal, onClose }: { appeal: PointAppeal; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const uphold = Form.useWatch('uphold', form);
  const m = useMutation({
    mutationFn: (v: Values) => api.post<PointAppeal>(`${pointsUrls.appeal(appeal.id)}/decide`, { ...v, version: appeal.version }),
    onSuccess: (a) => {
      void message.success(a.status === 'upheld' ? t('points.appeals.upheldDone') : t('points.appeals.dismissedDone'));
      void qc.invalidateQueries({ queryKey: pointsKeys.all });
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <Modal open width={640} title={t('points.appeals.decideTitle')} onCancel={onClose} onOk={() => form.submit()} okText={t('points.appeals.confirm')} okButtonProps={{ loading: m.isPending, danger: uphold === false }} destroyOnHidden>
      <Descriptions column={1} size="small" bordered style={{ marginBottom: 16 }} styles={{ label: { width: 100 } }}>
        <Descriptions.Item label={t('points.appeals.subject')}>
          {appeal.subjectName}（{appeal.unitName}）
        </Descriptions.Item>
        <Descriptions.Item label={t('points.appeals.event')}>
          <Link to={`/points/events?id=${appeal.eventId}`}>#{appeal.eventId}</Link> {appeal.occurredOn} {appeal.item} <Pts value={appeal.points} strong />
        </Descriptions.Item>
        <Descriptions.Item label={t('points.appeals.reason')}>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{appeal.reason}</Typography.Paragraph>
        </Descriptions.Item>
        <Descriptions.Item label={t('points.appeals.by')}>
          {appeal.createdByName ?? '—'} {dayjs(appeal.createdAt).format('YYYY-MM-DD HH:mm')}
        </Descriptions.Item>
      </Descriptions>
      <Form<Values> form={form} layout="vertical" onFinish={(v) => submit(v)}>
        <Form.Item name="uphold" label={t('points.appeals.ruling')} rules={[{ required: true, message: t('points.appeals.rulingRequired') }]}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={[
              { value: true, label: t('points.appeals.uphold') },
              { value: false, label: t('points.appeals.dismiss') },
            ]}
          />
        </Form.Item>
        {uphold === true && <Typography.Paragraph type="secondary">{t('points.appeals.upholdHint', { points: appeal.points })}</Typography.Paragraph>}
        <Form.Item name="decision" label={t('points.appeals.decision')} rules={[{ required: true, whitespace: true, min: 2, message: t('points.appeals.decisionRequired') }]}>
          <Input.TextArea rows={4} maxLength={2000} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 申诉: appeals against ledger lines, and their rulings. */
export function AppealsPage() {
  const { t } = useTranslation();
  const canDecide = useCan('points:appeal:decide');
  const [status, setStatus] = useState<string>('pending');
  const [unitId, setUnitId] = useState<string | undefined>();
  const [deciding, setDeciding] = useState<PointAppeal | null>(null);
  const { query, rows, pagination, resetPage } = usePagedList<PointAppeal>(pointsKeys.appeals, pointsUrls.appeals, {
    status: status === 'all' ? undefined : status,
    unitId,
    sort: status === 'pending' ? 'createdAt' : '-createdAt',
  });
  return (
    <Card>
      <h2 className="page-title">{t('points.appeals.title')}</h2>
      <div className="toolbar">
        <Segmented
          value={status}
          onChange={(v) => {
            setStatus(v as string);
            resetPage();
          }}
          options={[...Object.entries(APPEAL_STATUSES).map(([value, label]) => ({ value, label })), { value: 'all', label: t('points.appeals.all') }]}
        />
        <UnitFilter value={unitId} onChange={setUnitId} resetPage={resetPage} />
        <ExportButton url={`${pointsUrls.appeals}/export`} filters={{ status: status === 'all' ? undefined : status, unitId, sort: status === 'pending' ? 'createdAt' : '-createdAt' }} fallbackName="积分申诉.xlsx" />
      </div>
      <Table<PointAppeal>
        rowKey="id"
        loading={query.isFetching}
        dataSource={rows}
        pagination={pagination}
        locale={{ emptyText: query.error ? (query.error as Error).message : t('points.appeals.empty') }}
        columns={[
          { title: t('points.appeals.subject'), dataIndex: 'subjectName', width: 160 },
          {
            title: t('points.appeals.event'),
            key: 'e',
            render: (_, a) => (
              <>
                <Link to={`/points/events?id=${a.eventId}`}>#{a.eventId}</Link> {a.item}
              </>
            ),
          },
          { title: t('points.event.points'), dataIndex: 'points', width: 80, align: 'right', render: (v: string) => <Pts value={v} strong /> },
          { title: t('points.appeals.reason'), dataIndex: 'reason', ellipsis: true },
          { title: t('points.appeals.status'), dataIndex: 'status', width: 90, render: (v: PointAppeal['status']) => <Tag color={STATUS_COLORS[v]}>{APPEAL_STATUSES[v]}</Tag> },
          {
            title: t('points.appeals.decision'),
            dataIndex: 'decision',
            ellipsis: true,
            render: (v: string | null, a) =>
              v ? (
                <>
                  {v}
                  {a.reversalEventId !== null && (
                    <>
                      {' '}
                      <Link to={`/points/events?id=${a.reversalEventId}`}>{t('points.event.reversalN', { id: a.reversalEventId })}</Link>
                    </>
                  )}
                </>
              ) : (
                '—'
              ),
          },
          { title: t('points.appeals.createdAt'), dataIndex: 'createdAt', width: 130, render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm') },
          ...(canDecide
            ? [
                {
                  title: t('common.actions'),
                  key: 'a',
                  width: 90,
                  render: (_: unknown, a: PointAppeal) =>
                    a.status === 'pending' && (
                      <Button type="primary" size="small" onClick={() => setDeciding(a)}>
                        {t('points.appeals.decide')}
                      </Button>
                    ),
                },
              ]
            : []),
        ]}
      />
      {deciding && <DecideModal appeal={deciding} onClose={() => setDeciding(null)} />}
    </Card>
  );
}
