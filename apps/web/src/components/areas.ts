import type { ReactNode } from 'react';

/** An area's pages: routes under the app layout, and their entries in its menu group. */
export type AreaRoute = { path: string; element: ReactNode };
export type AreaNav = { key: string; label: string; perms?: string[] };
