import { INFO_STATUSES } from '@luoshi/contract';
import { App, Space, Tag, Tooltip, Typography } from 'antd';
import { useCallback } from 'react';
import { api } from '../../api/client';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { INFO_STATUS_COLORS, infoUrls, LEVEL_COLORS, type DupCheckResult, type InfoDupMatch, type InfoItemSummary } from '../../api/info';
import './info.css';

/** 审核中·校对: the status with the step that holds (or returned) the item. */
export function StatusTag({ item }: { item: Pick<InfoItemSummary, 'status' | 'stepName'> }) {
  const label = INFO_STATUSES[item.status];
  const withStep = item.stepName && (item.status === 'reviewing' || item.status === 'returned');
  return <Tag color={INFO_STATUS_COLORS[item.status]}>{withStep ? `${label}·${item.stepName}` : label}</Tag>;
}

/** Who holds the item now and until when; red once the step's time is up. */
export function HolderCell({ item }: { item: Pick<InfoItemSummary, 'holder' | 'stepDeadline' | 'overdue' | 'status'> }) {
  const { t } = useTranslation();
  if (!item.holder && !item.stepDeadline) return <>—</>;
  return (
    <div>
      <div>{item.holder ?? '—'}</div>
      {item.stepDeadline && item.status === 'reviewing' && (
        <Typography.Text type={item.overdue ? 'danger' : 'secondary'} style={{ fontSize: 12 }}>
          {item.overdue ? t('info.item.overdueUntil', { date: item.stepDeadline }) : t('info.item.until', { date: item.stepDeadline })}
        </Typography.Text>
      )}
    </div>
  );
}

export function LevelTags({ adoptions }: { adoptions: { level: string; outlet: string }[] }) {
  if (!adoptions.length) return <>—</>;
  return (
    <Space size={[2, 2]} wrap>
      {adoptions.map((a, i) => (
        <Tooltip key={i} title={a.outlet}>
          <Tag color={LEVEL_COLORS[a.level] ?? 'default'}>{a.level}</Tag>
        </Tooltip>
      ))}
    </Space>
  );
}

/** 相似 78%: shown when the closest earlier item reaches the threshold. */
export function DupTag({ top, threshold }: { top: number; threshold: number | undefined }) {
  const { t } = useTranslation();
  if (threshold === undefined || top < threshold) return null;
  return <Tag color="warning">{t('info.dup.similar', { n: Math.round(top) })}</Tag>;
}

/** The earlier items a text resembles: similarity, unit, title and link when the caller may see them. */
export function DupMatchList({ matches }: { matches: InfoDupMatch[] }) {
  const { t } = useTranslation();
  return (
    <ul className="info-dup-list">
      {matches.map((m) => (
        <li key={m.id}>
          <Tag color={m.similarity >= 80 ? 'red' : 'orange'}>{t('info.dup.similar', { n: Math.round(m.similarity) })}</Tag>
          <span className="info-dup-unit">{m.unitName}</span>
          {m.visible ? <Link to={`/info/items/${m.id}`}>{m.title}</Link> : <Typography.Text type="secondary">{t('info.dup.hidden')}</Typography.Text>}
          {m.submittedOn && <Typography.Text type="secondary"> · {m.submittedOn}</Typography.Text>}
        </li>
      ))}
    </ul>
  );
}

export const fmtTime = (v: string | null | undefined) => (v ? dayjs(v).format('YYYY-MM-DD HH:mm') : '—');

/** 查重 before 报送: when earlier items look alike, the writer sees them and decides (仍要报送 / 返回修改). */
export function useConfirmDuplicates() {
  const { t } = useTranslation();
  const { modal } = App.useApp();
  return useCallback(
    async (title: string, text: string, excludeId?: string): Promise<boolean> => {
      const r = await api.post<DupCheckResult>(infoUrls.dupCheck, { title, text, excludeId });
      if (!r.matches.length) return true;
      return new Promise<boolean>((resolve) => {
        modal.confirm({
          title: t('info.dup.confirmTitle', { n: r.matches.length }),
          width: 640,
          content: (
            <>
              <Typography.Paragraph type="secondary">{t('info.dup.confirmText', { n: r.threshold })}</Typography.Paragraph>
              <DupMatchList matches={r.matches} />
            </>
          ),
          okText: t('info.dup.submitAnyway'),
          cancelText: t('info.dup.goBack'),
          onOk: () => resolve(true),
          onCancel: () => resolve(false),
        });
      });
    },
    [modal, t],
  );
}
