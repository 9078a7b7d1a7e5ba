CREATE TABLE "info_actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"item_id" uuid NOT NULL,
	"action" text NOT NULL,
	"step_index" integer,
	"step_name" text,
	"comment" text,
	"version_seq" integer,
	"actor_id" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "info_adoptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"item_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"issue_id" uuid,
	"position" integer,
	"editor_note" text,
	"outlet" text NOT NULL,
	"level" text NOT NULL,
	"adopted_on" date NOT NULL,
	"links" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"file_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"note" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "info_authors" (
	"item_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"person_id" uuid,
	"name" text NOT NULL,
	CONSTRAINT "info_authors_item_id_seq_pk" PRIMARY KEY("item_id","seq")
);
--> statement-breakpoint
CREATE TABLE "info_bands" (
	"band" bigint NOT NULL,
	"item_id" uuid NOT NULL,
	"submitted_on" date NOT NULL,
	CONSTRAINT "info_bands_band_item_id_pk" PRIMARY KEY("band","item_id")
);
--> statement-breakpoint
CREATE TABLE "info_instructions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"item_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"leader" text NOT NULL,
	"level" text NOT NULL,
	"content" text NOT NULL,
	"instructed_on" date NOT NULL,
	"file_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "info_issues" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"publication_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"number" integer NOT NULL,
	"total_number" integer NOT NULL,
	"issue_date" date NOT NULL,
	"editor_note" text,
	"colophon" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text DEFAULT 'compiling' NOT NULL,
	"issued_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "info_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"unit_id" uuid NOT NULL,
	"title" text NOT NULL,
	"body_html" text NOT NULL,
	"body_text" text NOT NULL,
	"category" text NOT NULL,
	"campaign_id" uuid,
	"task_id" uuid,
	"contact" text,
	"status" text DEFAULT 'draft' NOT NULL,
	"steps" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"current_step" integer,
	"step_deadline" date,
	"submitted_at" timestamp with time zone,
	"submitted_on" date,
	"decided_at" timestamp with time zone,
	"dup_matches" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"dup_top" integer DEFAULT 0 NOT NULL,
	"signature" jsonb,
	"latest_version" integer DEFAULT 1 NOT NULL,
	"idempotency_key" text,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "info_media_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"unit_id" uuid NOT NULL,
	"reporter_id" uuid,
	"reporter_name" text,
	"outlet" text NOT NULL,
	"level" text NOT NULL,
	"title" text NOT NULL,
	"link" text,
	"published_on" date NOT NULL,
	"idempotency_key" text,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "info_publications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"level" text NOT NULL,
	"issuer" text NOT NULL,
	"colophon" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"disabled" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "info_publications_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "info_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"categories" jsonb NOT NULL,
	"steps" jsonb NOT NULL,
	"dup_window_days" integer DEFAULT 365 NOT NULL,
	"dup_threshold" integer DEFAULT 50 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "info_targets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"year" integer NOT NULL,
	"month" integer,
	"subject_type" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"measure" text NOT NULL,
	"target" integer NOT NULL,
	"created_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "info_versions" (
	"item_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"title" text NOT NULL,
	"body_html" text NOT NULL,
	"body_text" text NOT NULL,
	"stage" text NOT NULL,
	"note" text,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "info_versions_item_id_seq_pk" PRIMARY KEY("item_id","seq")
);
--> statement-breakpoint
ALTER TABLE "info_actions" ADD CONSTRAINT "info_actions_item_id_info_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."info_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "info_actions" ADD CONSTRAINT "info_actions_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "info_adoptions" ADD CONSTRAINT "info_adoptions_item_id_info_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."info_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "info_adoptions" ADD CONSTRAINT "info_adoptions_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "info_adoptions" ADD CONSTRAINT "info_adoptions_issue_id_info_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."info_issues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "info_adoptions" ADD CONSTRAINT "info_adoptions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "info_authors" ADD CONSTRAINT "info_authors_item_id_info_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."info_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "info_authors" ADD CONSTRAINT "info_authors_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "info_bands" ADD CONSTRAINT "info_bands_item_id_info_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."info_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "info_instructions" ADD CONSTRAINT "info_instructions_item_id_info_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."info_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "info_instructions" ADD CONSTRAINT "info_instructions_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "info_instructions" ADD CONSTRAINT "info_instructions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "info_issues" ADD CONSTRAINT "info_issues_publication_id_info_publications_id_fk" FOREIGN KEY ("publication_id") REFERENCES "public"."info_publications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "info_issues" ADD CONSTRAINT "info_issues_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "info_items" ADD CONSTRAINT "info_items_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "info_items" ADD CONSTRAINT "info_items_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "info_items" ADD CONSTRAINT "info_items_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "info_items" ADD CONSTRAINT "info_items_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "info_media_reports" ADD CONSTRAINT "info_media_reports_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "info_media_reports" ADD CONSTRAINT "info_media_reports_reporter_id_persons_id_fk" FOREIGN KEY ("reporter_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "info_media_reports" ADD CONSTRAINT "info_media_reports_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "info_targets" ADD CONSTRAINT "info_targets_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "info_targets" ADD CONSTRAINT "info_targets_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "info_versions" ADD CONSTRAINT "info_versions_item_id_info_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."info_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "info_versions" ADD CONSTRAINT "info_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "info_actions_item_idx" ON "info_actions" USING btree ("item_id","at");--> statement-breakpoint
CREATE INDEX "info_actions_actor_idx" ON "info_actions" USING btree ("actor_id");--> statement-breakpoint
CREATE INDEX "info_adoptions_item_idx" ON "info_adoptions" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "info_adoptions_unit_idx" ON "info_adoptions" USING btree ("unit_id","adopted_on");--> statement-breakpoint
CREATE UNIQUE INDEX "info_adoptions_issue_item_uq" ON "info_adoptions" USING btree ("issue_id","item_id");--> statement-breakpoint
CREATE INDEX "info_authors_person_idx" ON "info_authors" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "info_bands_item_idx" ON "info_bands" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "info_instructions_item_idx" ON "info_instructions" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "info_instructions_unit_idx" ON "info_instructions" USING btree ("unit_id","instructed_on");--> statement-breakpoint
CREATE UNIQUE INDEX "info_issues_number_uq" ON "info_issues" USING btree ("publication_id","year","number");--> statement-breakpoint
CREATE UNIQUE INDEX "info_items_idem_uq" ON "info_items" USING btree ("created_by","idempotency_key");--> statement-breakpoint
CREATE INDEX "info_items_unit_idx" ON "info_items" USING btree ("unit_id","submitted_on");--> statement-breakpoint
CREATE INDEX "info_items_status_idx" ON "info_items" USING btree ("status","current_step");--> statement-breakpoint
CREATE INDEX "info_items_submitted_idx" ON "info_items" USING btree ("submitted_on");--> statement-breakpoint
CREATE INDEX "info_media_unit_idx" ON "info_media_reports" USING btree ("unit_id","published_on");--> statement-breakpoint
CREATE INDEX "info_media_reporter_idx" ON "info_media_reports" USING btree ("reporter_id","published_on");--> statement-breakpoint
CREATE UNIQUE INDEX "info_media_idem_uq" ON "info_media_reports" USING btree ("created_by","idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "info_targets_uq" ON "info_targets" USING btree ("year","month","subject_type","subject_id","measure");--> statement-breakpoint
CREATE INDEX "info_targets_unit_idx" ON "info_targets" USING btree ("unit_id","year");