import { ArrowLeftOutlined } from '@ant-design/icons';
import { Button, Card, Col, DatePicker, Empty, Row, Space, Spin, Statistic, Table, Tag, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useMe } from '../../api/auth';
import { api } from '../../api/client';
import { pointsKeys, pointsUrls, type SupervisionReport, type SupervisorSummary } from '../../api/points';
import { useSessionTypes } from '../../api/study';
import { ExportButton } from '../../components/ExportButton';
import { GradeTag } from './shared';

type Unit = SupervisionReport['units'][number];
type Session = SupervisionReport['sessions'][number];

function Report({ year, personId }: { year: number; personId?: string }) {
  const { t } = useTranslation();
  const types = useSessionTypes();
  const typeName = (code: string) => types.data?.find((x) => x.code === code)?.name ?? code;
  const q = useQuery({
    queryKey: [...pointsKeys.supervision, 'report', year, personId ?? 'me'],
    queryFn: () => api.get<SupervisionReport>(pointsUrls.supervision, { year, supervisorPersonId: personId }),
  });
  if (q.isLoading) return <Spin />;
  if (!q.data) return <Empty description={(q.error as Error | null)?.message ?? t('common.notFound')} />;
  const r = q.data;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Row gutter={16}>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title={t('points.supervision.units')} value={r.units.length} suffix={t('points.supervision.unitsSuffix')} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title={t('points.supervision.attended')} value={r.attended} suffix={t('points.supervision.sessionsSuffix')} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title={t('points.supervision.comments')} value={r.comments} suffix={t('points.supervision.timesSuffix')} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic
              title={t('points.supervision.overdue')}
              value={r.units.reduce((s, u) => s + u.tasksOverdue, 0)}
              styles={{ content: r.units.some((u) => u.tasksOverdue) ? { color: '#cf1322' } : undefined }}
            />
          </Card>
        </Col>
      </Row>
      <Card title={t('points.supervision.unitsTitle')}>
        <Table<Unit>
          rowKey="unitId"
          size="small"
          dataSource={r.units}
          pagination={false}
          locale={{ emptyText: t('points.supervision.noUnits') }}
          columns={[
            { title: t('points.supervision.unit'), dataIndex: 'unitName' },
            { title: t('points.supervision.since'), key: 'since', width: 200, render: (_, u) => (u.toDate ? `${u.fromDate} ${t('common.to')} ${u.toDate}` : t('points.rules.since', { from: u.fromDate })) },
            { title: t('points.supervision.held'), dataIndex: 'sessionsHeld', width: 90, align: 'right' },
            { title: t('points.supervision.attendedCol'), dataIndex: 'attended', width: 90, align: 'right' },
            { title: t('points.supervision.commentsCol'), dataIndex: 'comments', width: 90, align: 'right' },
            { title: t('points.supervision.tasksOpen'), dataIndex: 'tasksOpen', width: 90, align: 'right' },
            { title: t('points.supervision.tasksOverdue'), dataIndex: 'tasksOverdue', width: 90, align: 'right', render: (v: number) => (v ? <span className="text-danger">{v}</span> : 0) },
            { title: t('points.supervision.points'), dataIndex: 'points', width: 90, align: 'right', render: (v: string) => <b>{v}</b> },
            { title: t('points.results.grade'), dataIndex: 'grade', width: 80, render: (v: string | null) => <GradeTag grade={v} /> },
          ]}
        />
      </Card>
      <Card title={t('points.supervision.sessionsTitle')}>
        <Table<Session>
          rowKey="id"
          size="small"
          dataSource={r.sessions}
          pagination={{ defaultPageSize: 10, hideOnSinglePage: true }}
          locale={{ emptyText: t('points.supervision.noSessions') }}
          columns={[
            { title: t('study.time'), dataIndex: 'start', width: 150, render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm') },
            { title: t('points.supervision.unit'), dataIndex: 'unitName', width: 200 },
            { title: t('study.topic'), dataIndex: 'topic', render: (v: string, s) => <Link to={`/study/sessions/${s.id}`}>{v}</Link> },
            { title: t('study.type'), dataIndex: 'typeCode', width: 110, render: typeName },
            {
              title: t('points.supervision.mine'),
              key: 'mine',
              width: 160,
              render: (_, s) => (
                <Space size={4}>
                  {s.attended ? <Tag color="green">{t('points.supervision.attendedTag')}</Tag> : <Tag>{t('points.supervision.notAttended')}</Tag>}
                  {s.commented && <Tag color="blue">{t('points.supervision.commentedTag')}</Tag>}
                </Space>
              ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}

/** 包联督导: a supervisor's own year (列席, 点评, the units' study, tasks and points); an admin picks a supervisor. */
export function PointsSupervisionPage() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const [params, setParams] = useSearchParams();
  const [year, setYear] = useState(() => dayjs().year());
  const overseer = !!me && me.scope !== 'self';
  const personId = params.get('person') ?? undefined;
  const supervisors = useQuery({
    queryKey: [...pointsKeys.supervision, 'list', year],
    queryFn: () => api.get<SupervisorSummary[]>(pointsUrls.supervisors, { year }),
    enabled: overseer && !personId,
  });
  const chosen = supervisors.data?.find((s) => s.personId === personId);
  return (
    <Card>
      <h2 className="page-title">{t('points.supervision.title')}</h2>
      <div className="toolbar">
        <Space>
          {overseer && personId && (
            <Button icon={<ArrowLeftOutlined />} onClick={() => setParams({})}>
              {t('points.supervision.back')}
            </Button>
          )}
          <DatePicker picker="year" allowClear={false} value={dayjs().year(year)} onChange={(d) => d && setYear(d.year())} />
          {chosen && <Typography.Text strong>{chosen.name}</Typography.Text>}
          {overseer && !personId ? (
            <ExportButton url={`${pointsUrls.supervisors}/export`} filters={{ year }} fallbackName="督导员一览.xlsx" />
          ) : (
            <ExportButton url={`${pointsUrls.supervision}/export`} filters={{ year, supervisorPersonId: personId }} fallbackName="包联督导情况.xlsx" />
          )}
        </Space>
      </div>
      {overseer && !personId ? (
        <Table<SupervisorSummary>
          rowKey="personId"
          loading={supervisors.isFetching}
          dataSource={supervisors.data ?? []}
          pagination={false}
          onRow={(s) => ({ onClick: () => setParams({ person: s.personId }), style: { cursor: 'pointer' } })}
          locale={{ emptyText: supervisors.error ? (supervisors.error as Error).message : t('points.supervision.noSupervisors') }}
          columns={[
            { title: t('points.supervision.supervisor'), dataIndex: 'name', width: 140, render: (v: string) => <Typography.Link>{v}</Typography.Link> },
            { title: t('points.supervision.ownUnit'), dataIndex: 'unitName' },
            { title: t('points.supervision.units'), dataIndex: 'units', width: 110, align: 'right' },
            { title: t('points.supervision.attended'), dataIndex: 'attended', width: 110, align: 'right' },
            { title: t('points.supervision.comments'), dataIndex: 'comments', width: 110, align: 'right' },
          ]}
        />
      ) : (
        <Report year={year} personId={personId} />
      )}
    </Card>
  );
}
