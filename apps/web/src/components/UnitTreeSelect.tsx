import { TreeSelect } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useUnitTree, type UnitNode } from '../api/org';

type TreeOption = { value: string; title: string; disabled?: boolean; children?: TreeOption[] };

function toOptions(nodes: UnitNode[], within?: string): TreeOption[] {
  return nodes.map((n) => ({
    value: n.id,
    title: n.name,
    disabled: n.disabled || (within !== undefined && !n.path.startsWith(within)),
    children: n.children ? toOptions(n.children, within) : undefined,
  }));
}

/** Picks a unit from the visible unit tree; `withinPath` limits the choice to a subtree (a lead unit's own lower units). */
export function UnitTreeSelect(props: {
  value?: string | string[] | null;
  onChange?: (v: string | string[] | null) => void;
  multiple?: boolean;
  withinPath?: string;
  excludeId?: string;
  placeholder?: string;
  allowClear?: boolean;
  style?: React.CSSProperties;
  id?: string;
}) {
  const { t } = useTranslation();
  const { data } = useUnitTree(false);
  const options = useMemo(() => {
    const opts = toOptions(data?.tree ?? [], props.withinPath);
    if (!props.excludeId) return opts;
    const strip = (o: TreeOption[]): TreeOption[] =>
      o.filter((x) => x.value !== props.excludeId).map((x) => ({ ...x, children: x.children && strip(x.children) }));
    return strip(opts);
  }, [data, props.withinPath, props.excludeId]);
  return (
    <TreeSelect
      id={props.id}
      value={props.value ?? undefined}
      onChange={(v) => props.onChange?.(v ?? null)}
      treeData={options}
      multiple={props.multiple}
      showSearch={{ treeNodeFilterProp: 'title' }}
      treeDefaultExpandAll
      allowClear={props.allowClear}
      placeholder={props.placeholder ?? t('common.selectUnit')}
      style={{ width: '100%', ...props.style }}
      popupMatchSelectWidth={false}
    />
  );
}

/** The unit filter of a list toolbar: clearable, and a change sends the list back to its first page. */
export function UnitFilter({ value, onChange, resetPage }: { value?: string; onChange: (unitId: string | undefined) => void; resetPage: () => void }) {
  return (
    <UnitTreeSelect
      allowClear
      value={value}
      onChange={(v) => {
        onChange((v as string) ?? undefined);
        resetPage();
      }}
      style={{ width: 240 }}
    />
  );
}
