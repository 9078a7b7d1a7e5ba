import { Button, Card, Input, Segmented, Select, Space, Table, Typography } from 'antd';
import { TASK_STATUSES } from '@luoshi/contract';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useCan, useMe } from '../../api/auth';
import type { Task } from '../../api/types';
import { ExportButton } from '../../components/ExportButton';
import { usePagedList } from '../../components/usePagedList';
import { ReportModal } from './ReportModal';
import { TaskDrawer } from './TaskDrawer';
import { cycleLabel, DeadlineCell, ProgressCell, TaskFlags } from './TaskTreeTable';

/** 我的任务: the tasks a person answers for, and those of their unit. */
type Scope = 'mine' | 'unit' | 'all';

export function MyTasksPage() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const canReport = useCan('campaigns:report:submit');
  const [params] = useSearchParams();
  const unitLevel = useCan('campaigns:task:breakdown');
  // Those who answer for a unit (liaisons, branch secretaries) start with their unit's tasks; staff with their own.
  const asked = params.get('scope');
  const [scope, setScope] = useState<Scope>(
    asked === 'all' || (!me?.unit && !me?.person)
      ? 'all'
      : asked === 'unit' || (asked !== 'mine' && (unitLevel || !me?.person))
        ? me?.unit
          ? 'unit'
          : 'all'
        : 'mine',
  );
  const [status, setStatus] = useState<string | undefined>('in_progress');
  const [q, setQ] = useState('');
  const [overdue, setOverdue] = useState(params.get('overdue') === '1');
  const [reporting, setReporting] = useState<Task | null>(null);
  const [viewing, setViewing] = useState<string | null>(null);
  const common = { status, q, overdue: overdue ? 'true' : undefined, sort: 'deadline' };
  const filters =
    scope === 'mine' ? { ...common, mine: 'true' } : scope === 'unit' ? { ...common, leadUnitId: me?.unit?.id } : common;
  const { query, rows, pagination, resetPage } = usePagedList<Task>(['tasks', 'my'], '/api/tasks', filters, {
    enabled: scope !== 'unit' || !!me?.unit,
  });
  return (
    <Card>
      <h2 className="page-title">{t('myTasks.title')}</h2>
      <div className="toolbar">
        <Space wrap>
          <Segmented
            value={scope}
            onChange={(v) => {
              setScope(v as Scope);
              resetPage();
            }}
            options={[
              { value: 'mine', label: t('myTasks.mine'), disabled: !me?.person },
              { value: 'unit', label: me?.unit ? t('myTasks.unit', { unit: me.unit.name }) : t('myTasks.unitNone'), disabled: !me?.unit },
              { value: 'all', label: t('myTasks.visible') },
            ]}
          />
          <Select
            allowClear
            value={status}
            placeholder={t('task.status')}
            style={{ width: 120 }}
            onChange={(v) => {
              setStatus(v);
              resetPage();
            }}
            options={Object.entries(TASK_STATUSES).map(([value, label]) => ({ value, label }))}
          />
          <Segmented
            value={overdue ? 'overdue' : 'all'}
            onChange={(v) => {
              setOverdue(v === 'overdue');
              resetPage();
            }}
            options={[
              { value: 'all', label: t('myTasks.all') },
              { value: 'overdue', label: t('myTasks.overdueOnly') },
            ]}
          />
          <Input.Search
            allowClear
            placeholder={t('myTasks.search')}
            style={{ width: 220 }}
            onSearch={(v) => {
              setQ(v.trim());
              resetPage();
            }}
          />
        </Space>
        <ExportButton url="/api/tasks/export.xlsx" filters={filters} fallbackName="任务清单.xlsx" />
      </div>
      <Table<Task>
        rowKey="id"
        loading={query.isFetching}
        dataSource={rows}
        pagination={pagination}
        scroll={{ x: 1000 }}
        locale={{ emptyText: query.error ? (query.error as Error).message : t('myTasks.empty') }}
        columns={[
          {
            title: t('task.title'),
            dataIndex: 'title',
            render: (_, r) => (
              <Space size={4} wrap>
                <Typography.Link onClick={() => setViewing(r.id)}>{r.title}</Typography.Link>
                <TaskFlags task={r} />
              </Space>
            ),
          },
          { title: t('task.campaign'), dataIndex: 'campaignName', width: 180, ellipsis: true, render: (v: string | null, r) => v ?? `${t('task.keyList')}（${r.year}）` },
          { title: t('task.leadUnit'), dataIndex: 'leadUnitName', width: 140 },
          { title: t('task.responsible'), dataIndex: 'responsiblePersonName', width: 90, render: (v: string | null) => v ?? '—' },
          { title: t('task.deadline'), dataIndex: 'deadline', width: 120, render: (_, r) => <DeadlineCell task={r} /> },
          { title: t('task.cycle'), dataIndex: 'reportCycle', width: 80, render: cycleLabel },
          { title: t('task.progress'), dataIndex: 'progress', width: 150, render: (_, r) => <ProgressCell task={r} /> },
          {
            title: t('common.actions'),
            width: 130,
            render: (_, r) => (
              <Space size={0}>
                {canReport && r.status !== 'done' && (r.leadUnitId === me?.unit?.id || (!!me?.person && r.responsiblePersonId === me.person.id)) && (
                  <Button type="link" size="small" onClick={() => setReporting(r)}>
                    {t('task.report')}
                  </Button>
                )}
                <Button type="link" size="small" onClick={() => setViewing(r.id)}>
                  {t('common.detail')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      {reporting && <ReportModal task={reporting} onClose={() => setReporting(null)} />}
      <TaskDrawer taskId={viewing} onClose={() => setViewing(null)} />
    </Card>
  );
}
