import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Select, Space, Table, Tag } from 'antd';
import { MEETING_TYPES, type MeetingType } from '@luoshi/contract';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCan } from '../../api/auth';
import type { Meeting } from '../../api/types';
import { ExportButton } from '../../components/ExportButton';
import { usePagedList } from '../../components/usePagedList';
import { MeetingFormModal } from './MeetingFormModal';

export function MeetingListPage() {
  const { t } = useTranslation();
  const canWrite = useCan('campaigns:meeting:write');
  const [type, setType] = useState<string | undefined>();
  const [creating, setCreating] = useState(false);
  const { query, rows, pagination, resetPage } = usePagedList<Meeting>(['meetings', 'list'], '/api/meetings', { type, sort: '-heldAt' });
  return (
    <Card>
      <h2 className="page-title">{t('meeting.listTitle')}</h2>
      <div className="toolbar">
        <Select
          allowClear
          placeholder={t('meeting.type')}
          style={{ width: 160 }}
          value={type}
          onChange={(v) => {
            setType(v);
            resetPage();
          }}
          options={Object.entries(MEETING_TYPES).map(([value, label]) => ({ value, label }))}
        />
        <Space>
          <ExportButton url={'/api/meetings/export'} filters={{ type, sort: '-heldAt' }} fallbackName="会议列表.xlsx" />
          {canWrite && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('meeting.create')}
            </Button>
          )}
        </Space>
      </div>
      <Table<Meeting>
        rowKey="id"
        loading={query.isFetching}
        dataSource={rows}
        pagination={pagination}
        locale={{ emptyText: query.error ? (query.error as Error).message : t('meeting.empty') }}
        columns={[
          { title: t('meeting.name'), dataIndex: 'title', render: (v: string, r) => <Link to={`/meetings/${r.id}`}>{v}</Link> },
          { title: t('meeting.type'), dataIndex: 'type', width: 110, render: (v: MeetingType) => <Tag color="blue">{MEETING_TYPES[v]}</Tag> },
          { title: t('meeting.heldAt'), dataIndex: 'heldAt', width: 160, render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm') },
          { title: t('meeting.place'), dataIndex: 'place', width: 160, render: (v: string | null) => v ?? '—' },
          { title: t('meeting.unit'), dataIndex: 'unitName', width: 160 },
          { title: t('meeting.attendeeCount'), key: 'att', width: 90, align: 'right', render: (_, r) => r.attendees.length },
          {
            title: t('meeting.decisionCount'),
            key: 'dec',
            width: 170,
            render: (_, r) => (
              <Space size={4}>
                {r.decisions.length}
                {r.decisions.length > 0 && (
                  <span style={{ color: '#888' }}>{t('meeting.toTaskN', { n: r.decisions.filter((d) => d.taskId).length })}</span>
                )}
              </Space>
            ),
          },
        ]}
      />
      {creating && <MeetingFormModal onClose={() => setCreating(false)} />}
    </Card>
  );
}
