import { App, Button, Card, Col, DatePicker, Descriptions, Drawer, Form, Input, Row, Table, Tabs, Tag, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useCan } from '../../api/auth';
import { api } from '../../api/client';
import { periodLabel, pointsKeys, pointsUrls, type PointInterview } from '../../api/points';
import { useShowError } from '../../components/errors';
import { FormDrawer } from '../../components/FormDrawer';
import { PersonSelect } from '../../components/PersonSelect';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import { ExportButton } from '../../components/ExportButton';
import { usePagedList } from '../../components/usePagedList';
import { UnitFilter } from '../../components/UnitTreeSelect';
import { GradeTag } from './shared';

type Values = {
  heldOn: Dayjs;
  intervieweePersonId: string;
  interviewerPersonId: string;
  participants: string;
  problems: string;
  commitments: string;
  followUpDeadline: Dayjs;
};

/** 约谈记录: who talked with whom, the problems named and the commitments made; recording it closes the interview. */
function RecordForm({ interview, onClose }: { interview: PointInterview; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (v: Values) =>
      api.post<PointInterview>(`${pointsUrls.interview(interview.id)}/close`, {
        heldOn: v.heldOn.format('YYYY-MM-DD'),
        intervieweePersonId: v.intervieweePersonId,
        interviewerPersonId: v.interviewerPersonId,
        participants: v.participants,
        problems: v.problems,
        commitments: v.commitments,
        followUpDeadline: v.followUpDeadline.format('YYYY-MM-DD'),
        version: interview.version,
      }),
    onSuccess: () => {
      void message.success(t('points.interviews.recorded', { unit: interview.unitName }));
      void qc.invalidateQueries({ queryKey: pointsKeys.interviews });
      void qc.invalidateQueries({ queryKey: ['home'] });
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <FormDrawer title={t('points.interviews.recordTitle', { unit: interview.unitName, period: periodLabel(interview.periodKey) })} size={720} pending={m.isPending} onSave={() => form.submit()} onClose={onClose}>
      <Typography.Paragraph>
        {t('points.interviews.why', { period: periodLabel(interview.periodKey), total: interview.total })} <GradeTag grade={interview.grade} />
      </Typography.Paragraph>
      <Form<Values> form={form} layout="vertical" initialValues={{ heldOn: dayjs(), followUpDeadline: dayjs().add(1, 'month') }} onFinish={(v) => submit(v)}>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="heldOn" label={t('points.interviews.heldOn')} rules={[{ required: true, message: t('points.interviews.heldOnRequired') }]}>
              <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="followUpDeadline" label={t('points.interviews.followUp')} rules={[{ required: true, message: t('points.interviews.followUpRequired') }]}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="intervieweePersonId" label={t('points.interviews.interviewee')} extra={t('points.interviews.intervieweeHint')} rules={[{ required: true, message: t('common.selectPerson') }]}>
              <PersonSelect unitId={interview.unitId} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="interviewerPersonId" label={t('points.interviews.interviewer')} rules={[{ required: true, message: t('common.selectPerson') }]}>
              <PersonSelect />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="participants" label={t('points.interviews.participants')} rules={[{ required: true, whitespace: true, min: 2, message: t('points.interviews.participantsRequired') }]}>
          <Input maxLength={500} />
        </Form.Item>
        <Form.Item name="problems" label={t('points.interviews.problems')} rules={[{ required: true, whitespace: true, min: 2, message: t('points.interviews.problemsRequired') }]}>
          <Input.TextArea rows={4} maxLength={5000} showCount />
        </Form.Item>
        <Form.Item name="commitments" label={t('points.interviews.commitments')} rules={[{ required: true, whitespace: true, min: 2, message: t('points.interviews.commitmentsRequired') }]}>
          <Input.TextArea rows={4} maxLength={5000} showCount />
        </Form.Item>
      </Form>
    </FormDrawer>
  );
}

function InterviewView({ interview, onClose }: { interview: PointInterview; onClose: () => void }) {
  const { t } = useTranslation();
  const i = interview;
  return (
    <Drawer open size={720} onClose={onClose} title={t('points.interviews.viewTitle', { unit: i.unitName, period: periodLabel(i.periodKey) })} destroyOnHidden>
      <Descriptions column={2} size="small" bordered styles={{ label: { width: 110, whiteSpace: 'nowrap' } }}>
        <Descriptions.Item label={t('points.interviews.result')} span={2}>
          {t('points.interviews.totalN', { total: i.total })} <GradeTag grade={i.grade} />
        </Descriptions.Item>
        <Descriptions.Item label={t('points.interviews.heldOn')}>{i.heldOn ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('points.interviews.followUp')}>{i.followUpDeadline ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('points.interviews.interviewee')}>{i.intervieweeName ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('points.interviews.interviewer')}>{i.interviewerName ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('points.interviews.participants')} span={2}>
          {i.participants ?? '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('points.interviews.problems')} span={2}>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{i.problems ?? '—'}</Typography.Paragraph>
        </Descriptions.Item>
        <Descriptions.Item label={t('points.interviews.commitments')} span={2}>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{i.commitments ?? '—'}</Typography.Paragraph>
        </Descriptions.Item>
      </Descriptions>
    </Drawer>
  );
}

function InterviewList({ status }: { status: 'pending' | 'closed' }) {
  const { t } = useTranslation();
  const canWrite = useCan('points:interview:write');
  const [unitId, setUnitId] = useState<string | undefined>();
  const [recording, setRecording] = useState<PointInterview | null>(null);
  const [viewing, setViewing] = useState<PointInterview | null>(null);
  const { query, rows, pagination, resetPage } = usePagedList<PointInterview>([...pointsKeys.interviews, status], pointsUrls.interviews, { status, unitId, sort: status === 'pending' ? 'createdAt' : '-createdAt' });
  return (
    <>
      <div className="toolbar">
        <UnitFilter value={unitId} onChange={setUnitId} resetPage={resetPage} />
        <ExportButton url={`${pointsUrls.interviews}/export`} filters={{ status, unitId, sort: status === 'pending' ? 'createdAt' : '-createdAt' }} fallbackName="约谈记录.xlsx" />
      </div>
      <Table<PointInterview>
        rowKey="id"
        loading={query.isFetching}
        dataSource={rows}
        pagination={pagination}
        locale={{ emptyText: query.error ? (query.error as Error).message : status === 'pending' ? t('points.interviews.emptyPending') : t('points.interviews.emptyClosed') }}
        columns={[
          { title: t('points.interviews.unit'), dataIndex: 'unitName' },
          { title: t('points.interviews.period'), dataIndex: 'periodLabel', width: 150, render: (_: string, i) => <Link to={`/points/results?periodKey=${i.periodKey}`}>{periodLabel(i.periodKey)}</Link> },
          { title: t('points.results.total'), dataIndex: 'total', width: 90, align: 'right' },
          { title: t('points.results.grade'), dataIndex: 'grade', width: 80, render: (v: string) => <GradeTag grade={v} /> },
          ...(status === 'pending'
            ? [{ title: t('points.interviews.openedAt'), dataIndex: 'createdAt', width: 130, render: (v: string) => dayjs(v).format('YYYY-MM-DD') }]
            : [
                { title: t('points.interviews.heldOn'), dataIndex: 'heldOn', width: 110 },
                { title: t('points.interviews.interviewee'), dataIndex: 'intervieweeName', width: 100 },
                { title: t('points.interviews.interviewer'), dataIndex: 'interviewerName', width: 100 },
                {
                  title: t('points.interviews.followUp'),
                  dataIndex: 'followUpDeadline',
                  width: 110,
                  render: (v: string | null) => (v && v < dayjs().format('YYYY-MM-DD') ? <Tag color="red">{v}</Tag> : (v ?? '—')),
                },
              ]),
          {
            title: t('common.actions'),
            key: 'a',
            width: 110,
            render: (_, i) =>
              i.status === 'pending' ? (
                canWrite && (
                  <Button type="primary" size="small" onClick={() => setRecording(i)}>
                    {t('points.interviews.record')}
                  </Button>
                )
              ) : (
                <Button type="link" size="small" onClick={() => setViewing(i)}>
                  {t('common.detail')}
                </Button>
              ),
          },
        ]}
      />
      {recording && <RecordForm interview={recording} onClose={() => setRecording(null)} />}
      {viewing && <InterviewView interview={viewing} onClose={() => setViewing(null)} />}
    </>
  );
}

/** 约谈: a unit graded 一般 or 差 is interviewed; the record closes it. */
export function InterviewsPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  return (
    <Card>
      <h2 className="page-title">{t('points.interviews.title')}</h2>
      <Tabs
        destroyOnHidden
        defaultActiveKey={params.get('status') === 'closed' ? 'closed' : 'pending'}
        items={[
          { key: 'pending', label: t('points.interviews.pending'), children: <InterviewList status="pending" /> },
          { key: 'closed', label: t('points.interviews.closed'), children: <InterviewList status="closed" /> },
        ]}
      />
    </Card>
  );
}
