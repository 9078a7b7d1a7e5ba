import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, DatePicker, Form, Input, Modal, Select, Table, Typography } from 'antd';
import { REPORT_CYCLES } from '@luoshi/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useUnitTree } from '../../api/org';
import type { Task } from '../../api/types';
import { PersonSelect } from '../../components/PersonSelect';
import { UnitTreeSelect } from '../../components/UnitTreeSelect';
import { useShowError } from '../../components/errors';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';

type Item = { title: string; leadUnitId: string; responsiblePersonId?: string | null; deadline: Dayjs; reportCycle?: string };

/** 分解: sub-tasks for the lead unit's own lower units or people; all are written or none. */
export function BreakdownModal({ task, onClose }: { task: Task; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ items: Item[] }>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const units = useUnitTree(false);
  const leadPath = units.data?.byId.get(task.leadUnitId)?.path;
  const m = useMutation({
    mutationFn: (items: Item[]) =>
      api.post<Task[]>(`/api/tasks/${task.id}/breakdown`, {
        items: items.map((i) => ({
          title: i.title,
          leadUnitId: i.leadUnitId,
          responsiblePersonId: i.responsiblePersonId || null,
          deadline: i.deadline.format('YYYY-MM-DD'),
          reportCycle: i.reportCycle,
        })),
      }),
    onSuccess: () => {
      void message.success(t('breakdown.done'));
      void qc.invalidateQueries({ queryKey: ['tasks'] });
      void qc.invalidateQueries({ queryKey: ['campaigns'] });
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const blank = (): Partial<Item> => ({ title: '', deadline: dayjs(task.deadline), reportCycle: task.reportCycle });
  const submit = useGuardedSubmit(m);
  return (
    <Modal
      open
      title={t('breakdown.title')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ loading: m.isPending }}
      width={1000}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">
        {t('breakdown.hint', { title: task.title, unit: task.leadUnitName, deadline: task.deadline })}
      </Typography.Paragraph>
      <Form form={form} initialValues={{ items: [blank()] }} onFinish={(v) => submit(v.items)}>
        <Form.List name="items">
          {(fields, { add, remove }) => (
            <>
              <Table
                size="small"
                pagination={false}
                rowKey="key"
                dataSource={fields}
                columns={[
                  {
                    title: t('breakdown.subTitle'),
                    render: (_, f) => (
                      <Form.Item name={[f.name, 'title']} rules={[{ required: true, whitespace: true, message: t('breakdown.titleRequired') }]} style={{ margin: 0 }}>
                        <Input placeholder={t('breakdown.subTitle')} />
                      </Form.Item>
                    ),
                  },
                  {
                    title: t('task.leadUnit'),
                    width: 220,
                    render: (_, f) => (
                      <Form.Item name={[f.name, 'leadUnitId']} rules={[{ required: true, message: t('task.leadUnitRequired') }]} style={{ margin: 0 }}>
                        <UnitTreeSelect withinPath={leadPath} />
                      </Form.Item>
                    ),
                  },
                  {
                    title: t('task.responsible'),
                    width: 180,
                    render: (_, f) => (
                      <Form.Item noStyle shouldUpdate>
                        {({ getFieldValue }) => (
                          <Form.Item name={[f.name, 'responsiblePersonId']} style={{ margin: 0 }}>
                            <PersonSelect unitId={getFieldValue(['items', f.name, 'leadUnitId']) ?? task.leadUnitId} />
                          </Form.Item>
                        )}
                      </Form.Item>
                    ),
                  },
                  {
                    title: t('task.deadline'),
                    width: 150,
                    render: (_, f) => (
                      <Form.Item name={[f.name, 'deadline']} rules={[{ required: true, message: t('task.deadlineRequired') }]} style={{ margin: 0 }}>
                        <DatePicker style={{ width: '100%' }} />
                      </Form.Item>
                    ),
                  },
                  {
                    title: t('task.cycle'),
                    width: 110,
                    render: (_, f) => (
                      <Form.Item name={[f.name, 'reportCycle']} style={{ margin: 0 }}>
                        <Select options={Object.entries(REPORT_CYCLES).map(([value, label]) => ({ value, label }))} />
                      </Form.Item>
                    ),
                  },
                  {
                    title: '',
                    width: 44,
                    render: (_, f) =>
                      fields.length > 1 && (
                        <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={() => remove(f.name)} />
                      ),
                  },
                ]}
              />
              <Button type="dashed" block icon={<PlusOutlined />} onClick={() => add(blank())} style={{ marginTop: 8 }}>
                {t('breakdown.addRow')}
              </Button>
            </>
          )}
        </Form.List>
      </Form>
    </Modal>
  );
}
