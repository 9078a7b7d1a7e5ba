import { DownloadOutlined } from '@ant-design/icons';
import { Button, Card, Segmented, Table, Tooltip, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, download, qs } from '../../api/client';
import { infoKeys, infoUrls, type InfoStats, type InfoStatsRow } from '../../api/info';
import { periodKeyOf } from '../../api/points';
import { PercentBarChart } from '../../components/BarChart';
import { useShowError } from '../../components/errors';
import { UnitFilter } from '../../components/UnitTreeSelect';
import { PeriodPicker, Pts } from '../points/shared';
import './info.css';

const LEVELS = ['县级', '市级', '省级', '中央'] as const;

/** 统计排名: per unit or per author, what was submitted, adopted, instructed and reported, and the points it earned. */
export function StatsPage() {
  const { t } = useTranslation();
  const showError = useShowError();
  const [period, setPeriod] = useState(() => periodKeyOf('month'));
  const [by, setBy] = useState<'unit' | 'author'>('unit');
  const [unitId, setUnitId] = useState<string | undefined>();
  const params = { period, by, unitId };
  const q = useQuery({ queryKey: [...infoKeys.stats, params], queryFn: () => api.get<InfoStats>(infoUrls.stats, params) });
  const rows = q.data?.rows ?? [];
  const chart = useMemo(() => {
    const top = rows.slice(0, 15);
    return top.some((r) => Number(r.score) !== 0) ? top.map((r) => ({ name: r.name, value: Number(r.score), danger: Number(r.score) < 0 })) : [];
  }, [rows]);
  const totals = q.data?.totals;
  return (
    <Card>
      <div className="info-head">
        <h2 className="page-title">{t('info.stats.title')}</h2>
        <Button icon={<DownloadOutlined />} onClick={() => void download(infoUrls.statsExport + qs(params), `info-stats-${period}.xlsx`).catch(showError)}>
          {t('common.export')}
        </Button>
      </div>
      <div className="toolbar info-toolbar">
        <PeriodPicker value={period} onChange={setPeriod} />
        <Segmented
          value={by}
          onChange={(v) => setBy(v as 'unit' | 'author')}
          options={[
            { value: 'unit', label: t('info.stats.byUnit') },
            { value: 'author', label: t('info.stats.byAuthor') },
          ]}
        />
        <UnitFilter value={unitId} onChange={setUnitId} resetPage={() => undefined} />
        {q.data && (
          <Typography.Text type="secondary">
            {q.data.from} {t('common.to')} {q.data.to}
          </Typography.Text>
        )}
      </div>
      {chart.length > 0 && (
        <Card size="small" className="info-card" title={t('info.stats.chart')}>
          <PercentBarChart items={chart} unit={t('info.stats.pointsUnit')} height={Math.max(160, chart.length * 28 + 20)} />
        </Card>
      )}
      <Table<InfoStatsRow>
        rowKey="subjectId"
        size="small"
        loading={q.isFetching}
        dataSource={rows}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 1100 }}
        locale={{ emptyText: q.error ? (q.error as Error).message : t('info.stats.empty') }}
        columns={[
          { title: t('info.stats.rank'), dataIndex: 'rank', width: 60, fixed: 'left' },
          {
            title: by === 'unit' ? t('info.stats.unit') : t('info.stats.author'),
            dataIndex: 'name',
            width: 150,
            fixed: 'left',
            render: (v: string, r) => (
              <Tooltip title={r.unitPath}>
                <span>{v}</span>
              </Tooltip>
            ),
          },
          ...(by === 'author' ? [{ title: t('info.item.unit'), dataIndex: 'unitName', width: 150 }] : []),
          { title: t('info.stats.submitted'), dataIndex: 'submitted', width: 70, align: 'right' },
          {
            title: t('info.stats.problems'),
            key: 'problems',
            width: 120,
            align: 'right',
            render: (_, r) => `${r.problems}（${r.problemShare}%）`,
          },
          { title: t('info.stats.adopted'), dataIndex: 'adopted', width: 70, align: 'right' },
          ...LEVELS.map((l) => ({ title: l, key: l, width: 60, align: 'right' as const, render: (_: unknown, r: InfoStatsRow) => r.adoptedByLevel[l] })),
          { title: t('info.stats.instructed'), dataIndex: 'instructed', width: 70, align: 'right' },
          { title: t('info.stats.media'), dataIndex: 'media', width: 80, align: 'right' },
          { title: t('info.stats.score'), dataIndex: 'score', width: 80, align: 'right', render: (v: string) => <Pts value={v} strong /> },
        ]}
        summary={() =>
          totals && rows.length > 0 ? (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={by === 'author' ? 3 : 2}>
                <Typography.Text strong>{t('info.stats.total')}</Typography.Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={1} align="right">
                {totals.submitted}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={2} align="right">
                {`${totals.problems}（${totals.problemShare}%）`}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={3} align="right">
                {totals.adopted}
              </Table.Summary.Cell>
              {LEVELS.map((l, i) => (
                <Table.Summary.Cell key={l} index={4 + i} align="right">
                  {totals.adoptedByLevel[l]}
                </Table.Summary.Cell>
              ))}
              <Table.Summary.Cell index={8} align="right">
                {totals.instructed}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={9} align="right">
                {totals.media}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={10} align="right">
                <Pts value={totals.score} strong />
              </Table.Summary.Cell>
            </Table.Summary.Row>
          ) : null
        }
      />
    </Card>
  );
}
