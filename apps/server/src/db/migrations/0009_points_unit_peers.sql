CREATE TABLE "point_peer_state" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"fingerprint" text NOT NULL,
	"built_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "point_unit_peers" (
	"unit_id" uuid PRIMARY KEY NOT NULL,
	"peer_key" text NOT NULL
);
