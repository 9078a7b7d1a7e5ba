import { FileWordOutlined, ReloadOutlined, SaveOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Form, Input, Space, Spin, Table, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { Fragment, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useCan, useMe } from '../../api/auth';
import { bulletinKeys, bulletinUrls, type SummaryDraft, type SummaryFigure, type WorkSummary } from '../../api/bulletins';
import { api, ApiError, download } from '../../api/client';
import { useShowError } from '../../components/errors';
import { UnitTreeSelect } from '../../components/UnitTreeSelect';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import { PeriodPicker, periodKeyOf } from './PeriodPicker';
import './bulletins.css';

/** The generated paragraph with each figure a link to its records (figures appear in the text in their list order). */
function linked(text: string, figures: SummaryFigure[]): ReactNode[] {
  const out: ReactNode[] = [];
  let pos = Math.max(0, text.indexOf('，'));
  out.push(text.slice(0, pos));
  for (const f of figures) {
    const re = new RegExp(`(?<!\\d)${f.value}(?!\\d)`, 'g');
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) continue;
    out.push(text.slice(pos, m.index));
    out.push(
      <Link key={f.key} to={f.link} title={f.label}>
        {f.value}
      </Link>,
    );
    pos = m.index + m[0].length;
  }
  out.push(text.slice(pos));
  return out.map((x, i) => <Fragment key={i}>{x}</Fragment>);
}

/** 工作总结: a unit and a period give the paragraph of figures, each a link to its records; edit, save, export Word. */
export function SummaryPage() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const { data: me } = useMe();
  const canWrite = useCan('reports:summary:write');
  const [params, setParams] = useSearchParams();
  const unitId = params.get('unitId') ?? me?.unit?.id ?? '';
  const period = params.get('period') ?? periodKeyOf('month', dayjs().subtract(1, 'month'));
  const set = (k: string, v: string) => setParams((p) => (p.set(k, v), p), { replace: true });
  const q = useQuery({
    queryKey: bulletinKeys.summary(unitId, period),
    queryFn: () => api.get<SummaryDraft>(bulletinUrls.summaryDraft, { unitId, period }),
    enabled: !!unitId,
  });
  const [text, setText] = useState('');
  const [dirty, setDirty] = useState(false);
  useEffect(() => {
    if (q.data) {
      setText(q.data.saved?.text ?? q.data.text);
      setDirty(false);
    }
  }, [q.data]);
  const save = useMutation({
    mutationFn: () => api.put<WorkSummary>(bulletinUrls.summaries, { unitId, periodKey: period, text, version: q.data?.saved?.version ?? 0 }),
    onSuccess: () => {
      void message.success(t('common.saved'));
      void qc.invalidateQueries({ queryKey: bulletinKeys.summary(unitId, period) });
    },
    onError: (e: Error) => {
      if (e instanceof ApiError && e.status === 409) {
        modal.confirm({ title: t('bulletins.edit.conflict'), content: e.message, okText: t('common.reload'), onOk: () => void q.refetch() });
        return;
      }
      showError(e);
    },
  });
  const doSave = useGuardedSubmit(save);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card title={t('bulletins.summary.title')}>
        <Form layout="inline">
          <Form.Item label={t('bulletins.summary.unit')}>
            <UnitTreeSelect value={unitId || undefined} onChange={(v) => v && set('unitId', String(v))} style={{ width: 280 }} />
          </Form.Item>
          <Form.Item label={t('bulletins.field.period')}>
            <PeriodPicker kinds={['month', 'quarter', 'half', 'year']} value={period} onChange={(k) => set('period', k)} />
          </Form.Item>
        </Form>
      </Card>
      {!unitId ? (
        <Empty description={t('common.selectUnit')} />
      ) : q.isLoading ? (
        <Spin style={{ display: 'block', marginTop: 40 }} />
      ) : q.error || !q.data ? (
        <Empty description={(q.error as Error | null)?.message} />
      ) : (
        <>
          <Card title={t('bulletins.summary.figures', { unit: q.data.unitName, period: q.data.periodLabel })}>
            <p className="summary-text" data-testid="summary-linked">
              {linked(q.data.text, q.data.figures)}
            </p>
            <Table<SummaryFigure>
              rowKey="key"
              size="small"
              pagination={false}
              dataSource={q.data.figures}
              style={{ maxWidth: 520 }}
              columns={[
                { title: t('bulletins.summary.measure'), dataIndex: 'label' },
                { title: t('bulletins.summary.value'), dataIndex: 'value', width: 90, align: 'right', render: (v: number, f) => <Link to={f.link}>{v}</Link> },
              ]}
            />
          </Card>
          <Card
            title={t('bulletins.summary.text')}
            extra={
              <Space>
                {canWrite && (
                  <Button icon={<ReloadOutlined />} onClick={() => (setText(q.data!.text), setDirty(true))}>
                    {t('bulletins.summary.useGenerated')}
                  </Button>
                )}
                {canWrite && (
                  <Button type="primary" icon={<SaveOutlined />} loading={save.isPending} disabled={!text.trim() || (!dirty && !!q.data.saved)} onClick={() => doSave()}>
                    {t('common.save')}
                  </Button>
                )}
                <Button
                  icon={<FileWordOutlined />}
                  disabled={!q.data.saved}
                  onClick={() => download(bulletinUrls.summaryDocx(q.data!.saved!.id), `${q.data!.unitName}${q.data!.periodLabel}工作总结.docx`).catch(showError)}
                >
                  {t('bulletins.summary.word')}
                </Button>
              </Space>
            }
          >
            <Input.TextArea
              className="summary-text-input"
              autoSize={{ minRows: 6 }}
              value={text}
              readOnly={!canWrite}
              maxLength={50000}
              onChange={(e) => (setText(e.target.value), setDirty(true))}
            />
            <Typography.Text type="secondary">
              {q.data.saved
                ? t('bulletins.summary.savedAt', { at: dayjs(q.data.saved.updatedAt).format('YYYY-MM-DD HH:mm') })
                : t('bulletins.summary.notSaved')}
            </Typography.Text>
          </Card>
        </>
      )}
    </Space>
  );
}
