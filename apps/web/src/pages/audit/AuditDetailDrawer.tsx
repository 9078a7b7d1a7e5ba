import { Descriptions, Drawer, Empty, Space, Spin, Switch, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuditRow, type AuditRow } from '../../api/audit';
import { fmtTime, useIsPhone } from '../security/shared';
import { ResultTag, useAuditLabels } from './labels';

type Change = 'added' | 'removed' | 'changed' | 'same';
type DiffLine = { path: string; before: unknown; after: unknown; change: Change };

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Nested objects become dotted paths ("unit.name"); arrays and scalars stay whole values. */
function flatten(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (isPlainObject(value)) {
    const entries = Object.entries(value);
    if (!entries.length && prefix) out.set(prefix, value);
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (value !== undefined && (prefix || value !== null)) {
    out.set(prefix || '—', value);
  }
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Before and after, field by field, in the order the record names its fields. */
export function diffLines(before: unknown, after: unknown): DiffLine[] {
  const b = flatten(before);
  const a = flatten(after);
  const keys = [...new Set([...b.keys(), ...a.keys()])];
  return keys.map((path) => {
    const hasB = b.has(path);
    const hasA = a.has(path);
    const change: Change = !hasB ? 'added' : !hasA ? 'removed' : same(b.get(path), a.get(path)) ? 'same' : 'changed';
    return { path, before: b.get(path), after: a.get(path), change };
  });
}

function Value({ v }: { v: unknown }) {
  if (v === undefined) return <Typography.Text type="secondary">—</Typography.Text>;
  if (v === null || v === '') return <Typography.Text type="secondary">{v === null ? 'null' : '""'}</Typography.Text>;
  // timestamps read in local time, as everywhere else on the page
  if (typeof v === 'string' && ISO_TIME.test(v) && dayjs(v).isValid()) return <span className="audit-value" title={v}>{dayjs(v).format('YYYY-MM-DD HH:mm:ss')}</span>;
  if (typeof v === 'string') return <span className="audit-value">{v}</span>;
  if (typeof v === 'boolean' || typeof v === 'number') return <code>{String(v)}</code>;
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null)) return <span className="audit-value">{v.map(String).join('、') || '[]'}</span>;
  return <pre className="audit-json">{JSON.stringify(v, null, 2)}</pre>;
}

const CHANGE_COLORS: Record<Exclude<Change, 'same'>, string> = { added: 'green', removed: 'red', changed: 'orange' };

export function AuditDiff({ before, after }: { before: unknown; after: unknown }) {
  const { t } = useTranslation();
  const lines = useMemo(() => diffLines(before, after), [before, after]);
  const changedCount = lines.filter((l) => l.change !== 'same').length;
  const both = before != null && after != null;
  const [onlyChanged, setOnlyChanged] = useState(both && changedCount > 0 && changedCount < lines.length);
  if (!lines.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('audit.detail.noData')} />;
  const shown = onlyChanged ? lines.filter((l) => l.change !== 'same') : lines;
  return (
    <div>
      <div className="audit-diff-head">
        <Typography.Text type="secondary">{both ? t('audit.detail.changedCount', { count: changedCount, total: lines.length }) : before == null ? t('audit.detail.onlyAfter') : t('audit.detail.onlyBefore')}</Typography.Text>
        {both && changedCount < lines.length && (
          <Space size={6}>
            <Switch size="small" checked={onlyChanged} onChange={setOnlyChanged} aria-label={t('audit.detail.onlyChanged')} />
            <span>{t('audit.detail.onlyChanged')}</span>
          </Space>
        )}
      </div>
      <Table<DiffLine>
        className="audit-diff"
        size="small"
        bordered
        rowKey="path"
        pagination={false}
        dataSource={shown}
        // a record created or removed has one side only: nothing to mark field by field
        rowClassName={(l) => (both ? `audit-diff-${l.change}` : '')}
        tableLayout="fixed"
        columns={[
          {
            title: t('audit.detail.field'),
            dataIndex: 'path',
            width: both ? '28%' : '36%',
            render: (p: string, l) => (
              <div>
                <code className="audit-field">{p}</code>
                {both && l.change !== 'same' && (
                  <div>
                    <Tag color={CHANGE_COLORS[l.change]} style={{ marginTop: 2 }}>
                      {t(`audit.detail.change.${l.change}`)}
                    </Tag>
                  </div>
                )}
              </div>
            ),
          },
          ...(before != null
            ? [{ title: t('audit.detail.before'), dataIndex: 'before', render: (v: unknown, l: DiffLine) => (l.change === 'added' ? <Typography.Text type="secondary">—</Typography.Text> : <Value v={v} />) }]
            : []),
          ...(after != null
            ? [{ title: t('audit.detail.after'), dataIndex: 'after', render: (v: unknown, l: DiffLine) => (l.change === 'removed' ? <Typography.Text type="secondary">—</Typography.Text> : <Value v={v} />) }]
            : []),
        ]}
      />
    </div>
  );
}

/** One audit row: who, when, from where, what, and its before and after side by side (personal data arrives masked). */
export function AuditDetailDrawer({ id, row, onClose }: { id: number; row?: AuditRow; onClose: () => void }) {
  const { t } = useTranslation();
  const isPhone = useIsPhone();
  const labels = useAuditLabels();
  const q = useAuditRow(id);
  const r = q.data ?? row;
  return (
    <Drawer open onClose={onClose} size={isPhone ? '100%' : 760} title={t('audit.detail.title', { id })}>
      {!r && q.isLoading && <Spin style={{ display: 'block', margin: '40px auto' }} />}
      {!r && q.error && <Empty description={(q.error as Error).message} />}
      {r && (
        <>
          <Descriptions bordered size="small" column={isPhone ? 1 : 2} style={{ marginBottom: 20 }}>
            <Descriptions.Item label={t('audit.col.at')}>{fmtTime(r.at, true)}</Descriptions.Item>
            <Descriptions.Item label={t('audit.col.result')}>
              <ResultTag result={r.result} />
            </Descriptions.Item>
            <Descriptions.Item label={t('audit.col.user')}>{r.username ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('audit.col.ip')}>{r.ip ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('audit.col.module')}>{labels.module(r.module)}</Descriptions.Item>
            <Descriptions.Item label={t('audit.col.action')}>
              {labels.action(r.action)} <Typography.Text type="secondary">({r.action})</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('audit.col.entity')}>
              {labels.entity(r.entity)} <Typography.Text type="secondary">({r.entity})</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('audit.col.entityId')}>
              {r.entityId ? <Typography.Text copyable style={{ wordBreak: 'break-all' }}>{r.entityId}</Typography.Text> : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('audit.col.route')} span={isPhone ? 1 : 2}>
              {r.route ? <code style={{ wordBreak: 'break-all' }}>{r.route}</code> : '—'}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5}>{t('audit.detail.diffTitle')}</Typography.Title>
          <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
            {t('audit.detail.masked')}
          </Typography.Paragraph>
          <AuditDiff before={r.before} after={r.after} />
        </>
      )}
    </Drawer>
  );
}
