import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Drawer, Empty, Input, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { GRADES, POINT_SUBJECTS, type PointSubject } from '@luoshi/contract';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useMe } from '../../api/auth';
import { api, download, qs } from '../../api/client';
import { hundredths, periodKeyOf, periodLabel, pointsKeys, pointsUrls, type PeerGroup, type PointEvent, type PointEventList, type PointResult, type PointResultList } from '../../api/points';
import { useShowError } from '../../components/errors';
import { UnitTreeSelect } from '../../components/UnitTreeSelect';
import { AppealModal, EventTable, GradeTag, PeriodPicker } from './shared';

/** The lines behind one subject's total for the period: their sum is the total on the ranking. */
function SubjectEvents({ result, periodKey, onClose }: { result: PointResult; periodKey: string; onClose: () => void }) {
  const { t } = useTranslation();
  const [appealing, setAppealing] = useState<PointEvent | null>(null);
  const q = useQuery({
    queryKey: [...pointsKeys.events, 'subject', result.subjectId, periodKey],
    queryFn: () => api.get<PointEventList>(pointsUrls.events, { subjectId: result.subjectId, subjectType: result.subjectType, periodKey, pageSize: 200, sort: 'occurredOn' }),
  });
  const d = q.data;
  const matches = d ? hundredths(d.sum) === hundredths(result.total) : true;
  return (
    <Drawer open size={900} onClose={onClose} title={t('points.results.eventsTitle', { name: result.subjectName, period: periodLabel(periodKey) })} destroyOnHidden>
      <Space size={24} style={{ marginBottom: 12 }}>
        <span>
          {t('points.results.rank')}：<b>{result.rank}</b>/{result.peerSize}（{result.peerName}）
        </span>
        <span>
          {t('points.results.total')}：<b>{result.total}</b>
        </span>
        <span>
          {t('points.results.grade')}：<GradeTag grade={result.grade} />
        </span>
      </Space>
      {q.error && <Empty description={(q.error as Error).message} />}
      {d && d.total > d.data.length && <Alert type="info" showIcon style={{ marginBottom: 8 }} title={t('points.results.moreEvents', { n: d.total, shown: d.data.length })} />}
      <EventTable rows={d?.data ?? []} loading={q.isFetching} showSubject={false} pagination={false} onAppeal={setAppealing} locale={{ emptyText: t('points.results.noEvents') }} />
      {d && (
        <div className="sum-line">
          <span>
            {t('points.results.sum')}：<b>{d.sum}</b>
          </span>
          {matches ? <Tag color="success">{t('points.results.sumMatches')}</Tag> : <Tag color="warning">{t('points.results.sumDiffers', { total: result.total })}</Tag>}
        </div>
      )}
      {appealing && <AppealModal event={appealing} onClose={() => setAppealing(null)} />}
    </Drawer>
  );
}

