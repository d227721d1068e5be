-- Plan limits, enforced by the database where a resource is created, in the
-- creating transaction (seed 003).
--
-- * Seats are members plus pending invitations. A BEFORE INSERT trigger on
--   tenant_invitations (a new pending invitation) and on tenant_members (a
--   new member) takes the tenant's lock — the advisory lock every membership
--   change takes (lockTenant) — and counts under it, so concurrent
--   invitations are serialised and never exceed the limit. An accepted
--   invitation turns a pending seat into a member: the joiner's own
--   invitation is not counted twice.
-- * Export allowed: the audit.export row that every export commits before its
--   first byte is refused on a plan without exports.
-- * API keys and child workspaces: app_plan_enforce(tenant, limit) is the
--   check their creators call (or attach as a trigger with
--   app_plan_limit_trigger('<limit>', '<tenant column>')).
-- * A plan below current usage is allowed: nothing is removed, growth is
--   refused. A NULL limit is unlimited.
-- * Refusals are SQLSTATE 53400 (configuration_limit_exceeded) with hint
--   'plan_limit' and a message for the person: "Your plan allows 5 seats;
--   remove a member or upgrade."
-- * Limits apply to the app (tenantry_app, and the definer functions it
--   calls). Operator commands and seeding on the owner's connection are the
--   platform acting, and are not limited.

-- The checks below answer only for the workspace the caller's verified
-- context is in (a member, a creator, a joiner) or for a platform
-- administrator: probing another workspace's usage is refused.
CREATE FUNCTION app_private.plan_caller_may(p_tenant_id uuid) RETURNS void
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_ctx public.app_context := public.app_context();
  BEGIN
    IF NOT (v_ctx.tenant_id IS NOT DISTINCT FROM p_tenant_id OR v_ctx.mode = 'platform') OR v_ctx.mode IS NULL THEN
      RAISE EXCEPTION 'not this workspace' USING ERRCODE = '42501', HINT = 'not_member';
    END IF;
  END
  $$;
ALTER FUNCTION app_private.plan_caller_may(uuid) OWNER TO tenantry_definer;
REVOKE EXECUTE ON FUNCTION app_private.plan_caller_may(uuid) FROM PUBLIC;

-- The limit a workspace's plan sets on p_limit (NULL: unlimited).
CREATE FUNCTION app_plan_limit(p_tenant_id uuid, p_limit text) RETURNS integer
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_plan public.plans;
  BEGIN
    SELECT p.* INTO v_plan FROM public.plans p JOIN public.tenants t ON t.plan_id = p.id WHERE t.id = p_tenant_id;
    RETURN CASE p_limit
      WHEN 'seats' THEN v_plan.seats
      WHEN 'api_keys' THEN v_plan.api_keys
      WHEN 'child_workspaces' THEN v_plan.child_workspaces
      WHEN 'audit_retention_days' THEN v_plan.audit_retention_days
    END;
  END
  $$;

-- What a workspace uses of p_limit now, counted whatever the caller may see.
-- A resource whose table does not exist yet counts nothing.
CREATE FUNCTION app_plan_usage(p_tenant_id uuid, p_limit text) RETURNS bigint
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_count bigint := 0;
  BEGIN
    IF p_limit = 'seats' THEN
      SELECT (SELECT count(*) FROM public.tenant_members m WHERE m.tenant_id = p_tenant_id)
           + (SELECT count(*) FROM public.tenant_invitations i
               WHERE i.tenant_id = p_tenant_id AND i.status = 'pending' AND i.expires_at > now() AND i.deleted_at IS NULL)
        INTO v_count;
    ELSIF p_limit = 'child_workspaces' THEN
      SELECT count(*) INTO v_count FROM public.tenants t WHERE t.parent_id = p_tenant_id AND t.status <> 'deleted';
    ELSIF p_limit = 'api_keys' AND to_regclass('public.api_keys') IS NOT NULL THEN
      -- Live keys: not revoked (and not deleted, when the table has those columns).
      EXECUTE 'SELECT count(*) FROM public.api_keys k WHERE k.tenant_id = $1'
              || CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid = 'public.api_keys'::regclass AND a.attname = 'revoked_at' AND NOT a.attisdropped)
                      THEN ' AND k.revoked_at IS NULL' ELSE '' END
              || CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid = 'public.api_keys'::regclass AND a.attname = 'deleted_at' AND NOT a.attisdropped)
                      THEN ' AND k.deleted_at IS NULL' ELSE '' END
        INTO v_count USING p_tenant_id;
    END IF;
    RETURN v_count;
  END
  $$;

