import { describe, expect, it } from 'vitest';
import { CreatePersonBody, CreateUnitBody } from '@luoshi/contract';
import { demoCity, generateOrg } from './city.ts';
import { scenarioSteps } from './seed.ts';

describe('demo city generator', () => {
  it('is the same city every time', () => {
    expect(demoCity('2026-05-20')).toEqual(demoCity('2026-05-20'));
    expect(generateOrg().persons.map((p) => p.name)).toEqual(generateOrg().persons.map((p) => p.name));
  });

  it('makes units and people the API accepts', () => {
    const { units, persons } = generateOrg();
    const ids = new Map(units.map((u) => [u.key, '00000000-0000-4000-8000-000000000000']));
    for (const u of units) {
      expect(CreateUnitBody.safeParse({ parentId: u.parentKey ? ids.get(u.parentKey) : null, name: u.name, type: u.type, sort: u.sort }).success).toBe(true);
    }
    for (const p of persons) {
      const { key: _key, unitKey: _unit, ...body } = p;
      expect(CreatePersonBody.safeParse({ ...body, unitId: '00000000-0000-4000-8000-000000000000' }).success, p.name).toBe(true);
    }
    expect(new Set(persons.map((p) => p.name)).size).toBe(persons.length);
    expect(new Set(persons.map((p) => p.phone)).size).toBe(persons.length);
    // sibling units have different names (the unit tree refuses duplicates)
    const siblings = units.map((u) => `${u.parentKey}|${u.name}`);
    expect(new Set(siblings).size).toBe(units.length);
  });

  it('scales to a province for the benchmarks', () => {
    const org = generateOrg({ counties: 90, institutesPerCounty: 4, stationsPerInstitute: 3, staffScale: 0.3 });
    expect(org.units.length).toBeGreaterThan(1900);
    expect(new Set(org.counties.map((c) => c.name)).size).toBe(90);
    expect(new Set(org.units.map((u) => `${u.parentKey}|${u.name}`)).size).toBe(org.units.length);
  });

  it('gives each scenario the reports it describes', () => {
    const monthly = { startDate: '2026-06-10', deadline: '2026-12-31', reportCycle: 'monthly' as const };
    const today = '2026-11-25';
    expect(scenarioSteps(monthly, 'on_time', today).map((s) => s.periodKey)).toEqual(['2026-06', '2026-07', '2026-08', '2026-09', '2026-10']);
    expect(scenarioSteps(monthly, 'missing', today)).toHaveLength(1);
    expect(scenarioSteps(monthly, 'waiting', today).at(-1)!.outcome).toBe('pending');
    expect(scenarioSteps(monthly, 'returned', today).at(-1)!.outcome).toBe('return');
    const done = scenarioSteps(monthly, 'done', today);
    expect(done.at(-1)).toMatchObject({ periodKey: '2026-11', percent: 100, outcome: 'accept' });
    expect(scenarioSteps({ ...monthly, reportCycle: 'none' }, 'overdue', today)).toEqual([{ label: '阶段进展', percent: 70, outcome: 'accept' }]);
    expect(scenarioSteps(monthly, 'fresh', today)).toEqual([]);
  });
});