/** 积分排名: results of a period by peer group, live while it is open, frozen once it is closed. */
export function ResultsPage() {
  const { t } = useTranslation();
  const showError = useShowError();
  const [params] = useSearchParams();
  const [periodKey, setPeriodKey] = useState(() => params.get('periodKey') ?? periodKeyOf('quarter'));
  const { data: me } = useMe();
  // Under a self scope only one's own row is visible, and it is a person's.
  const selfOnly = me?.scope === 'self';
  const [subjectType, setSubjectType] = useState<PointSubject>(selfOnly ? 'person' : 'unit');
  const [peerKey, setPeerKey] = useState<string | undefined>();
  const [unitId, setUnitId] = useState<string | undefined>();
  const [grade, setGrade] = useState<string | undefined>();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(50);
  const [open, setOpen] = useState<PointResult | null>(null);
  const filters = { periodKey, subjectType, peerKey, unitId, grade, q: q.trim() || undefined };
  const results = useQuery({
    queryKey: [...pointsKeys.results, filters, page, pageSize],
    queryFn: () => api.get<PointResultList>(pointsUrls.results, { ...filters, sort: 'rank', page, pageSize }),
    placeholderData: keepPreviousData,
  });
  const peers = useQuery({
    queryKey: [...pointsKeys.results, 'peers', periodKey, subjectType],
    queryFn: () => api.get<PeerGroup[]>(pointsUrls.peerGroups, { periodKey, subjectType }),
  });
  const change =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setPage(1);
    };
  const d = results.data;
  return (
    <Card>
      <div className="toolbar">
        <h2 className="page-title" style={{ margin: 0 }}>
          {t('points.results.title')}
        </h2>
        <Button
          icon={<DownloadOutlined />}
          onClick={() => void download(`${pointsUrls.resultsExport}${qs({ ...filters, sort: 'rank' })}`, t('points.results.fileName', { period: periodLabel(periodKey) })).catch(showError)}
        >
          {t('common.export')}
        </Button>
      </div>
      <div className="toolbar">
        <Space wrap>
          <PeriodPicker
            value={periodKey}
            onChange={(k) => {
              setPeriodKey(k);
              setPeerKey(undefined);
              setPage(1);
            }}
          />
          {!selfOnly && (
            <Segmented
              value={subjectType}
              onChange={(v) => {
                setSubjectType(v as PointSubject);
                setPeerKey(undefined);
                setPage(1);
              }}
              options={(Object.keys(POINT_SUBJECTS) as PointSubject[]).map((k) => ({ value: k, label: POINT_SUBJECTS[k] }))}
            />
          )}
          <Select
            allowClear
            placeholder={t('points.results.peerGroup')}
            style={{ width: 170 }}
            value={peerKey}
            onChange={change(setPeerKey)}
            options={(peers.data ?? []).map((g) => ({ value: g.key, label: t('points.results.peerOption', { name: g.name, n: g.size }) }))}
          />
          <UnitTreeSelect allowClear value={unitId} onChange={(v) => change(setUnitId)((v as string) ?? undefined)} style={{ width: 170 }} />
          <Select allowClear placeholder={t('points.results.grade')} style={{ width: 90 }} value={grade} onChange={change(setGrade)} options={GRADES.map((g) => ({ value: g, label: g }))} />
          <Input.Search allowClear placeholder={t('points.results.search')} style={{ width: 140 }} onSearch={change(setQ)} />
        </Space>
      </div>
      {d && (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          {periodLabel(d.period.key)}（{d.period.startDate} {t('common.to')} {d.period.endDate}）
          {d.frozen ? (
            <Tag color="default" style={{ marginLeft: 8 }}>
              {t('points.results.frozen')}
            </Tag>
          ) : (
            <Tag color="processing" style={{ marginLeft: 8 }}>
              {t('points.results.live')}
            </Tag>
          )}
        </Typography.Paragraph>
      )}
      <Table<PointResult>
        rowKey={(r) => `${r.subjectType}-${r.subjectId}`}
        loading={results.isFetching}
        dataSource={d?.data ?? []}
        onRow={(r) => ({ onClick: () => setOpen(r), style: { cursor: 'pointer' } })}
        pagination={{
          current: page,
          pageSize,
          total: d?.total ?? 0,
          showSizeChanger: true,
          showTotal: (n) => t('common.totalTop', { n }),
          onChange: (p, s) => {
            setPage(s !== pageSize ? 1 : p);
            setPageSize(s);
          },
        }}
        locale={{ emptyText: results.error ? (results.error as Error).message : t('points.results.empty') }}
        columns={[
          {
            title: t('points.results.rankCol'),
            key: 'rank',
            width: 130,
            render: (_, r) => (
              <span className="rank-cell">
                {r.rank <= 3 ? <Tag color="red" style={{ marginInlineEnd: 2 }}>{r.rank}</Tag> : <b>{r.rank}</b>}
                <Typography.Text type="secondary">/{r.peerSize}</Typography.Text>
              </span>
            ),
          },
          { title: subjectType === 'unit' ? t('points.results.unitName') : t('points.results.personName'), dataIndex: 'subjectName', render: (v: string) => <Typography.Link>{v}</Typography.Link> },
          ...(subjectType === 'person' ? [{ title: t('points.results.unit'), dataIndex: 'unitName' }] : []),
          { title: t('points.results.peerGroup'), dataIndex: 'peerName', width: 240 },
          { title: t('points.results.total'), dataIndex: 'total', width: 100, align: 'right' as const, render: (v: string) => <b className="pts">{v}</b> },
          { title: t('points.results.events'), dataIndex: 'events', width: 90, align: 'right' as const },
          { title: t('points.results.grade'), dataIndex: 'grade', width: 90, render: (v: string | null) => <GradeTag grade={v} /> },
        ]}
      />
      {open && <SubjectEvents result={open} periodKey={periodKey} onClose={() => setOpen(null)} />}
    </Card>
  );
}
