CREATE TABLE "study_unit_weeks" (
	"unit_id" uuid NOT NULL,
	"week_start" date NOT NULL,
	"month_start" date NOT NULL,
	"sessions" integer NOT NULL,
	"seconds" numeric NOT NULL,
	CONSTRAINT "study_unit_weeks_unit_id_week_start_month_start_pk" PRIMARY KEY("unit_id","week_start","month_start")
);
--> statement-breakpoint
ALTER TABLE "study_unit_weeks" ADD CONSTRAINT "study_unit_weeks_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "study_unit_weeks_month_idx" ON "study_unit_weeks" USING btree ("month_start","unit_id");--> statement-breakpoint
CREATE INDEX "study_unit_weeks_week_idx" ON "study_unit_weeks" USING btree ("week_start","unit_id");--> statement-breakpoint
-- One held session counted in (sign 1) or out (sign -1) of its unit's week and month.
CREATE OR REPLACE FUNCTION study_unit_weeks_apply(u uuid, started timestamptz, ended timestamptz, sign integer) RETURNS void AS $$
DECLARE
  local timestamp := started AT TIME ZONE 'Asia/Shanghai';
  wk date := date_trunc('week', local)::date;
  mo date := date_trunc('month', local)::date;
BEGIN
  INSERT INTO study_unit_weeks AS w (unit_id, week_start, month_start, sessions, seconds)
  VALUES (u, wk, mo, sign, sign * coalesce(extract(epoch FROM (ended - started)), 0))
  ON CONFLICT (unit_id, week_start, month_start)
  DO UPDATE SET sessions = w.sessions + excluded.sessions, seconds = w.seconds + excluded.seconds;
  IF sign < 0 THEN
    DELETE FROM study_unit_weeks WHERE unit_id = u AND week_start = wk AND month_start = mo AND sessions = 0;
  END IF;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- A session counts while it is held and has a start; any change to what it counts takes it out and puts it back.
CREATE OR REPLACE FUNCTION study_sessions_tally() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.status, OLD.unit_id, OLD.actual_start, OLD.actual_end) IS NOT DISTINCT FROM (NEW.status, NEW.unit_id, NEW.actual_start, NEW.actual_end) THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'held' AND OLD.actual_start IS NOT NULL THEN
    PERFORM study_unit_weeks_apply(OLD.unit_id, OLD.actual_start, OLD.actual_end, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'held' AND NEW.actual_start IS NOT NULL THEN
    PERFORM study_unit_weeks_apply(NEW.unit_id, NEW.actual_start, NEW.actual_end, 1);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- Recounts the whole table from the sessions in one statement: the backfill below, and bulk loads that turn the trigger off.
CREATE OR REPLACE FUNCTION study_unit_weeks_rebuild() RETURNS void AS $$
BEGIN
  DELETE FROM study_unit_weeks;
  INSERT INTO study_unit_weeks (unit_id, week_start, month_start, sessions, seconds)
  SELECT unit_id, date_trunc('week', actual_start AT TIME ZONE 'Asia/Shanghai')::date, date_trunc('month', actual_start AT TIME ZONE 'Asia/Shanghai')::date,
    count(*), coalesce(sum(extract(epoch FROM (actual_end - actual_start))), 0)
  FROM study_sessions WHERE status = 'held' AND actual_start IS NOT NULL
  GROUP BY 1, 2, 3;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER study_sessions_tally AFTER INSERT OR UPDATE OR DELETE ON study_sessions FOR EACH ROW EXECUTE FUNCTION study_sessions_tally();
--> statement-breakpoint
SELECT study_unit_weeks_rebuild();
