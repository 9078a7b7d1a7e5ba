import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Checkbox, Form, Input, Modal, Select, Table, Tag, Typography } from 'antd';
import { DATA_SCOPE_LABELS, PERMISSIONS, type DataScopeKind } from '@luoshi/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../api/auth';
import { api } from '../../api/client';
import { orgKeys, useRoles } from '../../api/org';
import type { Role } from '../../api/types';
import { useShowError } from '../../components/errors';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';

const byModule = Object.entries(PERMISSIONS).reduce<Record<string, { value: string; label: string }[]>>((acc, [value, label]) => {
  const mod = value.split(':')[0];
  (acc[mod] ??= []).push({ value, label });
  return acc;
}, {});

type Values = { code: string; name: string; scope: DataScopeKind; permissions: string[] };

function RoleModal({ role, onClose }: { role?: Role; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (v: Values) =>
      role
        ? api.patch<Role>(`/api/org/roles/${role.id}`, { version: role.version, name: v.name, scope: v.scope, permissions: v.permissions })
        : api.post<Role>('/api/org/roles', v),
    onSuccess: () => {
      void message.success(role ? t('common.saved') : t('role.created'));
      void qc.invalidateQueries({ queryKey: orgKeys.roles });
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <Modal
      open
      width={720}
      title={role ? t('role.editTitle') : t('role.createTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ loading: m.isPending }}
      destroyOnHidden
    >
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={role ?? { scope: 'unit', permissions: [] }}
        onFinish={(v) => submit(v)}
      >
        <Form.Item name="code" label={t('role.code')} rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{1,39}$/, message: t('role.codeRule') }]}>
          <Input disabled={!!role} />
        </Form.Item>
        <Form.Item name="name" label={t('role.name')} rules={[{ required: true, whitespace: true, message: t('role.nameRequired') }]}>
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item name="scope" label={t('role.scope')} rules={[{ required: true }]}>
          <Select options={Object.entries(DATA_SCOPE_LABELS).map(([value, label]) => ({ value, label }))} />
        </Form.Item>
        <Form.Item name="permissions" label={t('role.permissions')}>
          <Checkbox.Group style={{ width: '100%' }}>
            {Object.entries(byModule).map(([mod, perms]) => (
              <div key={mod} style={{ marginBottom: 8, width: '100%' }}>
                <Typography.Text strong>{t(`role.module.${mod}`, { defaultValue: mod })}</Typography.Text>
                <div style={{ display: 'grid', gridTemplateColumns: 'repeat(3, 1fr)', gap: 4, marginTop: 4 }}>
                  {perms.map((p) => (
                    <Checkbox key={p.value} value={p.value}>
                      {p.label}
                    </Checkbox>
                  ))}
                </div>
              </div>
            ))}
          </Checkbox.Group>
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function RolesTab() {
  const { t } = useTranslation();
  const canWrite = useCan('org:role:write');
  const roles = useRoles();
  const [editing, setEditing] = useState<{ role?: Role } | null>(null);
  return (
    <>
      <div className="toolbar">
        <span style={{ color: '#888' }}>{t('role.hint')}</span>
        {canWrite && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({})}>
            {t('role.create')}
          </Button>
        )}
      </div>
      <Table<Role>
        rowKey="id"
        loading={roles.isLoading}
        dataSource={roles.data?.data ?? []}
        pagination={{ defaultPageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: roles.error ? (roles.error as Error).message : t('role.empty') }}
        columns={[
          {
            title: t('role.name'),
            dataIndex: 'name',
            width: 160,
            render: (v: string, r) => (
              <>
                {v} {r.builtin && <Tag>{t('role.builtin')}</Tag>}
              </>
            ),
          },
          { title: t('role.code'), dataIndex: 'code', width: 140 },
          { title: t('role.scope'), dataIndex: 'scope', width: 130, render: (v: DataScopeKind) => DATA_SCOPE_LABELS[v] },
          {
            title: t('role.permissions'),
            dataIndex: 'permissions',
            render: (ps: string[]) => ps.map((p) => <Tag key={p} style={{ marginBottom: 4 }}>{PERMISSIONS[p as keyof typeof PERMISSIONS] ?? p}</Tag>),
          },
          {
            title: t('common.actions'),
            width: 80,
            render: (_, r) =>
              canWrite && (
                <Button type="link" size="small" onClick={() => setEditing({ role: r })}>
                  {t('common.edit')}
                </Button>
              ),
          },
        ]}
      />
      {editing && <RoleModal role={editing.role} onClose={() => setEditing(null)} />}
    </>
  );
}
