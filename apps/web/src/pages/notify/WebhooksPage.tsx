import { ApiOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Drawer, Form, Input, Popconfirm, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../api/auth';
import { notifyApi, notifyKeys, type UnitWebhook } from '../../api/notify';
import { useShowError } from '../../components/errors';
import { UnitTreeSelect } from '../../components/UnitTreeSelect';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';

/** `url` and `secret` are write-only: an edit starts with both empty, and empty keeps what is stored. */
type FormValues = { unitId: string; kind: 'wecom' | 'dingtalk'; name: string; url?: string; secret?: string; clearSecret?: boolean; enabled: boolean };

function WebhookDrawer({ hook, onClose }: { hook: UnitWebhook | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const { data: me } = useMe();
  const [form] = Form.useForm<FormValues>();
  const kind = Form.useWatch('kind', form);
  const m = useMutation({
    mutationFn: (v: FormValues) =>
      hook
        ? notifyApi.updateWebhook(hook.id, {
            version: hook.version, kind: v.kind, name: v.name, enabled: v.enabled,
            // left empty keeps the stored URL and secret; 清除 removes the secret
            ...(v.url?.trim() ? { url: v.url.trim() } : {}),
            ...(v.clearSecret ? { secret: '' } : v.secret ? { secret: v.secret } : {}),
          })
        : notifyApi.createWebhook({ unitId: v.unitId, kind: v.kind, name: v.name, url: v.url?.trim() ?? '', secret: v.secret || null, enabled: v.enabled }),
    onSuccess: () => {
      void message.success(t('common.saved'));
      void qc.invalidateQueries({ queryKey: notifyKeys.webhooks });
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <Drawer open size={520} title={hook ? t('notify.webhooks.edit') : t('notify.webhooks.add')} onClose={onClose} extra={<Button type="primary" loading={m.isPending} onClick={() => form.submit()}>{t('common.save')}</Button>}>
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={hook ? { unitId: hook.unitId, kind: hook.kind, name: hook.name, enabled: hook.enabled } : { unitId: me?.unit?.id, kind: 'wecom', enabled: true }}
        onFinish={(v) => submit(v)}
      >
        <Form.Item name="unitId" label={t('notify.webhooks.unit')} rules={[{ required: true, message: t('common.selectUnit') }]}>
          <UnitTreeSelect />
        </Form.Item>
        <Form.Item name="kind" label={t('notify.webhooks.kind')} rules={[{ required: true }]}>
          <Select options={[{ value: 'wecom', label: t('notify.webhooks.wecom') }, { value: 'dingtalk', label: t('notify.webhooks.dingtalk') }]} />
        </Form.Item>
        <Form.Item name="name" label={t('notify.webhooks.name')} rules={[{ required: true, whitespace: true, message: t('notify.webhooks.nameRequired') }]}>
          <Input maxLength={100} placeholder={t('notify.webhooks.namePlaceholder')} />
        </Form.Item>
        <Form.Item
          name="url"
          label={t('notify.webhooks.url')}
          rules={[{ required: !hook, message: t('notify.webhooks.urlRequired') }, { pattern: /^\s*https?:\/\//i, message: t('notify.webhooks.urlInvalid') }]}
          extra={
            <>
              {hook && <div>{t('notify.webhooks.urlKept', { url: hook.maskedUrl })}</div>}
              <div>{t('notify.webhooks.urlHint')}</div>
            </>
          }
        >
          <Input
            autoComplete="off"
            placeholder={hook ? t('notify.webhooks.urlPlaceholder') : kind === 'dingtalk' ? 'https://oapi.dingtalk.com/robot/send?access_token=…' : 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…'}
          />
        </Form.Item>
        {kind === 'dingtalk' && (
          <>
            <Form.Item name="secret" label={t('notify.webhooks.secret')} extra={hook?.hasSecret ? t('notify.webhooks.secretKept') : t('notify.webhooks.secretHint')}>
              <Input.Password autoComplete="new-password" placeholder={hook?.hasSecret ? '••••••••' : 'SEC…'} />
            </Form.Item>
            {hook?.hasSecret && (
              <Form.Item name="clearSecret" valuePropName="checked" label={t('notify.webhooks.clearSecret')}>
                <Switch />
              </Form.Item>
            )}
          </>
        )}
        <Form.Item name="enabled" label={t('notify.webhooks.enabled')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

/** 群机器人: the WeCom and DingTalk robots that get the reminders of a unit. */
export default function WebhooksPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const [editing, setEditing] = useState<UnitWebhook | null | undefined>(undefined);
  const q = useQuery({ queryKey: notifyKeys.webhooks, queryFn: notifyApi.webhooks });
  const test = useMutation({
    mutationFn: (h: UnitWebhook) => notifyApi.testWebhook(h.id),
    onSuccess: (r) => (r.ok ? void message.success(t('notify.webhooks.testOk')) : void message.error(t('notify.webhooks.testFailed', { error: r.error }), 8)),
    onError: (e) => showError(e),
  });
  const del = useMutation({
    mutationFn: (h: UnitWebhook) => notifyApi.deleteWebhook(h.id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: notifyKeys.webhooks }),
    onError: (e) => showError(e),
  });
  return (
    <Card
      title={
        <Space>
          <ApiOutlined />
          {t('notify.webhooks.title')}
        </Space>
      }
      extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)}>{t('notify.webhooks.add')}</Button>}
    >
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('notify.webhooks.hint')} />
      <Table<UnitWebhook>
        rowKey="id"
        loading={q.isLoading}
        dataSource={q.data ?? []}
        pagination={false}
        columns={[
          { title: t('notify.webhooks.unit'), dataIndex: 'unitName', width: 180 },
          { title: t('notify.webhooks.name'), dataIndex: 'name' },
          { title: t('notify.webhooks.kind'), dataIndex: 'kind', width: 120, render: (k: string) => <Tag color={k === 'wecom' ? 'green' : 'blue'}>{t(`notify.webhooks.${k}`)}</Tag> },
          { title: t('notify.webhooks.url'), dataIndex: 'maskedUrl', ellipsis: true, render: (v: string) => <Typography.Text type="secondary">{v}</Typography.Text> },
          { title: t('notify.webhooks.secret'), dataIndex: 'hasSecret', width: 90, render: (v: boolean, h) => (h.kind === 'dingtalk' ? (v ? t('notify.webhooks.secretSet') : t('notify.webhooks.secretNone')) : '—') },
          { title: t('notify.webhooks.enabled'), dataIndex: 'enabled', width: 80, render: (v: boolean) => (v ? <Tag color="success">{t('notify.webhooks.on')}</Tag> : <Tag>{t('notify.webhooks.off')}</Tag>) },
          { title: t('notify.webhooks.updatedAt'), dataIndex: 'updatedAt', width: 150, render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm') },
          {
            title: t('common.actions'),
            key: 'a',
            width: 200,
            render: (_, h) => (
              <Space size={0}>
                <Button type="link" size="small" loading={test.isPending && test.variables?.id === h.id} onClick={() => test.mutate(h)}>{t('notify.webhooks.test')}</Button>
                <Button type="link" size="small" onClick={() => setEditing(h)}>{t('common.edit')}</Button>
                <Popconfirm title={t('notify.webhooks.confirmDelete', { name: h.name })} onConfirm={() => del.mutate(h)}>
                  <Button type="link" size="small" danger>{t('common.remove')}</Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {editing !== undefined && <WebhookDrawer hook={editing} onClose={() => setEditing(undefined)} />}
    </Card>
  );
}
