import { DownloadOutlined, EditOutlined, PlusOutlined, SwapOutlined, StopOutlined, CheckCircleOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, InputNumber, Modal, Select, Space, Spin, Tag, Tooltip, Tree } from 'antd';
import { UNIT_TYPES } from '@luoshi/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../api/auth';
import { api, download } from '../../api/client';
import { orgKeys, useUnitTree, type UnitNode } from '../../api/org';
import type { Unit } from '../../api/types';
import { UnitTreeSelect } from '../../components/UnitTreeSelect';
import { useShowError } from '../../components/errors';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';

type TreeData = { key: string; title: React.ReactNode; children?: TreeData[] };

function toTreeData(nodes: UnitNode[], filter: string): TreeData[] {
  const out: TreeData[] = [];
  for (const n of nodes) {
    const children = n.children ? toTreeData(n.children, filter) : undefined;
    const hit = !filter || n.name.includes(filter);
    if (!hit && !children?.length) continue;
    out.push({
      key: n.id,
      title: (
        <span style={n.disabled ? { color: '#999', textDecoration: 'line-through' } : undefined}>
          {n.name}
        </span>
      ),
      children: children?.length ? children : undefined,
    });
  }
  return out;
}

type Dialog = { kind: 'create' | 'rename' | 'move'; unit?: Unit } | null;

