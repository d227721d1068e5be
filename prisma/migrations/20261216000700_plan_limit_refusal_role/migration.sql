-- A plan-limit refusal names, in its DETAIL, whom it refused: a JSON object
-- with the limit ("seats", "api_keys", "child_workspaces") and, when someone
-- acts (the verified context has a user, and is not the platform console),
-- "role": that user's live role in the workspace whose limit it is (a
-- delegate's delegated role; an API key's user's role; null for someone
-- not a member, as an invitee accepting). The app words the sentence's
-- advice by that role (lib/billing/advice.ts: an owner asks the platform's
-- operators, anyone else asks an owner), as the pages beside it do. The
-- message itself (app_plan_limit_message) is unchanged: what the owner's
-- connection (operator scripts, seeding) reads, whose DETAIL has no role.
-- The three functions that raise it are as before but for their DETAIL;
-- they keep their owners and grants (CREATE OR REPLACE).
CREATE FUNCTION app_plan_refusal_detail(p_limit text, p_tenant_id uuid) RETURNS text
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_ctx public.app_context := public.app_context();
  BEGIN
    IF v_ctx.user_id IS NULL OR v_ctx.mode = 'platform' THEN
      RETURN pg_catalog.jsonb_build_object('limit', p_limit)::text;
    END IF;
    RETURN pg_catalog.jsonb_build_object('limit', p_limit, 'role', public.app_role_in(p_tenant_id))::text;
  END
  $$;
ALTER FUNCTION app_plan_refusal_detail(text, uuid) OWNER TO tenantry_definer;
REVOKE EXECUTE ON FUNCTION app_plan_refusal_detail(text, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_plan_refusal_detail(text, uuid) TO tenantry_definer;

CREATE OR REPLACE FUNCTION app_plan_enforce(p_tenant_id uuid, p_limit text, p_adding integer DEFAULT 1) RETURNS void
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
        USING ERRCODE = '53400', HINT = 'plan_limit', DETAIL = public.app_plan_refusal_detail(p_limit, p_tenant_id);
    END IF;
  END
  $$;

CREATE OR REPLACE FUNCTION app_seats_for_joiner(p_tenant_id uuid, p_user_id uuid) RETURNS void
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
        USING ERRCODE = '53400', HINT = 'plan_limit', DETAIL = public.app_plan_refusal_detail('seats', p_tenant_id);
    END IF;
  END
  $$;

CREATE OR REPLACE FUNCTION app_plan_enforce_children(p_parent_id uuid) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_allowed integer;
  BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('tenant:' || p_parent_id::text, 0));
    v_allowed := public.app_plan_limit(p_parent_id, 'child_workspaces');
    IF v_allowed IS NOT NULL AND public.app_plan_usage(p_parent_id, 'child_workspaces') + 1 > v_allowed THEN
      RAISE EXCEPTION '%', public.app_plan_limit_message('child_workspaces', v_allowed)
        USING ERRCODE = '53400', HINT = 'plan_limit', DETAIL = public.app_plan_refusal_detail('child_workspaces', p_parent_id);
    END IF;
  END
  $$;
