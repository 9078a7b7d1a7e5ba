import { App, Form, Input, InputNumber, Modal, Select, Slider, Space, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newIdempotencyKey } from '../../api/client';
import type { FileRef, Task, TaskReport } from '../../api/types';
import { FileUpload } from '../../components/FileUpload';
import { useShowError } from '../../components/errors';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';

type Values = { periodKey?: string; content: string; percent: number; files: FileRef[] };

/** 报送进展: text, percent and attachments; one key per opening so a double click makes one report. */
export function ReportModal({ task, onClose }: { task: Task; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const m = useMutation({
    mutationFn: (v: Values) =>
      api.post<TaskReport>(`/api/tasks/${task.id}/reports`, {
        periodKey: v.periodKey || undefined,
        content: v.content,
        percent: v.percent,
        fileIds: (v.files ?? []).map((f) => f.id),
        idempotencyKey,
      }),
    onSuccess: () => {
      void message.success(t('report.submitted'));
      void qc.invalidateQueries({ queryKey: ['tasks'] });
      void qc.invalidateQueries({ queryKey: ['reports'] });
      void qc.invalidateQueries({ queryKey: ['campaigns'] });
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <Modal
      open
      title={t('report.title')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('report.submit')}
      okButtonProps={{ loading: m.isPending, disabled: m.isSuccess }}
      width={640}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">
        {t('report.forTask')}：{task.title}（{task.leadUnitName}）
      </Typography.Paragraph>
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{ percent: task.progress, files: [] }}
        onFinish={(v) => submit(v)}
      >
        {task.missingReports.length > 0 && (
          <Form.Item name="periodKey" label={t('report.period')} extra={t('report.periodHint')}>
            <Select placeholder={t('report.currentPeriod')} options={task.missingReports.map((r) => ({ value: r.periodKey, label: r.label }))} allowClear />
          </Form.Item>
        )}
        <Form.Item name="content" label={t('report.content')} rules={[{ required: true, whitespace: true, message: t('report.contentRequired') }]}>
          <Input.TextArea rows={5} maxLength={10000} showCount placeholder={t('report.contentPlaceholder')} />
        </Form.Item>
        <Form.Item label={t('report.percent')} required>
          <Space style={{ width: '100%' }} align="center">
            <Form.Item name="percent" noStyle>
              <Slider style={{ width: 360 }} min={0} max={100} step={5} />
            </Form.Item>
            <Form.Item name="percent" noStyle rules={[{ required: true, type: 'number', min: 0, max: 100, message: t('report.percentRule') }]}>
              <InputNumber min={0} max={100} precision={0} suffix="%" aria-label={t('report.percent')} style={{ width: 100 }} />
            </Form.Item>
          </Space>
        </Form.Item>
        <Form.Item name="files" label={t('report.files')}>
          <FileUpload />
        </Form.Item>
      </Form>
    </Modal>
  );
}
