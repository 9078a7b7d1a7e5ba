import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { Person, Role, Unit } from './types';

export const orgKeys = {
  unitTree: ['org', 'units', 'tree'] as const,
  persons: ['org', 'persons'] as const,
  roles: ['org', 'roles'] as const,
  groups: ['org', 'groups'] as const,
};

export type UnitNode = Unit & { children?: UnitNode[] };

/** The server answers the visible units flat; the tree is built here from parentId. Units whose parent is out of sight become roots. */
export function buildUnitTree(units: Unit[]): UnitNode[] {
  const byId = new Map<string, UnitNode>(units.map((u) => [u.id, { ...u }]));
  const roots: UnitNode[] = [];
  for (const u of byId.values()) {
    const parent = u.parentId ? byId.get(u.parentId) : undefined;
    if (parent) (parent.children ??= []).push(u);
    else roots.push(u);
  }
  const sortRec = (nodes: UnitNode[]) => {
    nodes.sort((a, b) => a.sort - b.sort || a.name.localeCompare(b.name, 'zh-CN'));
    nodes.forEach((n) => n.children && sortRec(n.children));
  };
  sortRec(roots);
  return roots;
}

export function useUnitTree(includeDisabled = true) {
  return useQuery({
    queryKey: [...orgKeys.unitTree, includeDisabled],
    queryFn: () => api.get<Unit[]>('/api/org/units/tree', { includeDisabled: includeDisabled ? 'true' : undefined }),
    select: (units) => ({ units, tree: buildUnitTree(units), byId: new Map(units.map((u) => [u.id, u])) }),
    staleTime: 30_000,
  });
}

export function useRoles(enabled = true) {
  return useQuery({
    queryKey: orgKeys.roles,
    queryFn: () => api.list<Role>('/api/org/roles', { pageSize: 200 }),
    enabled,
  });
}

export function searchPersons(q: string, unitId?: string) {
  return api.list<Person>('/api/org/persons', { q, unitId, pageSize: 30 });
}
