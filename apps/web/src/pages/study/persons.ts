import { api } from '../../api/client';
import type { Person } from '../../api/types';

/** The people of one unit itself (not those below): the attendance list of a session starts from them. */
export async function searchPersonsInUnit(unitId: string): Promise<Person[]> {
  const r = await api.list<Person>('/api/org/persons', { unitId, direct: true, pageSize: 200, sort: 'name' });
  return r.data;
}