-- The sentence a refusal carries.
CREATE FUNCTION app_plan_limit_message(p_limit text, p_allowed integer) RETURNS text
  LANGUAGE sql STABLE
  AS $$
    SELECT CASE p_limit
      WHEN 'seats' THEN format('Your plan allows %s seat%s; remove a member or upgrade.', p_allowed, CASE WHEN p_allowed = 1 THEN '' ELSE 's' END)
      WHEN 'api_keys' THEN format('Your plan allows %s API key%s; revoke one or upgrade.', p_allowed, CASE WHEN p_allowed = 1 THEN '' ELSE 's' END)
      WHEN 'child_workspaces' THEN format('Your plan allows %s child workspace%s; delete one or upgrade.', p_allowed, CASE WHEN p_allowed = 1 THEN '' ELSE 's' END)
      ELSE format('Your plan allows %s of these; upgrade for more.', p_allowed)
    END
  $$;

-- The check: under the tenant's lock, refuses p_adding more of p_limit when
-- usage would exceed the plan's limit. Call it in the transaction that
-- creates the resource, before (or as) it inserts the row.
CREATE FUNCTION app_plan_enforce(p_tenant_id uuid, p_limit text, p_adding integer DEFAULT 1) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_allowed integer;
  BEGIN
    IF p_limit NOT IN ('seats', 'api_keys', 'child_workspaces') THEN
      RAISE EXCEPTION 'no plan limit %', p_limit USING ERRCODE = '22023';
    END IF;
    PERFORM app_private.plan_caller_may(p_tenant_id);
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('tenant:' || p_tenant_id::text, 0));
    v_allowed := public.app_plan_limit(p_tenant_id, p_limit);
    IF v_allowed IS NOT NULL AND public.app_plan_usage(p_tenant_id, p_limit) + p_adding > v_allowed THEN
      RAISE EXCEPTION '%', public.app_plan_limit_message(p_limit, v_allowed)
        USING ERRCODE = '53400', HINT = 'plan_limit', DETAIL = p_limit;
    END IF;
  END
  $$;

-- As a trigger: BEFORE INSERT … EXECUTE FUNCTION app_plan_limit_trigger('api_keys', 'tenant_id').
CREATE FUNCTION app_plan_limit_trigger() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_tenant uuid;
  BEGIN
    IF current_user NOT IN ('tenantry_app', 'tenantry_definer') THEN
      RETURN NEW;
    END IF;
    v_tenant := (pg_catalog.to_jsonb(NEW) ->> TG_ARGV[1])::uuid;
    IF v_tenant IS NOT NULL THEN
      PERFORM public.app_plan_enforce(v_tenant, TG_ARGV[0]);
    END IF;
    RETURN NEW;
  END
  $$;

-- Seats, when an invitation is created pending.
CREATE FUNCTION app_seats_on_invitation() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF current_user IN ('tenantry_app', 'tenantry_definer') AND NEW.status = 'pending' AND NEW.deleted_at IS NULL THEN
      PERFORM public.app_plan_enforce(NEW.tenant_id, 'seats');
    END IF;
    RETURN NEW;
  END
  $$;
CREATE TRIGGER tenant_invitations_seats
  BEFORE INSERT ON "tenant_invitations"
  FOR EACH ROW EXECUTE FUNCTION app_seats_on_invitation();

-- Seats, when someone becomes a member: their own pending invitation (the one
-- they accept) already holds their seat; a row that already exists (an
-- idempotent acceptance) adds none.
CREATE FUNCTION app_seats_on_member() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF current_user IN ('tenantry_app', 'tenantry_definer') THEN
      PERFORM public.app_seats_for_joiner(NEW.tenant_id, NEW.user_id);
    END IF;
    RETURN NEW;
  END
  $$;

