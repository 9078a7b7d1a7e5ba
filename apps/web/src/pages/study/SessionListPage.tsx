import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, DatePicker, Select, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnType } from 'antd';
import { STUDY_SESSION_STATUSES, type StudySessionStatus } from '@luoshi/contract';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCan } from '../../api/auth';
import { studyKeys, studyUrls, useSessionTypes, type StudySession } from '../../api/study';
import { UnitTreeSelect } from '../../components/UnitTreeSelect';
import { ExportButton } from '../../components/ExportButton';
import { usePagedList } from '../../components/usePagedList';
import { CancelSessionModal, RecordSessionModal, SessionFormModal } from './SessionModals';

export const SESSION_STATUS_COLORS: Record<StudySessionStatus, string> = { planned: 'default', filed: 'processing', held: 'success', cancelled: 'error' };

export function SessionStatusTags({ s }: { s: StudySession }) {
  const { t } = useTranslation();
  return (
    <Space size={4}>
      <Tag color={SESSION_STATUS_COLORS[s.status]}>{STUDY_SESSION_STATUSES[s.status]}</Tag>
      {s.late && (
        <Tag color="orange" title={t('study.lateHint')}>
          {t('study.late')}
        </Tag>
      )}
    </Space>
  );
}

export function formatSpan(start: string, end: string) {
  const a = dayjs(start);
  const b = dayjs(end);
  return `${a.format('YYYY-MM-DD HH:mm')}–${b.isSame(a, 'day') ? b.format('HH:mm') : b.format('YYYY-MM-DD HH:mm')}`;
}

/** 学习活动: every session in sight, filed before it starts (学前报备), recorded after. */
export function SessionListPage() {
  const { t } = useTranslation();
  const canWrite = useCan('study:session:write');
  const types = useSessionTypes();
  const [unitId, setUnitId] = useState<string | undefined>();
  const [type, setType] = useState<string | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [creating, setCreating] = useState(false);
  const [recording, setRecording] = useState<StudySession | null>(null);
  const [cancelling, setCancelling] = useState<StudySession | null>(null);
  const { query, rows, pagination, resetPage } = usePagedList<StudySession>(studyKeys.sessions, studyUrls.sessions, {
    unitId,
    type,
    status,
    from: range?.[0]?.format('YYYY-MM-DD'),
    to: range?.[1]?.format('YYYY-MM-DD'),
    sort: '-plannedStart',
  });
  const change =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      resetPage();
    };
  const actionsColumn: TableColumnType<StudySession> = {
    title: t('common.actions'),
    key: 'actions',
    width: 170,
    fixed: 'right',
    render: (_, r) =>
      canWrite &&
      r.status !== 'cancelled' && (
        <Space size={0}>
          {(r.status === 'filed' || r.status === 'held' || r.status === 'planned') && (
            <Button type="link" size="small" onClick={() => setRecording(r)}>
              {r.status === 'held' ? t('study.editRecord') : t('study.record')}
            </Button>
          )}
          {r.status !== 'held' && (
            <Button type="link" size="small" danger onClick={() => setCancelling(r)}>
              {t('study.cancel')}
            </Button>
          )}
        </Space>
      ),
  };
  return (
    <Card>
      <h2 className="page-title">{t('study.sessionsTitle')}</h2>
      <div className="toolbar">
        <Space wrap>
          <UnitTreeSelect allowClear value={unitId} onChange={(v) => change(setUnitId)((v as string) ?? undefined)} style={{ width: 220 }} />
          <Select
            allowClear
            placeholder={t('study.type')}
            style={{ width: 140 }}
            value={type}
            onChange={change(setType)}
            options={(types.data ?? []).map((x) => ({ value: x.code, label: x.name }))}
          />
          <Select
            allowClear
            placeholder={t('study.status')}
            style={{ width: 120 }}
            value={status}
            onChange={change(setStatus)}
            options={Object.entries(STUDY_SESSION_STATUSES).map(([value, label]) => ({ value, label }))}
          />
          <DatePicker.RangePicker value={range} onChange={(v) => change(setRange)(v)} />
        </Space>
        <Space>
          <ExportButton url={`${studyUrls.sessions}/export`} filters={{ unitId, type, status, from: range?.[0]?.format('YYYY-MM-DD'), to: range?.[1]?.format('YYYY-MM-DD'), sort: '-plannedStart' }} fallbackName="学习活动.xlsx" />
          {canWrite && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('study.newSession')}
            </Button>
          )}
        </Space>
      </div>
      <Table<StudySession>
        rowKey="id"
        loading={query.isFetching}
        dataSource={rows}
        pagination={pagination}
        scroll={{ x: 1100 }}
        locale={{ emptyText: query.error ? (query.error as Error).message : t('study.sessionsEmpty') }}
        columns={[
          {
            title: t('study.topic'),
            dataIndex: 'topic',
            render: (v: string, r) => (
              <Space orientation="vertical" size={2}>
                <Link to={`/study/sessions/${r.id}`}>{v}</Link>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {r.unitName}
                  {r.groupName ? ` · ${r.groupName}` : ''}
                </Typography.Text>
              </Space>
            ),
          },
          { title: t('study.type'), dataIndex: 'typeName', width: 110, render: (v: string) => <Tag color="blue">{v}</Tag> },
          { title: t('study.time'), key: 'time', width: 220, render: (_, r) => (r.actualStart && r.actualEnd ? formatSpan(r.actualStart, r.actualEnd) : formatSpan(r.plannedStart, r.plannedEnd)) },
          { title: t('study.place'), dataIndex: 'place', width: 140, render: (v: string | null) => v ?? '—' },
          {
            title: t('study.attendanceRate'),
            dataIndex: 'attendanceRate',
            width: 90,
            align: 'right',
            render: (v: number | null) => (v === null ? '—' : `${Math.round(v * 100)}%`),
          },
          { title: t('study.status'), key: 'status', width: 150, render: (_, r) => <SessionStatusTags s={r} /> },
          ...(canWrite ? [actionsColumn] : []),
        ]}
      />
      {creating && <SessionFormModal onClose={() => setCreating(false)} />}
      {recording && <RecordSessionModal session={recording} onClose={() => setRecording(null)} />}
      {cancelling && <CancelSessionModal session={cancelling} onClose={() => setCancelling(null)} />}
    </Card>
  );
}
