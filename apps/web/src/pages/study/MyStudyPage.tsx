import { Card, Col, Empty, Row, Space, Spin, Statistic, Table, Tag } from 'antd';
import { ATTENDANCE_STATUSES, REFLECTION_STATUSES, type AttendanceStatus, type MyStudy as MyStudyS } from '@luoshi/contract';
import { useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { z } from 'zod';
import { api } from '../../api/client';
import { ATTENDANCE_COLORS, studyKeys } from '../../api/study';
import './study.css';

type MyStudy = z.infer<typeof MyStudyS>;
type Recent = MyStudy['recentSessions'][number];

/** 我的学习: hours this week, month and year, sessions attended, reflections, reading and platform scores. */
export function MyStudyPage() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: [...studyKeys.all, 'me'], queryFn: () => api.get<MyStudy>('/api/study/me') });
  if (q.isLoading) return <Spin />;
  if (!q.data) {
    return (
      <Card>
        <Empty description={(q.error as Error | null)?.message ?? t('common.notFound')} />
      </Card>
    );
  }
  const d = q.data;
  const months = new Set(d.reading.monthsWithBook.map((m) => Number(m.slice(5))));
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <h2 className="page-title">{t('myStudy.title')}</h2>
        <Row gutter={16}>
          <Col span={3}>
            <Statistic title={t('myStudy.week')} value={d.hours.week} suffix={t('myStudy.h')} />
          </Col>
          <Col span={3}>
            <Statistic title={t('myStudy.month')} value={d.hours.month} suffix={t('myStudy.h')} />
          </Col>
          <Col span={3}>
            <Statistic title={t('myStudy.year')} value={d.hours.year} suffix={t('myStudy.h')} />
          </Col>
          <Col span={3}>
            <Statistic title={t('myStudy.attended')} value={d.sessionsAttended} />
          </Col>
          <Col span={3}>
            <Statistic title={t('myStudy.books')} value={d.reading.booksThisYear} />
          </Col>
          <Col span={9}>
            <Space orientation="vertical" size={4}>
              <span style={{ color: 'rgba(0,0,0,0.45)' }}>{t('myStudy.monthly')}</span>
              <span className="month-dots">
                {Array.from({ length: 12 }, (_, i) => (
                  <span key={i} className={months.has(i + 1) ? 'done' : ''}>
                    {i + 1}
                  </span>
                ))}
              </span>
            </Space>
          </Col>
        </Row>
      </Card>
      <Row gutter={16}>
        <Col span={14}>
          <Card title={t('myStudy.recent')}>
            <Table<Recent>
              rowKey="id"
              size="small"
              dataSource={d.recentSessions}
              pagination={{ defaultPageSize: 10, hideOnSinglePage: true }}
              locale={{ emptyText: t('myStudy.noSessions') }}
              columns={[
                { title: t('study.topic'), dataIndex: 'topic', render: (v: string, r) => <Link to={`/study/sessions/${r.id}`}>{v}</Link> },
                { title: t('study.type'), dataIndex: 'typeName', width: 100 },
                { title: t('study.time'), dataIndex: 'actualStart', width: 110, render: (v: string | null) => (v ? dayjs(v).format('YYYY-MM-DD') : '—') },
                {
                  title: t('study.attendanceStatus'),
                  dataIndex: 'attendance',
                  width: 90,
                  render: (v: string) => (v in ATTENDANCE_STATUSES ? <Tag color={ATTENDANCE_COLORS[v as AttendanceStatus]}>{ATTENDANCE_STATUSES[v as AttendanceStatus]}</Tag> : v),
                },
              ]}
            />
          </Card>
        </Col>
        <Col span={10}>
          <Card title={t('myStudy.reflections')} style={{ marginBottom: 16 }}>
            <Space wrap>
              {(Object.keys(REFLECTION_STATUSES) as (keyof typeof REFLECTION_STATUSES)[]).map((k) => (
                <Tag key={k} color={k === 'excellent' ? 'red' : k === 'returned' ? 'warning' : undefined}>
                  {REFLECTION_STATUSES[k]} {d.reflections[k]}
                </Tag>
              ))}
            </Space>
          </Card>
          <Card title={t('myStudy.scores')}>
            <Table
              rowKey={(r) => `${r.platform}-${r.month}`}
              size="small"
              dataSource={d.scores}
              pagination={{ defaultPageSize: 6, hideOnSinglePage: true }}
              locale={{ emptyText: t('myStudy.noScores') }}
              columns={[
                { title: t('score.month'), dataIndex: 'month', width: 100 },
                { title: t('score.platform'), dataIndex: 'platform' },
                { title: t('score.score'), dataIndex: 'score', width: 100, align: 'right' },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </Space>
  );
}