CREATE FUNCTION app_seats_for_joiner(p_tenant_id uuid, p_user_id uuid) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_allowed integer;
    v_email text;
    v_holds_seat boolean;
    v_used bigint;
  BEGIN
    PERFORM app_private.plan_caller_may(p_tenant_id);
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('tenant:' || p_tenant_id::text, 0));
    IF EXISTS (SELECT 1 FROM public.tenant_members m WHERE m.tenant_id = p_tenant_id AND m.user_id = p_user_id) THEN
      RETURN;
    END IF;
    v_allowed := public.app_plan_limit(p_tenant_id, 'seats');
    IF v_allowed IS NULL THEN
      RETURN;
    END IF;
    SELECT u.email INTO v_email FROM public.users u WHERE u.id = p_user_id;
    v_holds_seat := EXISTS (
      SELECT 1 FROM public.tenant_invitations i
       WHERE i.tenant_id = p_tenant_id AND i.email = v_email AND i.status = 'pending' AND i.expires_at > now() AND i.deleted_at IS NULL);
    v_used := public.app_plan_usage(p_tenant_id, 'seats') + (NOT v_holds_seat)::int;
    IF v_used > v_allowed THEN
      RAISE EXCEPTION '%', public.app_plan_limit_message('seats', v_allowed)
        USING ERRCODE = '53400', HINT = 'plan_limit', DETAIL = 'seats';
    END IF;
  END
  $$;
CREATE TRIGGER tenant_members_seats
  BEFORE INSERT ON "tenant_members"
  FOR EACH ROW EXECUTE FUNCTION app_seats_on_member();

-- Export allowed: the row every export commits before its first byte.
CREATE FUNCTION app_export_allowed_by_plan() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF current_user IN ('tenantry_app', 'tenantry_definer') AND NOT public.app_plan_allows_export(NEW.tenant_id) THEN
      RAISE EXCEPTION 'Your plan does not include exporting the audit log; upgrade to export it.'
        USING ERRCODE = '53400', HINT = 'plan_limit', DETAIL = 'export';
    END IF;
    RETURN NEW;
  END
  $$;

CREATE FUNCTION app_plan_allows_export(p_tenant_id uuid) RETURNS boolean
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    PERFORM app_private.plan_caller_may(p_tenant_id);
    RETURN coalesce((SELECT p.export_allowed FROM public.plans p JOIN public.tenants t ON t.plan_id = p.id WHERE t.id = p_tenant_id), true);
  END
  $$;
CREATE TRIGGER audit_log_export_allowed
  BEFORE INSERT ON "audit_log"
  FOR EACH ROW WHEN (NEW.action = 'audit.export')
  EXECUTE FUNCTION app_export_allowed_by_plan();

ALTER FUNCTION app_plan_limit(uuid, text) OWNER TO tenantry_definer;
ALTER FUNCTION app_plan_usage(uuid, text) OWNER TO tenantry_definer;
ALTER FUNCTION app_plan_enforce(uuid, text, integer) OWNER TO tenantry_definer;
ALTER FUNCTION app_seats_for_joiner(uuid, uuid) OWNER TO tenantry_definer;
ALTER FUNCTION app_plan_allows_export(uuid) OWNER TO tenantry_definer;

REVOKE EXECUTE ON FUNCTION app_plan_limit(uuid, text), app_plan_usage(uuid, text), app_plan_enforce(uuid, text, integer),
  app_seats_for_joiner(uuid, uuid), app_plan_allows_export(uuid), app_plan_limit_message(text, integer) FROM PUBLIC;
-- The app calls the check (and the triggers do, as the inserting role);
-- reading a limit or the usage reveals nothing beyond the caller's workspace's plan.
GRANT EXECUTE ON FUNCTION app_plan_enforce(uuid, text, integer), app_seats_for_joiner(uuid, uuid), app_plan_allows_export(uuid)
  TO tenantry_app, tenantry_definer;
GRANT EXECUTE ON FUNCTION app_plan_limit(uuid, text) TO tenantry_definer;
GRANT EXECUTE ON FUNCTION app_plan_limit_message(text, integer), app_plan_usage(uuid, text) TO tenantry_definer;
