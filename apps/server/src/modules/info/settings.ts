import { eq, isNull, sql } from 'drizzle-orm';
import { DEFAULT_INFO_CATEGORIES, type InfoSettings } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { infoPublications, infoSettings, persons, units, users, type InfoStepSpec } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { badRequest, conflict } from '../../platform/errors.ts';

export const DEFAULT_STEPS: InfoStepSpec[] = [
  { name: '编辑', deadlineDays: 2, reviewerIds: [] },
  { name: '校对', deadlineDays: 1, reviewerIds: [] },
  { name: '审核', deadlineDays: 2, reviewerIds: [] },
];

export type InfoSettingsRow = typeof infoSettings.$inferSelect;

export async function loadSettings(db: DbLike): Promise<InfoSettingsRow> {
  const [row] = await db.select().from(infoSettings).where(eq(infoSettings.id, 1));
  if (row) return row;
  await db
    .insert(infoSettings)
    .values({ id: 1, categories: [...DEFAULT_INFO_CATEGORIES], steps: DEFAULT_STEPS })
    .onConflictDoNothing();
  const [created] = await db.select().from(infoSettings).where(eq(infoSettings.id, 1));
  return created;
}

/** Names of the users on the steps, for display. */
export async function reviewerNames(db: DbLike, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db
    .select({ id: users.id, name: sql<string>`coalesce(${persons.name}, ${users.username})` })
    .from(users)
    .leftJoin(persons, eq(persons.id, users.personId))
    .where(sql`${users.id} in ${[...new Set(ids)]}`);
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function presentSettings(db: DbLike, row?: InfoSettingsRow): Promise<InfoSettings> {
  const s = row ?? (await loadSettings(db));
  const names = await reviewerNames(db, s.steps.flatMap((st) => st.reviewerIds));
  return {
    categories: s.categories,
    steps: s.steps.map((st) => ({
      name: st.name,
      deadlineDays: st.deadlineDays,
      reviewerIds: st.reviewerIds,
      reviewers: st.reviewerIds.map((id) => ({ id, name: names.get(id) ?? '（已删除的账号）' })),
    })),
    dupWindowDays: s.dupWindowDays,
    dupThreshold: s.dupThreshold,
    version: s.version,
  };
}

export async function saveSettings(
  tx: DbLike,
  actor: Actor,
  body: { categories: string[]; steps: InfoStepSpec[]; dupWindowDays: number; dupThreshold: number; version: number },
): Promise<void> {
  const current = await loadSettings(tx);
  if (new Set(body.categories).size !== body.categories.length) throw badRequest('类别名称不能重复');
  if (new Set(body.steps.map((s) => s.name)).size !== body.steps.length) throw badRequest('审核环节名称不能重复');
  const ids = [...new Set(body.steps.flatMap((s) => s.reviewerIds))];
  if (ids.length) {
    const found = await reviewerNames(tx, ids);
    if (found.size !== ids.length) throw badRequest('审核人账号不存在');
  }
  const rows = await tx
    .update(infoSettings)
    .set({ ...body, version: sql`${infoSettings.version} + 1`, updatedAt: new Date() })
    .where(sql`${infoSettings.id} = 1 and ${infoSettings.version} = ${body.version}`)
    .returning({ id: infoSettings.id });
  if (!rows.length) throw conflict();
  await audit(tx, actor, { action: 'info.settings.update', entity: 'info_settings', entityId: '1', before: current, after: body });
}

/** Our own publications; 信息专报 and 工作简报 exist from the start, issued by the top unit of the tree. */
export async function ensurePublications(db: DbLike): Promise<void> {
  const [any] = await db.select({ id: infoPublications.id }).from(infoPublications).limit(1);
  if (any) return;
  const [root] = await db.select({ name: units.name }).from(units).where(isNull(units.parentId)).orderBy(units.path).limit(1);
  const issuer = root?.name ?? '宣传部';
  const colophon = [
    { label: '报', text: '市委、市人大常委会、市政府、市政协领导' },
    { label: '送', text: '市委各部委，市直各单位' },
    { label: '发', text: '各县区委宣传部，部机关各科室' },
  ];
  await db
    .insert(infoPublications)
    .values([
      { name: '信息专报', level: '市级', issuer, colophon },
      { name: '工作简报', level: '市级', issuer, colophon },
    ])
    .onConflictDoNothing();
}
