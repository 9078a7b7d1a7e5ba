import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Select, Space } from 'antd';
import { useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../api/auth';
import { download } from '../../api/client';
import { getTaskTree } from '../../api/campaigns';
import { useShowError } from '../../components/errors';
import { TaskFormModal } from './TaskFormModal';
import { TaskTreeTable } from './TaskTreeTable';

/** 重点任务清单: the year's key tasks with their responsible units, as the same breakdown tree. */
export function KeyTasksPage() {
  const { t } = useTranslation();
  const canTask = useCan('campaigns:task:write');
  const showError = useShowError();
  const thisYear = dayjs().year();
  const [year, setYear] = useState(thisYear);
  const [creating, setCreating] = useState(false);
  const [exporting, setExporting] = useState(false);
  const tasks = useQuery({ queryKey: ['tasks', 'tree', 'year', year], queryFn: () => getTaskTree({ year }) });
  const keyTasks = (tasks.data ?? []).filter((x) => x.campaignId === null);
  return (
    <Card>
      <h2 className="page-title">{t('keyTasks.title')}</h2>
      <div className="toolbar">
        <Space>
          <span>{t('keyTasks.year')}</span>
          <Select
            value={year}
            onChange={setYear}
            style={{ width: 120 }}
            options={Array.from({ length: 6 }, (_, i) => thisYear + 1 - i).map((y) => ({ value: y, label: t('keyTasks.yearN', { y }) }))}
          />
        </Space>
        <Space>
          <Button
            icon={<DownloadOutlined />}
            loading={exporting}
            onClick={() => {
              setExporting(true);
              download(`/api/tasks/export.xlsx?year=${year}&keyList=true`, t('files.keyTasks', { year }))
                .catch(showError)
                .finally(() => setExporting(false));
            }}
          >
            {t('common.export')}
          </Button>
          {canTask && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('keyTasks.create')}
            </Button>
          )}
        </Space>
      </div>
      <TaskTreeTable tasks={keyTasks} loading={tasks.isLoading} />
      {creating && <TaskFormModal campaignId={null} year={year} onClose={() => setCreating(false)} />}
    </Card>
  );
}
