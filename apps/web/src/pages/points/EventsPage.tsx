import { Card, Checkbox, Input, Segmented, Select, Space, Table, Typography } from 'antd';
import { EVENT_KINDS, POINT_SUBJECTS } from '@luoshi/contract';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useMe } from '../../api/auth';
import { periodKeyOf, pointsKeys, pointsUrls, type PointEvent, type PointEventList } from '../../api/points';
import { ExportButton } from '../../components/ExportButton';
import { usePagedList } from '../../components/usePagedList';
import { UnitTreeSelect } from '../../components/UnitTreeSelect';
import { AppealModal, EventDrawer, EventTable, PeriodPicker, Pts } from './shared';

/** 积分明细: every line of the ledger in sight, filtered; `?id=` opens one line, `?subjectId=` one subject's. */
export function EventsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const { data: me } = useMe();
  // A self scope sees only its own lines: no subject or unit to choose.
  const selfOnly = me?.scope === 'self';
  const openId = params.get('id');
  const subjectId = params.get('subjectId') ?? undefined;
  const [periodKey, setPeriodKey] = useState<string | undefined>(() => params.get('periodKey') ?? periodKeyOf('quarter'));
  const [subjectType, setSubjectType] = useState<string>('all');
  const [unitId, setUnitId] = useState<string | undefined>();
  const [ruleCode, setRuleCode] = useState('');
  const [kind, setKind] = useState<string | undefined>();
  const [appealing, setAppealing] = useState<PointEvent | null>(null);
  const filters = {
    periodKey,
    subjectType: subjectType === 'all' ? undefined : subjectType,
    subjectId,
    unitId,
    ruleCode: ruleCode.trim() || undefined,
    kind,
    sort: '-id',
  };
  const { query, rows, pagination, resetPage } = usePagedList<PointEvent>(pointsKeys.events, pointsUrls.events, filters, { pageSize: 50 });
  const sum = (query.data as PointEventList | undefined)?.sum;
  const change =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      resetPage();
    };
  const setOpen = (id: number | null) =>
    setParams(
      (p) => {
        if (id === null) p.delete('id');
        else p.set('id', String(id));
        return p;
      },
      { replace: true },
    );
  return (
    <Card>
      <h2 className="page-title">{t('points.events.title')}</h2>
      <div className="toolbar">
        <Space wrap>
          <Checkbox
            checked={!!periodKey}
            onChange={(e) => change(setPeriodKey)(e.target.checked ? periodKeyOf('quarter') : undefined)}
          >
            {t('points.events.byPeriod')}
          </Checkbox>
          {periodKey && <PeriodPicker value={periodKey} onChange={change(setPeriodKey)} />}
          {!selfOnly && (
            <>
              <Segmented
                value={subjectType}
                onChange={(v) => change(setSubjectType)(v as string)}
                options={[{ value: 'all', label: t('points.events.allSubjects') }, ...Object.entries(POINT_SUBJECTS).map(([value, label]) => ({ value, label }))]}
              />
              <UnitTreeSelect allowClear value={unitId} onChange={(v) => change(setUnitId)((v as string) ?? undefined)} style={{ width: 200 }} />
            </>
          )}
          <Input.Search allowClear placeholder={t('points.events.ruleCode')} style={{ width: 150 }} onSearch={change(setRuleCode)} />
          <Select allowClear placeholder={t('points.events.kind')} style={{ width: 110 }} value={kind} onChange={change(setKind)} options={Object.entries(EVENT_KINDS).map(([value, label]) => ({ value, label }))} />
        </Space>
        {subjectId && (
          <Typography.Link
            onClick={() =>
              setParams((p) => {
                p.delete('subjectId');
                return p;
              })
            }
          >
            {t('points.events.clearSubject')}
          </Typography.Link>
        )}
        <ExportButton url={`${pointsUrls.events}/export`} filters={filters} fallbackName="积分明细.xlsx" />
      </div>
      <EventTable
        rows={rows}
        loading={query.isFetching}
        pagination={pagination}
        onOpen={(e) => setOpen(e.id)}
        onAppeal={setAppealing}
        locale={{ emptyText: query.error ? (query.error as Error).message : t('points.events.empty') }}
        summary={() =>
          sum !== undefined && (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={8} align="right">
                {t('points.events.sum', { n: query.data?.total ?? 0 })} <Pts value={sum} strong />
              </Table.Summary.Cell>
            </Table.Summary.Row>
          )
        }
      />
      <EventDrawer id={openId ? Number(openId) : null} onClose={() => setOpen(null)} />
      {appealing && <AppealModal event={appealing} onClose={() => setAppealing(null)} />}
    </Card>
  );
}
