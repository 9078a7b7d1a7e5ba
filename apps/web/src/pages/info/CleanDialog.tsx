import { Alert, Button, Col, Input, Modal, Row, Space, Tabs, Tag, Typography } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { infoUrls, type CleanTextResult } from '../../api/info';
import { useShowError } from '../../components/errors';
import { FileDropPicker } from '../../components/FileDropPicker';

/**
 * 粘贴网页文本 / 导入文件: the server cleans the text (web-page chrome, pinyin, Traditional → Simplified, half-width
 * punctuation) and answers what it changed; the writer compares both sides and chooses. Nothing is applied unseen.
 */
export function CleanDialog({ onUse, onClose }: { onUse: (text: string) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const [source, setSource] = useState<'paste' | 'file'>('paste');
  const [pasted, setPasted] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<CleanTextResult | null>(null);
  const [cleaned, setCleaned] = useState('');
  const clean = useMutation({
    mutationFn: () =>
      source === 'file' && file ? api.upload<CleanTextResult>(infoUrls.cleanFile, file) : api.post<CleanTextResult>(infoUrls.clean, { text: pasted, format: 'text' }),
    onSuccess: (r) => {
      setResult(r);
      setCleaned(r.text);
    },
    onError: (e) => showError(e),
  });
  const ready = source === 'file' ? !!file : pasted.trim().length > 0;
  return (
    <Modal
      open
      width={result ? 1180 : 760}
      title={t('info.clean.title')}
      onCancel={onClose}
      destroyOnHidden
      footer={
        result ? (
          <Space>
            <Button onClick={() => setResult(null)}>{t('info.clean.back')}</Button>
            <Button onClick={() => onUse(result.original)}>{t('info.clean.keepOriginal')}</Button>
            <Button type="primary" disabled={!cleaned.trim()} onClick={() => onUse(cleaned)}>
              {t('info.clean.useCleaned')}
            </Button>
          </Space>
        ) : (
          <Space>
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="primary" disabled={!ready} loading={clean.isPending} onClick={() => clean.mutate()}>
              {t('info.clean.run')}
            </Button>
          </Space>
        )
      }
    >
      {!result && (
        <Tabs
          activeKey={source}
          onChange={(k) => setSource(k as 'paste' | 'file')}
          items={[
            {
              key: 'paste',
              label: t('info.clean.paste'),
              children: (
                <Input.TextArea
                  rows={14}
                  value={pasted}
                  aria-label={t('info.clean.pasteHere')}
                  placeholder={t('info.clean.pasteHere')}
                  onChange={(e) => setPasted(e.target.value)}
                />
              ),
            },
            {
              key: 'file',
              label: t('info.clean.import'),
              children: <FileDropPicker accept=".docx,.html,.htm,.txt" file={file} onChange={setFile} text={t('info.clean.fileText')} hint={t('info.clean.fileHint')} />,
            },
          ]}
        />
      )}
      {result && (
        <>
          {result.changes.length === 0 ? (
            <Alert type="success" showIcon title={t('info.clean.noChanges')} style={{ marginBottom: 12 }} />
          ) : (
            <div className="info-clean-changes" aria-label={t('info.clean.changes')}>
              <Typography.Text strong>{t('info.clean.changes')}</Typography.Text>
              <ul>
                {result.changes.map((c) => (
                  <li key={c.kind}>
                    <span>{c.label}</span> <Tag color="blue">{t('info.clean.times', { n: c.count })}</Tag>
                    {c.samples.length > 0 && (
                      <Typography.Text type="secondary" className="info-clean-samples">
                        {c.samples.slice(0, 5).map((s, i) => (
                          <code key={i}>{s}</code>
                        ))}
                      </Typography.Text>
                    )}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {result.warnings.length > 0 && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 12 }}
              title={t('info.clean.warnings')}
              description={
                <ul className="info-clean-warnings">
                  {result.warnings.map((w, i) => (
                    <li key={i}>
                      {t('info.clean.paragraph', { n: w.paragraph })}：{w.message}
                      {w.excerpt && <Typography.Text type="secondary">「{w.excerpt}」</Typography.Text>}
                    </li>
                  ))}
                </ul>
              }
            />
          )}
          <Row gutter={16}>
            <Col span={12}>
              <Typography.Text strong>{t('info.clean.original')}</Typography.Text>
              <pre className="info-clean-original" aria-label={t('info.clean.original')}>
                {result.original}
              </pre>
            </Col>
            <Col span={12}>
              <Typography.Text strong>{t('info.clean.cleaned')}</Typography.Text>
              <Input.TextArea
                className="info-clean-text"
                aria-label={t('info.clean.cleaned')}
                value={cleaned}
                onChange={(e) => setCleaned(e.target.value)}
                rows={16}
              />
            </Col>
          </Row>
        </>
      )}
    </Modal>
  );
}
