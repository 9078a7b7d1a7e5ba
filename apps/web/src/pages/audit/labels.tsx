import { Tag } from 'antd';
import type { AuditResult } from '@luoshi/contract';
import { useTranslation } from 'react-i18next';

/**
 * Names for the codes the log stores (module, action, entity). A code without a translation shows as it is:
 * new actions appear in the log before anyone names them here.
 */
export function useAuditLabels() {
  const { t, i18n } = useTranslation();
  const known = (group: string, code: string) => i18n.exists(`audit.${group}.${code}`);
  // action codes may hold dots ("info.item.update"): i18next would read them as nested keys
  const key = (code: string) => code.replace(/\./g, '_');
  return {
    module: (m: string | null) => (m ? (known('modules', key(m)) ? t(`audit.modules.${key(m)}`) : m) : '—'),
    action: (a: string) => (known('actions', key(a)) ? t(`audit.actions.${key(a)}`) : a),
    entity: (e: string) => (known('entities', key(e)) ? t(`audit.entities.${key(e)}`) : e),
  };
}

const RESULT_COLORS: Record<AuditResult, string> = { success: 'success', failure: 'error', denied: 'warning' };

export function ResultTag({ result }: { result: AuditResult }) {
  const { t } = useTranslation();
  return <Tag color={RESULT_COLORS[result]}>{t(`audit.result.${result}`)}</Tag>;
}
