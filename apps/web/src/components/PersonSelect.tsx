import { Select } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { searchPersons } from '../api/org';

/** Searches people in the caller's scope (optionally within one unit) by name. */
export function PersonSelect(props: {
  value?: string | string[] | null;
  onChange?: (v: string | string[] | null) => void;
  unitId?: string;
  multiple?: boolean;
  placeholder?: string;
  /** names of already chosen people, so the select shows them before a search */
  initialOptions?: { value: string; label: string }[];
  id?: string;
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const { data, isFetching } = useQuery({
    queryKey: ['org', 'persons', 'search', q, props.unitId ?? ''],
    queryFn: () => searchPersons(q, props.unitId),
    staleTime: 30_000,
  });
  const found = (data?.data ?? []).map((p) => ({ value: p.id, label: `${p.name}（${p.unitName}${p.post ? ' · ' + p.post : ''}）` }));
  const known = new Set(found.map((o) => o.value));
  const options = [...found, ...(props.initialOptions ?? []).filter((o) => !known.has(o.value))];
  return (
    <Select
      id={props.id}
      mode={props.multiple ? 'multiple' : undefined}
      value={props.value ?? undefined}
      onChange={(v) => props.onChange?.(v ?? null)}
      showSearch={{ filterOption: false, onSearch: setQ }}
      options={options}
      loading={isFetching}
      allowClear
      placeholder={props.placeholder ?? t('common.selectPerson')}
      notFoundContent={t('common.noMatch')}
      style={{ width: '100%' }}
    />
  );
}
