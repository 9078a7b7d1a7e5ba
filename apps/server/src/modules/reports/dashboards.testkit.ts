import type { Agent } from '../../test/harness.ts';

/**
 * What the scope walk needs for the dashboard routes. They take no path parameters (the unit and person are query
 * parameters), so the walk's id-route pass has nothing of theirs to fill, and its list pass calls them without a
 * query: county A's liaison then sees its own county, and the staff member gets 403.
 */
export const DASHBOARD_PATH_PARAM_ROUTES: string[] = [];

/** The dashboard addresses of county B's unit and person, which county A must be refused. */
export function dashboardWalkUrls(ids: { unit: string; person: string }): string[] {
  return [
    `/api/dashboards/overview?unitId=${ids.unit}`,
    `/api/dashboards/overview?unitId=${ids.unit}&period=Y2026`,
    `/api/dashboards/person?personId=${ids.person}`,
  ];
}

/** Each of `urls` answers 403 or 404 to every agent; returns the ones that leaked. */
export async function dashboardLeaks(agents: Agent[], urls: string[]): Promise<string[]> {
  const leaks: string[] = [];
  for (const agent of agents) {
    for (const url of urls) {
      const res = await agent.get(url);
      if (![403, 404].includes(res.statusCode)) leaks.push(`${url} → ${res.statusCode}`);
    }
  }
  return leaks;
}
