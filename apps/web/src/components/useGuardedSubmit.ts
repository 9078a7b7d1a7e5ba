import type { UseMutationResult } from '@tanstack/react-query';
import { useCallback, useRef } from 'react';

/**
 * Sends a form once while a request is in flight. A double click submits the form twice before
 * React re-renders the button as loading (form validation is asynchronous), so `isPending` alone is too late.
 */
export function useGuardedSubmit<V>(m: UseMutationResult<unknown, Error, V, unknown>) {
  const busy = useRef(false);
  const { mutate } = m;
  return useCallback(
    (v: V) => {
      if (busy.current) return;
      busy.current = true;
      mutate(v, { onSettled: () => void (busy.current = false) });
    },
    [mutate],
  );
}
