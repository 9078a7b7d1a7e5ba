CREATE TABLE "study_readers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"campaign_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"title" text NOT NULL,
	"author" text,
	"target_books" integer NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "study_reading_logs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"book_title" text NOT NULL,
	"author" text,
	"designated_reader_id" uuid,
	"start_date" date,
	"finish_date" date,
	"notes" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "study_reflections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"title" text NOT NULL,
	"body_html" text NOT NULL,
	"body_text" text NOT NULL,
	"word_count" integer NOT NULL,
	"session_id" uuid,
	"reading_log_id" uuid,
	"status" text DEFAULT 'draft' NOT NULL,
	"review_comment" text,
	"reviewed_by" uuid,
	"reviewed_at" timestamp with time zone,
	"submitted_at" timestamp with time zone,
	"published_at" timestamp with time zone,
	"fingerprint" integer[] DEFAULT '{}'::integer[] NOT NULL,
	"similarity" integer,
	"similar_matches" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "study_score_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"unit_id" uuid,
	"platform" text NOT NULL,
	"month" text NOT NULL,
	"rule_version" text NOT NULL,
	"file_name" text NOT NULL,
	"headers" jsonb NOT NULL,
	"sheet" jsonb NOT NULL,
	"mapping" jsonb,
	"matched" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"unmatched" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text DEFAULT 'uploaded' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"confirmed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "study_scores" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"platform" text NOT NULL,
	"month" text NOT NULL,
	"person_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"hundredths" integer NOT NULL,
	"import_id" uuid NOT NULL,
	"rule_version" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "study_readers" ADD CONSTRAINT "study_readers_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_readers" ADD CONSTRAINT "study_readers_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_reading_logs" ADD CONSTRAINT "study_reading_logs_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_reading_logs" ADD CONSTRAINT "study_reading_logs_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_reading_logs" ADD CONSTRAINT "study_reading_logs_designated_reader_id_study_readers_id_fk" FOREIGN KEY ("designated_reader_id") REFERENCES "public"."study_readers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_reading_logs" ADD CONSTRAINT "study_reading_logs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_reflections" ADD CONSTRAINT "study_reflections_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_reflections" ADD CONSTRAINT "study_reflections_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_reflections" ADD CONSTRAINT "study_reflections_reviewed_by_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_reflections" ADD CONSTRAINT "study_reflections_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_score_imports" ADD CONSTRAINT "study_score_imports_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_score_imports" ADD CONSTRAINT "study_score_imports_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_scores" ADD CONSTRAINT "study_scores_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_scores" ADD CONSTRAINT "study_scores_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_scores" ADD CONSTRAINT "study_scores_import_id_study_score_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."study_score_imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "study_readers_unit_idx" ON "study_readers" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "study_readers_campaign_idx" ON "study_readers" USING btree ("campaign_id");--> statement-breakpoint
CREATE INDEX "study_reading_logs_person_idx" ON "study_reading_logs" USING btree ("person_id","finish_date");--> statement-breakpoint
CREATE INDEX "study_reading_logs_unit_idx" ON "study_reading_logs" USING btree ("unit_id","finish_date");--> statement-breakpoint
CREATE INDEX "study_reflections_person_idx" ON "study_reflections" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "study_reflections_unit_idx" ON "study_reflections" USING btree ("unit_id","status");--> statement-breakpoint
CREATE INDEX "study_reflections_fp_idx" ON "study_reflections" USING gin ("fingerprint");--> statement-breakpoint
CREATE INDEX "study_score_imports_user_idx" ON "study_score_imports" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "study_score_imports_unit_idx" ON "study_score_imports" USING btree ("unit_id");--> statement-breakpoint
CREATE UNIQUE INDEX "study_scores_uq" ON "study_scores" USING btree ("platform","month","person_id");--> statement-breakpoint
CREATE INDEX "study_scores_month_idx" ON "study_scores" USING btree ("platform","month","unit_id");