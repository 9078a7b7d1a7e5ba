import { Alert, Card, DatePicker, Empty, Space, Statistic, Table } from 'antd';
import type { AttendanceReport as AttendanceReportS } from '@luoshi/contract';
import { useQuery } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { useMe } from '../../api/auth';
import { api } from '../../api/client';
import { studyKeys } from '../../api/study';
import { ExportButton } from '../../components/ExportButton';
import { UnitTreeSelect } from '../../components/UnitTreeSelect';

type AttendanceReport = z.infer<typeof AttendanceReportS>;
type Row = AttendanceReport['rows'][number];
const rate = (v: number | null) => (v === null ? '—' : `${Math.round(v * 100)}%`);

/** 出勤统计: attendance per person of a unit (and below) over a period, and the unit's rate. */
export function AttendancePage() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const [unitId, setUnitId] = useState<string | undefined>();
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs().startOf('month'), dayjs()]);
  useEffect(() => {
    if (!unitId && me?.unit) setUnitId(me.unit.id);
  }, [me, unitId]);
  const q = { unitId, from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') };
  const report = useQuery({
    queryKey: [...studyKeys.sessions, 'attendance', q],
    queryFn: () => api.get<AttendanceReport>('/api/study/attendance', q),
    enabled: !!unitId,
  });
  const d = report.data;
  return (
    <Card>
      <h2 className="page-title">{t('attendance.title')}</h2>
      <div className="toolbar">
        <Space wrap>
          <UnitTreeSelect value={unitId} onChange={(v) => setUnitId((v as string) ?? undefined)} style={{ width: 240 }} />
          <DatePicker.RangePicker allowClear={false} value={range} onChange={(v) => v && v[0] && v[1] && setRange([v[0], v[1]])} />
          {unitId && <ExportButton url="/api/study/attendance/export" filters={q} fallbackName="出勤统计.xlsx" />}
        </Space>
      </div>
      {!unitId && <Alert type="info" showIcon title={t('attendance.pickUnit')} />}
      {report.error && <Empty description={(report.error as Error).message} />}
      {d && (
        <>
          <Space size={48} style={{ marginBottom: 16 }}>
            <Statistic title={t('attendance.sessions')} value={d.sessions} />
            <Statistic title={t('attendance.unitRate')} value={rate(d.unitRate)} />
            <Statistic title={t('attendance.people')} value={d.rows.length} />
          </Space>
          <Table<Row>
            rowKey="personId"
            size="middle"
            loading={report.isFetching}
            dataSource={d.rows}
            pagination={{ defaultPageSize: 20, showSizeChanger: true, showTotal: (n) => t('common.totalTop', { n }) }}
            locale={{ emptyText: t('attendance.empty') }}
            columns={[
              { title: t('attendance.name'), dataIndex: 'name', width: 120 },
              { title: t('attendance.unit'), dataIndex: 'unitName' },
              { title: t('attendance.present'), dataIndex: 'present', width: 80, align: 'right' },
              { title: t('attendance.late'), dataIndex: 'late', width: 80, align: 'right' },
              { title: t('attendance.leave'), dataIndex: 'leave', width: 80, align: 'right' },
              {
                title: t('attendance.absent'),
                dataIndex: 'absent',
                width: 80,
                align: 'right',
                render: (n: number) => (n ? <span className="text-danger">{n}</span> : 0),
              },
              {
                title: t('attendance.rate'),
                dataIndex: 'rate',
                width: 100,
                align: 'right',
                sorter: (a, b) => (a.rate ?? -1) - (b.rate ?? -1),
                render: rate,
              },
            ]}
          />
        </>
      )}
    </Card>
  );
}
