CREATE TABLE "point_appeals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_id" bigint NOT NULL,
	"unit_id" uuid NOT NULL,
	"person_id" uuid,
	"reason" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"decision" text,
	"reversal_event_id" bigint,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "point_claim_files" (
	"claim_id" uuid NOT NULL,
	"file_id" uuid NOT NULL,
	CONSTRAINT "point_claim_files_claim_id_file_id_pk" PRIMARY KEY("claim_id","file_id")
);
--> statement-breakpoint
CREATE TABLE "point_claims" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"rule_id" uuid NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"person_id" uuid,
	"quantity" numeric(12, 2) DEFAULT '1' NOT NULL,
	"points" integer NOT NULL,
	"occurred_on" date NOT NULL,
	"reason" text NOT NULL,
	"links" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"idempotency_key" text,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	"event_id" bigint,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "point_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"person_id" uuid,
	"rule_id" uuid NOT NULL,
	"rule_code" text NOT NULL,
	"points" integer NOT NULL,
	"quantity" numeric(12, 2) DEFAULT '1' NOT NULL,
	"occurred_on" date NOT NULL,
	"booked_on" date NOT NULL,
	"late" boolean DEFAULT false NOT NULL,
	"kind" text NOT NULL,
	"source_type" text,
	"source_id" text,
	"source_label" text,
	"domain_event_id" bigint,
	"claim_id" uuid,
	"reverses_event_id" bigint,
	"dedupe_key" text,
	"capped" boolean DEFAULT false NOT NULL,
	"note" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "point_grade_schemes" (
	"subject_type" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"bands" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "point_interviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"period_key" text NOT NULL,
	"unit_id" uuid NOT NULL,
	"grade" text NOT NULL,
	"total" bigint NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"interviewee_person_id" uuid,
	"interviewer_person_id" uuid,
	"held_on" date,
	"participants" text,
	"problems" text,
	"commitments" text,
	"follow_up_deadline" date,
	"closed_at" timestamp with time zone,
	"closed_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "point_periods" (
	"key" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"year" integer NOT NULL,
	"seq" integer NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"closed_at" timestamp with time zone,
	"closed_by" uuid,
	"reopen_count" integer DEFAULT 0 NOT NULL,
	"reopen_reason" text,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "point_results" (
	"period_key" text NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"peer_key" text NOT NULL,
	"total" bigint NOT NULL,
	"events" integer NOT NULL,
	"rank" integer NOT NULL,
	"peer_size" integer NOT NULL,
	"grade" text,
	CONSTRAINT "point_results_period_key_subject_type_subject_id_pk" PRIMARY KEY("period_key","subject_type","subject_id")
);
--> statement-breakpoint
CREATE TABLE "point_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"year" integer NOT NULL,
	"code" text NOT NULL,
	"rule_version" integer DEFAULT 1 NOT NULL,
	"effective_from" date NOT NULL,
	"effective_to" date,
	"category" text NOT NULL,
	"item" text NOT NULL,
	"subject_type" text NOT NULL,
	"points" integer NOT NULL,
	"counting_unit" text DEFAULT '次' NOT NULL,
	"cap_points" integer,
	"cap_period" text,
	"evidence_required" boolean DEFAULT false NOT NULL,
	"source" text,
	"source_match" jsonb,
	"note" text,
	"disabled" boolean DEFAULT false NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "point_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"appeal_window_days" integer DEFAULT 10 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "point_totals" (
	"period_key" text NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"total" bigint DEFAULT 0 NOT NULL,
	"events" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "point_totals_period_key_subject_type_subject_id_pk" PRIMARY KEY("period_key","subject_type","subject_id")
);
--> statement-breakpoint
ALTER TABLE "point_appeals" ADD CONSTRAINT "point_appeals_event_id_point_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."point_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_appeals" ADD CONSTRAINT "point_appeals_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_appeals" ADD CONSTRAINT "point_appeals_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_appeals" ADD CONSTRAINT "point_appeals_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_appeals" ADD CONSTRAINT "point_appeals_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_claim_files" ADD CONSTRAINT "point_claim_files_claim_id_point_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."point_claims"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_claim_files" ADD CONSTRAINT "point_claim_files_file_id_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_claims" ADD CONSTRAINT "point_claims_rule_id_point_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."point_rules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_claims" ADD CONSTRAINT "point_claims_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_claims" ADD CONSTRAINT "point_claims_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_claims" ADD CONSTRAINT "point_claims_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_claims" ADD CONSTRAINT "point_claims_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_events" ADD CONSTRAINT "point_events_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_events" ADD CONSTRAINT "point_events_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_events" ADD CONSTRAINT "point_events_rule_id_point_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."point_rules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_events" ADD CONSTRAINT "point_events_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_interviews" ADD CONSTRAINT "point_interviews_period_key_point_periods_key_fk" FOREIGN KEY ("period_key") REFERENCES "public"."point_periods"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_interviews" ADD CONSTRAINT "point_interviews_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_interviews" ADD CONSTRAINT "point_interviews_interviewee_person_id_persons_id_fk" FOREIGN KEY ("interviewee_person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_interviews" ADD CONSTRAINT "point_interviews_interviewer_person_id_persons_id_fk" FOREIGN KEY ("interviewer_person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_interviews" ADD CONSTRAINT "point_interviews_closed_by_users_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_periods" ADD CONSTRAINT "point_periods_closed_by_users_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_results" ADD CONSTRAINT "point_results_period_key_point_periods_key_fk" FOREIGN KEY ("period_key") REFERENCES "public"."point_periods"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "point_rules" ADD CONSTRAINT "point_rules_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "point_appeals_open_uq" ON "point_appeals" USING btree ("event_id") WHERE "point_appeals"."status" <> 'dismissed';--> statement-breakpoint
CREATE INDEX "point_appeals_unit_idx" ON "point_appeals" USING btree ("unit_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "point_claim_files_file_uq" ON "point_claim_files" USING btree ("file_id");--> statement-breakpoint
CREATE UNIQUE INDEX "point_claims_idem_uq" ON "point_claims" USING btree ("created_by","idempotency_key");--> statement-breakpoint
CREATE INDEX "point_claims_unit_idx" ON "point_claims" USING btree ("unit_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "point_events_dedupe_uq" ON "point_events" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "point_events_subject_idx" ON "point_events" USING btree ("subject_id","booked_on");--> statement-breakpoint
CREATE INDEX "point_events_cap_idx" ON "point_events" USING btree ("subject_id","rule_code","booked_on");--> statement-breakpoint
CREATE INDEX "point_events_unit_idx" ON "point_events" USING btree ("unit_id","booked_on");--> statement-breakpoint
CREATE INDEX "point_events_reverses_idx" ON "point_events" USING btree ("reverses_event_id");--> statement-breakpoint
CREATE UNIQUE INDEX "point_interviews_period_unit_uq" ON "point_interviews" USING btree ("period_key","unit_id");--> statement-breakpoint
CREATE INDEX "point_interviews_status_idx" ON "point_interviews" USING btree ("status");--> statement-breakpoint
CREATE INDEX "point_results_rank_idx" ON "point_results" USING btree ("period_key","subject_type","peer_key","rank");--> statement-breakpoint
CREATE INDEX "point_results_unit_idx" ON "point_results" USING btree ("period_key","subject_type","unit_id");--> statement-breakpoint
CREATE UNIQUE INDEX "point_rules_code_version_uq" ON "point_rules" USING btree ("year","code","rule_version");--> statement-breakpoint
CREATE INDEX "point_rules_source_idx" ON "point_rules" USING btree ("source","year");--> statement-breakpoint
CREATE INDEX "point_totals_unit_idx" ON "point_totals" USING btree ("period_key","subject_type","unit_id");