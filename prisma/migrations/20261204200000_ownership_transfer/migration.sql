-- Ownership transfer with consent (seed 001's table of steps, issue 11).
--
--   1. an owner starts a transfer to an existing member, freshly signed in
--      (sessions.created_at within 10 minutes)           → pending_confirmation
--   2. the owner confirms from the emailed link within 24 h → confirmed
--   3. 24 h later the worker sends "this is irreversible"  → awaiting_final
--      and the owner confirms it within 24 h              → cooling
--   4. 72 h of cooling; every admin (and every other owner) is emailed
--   5. the worker opens acceptance to the new owner        → awaiting_acceptance
--      who accepts, freshly signed in, within 7 days
--   6. activation, in the acceptance's transaction         → completed
--      (the new owner is made owner before the former owner becomes a
--      member: the workspace has an owner at every instant)
--   Either party or any other owner cancels a live transfer (cancelled);
--   a deadline that passes ends it (expired).
--
-- due_at is when the next timed step falls due; the worker (lib/jobs) moves
-- what is due. One live transfer per workspace (a partial unique index).

-- Who sees a transfer without being party to it (lib/transfer/definition.ts):
-- owners and admins, the people told of its cooling period.
INSERT INTO "role_permissions" ("permission", "role") VALUES
  ('ownership.transfer.read', 'owner'), ('ownership.transfer.read', 'admin');

CREATE TYPE "ownership_transfer_status" AS ENUM (
  'pending_confirmation', 'confirmed', 'awaiting_final', 'cooling', 'awaiting_acceptance', 'completed', 'cancelled', 'expired'
);

CREATE TABLE "ownership_transfers" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "from_user_id" UUID NOT NULL,
    "to_user_id" UUID NOT NULL,
    "status" "ownership_transfer_status" NOT NULL DEFAULT 'pending_confirmation',
    -- SHA-256 (hex) of the token in the owner's confirmation link.
    "confirm_token_hash" TEXT,
    "due_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "confirmed_at" TIMESTAMPTZ(3),
    "final_confirmed_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),
    "ended_by" UUID,
    "end_reason" TEXT,
    -- The status whose emails the worker has queued (it queues each once).
    "notified_status" "ownership_transfer_status",

    CONSTRAINT "ownership_transfers_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ownership_transfers_parties" CHECK ("from_user_id" <> "to_user_id"),
    CONSTRAINT "ownership_transfers_token" CHECK ("confirm_token_hash" IS NULL OR "confirm_token_hash" ~ '^[0-9a-f]{64}$'),
    CONSTRAINT "ownership_transfers_live_due" CHECK (("status" IN ('completed', 'cancelled', 'expired')) = ("due_at" IS NULL)),
    CONSTRAINT "ownership_transfers_ended" CHECK (("status" IN ('completed', 'cancelled', 'expired')) = ("ended_at" IS NOT NULL))
);
ALTER TABLE "ownership_transfers" ADD CONSTRAINT "ownership_transfers_tenant_id_fkey"
  FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "ownership_transfers" ADD CONSTRAINT "ownership_transfers_from_user_id_fkey"
  FOREIGN KEY ("from_user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "ownership_transfers" ADD CONSTRAINT "ownership_transfers_to_user_id_fkey"
  FOREIGN KEY ("to_user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- One live transfer per workspace: a second start is a conflict (409).
CREATE UNIQUE INDEX "ownership_transfers_one_live" ON "ownership_transfers" ("tenant_id")
  WHERE "status" IN ('pending_confirmation', 'confirmed', 'awaiting_final', 'cooling', 'awaiting_acceptance');
CREATE INDEX "ownership_transfers_tenant_id_created_at_idx" ON "ownership_transfers" ("tenant_id", "created_at" DESC);
-- The worker's sweep: what is due.
CREATE INDEX "ownership_transfers_due_at_idx" ON "ownership_transfers" ("due_at");

ALTER TABLE "ownership_transfers" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ownership_transfers" FORCE ROW LEVEL SECURITY;

-- Its two parties and those the matrix lets see it (ownership.transfer.read:
-- owners and admins) see it; nobody else in the workspace does.
CREATE POLICY ownership_transfers_select ON "ownership_transfers" FOR SELECT USING (
  "tenant_id" = (SELECT app_current_tenant_id())
  AND (SELECT app_current_role()) IS NOT NULL
  AND ("from_user_id" = (SELECT app_current_user_id()) OR "to_user_id" = (SELECT app_current_user_id())
       OR (SELECT app_can('ownership.transfer.read')))
);
-- Started by one who may transfer ownership, in their own name.
CREATE POLICY ownership_transfers_insert ON "ownership_transfers" FOR INSERT WITH CHECK (
  "tenant_id" = (SELECT app_current_tenant_id())
  AND (SELECT app_can('ownership.transfer'))
  AND "from_user_id" = (SELECT app_current_user_id())
  AND "status" = 'pending_confirmation'
);
-- Moved on by its parties or cancelled by another owner; which move each may
-- make is the trigger's business (below).
CREATE POLICY ownership_transfers_update ON "ownership_transfers" FOR UPDATE
  USING (
    "tenant_id" = (SELECT app_current_tenant_id())
    AND (SELECT app_current_role()) IS NOT NULL
    AND ("from_user_id" = (SELECT app_current_user_id()) OR "to_user_id" = (SELECT app_current_user_id())
         OR (SELECT app_can('ownership.transfer')))
  )
  WITH CHECK (
    "tenant_id" = (SELECT app_current_tenant_id())
    AND (SELECT app_current_role()) IS NOT NULL
    AND ("from_user_id" = (SELECT app_current_user_id()) OR "to_user_id" = (SELECT app_current_user_id())
         OR (SELECT app_can('ownership.transfer')))
  );

GRANT SELECT, INSERT ON "ownership_transfers" TO tenantry_app;
GRANT UPDATE ("status", "due_at", "confirm_token_hash", "confirmed_at", "final_confirmed_at", "ended_at", "ended_by", "end_reason")
  ON "ownership_transfers" TO tenantry_app;
GRANT SELECT, UPDATE ("status", "due_at", "ended_at", "ended_by", "end_reason") ON "ownership_transfers" TO tenantry_definer;

-- The moves the app may make, whoever it is asked by: a party may only do
-- what their side of the transfer does, before its deadline; the timed steps are the worker's
-- (the owner's connection); completing is app_complete_ownership_transfer's.
CREATE FUNCTION app_ownership_transfer_move() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  DECLARE
    v_me uuid;
  BEGIN
    IF current_user NOT IN ('tenantry_app', 'tenantry_definer') THEN
      RETURN NEW;
    END IF;
    v_me := public.app_current_user_id();
    IF NEW.tenant_id IS DISTINCT FROM OLD.tenant_id OR NEW.from_user_id IS DISTINCT FROM OLD.from_user_id
       OR NEW.to_user_id IS DISTINCT FROM OLD.to_user_id THEN
      RAISE EXCEPTION 'a transfer''s parties do not change' USING ERRCODE = '42501', HINT = 'transfer_move';
    END IF;
    IF NEW.status = OLD.status THEN
      RETURN NEW;
    END IF;
    IF OLD.status IN ('completed', 'cancelled', 'expired') THEN
      RAISE EXCEPTION 'transfer % has ended', OLD.id USING ERRCODE = '42501', HINT = 'transfer_move';
    END IF;
    IF (current_user = 'tenantry_app' AND (
          (OLD.status = 'pending_confirmation' AND NEW.status = 'confirmed' AND v_me = OLD.from_user_id AND OLD.due_at > now())
       OR (OLD.status = 'awaiting_final' AND NEW.status = 'cooling' AND v_me = OLD.from_user_id AND OLD.due_at > now())
       OR (NEW.status = 'cancelled' AND NEW.ended_by = v_me
           AND (v_me IN (OLD.from_user_id, OLD.to_user_id) OR public.app_can('ownership.transfer')))))
       OR (current_user = 'tenantry_definer' AND OLD.status = 'awaiting_acceptance' AND NEW.status = 'completed'
           AND v_me = OLD.to_user_id)
    THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'a transfer may not go from % to % here', OLD.status, NEW.status USING ERRCODE = '42501', HINT = 'transfer_move';
  END
  $$;
CREATE TRIGGER ownership_transfers_move
  BEFORE UPDATE ON "ownership_transfers"
  FOR EACH ROW EXECUTE FUNCTION app_ownership_transfer_move();

-- When the context's session was signed in (sessions.created_at: set by the
-- database when Auth.js creates it after a magic link or GitHub, never moved
-- by its refreshes): for a step that needs a fresh sign-in. Only the
-- session's own user learns it (NULL otherwise), and only of a session that
-- is not still awaiting its second factor.
CREATE FUNCTION app_session_authenticated_at(p_session_token text) RETURNS timestamptz
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF p_session_token IS NULL OR length(p_session_token) NOT BETWEEN 20 AND 512 THEN
      RETURN NULL;
    END IF;
    RETURN (SELECT s.created_at FROM public.sessions s
             WHERE s.session_token = encode(sha256(convert_to(p_session_token, 'UTF8')), 'hex')
               AND s.user_id = public.app_current_user_id() AND s.expires > now() AND NOT s.second_factor_pending);
  END
  $$;

-- Activation: the accepting new owner becomes owner, then the former owner a
-- member, in the caller's transaction. The new owner is not allowed to change
-- memberships by the policies (they are not an owner yet), so this runs as
-- the definer, for exactly one transfer: the caller's own, awaiting their
-- acceptance, in the workspace they entered. The deferred last-owner trigger
-- still checks the result at commit.
CREATE FUNCTION app_complete_ownership_transfer(p_transfer_id uuid) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_transfer record;
    v_count integer;
  BEGIN
    SELECT t.id, t.tenant_id, t.from_user_id, t.to_user_id, t.status, t.due_at INTO v_transfer
      FROM public.ownership_transfers t
     WHERE t.id = p_transfer_id AND t.tenant_id = public.app_current_tenant_id()
     FOR UPDATE;
    IF v_transfer.id IS NULL OR v_transfer.to_user_id IS DISTINCT FROM public.app_current_user_id()
       OR v_transfer.status <> 'awaiting_acceptance' OR v_transfer.due_at <= now() THEN
      RAISE EXCEPTION 'no transfer % awaiting this user''s acceptance', p_transfer_id USING ERRCODE = '42501', HINT = 'transfer_state';
    END IF;
    -- The same key the last-owner trigger and membership changes take.
    PERFORM pg_advisory_xact_lock(hashtextextended('tenant:' || v_transfer.tenant_id::text, 0));
    UPDATE public.tenant_members SET role = 'owner'
     WHERE tenant_id = v_transfer.tenant_id AND user_id = v_transfer.to_user_id;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    IF v_count <> 1 THEN
      RAISE EXCEPTION 'the new owner is no longer a member' USING ERRCODE = '42501', HINT = 'transfer_party_gone';
    END IF;
    UPDATE public.tenant_members SET role = 'member'
     WHERE tenant_id = v_transfer.tenant_id AND user_id = v_transfer.from_user_id AND role = 'owner';
    GET DIAGNOSTICS v_count = ROW_COUNT;
    IF v_count <> 1 THEN
      RAISE EXCEPTION 'the former owner is no longer an owner' USING ERRCODE = '42501', HINT = 'transfer_party_gone';
    END IF;
    UPDATE public.ownership_transfers
       SET status = 'completed', due_at = NULL, ended_at = now(), ended_by = v_transfer.to_user_id, end_reason = 'accepted'
     WHERE id = v_transfer.id;
  END
  $$;

-- The definer changes the two memberships of the transfer it completes, in
-- the tenant the caller entered (the function above is the only definer code
-- that writes tenant_members).
GRANT UPDATE ("role") ON "tenant_members" TO tenantry_definer;
CREATE POLICY tenant_members_definer_transfer ON "tenant_members" FOR UPDATE TO tenantry_definer
  USING ("tenant_id" = (SELECT app_current_tenant_id()))
  WITH CHECK ("tenant_id" = (SELECT app_current_tenant_id()));

ALTER FUNCTION app_session_authenticated_at(text) OWNER TO tenantry_definer;
ALTER FUNCTION app_complete_ownership_transfer(uuid) OWNER TO tenantry_definer;
REVOKE EXECUTE ON FUNCTION app_session_authenticated_at(text), app_complete_ownership_transfer(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_session_authenticated_at(text), app_complete_ownership_transfer(uuid) TO tenantry_app;

-- The last-owner trigger names its tables without a schema. Fired inside a
-- SECURITY DEFINER function (whose search_path is pg_catalog, pg_temp) — the
-- activation above, with constraints made immediate — it must still find
-- them: its own search_path now says where.
ALTER FUNCTION app_assert_tenant_has_owner() SET search_path = public, pg_temp;

-- Platform administration adopts every tenant table (its cross-view read
-- policy): app_private.platform_adopt_tables(), from a migration later than
-- this one's timestamp. Where that one already ran, adopt this table now.
DO $$
BEGIN
  IF to_regprocedure('app_private.platform_adopt_tables()') IS NOT NULL THEN
    PERFORM app_private.platform_adopt_tables();
  END IF;
END
$$;
