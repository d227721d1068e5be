-- The entry reads each membership's workspace by its primary key.
--
-- app_enter() listed the user's workspaces with a join of tenant_members,
-- tenants and tenant_logos. PL/pgSQL keeps a statement's plan for the
-- connection (20261206000000_definer_plans_kept), and after five calls it
-- keeps the generic one, planned without knowing whose memberships it
-- reads: one membership, by the average. And under row-level security the
-- planner may not read a column's statistics through an operator that is
-- not leakproof, so `t.status <> 'deleted'` is estimated to keep one
-- workspace of all. For one membership and one workspace the cheapest join
-- is a nested loop over a sequential scan of tenants — run once per
-- membership. A user of 500 workspaces (of 505) made it read ~127,000 rows:
-- ~16 ms of the entry from the sixth page view of a connection on, against
-- ~5 ms for the first five (bench:pages, the switcher user; README,
-- Performance).
--
-- Now the workspace is a lateral subquery on `t.id = m.tenant_id` that the
-- planner may not flatten into the join (OFFSET 0): planned alone, it is one
-- row by key, found through tenants_pkey once the table is more than a few
-- pages, for each membership, whatever the join's estimates; the logo is a
-- scalar subquery by tenant_logos' key. The result is the same list in the
-- same order. prisma/entry-plan.test.ts holds the entry's kept plan to this
-- (before this migration, its plan read ~31,000 rows for 250 memberships).
--
-- Owner, volatility and grants are unchanged (CREATE OR REPLACE keeps them;
-- the owner is said again below, as 20261206000000 does).

