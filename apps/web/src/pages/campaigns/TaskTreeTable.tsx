import { Button, Progress, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { REPORT_CYCLES, type ReportCycle } from '@luoshi/contract';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCan, useMe } from '../../api/auth';
import { buildTaskTree, type TaskNode } from '../../api/campaigns';
import type { Task } from '../../api/types';
import { BreakdownModal } from './BreakdownModal';
import { ReportModal } from './ReportModal';
import { TaskDrawer } from './TaskDrawer';

export function cycleLabel(c: string) {
  return REPORT_CYCLES[c as ReportCycle] ?? c;
}

/** Overdue deadlines and missing cycle reports, in red, as the dynamic tracking asks. */
export function TaskFlags({ task }: { task: Task }) {
  const { t } = useTranslation();
  return (
    <>
      {task.status === 'done' && <Tag color="success">{t('task.done')}</Tag>}
      {task.overdue && <Tag color="error">{t('task.overdue')}</Tag>}
      {task.missingReports.length > 0 && (
        <Tooltip title={task.missingReports.map((m) => `${m.label}（${t('task.dueOn', { date: m.dueDate })}）`).join('；')}>
          <Tag color="error">
            {t('task.missing')}
            {task.missingReports.length > 1 ? ` ×${task.missingReports.length}` : ''}
          </Tag>
        </Tooltip>
      )}
    </>
  );
}

export function DeadlineCell({ task }: { task: Task }) {
  const { t } = useTranslation();
  const moved = task.effectiveDeadline !== task.deadline;
  return (
    <span className={task.overdue ? 'text-danger' : undefined}>
      {task.deadline}
      {moved && (
        <Tooltip title={t('task.effectiveHint')}>
          <div style={{ fontSize: 12, color: task.overdue ? undefined : '#888' }}>
            {t('task.effective', { date: task.effectiveDeadline })}
          </div>
        </Tooltip>
      )}
    </span>
  );
}

export function ProgressCell({ task }: { task: Task }) {
  return (
    <Progress
      percent={task.progress}
      size="small"
      status={task.status === 'done' ? 'success' : task.overdue ? 'exception' : 'active'}
      format={(p) => `${p}%`}
      style={{ minWidth: 110, margin: 0 }}
    />
  );
}

/** The breakdown tree of a campaign or of a year's key-task list, with the actions a row allows. */
export function TaskTreeTable({ tasks, loading, showCampaign }: { tasks: Task[]; loading?: boolean; showCampaign?: boolean }) {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const canReport = useCan('campaigns:report:submit');
  const canBreakdown = useCan('campaigns:task:breakdown');
  const [reporting, setReporting] = useState<Task | null>(null);
  const [breaking, setBreaking] = useState<Task | null>(null);
  const [viewing, setViewing] = useState<string | null>(null);
  const tree = useMemo(() => buildTaskTree(tasks), [tasks]);
  const parents = useMemo(() => tasks.filter((x) => tasks.some((c) => c.parentId === x.id)).map((x) => x.id), [tasks]);
  const [collapsedKeys, setCollapsedKeys] = useState<Set<string>>(new Set());

  const mineToReport = (task: Task) =>
    canReport && task.status !== 'done' && (task.leadUnitId === me?.unit?.id || (!!me?.person && task.responsiblePersonId === me.person.id));
  const mineToBreak = (task: Task) =>
    canBreakdown && task.status !== 'done' && (task.leadUnitId === me?.unit?.id || me?.scope === 'all');

  const columns: TableColumnsType<TaskNode> = [
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
    ...(showCampaign
      ? [{ title: t('task.campaign'), dataIndex: 'campaignName', width: 140, render: (v: string | null) => v ?? t('task.keyList') }]
      : []),
    { title: t('task.dimension'), dataIndex: 'dimension', width: 80, render: (v: string | null) => (v ? <Tag color="volcano">{v}</Tag> : '—') },
    { title: t('task.leadUnit'), dataIndex: 'leadUnitName', width: 150 },
    { title: t('task.responsible'), dataIndex: 'responsiblePersonName', width: 90, render: (v: string | null) => v ?? '—' },
    { title: t('task.deadline'), dataIndex: 'deadline', width: 120, render: (_, r) => <DeadlineCell task={r} /> },
    { title: t('task.cycle'), dataIndex: 'reportCycle', width: 80, render: (v: string) => cycleLabel(v) },
    { title: t('task.progress'), dataIndex: 'progress', width: 150, render: (_, r) => <ProgressCell task={r} /> },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 170,
      render: (_, r) => (
        <Space size={0}>
          {mineToReport(r) && (
            <Button type="link" size="small" onClick={() => setReporting(r)}>
              {t('task.report')}
            </Button>
          )}
          {mineToBreak(r) && (
            <Button type="link" size="small" onClick={() => setBreaking(r)}>
              {t('task.breakdown')}
            </Button>
          )}
          <Button type="link" size="small" onClick={() => setViewing(r.id)}>
            {t('common.detail')}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <>
      <Table<TaskNode>
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={tree}
        expandable={{
          expandedRowKeys: parents.filter((k) => !collapsedKeys.has(k)),
          onExpand: (open, r) =>
            setCollapsedKeys((prev) => {
              const next = new Set(prev);
              if (open) next.delete(r.id);
              else next.add(r.id);
              return next;
            }),
        }}
        pagination={{ defaultPageSize: 20, showSizeChanger: true, showTotal: (n) => t('common.totalTop', { n }) }}
        scroll={{ x: 1000 }}
        locale={{ emptyText: t('task.empty') }}
      />
      {reporting && <ReportModal task={reporting} onClose={() => setReporting(null)} />}
      {breaking && <BreakdownModal task={breaking} onClose={() => setBreaking(null)} />}
      <TaskDrawer taskId={viewing} onClose={() => setViewing(null)} />
    </>
  );
}
