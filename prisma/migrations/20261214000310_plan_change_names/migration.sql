-- A plan change's audit event names the plans as the plan pickers do: its
-- metadata gains the names the plans had at the change (from_name, to_name)
-- beside their ids (from, to), so its sentence reads "from the Free plan to
-- the Pro plan" and still does after a plan is renamed. Events written before
-- carry ids only, which their sentence keeps using. Setting the plan a
-- workspace already has changes nothing and writes no event, as before; the
-- function returns the former plan's id, by which the caller tells the two
-- apart. CREATE OR REPLACE keeps the owner (tenantry_definer) and the grants.
CREATE OR REPLACE FUNCTION app_platform_set_plan(p_tenant_id uuid, p_plan text) RETURNS text
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_actor record;
    v_old text;
  BEGIN
    SELECT * INTO v_actor FROM app_private.platform_actor();
    SELECT t.plan_id INTO v_old FROM public.tenants t WHERE t.id = p_tenant_id FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'no tenant %', p_tenant_id USING ERRCODE = 'P0002', HINT = 'not_found';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM public.plans p WHERE p.id = p_plan) THEN
      RAISE EXCEPTION 'There is no plan “%”.', p_plan USING ERRCODE = '55000', HINT = 'unknown_plan';
    END IF;
    IF v_old IS DISTINCT FROM p_plan THEN
      UPDATE public.tenants SET plan_id = p_plan WHERE id = p_tenant_id;
      INSERT INTO public.audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata)
      VALUES (p_tenant_id, v_actor.user_id, v_actor.email, 'plan.change', 'plan', p_plan,
              jsonb_build_object('from', v_old, 'to', p_plan, 'by', 'platform')
              || jsonb_strip_nulls(jsonb_build_object(
                   'from_name', (SELECT p.name FROM public.plans p WHERE p.id = v_old),
                   'to_name', (SELECT p.name FROM public.plans p WHERE p.id = p_plan))));
    END IF;
    RETURN v_old;
  END
  $$;
