import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, Select, Space, Table, Tag } from 'antd';
import { GROUP_ROLES, GROUP_TYPES, type GroupRole, type GroupType } from '@luoshi/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCan, useMe } from '../../api/auth';
import { api } from '../../api/client';
import { orgKeys } from '../../api/org';
import type { Group, GroupMember } from '../../api/types';
import { FormDrawer } from '../../components/FormDrawer';
import { PersonSelect } from '../../components/PersonSelect';
import { UnitTreeSelect } from '../../components/UnitTreeSelect';
import { useShowError } from '../../components/errors';
import { ExportButton } from '../../components/ExportButton';
import { usePagedList } from '../../components/usePagedList';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';

const ROLE_ORDER: Record<GroupRole, number> = { leader: 0, deputy: 1, member: 2 };
const ROLE_COLORS: Record<GroupRole, string> = { leader: 'red', deputy: 'orange', member: 'default' };

type Values = { unitId: string; name: string; type: GroupType; members: { personId: string; role: GroupRole }[] };

function GroupDrawer({ group, onClose }: { group?: Group; onClose: () => void }) {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (v: Values) => {
      const members = (v.members ?? []).filter((x) => x?.personId);
      return group
        ? api.patch<Group>(`/api/org/groups/${group.id}`, { version: group.version, name: v.name, type: v.type, members })
        : api.post<Group>('/api/org/groups', { unitId: v.unitId, name: v.name, type: v.type, members });
    },
    onSuccess: () => {
      void message.success(group ? t('common.saved') : t('group.created'));
      void qc.invalidateQueries({ queryKey: orgKeys.groups });
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const known = group?.members.map((x) => ({ value: x.personId, label: `${x.name}（${x.unitName}）` })) ?? [];
  const submit = useGuardedSubmit(m);
  return (
    <FormDrawer size={640} title={group ? t('group.editTitle') : t('group.createTitle')} pending={m.isPending} onSave={() => form.submit()} onClose={onClose}>
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={
          group
            ? { unitId: group.unitId, name: group.name, type: group.type, members: group.members.map((x) => ({ personId: x.personId, role: x.role })) }
            : { unitId: me?.unit?.id, type: 'leading', members: [{ role: 'leader' }] }
        }
        onFinish={(v) => submit(v)}
      >
        <Form.Item name="name" label={t('group.name')} rules={[{ required: true, whitespace: true, message: t('group.nameRequired') }]}>
          <Input maxLength={100} placeholder={t('group.namePlaceholder')} />
        </Form.Item>
        <Space style={{ width: '100%' }} align="start">
          <Form.Item name="type" label={t('group.type')} rules={[{ required: true }]} style={{ width: 200 }}>
            <Select options={Object.entries(GROUP_TYPES).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          {group ? (
            <Form.Item label={t('group.unit')} style={{ width: 360 }}>
              <Input disabled value={group.unitName} />
            </Form.Item>
          ) : (
            <Form.Item name="unitId" label={t('group.unit')} rules={[{ required: true, message: t('common.selectUnit') }]} style={{ width: 360 }}>
              <UnitTreeSelect />
            </Form.Item>
          )}
        </Space>
        <Form.Item label={t('group.members')}>
          <Form.List name="members">
            {(fields, { add, remove }) => (
              <Space orientation="vertical" style={{ width: '100%' }}>
                {fields.map((f) => (
                  <Space key={f.key} align="start">
                    <Form.Item name={[f.name, 'role']} style={{ margin: 0, width: 110 }} rules={[{ required: true }]}>
                      <Select options={Object.entries(GROUP_ROLES).map(([value, label]) => ({ value, label }))} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'personId']} style={{ margin: 0, width: 380 }} rules={[{ required: true, message: t('common.selectPerson') }]}>
                      <PersonSelect initialOptions={known} />
                    </Form.Item>
                    <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={() => remove(f.name)} />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ role: 'member' })}>
                  {t('group.addMember')}
                </Button>
              </Space>
            )}
          </Form.List>
        </Form.Item>
      </Form>
    </FormDrawer>
  );
}

export function GroupsTab() {
  const { t } = useTranslation();
  const canWrite = useCan('org:group:write');
  const [type, setType] = useState<string | undefined>();
  const [editing, setEditing] = useState<{ group?: Group } | null>(null);
  const { query, rows, pagination, resetPage } = usePagedList<Group>(orgKeys.groups, '/api/org/groups', { type });
  return (
    <>
      <div className="toolbar">
        <Select
          allowClear
          placeholder={t('group.type')}
          style={{ width: 160 }}
          value={type}
          onChange={(v) => {
            setType(v);
            resetPage();
          }}
          options={Object.entries(GROUP_TYPES).map(([value, label]) => ({ value, label }))}
        />
        <Space>
          <ExportButton url="/api/org/groups/export" filters={{ type }} fallbackName="工作小组.xlsx" />
          {canWrite && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({})}>
              {t('group.create')}
            </Button>
          )}
        </Space>
      </div>
      <Table<Group>
        rowKey="id"
        loading={query.isFetching}
        dataSource={rows}
        pagination={pagination}
        locale={{ emptyText: query.error ? (query.error as Error).message : t('group.empty') }}
        columns={[
          { title: t('group.name'), dataIndex: 'name', width: 220 },
          { title: t('group.type'), dataIndex: 'type', width: 110, render: (v: GroupType) => <Tag color="blue">{GROUP_TYPES[v]}</Tag> },
          { title: t('group.unit'), dataIndex: 'unitName', width: 160 },
          {
            title: t('group.members'),
            dataIndex: 'members',
            render: (ms: GroupMember[]) =>
              [...ms]
                .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role])
                .map((x) => (
                  <Tag key={x.personId} color={ROLE_COLORS[x.role]} style={{ marginBottom: 4 }}>
                    {GROUP_ROLES[x.role]}：{x.name}
                  </Tag>
                )),
          },
          {
            title: t('common.actions'),
            width: 90,
            render: (_, g) =>
              canWrite && (
                <Button type="link" size="small" onClick={() => setEditing({ group: g })}>
                  {t('common.edit')}
                </Button>
              ),
          },
        ]}
      />
      {editing && <GroupDrawer group={editing.group} onClose={() => setEditing(null)} />}
    </>
  );
}
