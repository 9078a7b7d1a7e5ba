import { z } from 'zod';
import { DateOnly, Id } from './common.ts';

/** 学习统计 of a unit (and the units below it) over a period, with the sentence a report quotes. */
export const StudyStatsQuery = z
  .object({ unitId: Id.optional(), from: DateOnly, to: DateOnly })
  .refine((q) => q.from <= q.to, { message: '结束日期不能早于开始日期', path: ['to'] });
export const StudyStats = z.object({
  unitId: z.string().nullable(),
  unitName: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  sessionsByType: z.array(z.object({ typeCode: z.string(), typeName: z.string(), sessions: z.number().int(), minutes: z.number().int() })),
  sessions: z.number().int(),
  minutes: z.number().int(),
  /** held sessions that were filed late (补报) or never pre-filed */
  lateOrUnfiled: z.number().int(),
  /** present + late over everyone expected (those on leave excepted), in percent with one decimal; null without records */
  attendanceRate: z.number().nullable(),
  /** share of checked unit-weeks that met the weekly rule, in percent with one decimal; null when no week was checked */
  coverageRate: z.number().nullable(),
  missedWeeks: z.number().int(),
  reflections: z.number().int(),
  reflectionsExcellent: z.number().int(),
  booksRead: z.number().int(),
  summary: z.string(),
});
export type StudyStats = z.infer<typeof StudyStats>;

/** 我的学习: what one person has done. */
export const MyStudy = z.object({
  personId: z.string(),
  hours: z.object({ week: z.number(), month: z.number(), year: z.number() }),
  sessionsAttended: z.number().int(),
  recentSessions: z.array(
    z.object({ id: z.string(), topic: z.string(), typeName: z.string(), unitName: z.string(), actualStart: z.string().nullable(), minutes: z.number().int(), attendance: z.string() }),
  ),
  reflections: z.object({ draft: z.number().int(), submitted: z.number().int(), passed: z.number().int(), excellent: z.number().int(), returned: z.number().int() }),
  reading: z.object({ booksThisYear: z.number().int(), monthsWithBook: z.array(z.string()) }),
  scores: z.array(z.object({ month: z.string(), platform: z.string(), score: z.string() })),
});
export type MyStudy = z.infer<typeof MyStudy>;