function UnitDialog({ dialog, onClose, onCreated }: { dialog: NonNullable<Dialog>; onClose: () => void; onCreated: (u: Unit) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const u = dialog.unit;
  const m = useMutation({
    mutationFn: (v: Record<string, unknown>) => {
      if (dialog.kind === 'create') return api.post<Unit>('/api/org/units', { parentId: u?.id ?? null, name: v.name, type: v.type, sort: v.sort ?? 0 });
      if (dialog.kind === 'rename') return api.patch<Unit>(`/api/org/units/${u!.id}`, { version: u!.version, name: v.name, type: v.type, sort: v.sort });
      return api.post<Unit>(`/api/org/units/${u!.id}/move`, { version: u!.version, parentId: v.parentId });
    },
    onSuccess: (res) => {
      void message.success(t('common.saved'));
      void qc.invalidateQueries({ queryKey: orgKeys.unitTree });
      void qc.invalidateQueries({ queryKey: orgKeys.persons });
      if (dialog.kind === 'create') onCreated(res);
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const title =
    dialog.kind === 'create'
      ? u
        ? t('unit.createChild', { name: u.name })
        : t('unit.createRoot')
      : dialog.kind === 'rename'
        ? t('unit.renameTitle')
        : t('unit.moveTitle', { name: u?.name });
  const submit = useGuardedSubmit(m);
  return (
    <Modal open title={title} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: m.isPending }} destroyOnHidden>
      <Form
        form={form}
        layout="vertical"
        initialValues={dialog.kind === 'rename' ? { name: u!.name, type: u!.type, sort: u!.sort } : { type: 'bureau', sort: 0 }}
        onFinish={(v) => submit(v)}
      >
        {dialog.kind === 'move' ? (
          <Form.Item name="parentId" label={t('unit.newParent')} rules={[{ required: true, message: t('unit.newParentRequired') }]}>
            <UnitTreeSelect excludeId={u!.id} />
          </Form.Item>
        ) : (
          <>
            <Form.Item name="name" label={t('unit.name')} rules={[{ required: true, whitespace: true, message: t('unit.nameRequired') }]}>
              <Input maxLength={100} />
            </Form.Item>
            <Form.Item name="type" label={t('unit.type')} rules={[{ required: true }]}>
              <Select options={Object.entries(UNIT_TYPES).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
            <Form.Item name="sort" label={t('unit.sort')}>
              <InputNumber min={0} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}

/** The unit tree on the left of the organisation page, with its maintenance actions. */
export function UnitPanel({ selected, onSelect }: { selected: string | null; onSelect: (id: string | null) => void }) {
  const { t } = useTranslation();
  const canWrite = useCan('org:unit:write');
  const { modal, message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const { data, isLoading, error } = useUnitTree(true);
  const [filter, setFilter] = useState('');
  const [dialog, setDialog] = useState<Dialog>(null);
  const [exporting, setExporting] = useState(false);
  const treeData = useMemo(() => toTreeData(data?.tree ?? [], filter.trim()), [data, filter]);
  const unit = selected ? data?.byId.get(selected) : undefined;

  const toggle = useMutation({
    mutationFn: (u: Unit) => api.patch<Unit>(`/api/org/units/${u.id}`, { version: u.version, disabled: !u.disabled }),
    onSuccess: (u) => {
      void message.success(u.disabled ? t('unit.disabled') : t('unit.enabled'));
      void qc.invalidateQueries({ queryKey: orgKeys.unitTree });
    },
    onError: (e) => showError(e),
  });
  const confirmToggle = (u: Unit) => {
    if (u.disabled) return toggle.mutate(u);
    modal.confirm({
      title: t('unit.disableConfirmTitle', { name: u.name }),
      content: t('unit.disableConfirm'),
      okText: t('unit.disable'),
      okButtonProps: { danger: true },
      onOk: () => toggle.mutateAsync(u).catch(() => undefined),
    });
  };

  return (
    <>
      <Space orientation="vertical" style={{ width: '100%' }} size={8}>
        <Input.Search allowClear placeholder={t('unit.search')} onChange={(e) => setFilter(e.target.value)} />
        {canWrite && (
          <Space wrap size={4}>
            <Tooltip title={unit ? t('unit.createChild', { name: unit.name }) : t('unit.createRoot')}>
              <Button size="small" icon={<PlusOutlined />} onClick={() => setDialog({ kind: 'create', unit })}>
                {t('unit.add')}
              </Button>
            </Tooltip>
            <Button size="small" icon={<EditOutlined />} disabled={!unit} onClick={() => setDialog({ kind: 'rename', unit })}>
              {t('unit.rename')}
            </Button>
            <Button size="small" icon={<SwapOutlined />} disabled={!unit || !unit.parentId} onClick={() => setDialog({ kind: 'move', unit })}>
              {t('unit.move')}
            </Button>
            <Button
              size="small"
              danger={!unit?.disabled}
              icon={unit?.disabled ? <CheckCircleOutlined /> : <StopOutlined />}
              disabled={!unit}
              loading={toggle.isPending}
              onClick={() => unit && confirmToggle(unit)}
            >
              {unit?.disabled ? t('unit.enable') : t('unit.disable')}
            </Button>
          </Space>
        )}
        <Button
          size="small"
          icon={<DownloadOutlined />}
          loading={exporting}
          onClick={() => {
            setExporting(true);
            download('/api/org/units/export.xlsx', t('files.units'))
              .catch(showError)
              .finally(() => setExporting(false));
          }}
        >
          {t('unit.export')}
        </Button>
        {unit && (
          <div style={{ color: '#666', fontSize: 12 }}>
            {t('unit.selected')}：{unit.name} <Tag>{UNIT_TYPES[unit.type]}</Tag>
            {unit.disabled && <Tag color="default">{t('unit.disabledTag')}</Tag>}
          </div>
        )}
        {isLoading ? (
          <Spin />
        ) : error ? (
          <span className="text-danger">{(error as Error).message}</span>
        ) : (
          <div style={{ maxHeight: 'calc(100vh - 400px)', minHeight: 240, overflow: 'auto' }}>
            <Tree
              blockNode
              showLine
              defaultExpandAll
              key={`${data?.units.length}-${filter}`}
              treeData={treeData}
              selectedKeys={selected ? [selected] : []}
              onSelect={(keys) => keys.length > 0 && onSelect(keys[0] as string)}
            />
          </div>
        )}
      </Space>
      {dialog && <UnitDialog dialog={dialog} onClose={() => setDialog(null)} onCreated={(u) => onSelect(u.id)} />}
    </>
  );
}