CREATE OR REPLACE FUNCTION app_enter(p_session_token text, p_tenant_id uuid, p_strict boolean DEFAULT false,
  OUT kind text, OUT user_id uuid, OUT email text, OUT name text,
  OUT tenant_id uuid, OUT role member_role, OUT source text, OUT memberships jsonb)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_user record;
    v_status public.tenant_status;
    -- hierarchy
    v_del record;
    v_via uuid;
  BEGIN
    SELECT * INTO v_user FROM app_private.session_user(p_session_token);
    IF v_user.user_id IS NULL OR NOT v_user.active THEN
      IF p_strict THEN
        RAISE EXCEPTION 'no live session' USING ERRCODE = '42501', HINT = 'signed_out';
      END IF;
      kind := CASE WHEN v_user.user_id IS NULL THEN 'signed-out' ELSE 'inactive' END;
      RETURN;
    END IF;
    user_id := v_user.user_id;
    email := v_user.email;
    name := v_user.name;

    IF p_strict THEN
      SELECT m.role, t.status INTO role, v_status
        FROM public.tenant_members m JOIN public.tenants t ON t.id = m.tenant_id
       WHERE m.user_id = v_user.user_id AND m.tenant_id = p_tenant_id;
      -- hierarchy: no membership → a delegate of an ancestor?
      IF role IS NULL THEN
        SELECT * INTO v_del FROM app_private.delegation(v_user.user_id, p_tenant_id, NULL);
        IF v_del.refusal IS NULL THEN
          role := v_del.role;
          v_status := 'active';
          v_via := v_del.via;
        ELSIF v_del.refusal = 'tenant_suspended' THEN
          v_status := 'blocked';
        ELSIF v_del.refusal IN ('tenant_deleted', 'delegation_refused') THEN
          RAISE EXCEPTION 'user % may not enter tenant % as a delegate (%)', v_user.user_id, p_tenant_id, v_del.refusal
            USING ERRCODE = '42501', HINT = v_del.refusal;
        END IF;
      END IF;
      -- end hierarchy
      IF v_status = 'blocked' THEN
        RAISE EXCEPTION 'tenant % is suspended', p_tenant_id USING ERRCODE = '42501', HINT = 'tenant_suspended';
      ELSIF v_status IS DISTINCT FROM 'active' THEN
        RAISE EXCEPTION 'user % is not an active member of tenant %', v_user.user_id, p_tenant_id
          USING ERRCODE = '42501', HINT = 'not_member';
      END IF;
      kind := 'tenant';
      tenant_id := p_tenant_id;
      source := 'cookie';
    ELSE
      -- Each membership's workspace (and logo) is read by its key: see the
      -- note at the top of this migration.
      SELECT coalesce(jsonb_agg(w.entry ORDER BY w.sort_name, w.id), '[]'::jsonb)
        INTO memberships
        FROM public.tenant_members m
       CROSS JOIN LATERAL (
               SELECT t.id, lower(t.name) AS sort_name,
                      jsonb_build_object('tenantId', t.id, 'tenantName', t.name, 'tenantSlug', t.slug,
                                         'role', m.role, 'status', t.status, 'accent', t.accent_color,
                                         'logoVersion', (SELECT left(l.sha256, 16) FROM public.tenant_logos l WHERE l.tenant_id = t.id))
                      -- hierarchy: a child names its parent (the switcher nests it)
                      || CASE WHEN t.parent_id IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('parentId', t.parent_id) END AS entry
                 FROM public.tenants t
                WHERE t.id = m.tenant_id AND t.status <> 'deleted'
               OFFSET 0) w
       WHERE m.user_id = v_user.user_id;
      -- hierarchy: the descendants they may enter as a delegate, and the
      -- asked-for one when it is such a descendant beyond the listed ones.
      memberships := memberships || app_private.delegable_descendants(v_user.user_id);
      IF p_tenant_id IS NOT NULL AND NOT memberships @> jsonb_build_array(jsonb_build_object('tenantId', p_tenant_id)) THEN
        SELECT * INTO v_del FROM app_private.delegation(v_user.user_id, p_tenant_id, NULL);
        IF v_del.refusal IS NULL OR v_del.refusal = 'tenant_suspended' THEN
          memberships := memberships || jsonb_build_array(app_private.delegate_entry(p_tenant_id, v_del.via, v_del.via_name));
        END IF;
      END IF;
      -- end hierarchy
      -- The asked-for tenant when it is a membership (active or suspended);
      -- otherwise the remembered, then the first, among the active ones.
      SELECT c.id, c.role, s.source, c.status, c.via INTO tenant_id, role, source, v_status, v_via
        FROM (SELECT (e ->> 'tenantId')::uuid AS id, (e ->> 'role')::public.member_role AS role,
                     (e ->> 'status')::public.tenant_status AS status, o AS ord,
                     (e ->> 'delegatedVia')::uuid AS via,
                     CASE WHEN (e ->> 'tenantId')::uuid = p_tenant_id THEN 1
                          WHEN (e ->> 'tenantId')::uuid = v_user.last_tenant_id THEN 2
                          ELSE 3 END AS rank
                FROM jsonb_array_elements(memberships) WITH ORDINALITY AS x(e, o)) c
             CROSS JOIN LATERAL (SELECT (ARRAY['cookie', 'remembered', 'first'])[c.rank] AS source) s
       WHERE (c.status = 'active' OR c.rank = 1) AND (c.via IS NULL OR c.rank = 1)
       ORDER BY c.rank, c.ord
       LIMIT 1;
      IF v_status = 'blocked' THEN
        kind := 'suspended';
        role := NULL;
      ELSE
        kind := CASE WHEN tenant_id IS NULL THEN 'no-tenant' ELSE 'tenant' END;
      END IF;
    END IF;
    PERFORM app_private.set_context(CASE WHEN kind = 'tenant' THEN tenant_id END, v_user.user_id, v_user.email,
                                    CASE WHEN kind = 'tenant' THEN role END,
                                    CASE WHEN kind <> 'tenant' THEN 'user'
                                         WHEN v_via IS NOT NULL THEN 'delegate:' || v_via::text -- hierarchy
                                         ELSE 'member' END, NULL);
  END
  $$;

ALTER FUNCTION app_enter(text, uuid, boolean) OWNER TO tenantry_definer;
