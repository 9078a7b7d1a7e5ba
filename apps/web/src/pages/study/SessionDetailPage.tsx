import { EditOutlined } from '@ant-design/icons';
import { App, Breadcrumb, Button, Card, Descriptions, Empty, Form, Input, List, Space, Spin, Table, Tag, Typography } from 'antd';
import { ATTENDANCE_STATUSES, type AttendanceStatus } from '@luoshi/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useCan } from '../../api/auth';
import { api } from '../../api/client';
import { ATTENDANCE_COLORS, studyKeys, studyUrls, type StudySession, type StudySessionComment } from '../../api/study';
import { useShowError } from '../../components/errors';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import { formatSpan, SessionStatusTags } from './SessionListPage';
import { CancelSessionModal, RecordSessionModal, SessionFormModal } from './SessionModals';
import { FileLinks, PhotoWall } from './StudyUpload';

/** 点评: supervisors (包联) comment on the sessions of the branches assigned to them. */
function Comments({ session }: { session: StudySession }) {
  const { t } = useTranslation();
  const canComment = useCan('study:session:comment');
  const [form] = Form.useForm<{ content: string }>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const url = `${studyUrls.session(session.id)}/comments`;
  const comments = useQuery({ queryKey: [...studyKeys.sessions, 'comments', session.id], queryFn: () => api.get<StudySessionComment[] | { data: StudySessionComment[] }>(url) });
  const list = Array.isArray(comments.data) ? comments.data : (comments.data?.data ?? []);
  const m = useMutation({
    mutationFn: (content: string) => api.post<StudySessionComment>(url, { content }),
    onSuccess: () => {
      void message.success(t('study.commented'));
      form.resetFields();
      void qc.invalidateQueries({ queryKey: [...studyKeys.sessions, 'comments', session.id] });
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <Card title={t('study.comments')}>
      <List
        loading={comments.isLoading}
        dataSource={list}
        locale={{ emptyText: comments.error ? (comments.error as Error).message : t('study.noComments') }}
        renderItem={(c) => (
          <List.Item>
            <List.Item.Meta
              title={
                <Space>
                  {c.author}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {dayjs(c.createdAt).format('YYYY-MM-DD HH:mm')}
                  </Typography.Text>
                </Space>
              }
              description={<span style={{ whiteSpace: 'pre-wrap', color: 'rgba(0, 0, 0, 0.85)' }}>{c.content}</span>}
            />
          </List.Item>
        )}
      />
      {canComment && (
        <Form form={form} layout="vertical" onFinish={(v) => submit(v.content.trim())} style={{ marginTop: 12 }}>
          <Form.Item name="content" label={t('study.addComment')} rules={[{ required: true, whitespace: true, message: t('study.commentRequired') }]}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={m.isPending}>
            {t('study.submitComment')}
          </Button>
        </Form>
      )}
    </Card>
  );
}

export function SessionDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const canWrite = useCan('study:session:write');
  const [editing, setEditing] = useState(false);
  const [recording, setRecording] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const q = useQuery({ queryKey: [...studyKeys.sessions, 'detail', id], queryFn: () => api.get<StudySession>(studyUrls.session(id)) });
  if (q.isLoading) return <Spin />;
  if (!q.data) {
    return (
      <Card>
        <Empty description={(q.error as Error | null)?.message ?? t('common.notFound')} />
      </Card>
    );
  }
  const s = q.data;
  const fileUrl = (f: { id: string }) => `${studyUrls.session(s.id)}/files/${f.id}`;
  const counts = s.attendance.reduce<Record<string, number>>((acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }), {});
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Breadcrumb items={[{ title: <Link to="/study/sessions">{t('nav.studySessions')}</Link> }, { title: s.topic }]} />
      <Card
        title={
          <Space>
            {s.topic}
            <Tag color="blue">{s.typeName}</Tag>
            <SessionStatusTags s={s} />
          </Space>
        }
        extra={
          canWrite &&
          s.status !== 'cancelled' && (
            <Space>
              {s.status !== 'held' && (
                <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
                  {s.status === 'planned' ? t('study.editOrFile') : t('common.edit')}
                </Button>
              )}
              <Button type="primary" onClick={() => setRecording(true)}>
                {s.status === 'held' ? t('study.editRecord') : t('study.record')}
              </Button>
              {s.status !== 'held' && (
                <Button danger onClick={() => setCancelling(true)}>
                  {t('study.cancel')}
                </Button>
              )}
            </Space>
          )
        }
      >
        <Descriptions column={3} size="small">
          <Descriptions.Item label={t('study.unit')}>
            {s.unitName}
            {s.groupName ? ` · ${s.groupName}` : ''}
          </Descriptions.Item>
          <Descriptions.Item label={t('study.plannedTime')}>{formatSpan(s.plannedStart, s.plannedEnd)}</Descriptions.Item>
          <Descriptions.Item label={t('study.filedAt')}>
            {s.filedAt ? dayjs(s.filedAt).format('YYYY-MM-DD HH:mm') : '—'}
            {s.late && <span style={{ color: '#fa8c16' }}>（{t('study.lateHint')}）</span>}
          </Descriptions.Item>
          <Descriptions.Item label={t('study.place')}>{s.place ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('study.presenter')}>{s.presenter ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('study.actualTime')}>{s.actualStart && s.actualEnd ? formatSpan(s.actualStart, s.actualEnd) : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('study.duration')}>{s.durationMinutes !== null ? t('study.minutesN', { n: s.durationMinutes }) : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('study.attendanceRate')}>{s.attendanceRate === null ? '—' : `${Math.round(s.attendanceRate * 100)}%`}</Descriptions.Item>
          {s.status === 'cancelled' && <Descriptions.Item label={t('study.cancelReason')}>{s.cancelReason}</Descriptions.Item>}
          <Descriptions.Item label={t('study.materials')} span={3}>
            <FileLinks files={s.materials} url={fileUrl} />
          </Descriptions.Item>
          <Descriptions.Item label={t('study.links')} span={3}>
            {s.links.length ? (
              <Space wrap>
                {s.links.map((l) => (
                  <a key={l} href={l} target="_blank" rel="noreferrer noopener">
                    {l}
                  </a>
                ))}
              </Space>
            ) : (
              '—'
            )}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      {s.status === 'held' && (
        <>
          <Card
            title={t('study.attendance')}
            extra={
              <Space size={12}>
                {Object.entries(ATTENDANCE_STATUSES).map(([k, label]) => (
                  <span key={k}>
                    {label} {counts[k] ?? 0}
                  </span>
                ))}
              </Space>
            }
          >
            <Table
              rowKey="personId"
              size="small"
              dataSource={s.attendance}
              pagination={{ defaultPageSize: 20, hideOnSinglePage: true }}
              locale={{ emptyText: t('study.noAttendance') }}
              columns={[
                { title: t('study.person'), dataIndex: 'name', width: 160 },
                {
                  title: t('study.attendanceStatus'),
                  dataIndex: 'status',
                  width: 120,
                  render: (v: AttendanceStatus) => <Tag color={ATTENDANCE_COLORS[v]}>{ATTENDANCE_STATUSES[v]}</Tag>,
                },
                { title: t('study.leaveReason'), dataIndex: 'reason', render: (v: string | null) => v ?? '' },
              ]}
            />
          </Card>
          <Card title={t('study.summary')}>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{s.summary || t('study.noSummary')}</Typography.Paragraph>
            <PhotoWall files={s.photos.filter((f) => f.mime.startsWith('image/'))} url={fileUrl} />
            <FileLinks files={s.photos.filter((f) => !f.mime.startsWith('image/'))} url={fileUrl} empty={null} />
          </Card>
        </>
      )}
      <Comments session={s} />
      {editing && <SessionFormModal session={s} onClose={() => setEditing(false)} />}
      {recording && <RecordSessionModal session={s} onClose={() => setRecording(false)} />}
      {cancelling && <CancelSessionModal session={s} onClose={() => setCancelling(false)} />}
    </Space>
  );
}
