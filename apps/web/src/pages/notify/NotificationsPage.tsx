import { BellOutlined, CheckOutlined, SettingOutlined } from '@ant-design/icons';
import { App, Badge, Button, Card, Drawer, Form, Input, InputNumber, Segmented, Space, Switch, Table, Tag, Typography } from 'antd';
import type { ListResponse } from '@luoshi/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { notifyApi, notifyKeys, notifyUrls, type Notification, type NotificationSettings } from '../../api/notify';
import { useShowError } from '../../components/errors';
import { usePagedList } from '../../components/usePagedList';

const KIND_COLOR: Record<string, string> = { reminder: 'blue', overdue: 'red', digest: 'purple', bulletin: 'gold', review: 'cyan' };

/** 通知设置: e-mail, the daily digest and how many working days ahead to be reminded. */
function SettingsDrawer({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const [form] = Form.useForm<NotificationSettings>();
  const q = useQuery({ queryKey: notifyKeys.settings, queryFn: notifyApi.settings });
  const save = useMutation({
    mutationFn: (v: NotificationSettings) => notifyApi.saveSettings({ ...v, email: v.email?.trim() || null }),
    onSuccess: (s) => {
      qc.setQueryData(notifyKeys.settings, s);
      void message.success(t('notify.settings.saved'));
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const emailEnabled = Form.useWatch('emailEnabled', form);
  return (
    <Drawer open title={t('notify.settings.title')} onClose={onClose} size={420} extra={<Button type="primary" loading={save.isPending} onClick={() => form.submit()}>{t('common.save')}</Button>}>
      {q.data && (
        <Form form={form} layout="vertical" initialValues={q.data} onFinish={(v) => save.mutate(v)}>
          <Form.Item name="remindDays" label={t('notify.settings.remindDays')} extra={t('notify.settings.remindDaysHint')} rules={[{ required: true }]}>
            <InputNumber min={0} max={15} addonAfter={t('notify.settings.workdays')} />
          </Form.Item>
          <Form.Item name="digestEnabled" label={t('notify.settings.digest')} valuePropName="checked" extra={t('notify.settings.digestHint')}>
            <Switch />
          </Form.Item>
          <Form.Item name="emailEnabled" label={t('notify.settings.emailEnabled')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item name="email" label={t('notify.settings.email')} rules={[{ type: 'email', message: t('notify.settings.emailInvalid') }, { required: !!emailEnabled, message: t('notify.settings.emailRequired') }]}>
            <Input placeholder="name@example.gov.cn" />
          </Form.Item>
        </Form>
      )}
    </Drawer>
  );
}

/** 通知中心: the caller's own notifications, newest first. */
export default function NotificationsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const showError = useShowError();
  const [filter, setFilter] = useState<'all' | 'unread'>('unread');
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [expanded, setExpanded] = useState<number[]>([]);
  const { query, rows, pagination, resetPage } = usePagedList<Notification>(notifyKeys.notifications, notifyUrls.notifications, { unread: filter === 'unread' ? true : undefined });
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: notifyKeys.notifications });
    void qc.invalidateQueries({ queryKey: notifyKeys.unread });
  };
  // A read row stays on the page (marked read) until the list is reloaded, so an opened digest does not vanish.
  const read = useMutation({
    mutationFn: (id: number) => notifyApi.markRead(id),
    onSuccess: (_r, id) => {
      qc.setQueriesData<ListResponse<Notification>>({ queryKey: notifyKeys.notifications }, (old) =>
        old ? { ...old, data: old.data.map((n) => (n.id === id ? { ...n, readAt: n.readAt ?? new Date().toISOString() } : n)) } : old,
      );
      void qc.invalidateQueries({ queryKey: notifyKeys.unread });
    },
    onError: (e) => showError(e),
  });
  const readAll = useMutation({ mutationFn: notifyApi.markAllRead, onSuccess: refresh, onError: (e) => showError(e) });
  const open = (n: Notification) => {
    if (!n.readAt) read.mutate(n.id);
    if (n.link && n.link !== '/notifications') navigate(n.link);
    else setExpanded((x) => (x.includes(n.id) ? x.filter((i) => i !== n.id) : [...x, n.id]));
  };
  return (
    <Card
      title={
        <Space>
          <BellOutlined />
          {t('notify.centre.title')}
        </Space>
      }
      extra={
        <Space>
          <Segmented
            value={filter}
            onChange={(v) => {
              setFilter(v as 'all' | 'unread');
              resetPage();
            }}
            options={[
              { value: 'unread', label: t('notify.centre.unread') },
              { value: 'all', label: t('notify.centre.all') },
            ]}
          />
          <Button icon={<CheckOutlined />} loading={readAll.isPending} onClick={() => readAll.mutate()}>
            {t('notify.centre.readAll')}
          </Button>
          <Button icon={<SettingOutlined />} onClick={() => setSettingsOpen(true)}>
            {t('notify.settings.title')}
          </Button>
        </Space>
      }
    >
      <Table<Notification>
        rowKey="id"
        size="middle"
        loading={query.isFetching}
        dataSource={rows}
        pagination={pagination}
        locale={{ emptyText: filter === 'unread' ? t('notify.centre.noUnread') : t('notify.centre.empty') }}
        expandable={{ expandedRowKeys: expanded, onExpandedRowsChange: (k) => setExpanded(k as number[]), rowExpandable: (n) => !!n.body, expandedRowRender: (n) => <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{n.body}</Typography.Paragraph> }}
        columns={[
          { title: t('notify.centre.kind'), dataIndex: 'kind', width: 110, render: (k: string) => <Tag color={KIND_COLOR[k]}>{t(`notify.kind.${k}`, { defaultValue: k })}</Tag> },
          {
            title: t('notify.centre.message'),
            dataIndex: 'title',
            render: (v: string, n) => (
              <Space>
                {!n.readAt && <Badge status="processing" />}
                <Typography.Link strong={!n.readAt} onClick={() => open(n)}>
                  {v}
                </Typography.Link>
              </Space>
            ),
          },
          { title: t('notify.centre.time'), dataIndex: 'createdAt', width: 170, render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm') },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 110,
            render: (_, n) => (n.readAt ? <Typography.Text type="secondary">{t('notify.centre.read')}</Typography.Text> : <Button size="small" type="link" onClick={() => read.mutate(n.id)}>{t('notify.centre.markRead')}</Button>),
          },
        ]}
      />
      {settingsOpen && <SettingsDrawer onClose={() => setSettingsOpen(false)} />}
    </Card>
  );
}
