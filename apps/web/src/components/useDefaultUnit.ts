import type { FormInstance } from 'antd';
import { useEffect } from 'react';
import { useMe } from '../api/auth';
import { useUnitTree } from '../api/org';

/** The unit a new record belongs to by default: the caller's own, or the top of the tree when there is just one. */
export function useDefaultUnit(form: FormInstance, field = 'unitId', enabled = true) {
  const { data: me } = useMe();
  const { data } = useUnitTree(false);
  const fallback = me?.unit?.id ?? (data?.tree.length === 1 ? data.tree[0].id : undefined);
  useEffect(() => {
    if (enabled && fallback && !form.getFieldValue(field)) form.setFieldValue(field, fallback);
  }, [enabled, fallback, form, field]);
}
