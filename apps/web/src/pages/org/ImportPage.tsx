import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { Alert, App, Breadcrumb, Button, Card, Radio, Result, Space, Steps, Table, Upload } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, download } from '../../api/client';
import { orgKeys } from '../../api/org';
import type { ImportPreview, ImportResult } from '../../api/types';
import { useShowError } from '../../components/errors';

type Kind = 'units' | 'persons';

/** 导入向导: upload an XLSX → every bad row with its line and reason → confirm writes the good rows in one go. */
export function ImportPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [kind, setKind] = useState<Kind>('persons');
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const upload = useMutation({
    mutationFn: (file: File) => api.upload<ImportPreview>(`/api/org/imports/${kind}`, file),
    onSuccess: setPreview,
    onError: (e) => showError(e),
  });
  const confirm = useMutation({
    mutationFn: (id: string) => api.post<ImportResult>(`/api/org/imports/${id}/confirm`),
    onSuccess: (r) => {
      setResult(r);
      void message.success(t('import.writtenN', { n: r.written }));
      void qc.invalidateQueries({ queryKey: ['org'] });
    },
    onError: (e) => showError(e),
  });
  const step = result ? 2 : preview ? 1 : 0;
  const sampleCols = preview?.sample[0] ? Object.keys(preview.sample[0]) : [];
  const restart = () => {
    setPreview(null);
    setResult(null);
  };
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Breadcrumb items={[{ title: <Link to="/org">{t('nav.org')}</Link> }, { title: t('import.title') }]} />
      <Card>
        <h2 className="page-title">{t('import.title')}</h2>
        <Steps current={step} items={[{ title: t('import.step1') }, { title: t('import.step2') }, { title: t('import.step3') }]} style={{ marginBottom: 24 }} />
        {step === 0 && (
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Space>
              <span>{t('import.kind')}：</span>
              <Radio.Group
                value={kind}
                onChange={(e) => setKind(e.target.value as Kind)}
                optionType="button"
                options={[
                  { value: 'persons', label: t('import.persons') },
                  { value: 'units', label: t('import.units') },
                ]}
              />
              <Button
                icon={<DownloadOutlined />}
                onClick={() => void download(`/api/org/imports/template/${kind}`, t(kind === 'units' ? 'files.unitsTemplate' : 'files.personsTemplate')).catch(showError)}
              >
                {t('import.template')}
              </Button>
            </Space>
            <Upload.Dragger
              accept=".xlsx"
              showUploadList={false}
              disabled={upload.isPending}
              beforeUpload={(file) => {
                upload.mutate(file);
                return false;
              }}
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">{upload.isPending ? t('import.checking') : t('import.drop')}</p>
              <p className="ant-upload-hint">{t('import.dropHint')}</p>
            </Upload.Dragger>
          </Space>
        )}
        {step === 1 && preview && (
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Alert
              type={preview.errors.length ? 'warning' : 'success'}
              showIcon
              title={t('import.summary', { total: preview.total, valid: preview.valid, bad: preview.errors.length })}
            />
            {preview.errors.length > 0 && (
              <Card size="small" title={t('import.badRows')}>
                <Table
                  rowKey={(r) => `${r.line}-${r.reason}`}
                  size="small"
                  dataSource={preview.errors}
                  pagination={{ defaultPageSize: 10, hideOnSinglePage: true }}
                  columns={[
                    { title: t('import.line'), dataIndex: 'line', width: 90 },
                    { title: t('import.reason'), dataIndex: 'reason', render: (v: string) => <span className="text-danger">{v}</span> },
                  ]}
                />
              </Card>
            )}
            {preview.sample.length > 0 && (
              <Card size="small" title={t('import.sample')}>
                <Table
                  rowKey={(_, i) => String(i)}
                  size="small"
                  dataSource={preview.sample}
                  pagination={false}
                  scroll={{ x: true }}
                  columns={sampleCols.map((c) => ({
                    title: t(`import.col.${c === 'name' ? (preview.kind === 'units' ? 'unitName' : 'personName') : c}`, { defaultValue: c }),
                    dataIndex: c,
                    render: (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'boolean' ? t(v ? 'import.yes' : 'import.no') : String(v)),
                  }))}
                />
              </Card>
            )}
            <Space>
              <Button onClick={restart}>{t('import.reupload')}</Button>
              <Button type="primary" disabled={preview.valid === 0} loading={confirm.isPending} onClick={() => confirm.mutate(preview.id)}>
                {t('import.confirm', { n: preview.valid })}
              </Button>
            </Space>
          </Space>
        )}
        {step === 2 && result && (
          <Result
            status="success"
            title={t('import.writtenN', { n: result.written })}
            extra={[
              <Button key="back" type="primary" onClick={() => navigate('/org')}>
                {t('import.backToOrg')}
              </Button>,
              <Button key="again" onClick={restart}>
                {t('import.again')}
              </Button>,
            ]}
          />
        )}
      </Card>
    </Space>
  );
}
