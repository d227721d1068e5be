-- The functions every request runs, written in PL/pgSQL so that Postgres
-- keeps their plans for the connection.
--
-- A LANGUAGE sql function is inlined into the query that calls it only when
-- it is a plain expression (no SECURITY DEFINER, no FROM, no sub-select);
-- any other is planned again on every call from a new statement (Postgres
-- before 18). PL/pgSQL keeps each of its statements' plans for the
-- connection. app_enter() called app_private.delegable_descendants(), a join
-- of five tables planned on every page view: about 0.74 ms of Postgres CPU a
-- view, most of what the entry cost (1,000 entries on one connection;
-- README, Performance). The policies' app_can()
-- and the other SECURITY DEFINER functions here were planned the same way in
-- every statement that reached them.
--
-- Bodies, volatility, owners and grants are unchanged (CREATE OR REPLACE
-- keeps the owner, tenantry_definer, and the grants); each is the same query,
-- returned by PL/pgSQL. prisma/rls.test.ts holds every SECURITY DEFINER
-- function, and every function a policy calls, to this.

CREATE OR REPLACE FUNCTION app_private.context_binding()
  RETURNS text
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    RETURN pg_backend_pid()::text || '|' || (extract(epoch FROM now()) * 1000000)::bigint::text;
  END
  $$;

CREATE OR REPLACE FUNCTION app_private.context_signature(p_payload text)
  RETURNS text
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    RETURN (SELECT encode(sha256(k."key" || sha256(k."key" || convert_to(p_payload, 'UTF8'))), 'hex')
              FROM app_private.context_key k);
  END
  $$;

CREATE OR REPLACE FUNCTION app_private.delegable_descendants(p_user_id uuid)
  RETURNS jsonb
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    RETURN (
      SELECT coalesce(jsonb_agg(jsonb_build_object('tenantId', t.id, 'tenantName', t.name, 'tenantSlug', t.slug,
                                                   'role', t.delegate_role, 'status', t.status,
                                                   'accent', t.accent_color, 'logoVersion', left(l.sha256, 16),
                                                   'parentId', t.parent_id, 'delegatedVia', d.via, 'delegatedViaName', d.via_name)
                                ORDER BY d.depth, lower(t.name), t.id), '[]'::jsonb)
        FROM (SELECT DISTINCT ON (x.descendant_id) x.descendant_id, x.via, x.via_name, x.depth
                FROM public.tenant_members m
                JOIN public.tenants a ON a.id = m.tenant_id AND a.status = 'active'
               CROSS JOIN LATERAL (SELECT c.descendant_id, c.ancestor_id AS via, a.name AS via_name, c.depth
                                     FROM public.tenant_closure c
                                    WHERE c.ancestor_id = m.tenant_id AND c.depth > 0
                                    ORDER BY c.depth LIMIT 100) x
               WHERE m.user_id = p_user_id
                 AND m.role IN (SELECT rp.role FROM public.role_permissions rp WHERE rp.permission = 'tenant.children.manage')
               ORDER BY x.descendant_id, x.depth) d
        JOIN public.tenants t ON t.id = d.descendant_id AND t.status <> 'deleted' AND t.delegate_role IS NOT NULL
        LEFT JOIN public.tenant_logos l ON l.tenant_id = t.id
       WHERE NOT EXISTS (SELECT 1 FROM public.tenant_members o WHERE o.tenant_id = t.id AND o.user_id = p_user_id));
  END
  $$;

CREATE OR REPLACE FUNCTION app_private.delegate_entry(p_tenant_id uuid, p_via uuid, p_via_name text)
  RETURNS jsonb
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    RETURN (
      SELECT jsonb_build_object('tenantId', t.id, 'tenantName', t.name, 'tenantSlug', t.slug,
                                'role', t.delegate_role, 'status', t.status,
                                'accent', t.accent_color, 'logoVersion', left(l.sha256, 16),
                                'parentId', t.parent_id, 'delegatedVia', p_via, 'delegatedViaName', p_via_name)
        FROM public.tenants t LEFT JOIN public.tenant_logos l ON l.tenant_id = t.id WHERE t.id = p_tenant_id);
  END
  $$;

CREATE OR REPLACE FUNCTION app_can_in(p_tenant_id uuid, p_permission text)
  RETURNS boolean
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    RETURN EXISTS (
      SELECT 1 FROM public.tenant_members m
        JOIN public.users u ON u.id = m.user_id AND u.active
        JOIN public.tenants t ON t.id = m.tenant_id AND t.status = 'active'
        JOIN public.role_permissions rp ON rp.role = m.role AND rp.permission = p_permission
       WHERE m.tenant_id = p_tenant_id AND m.user_id = (public.app_context()).user_id);
  END
  $$;

CREATE OR REPLACE FUNCTION app_current_user_is_platform_admin()
  RETURNS boolean
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    RETURN coalesce((SELECT u.is_platform_admin FROM public.users u WHERE u.id = public.app_current_user_id() AND u.active), false);
  END
  $$;

CREATE OR REPLACE FUNCTION app_delegated_role()
  RETURNS member_role
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    RETURN (
      SELECT d.role FROM app_private.delegation((public.app_context()).user_id, (public.app_context()).tenant_id, public.app_acting_via()) d
       WHERE public.app_acting_via() IS NOT NULL AND d.refusal IS NULL);
  END
  $$;

CREATE OR REPLACE FUNCTION app_second_factor_pending(p_session_token text)
  RETURNS boolean
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    RETURN (app_private.awaiting_session(p_session_token)).user_id IS NOT NULL;
  END
  $$;

-- Not SECURITY DEFINER, but not inlinable either (a sub-select): the
-- policies call app_can() in nearly every statement.
CREATE OR REPLACE FUNCTION app_can(p_permission text)
  RETURNS boolean
  LANGUAGE plpgsql STABLE
  AS $$
  BEGIN
    RETURN EXISTS (
      SELECT 1 FROM public.role_permissions rp
       WHERE rp.permission = p_permission
         AND rp.role = public.app_role_in(public.app_current_tenant_id()));
  END
  $$;

-- app_role_in() and app_delegated_role() call it on every role check.
CREATE OR REPLACE FUNCTION app_acting_via()
  RETURNS uuid
  LANGUAGE plpgsql STABLE
  AS $$
  DECLARE
    v_mode text := public.app_current_mode();
  BEGIN
    RETURN CASE WHEN v_mode LIKE 'delegate:%' THEN substr(v_mode, 10)::uuid END;
  END
  $$;

-- CREATE OR REPLACE keeps each function's owner; said again, so that this
-- file alone shows who runs them.
ALTER FUNCTION app_private.context_binding() OWNER TO tenantry_definer;
ALTER FUNCTION app_private.context_signature(text) OWNER TO tenantry_definer;
ALTER FUNCTION app_private.delegable_descendants(uuid) OWNER TO tenantry_definer;
ALTER FUNCTION app_private.delegate_entry(uuid, uuid, text) OWNER TO tenantry_definer;
ALTER FUNCTION app_can_in(uuid, text) OWNER TO tenantry_definer;
ALTER FUNCTION app_current_user_is_platform_admin() OWNER TO tenantry_definer;
ALTER FUNCTION app_delegated_role() OWNER TO tenantry_definer;
ALTER FUNCTION app_second_factor_pending(text) OWNER TO tenantry_definer;
