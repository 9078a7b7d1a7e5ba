import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { TablePaginationConfig } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';

type Filters = Record<string, string | number | boolean | undefined | null>;

/** A server-paginated list in the one list envelope, wired to an antd Table's pagination. */
export function usePagedList<T>(key: readonly unknown[], url: string, filters: Filters = {}, opts: { enabled?: boolean; pageSize?: number } = {}) {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(opts.pageSize ?? 20);
  const query = useQuery({
    queryKey: [...key, url, filters, page, pageSize],
    queryFn: () => api.list<T>(url, { ...filters, page, pageSize }),
    placeholderData: keepPreviousData,
    enabled: opts.enabled ?? true,
  });
  const pagination: TablePaginationConfig = {
    current: page,
    pageSize,
    total: query.data?.total ?? 0,
    showSizeChanger: true,
    showTotal: (n) => t('common.totalTop', { n }),
    onChange: (p, s) => {
      setPage(s !== pageSize ? 1 : p);
      setPageSize(s);
    },
  };
  return { query, rows: query.data?.data ?? [], pagination, resetPage: () => setPage(1) };
}
