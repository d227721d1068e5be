-- Deleting a workspace from the platform console (or by an operator) ends
-- its ownership transfer in progress, as an owner's deletion does
-- (lib/transfer endTransferWithWorkspace): cancelled, end_reason
-- workspace_deleted, audited, and the worker woken to tell the parties. A
-- transfer left live in the trash kept its deadlines running unseen, and
-- nobody was told. No member ended it: ended_by stays NULL, which with
-- workspace_deleted the worker's email and the transfer page word as the
-- platform's operators; both parties are told (the new owner only if they
-- had been told of the transfer, ownership_transfers.to_told).

-- The definer may make exactly this move, in platform mode only.
CREATE OR REPLACE FUNCTION app_ownership_transfer_move() RETURNS trigger
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
       -- The platform's deletion of the workspace (app_private.tenant_delete).
       OR (current_user = 'tenantry_definer' AND NEW.status = 'cancelled' AND NEW.end_reason = 'workspace_deleted'
           AND NEW.ended_by IS NULL AND public.app_current_mode() = 'platform')
    THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'a transfer may not go from % to % here', OLD.status, NEW.status USING ERRCODE = '42501', HINT = 'transfer_move';
  END
  $$;

GRANT UPDATE ("confirm_token_hash") ON "ownership_transfers" TO tenantry_definer;
CREATE POLICY ownership_transfers_platform_select ON "ownership_transfers" FOR SELECT TO tenantry_definer
  USING ((SELECT app_current_mode()) = 'platform');
CREATE POLICY ownership_transfers_platform_update ON "ownership_transfers" FOR UPDATE TO tenantry_definer
  USING ((SELECT app_current_mode()) = 'platform') WITH CHECK ((SELECT app_current_mode()) = 'platform');

CREATE OR REPLACE FUNCTION app_private.tenant_delete(p_tenant_id uuid, p_actor uuid, p_actor_email text, p_by text, p_purge_after_days integer)
  RETURNS uuid
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_tenant record;
    v_transfer record;
    v_batch uuid := gen_random_uuid();
    v_table text;
    v_rows jsonb := '{}';
    v_count bigint;
  BEGIN
    SELECT t.id, t.name, t.status INTO v_tenant FROM public.tenants t WHERE t.id = p_tenant_id FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'no tenant %', p_tenant_id USING ERRCODE = 'P0002', HINT = 'not_found';
    END IF;
    IF v_tenant.status <> 'active' THEN
      RAISE EXCEPTION '“%” is %: only an active workspace can be deleted.', v_tenant.name,
        CASE v_tenant.status WHEN 'blocked' THEN 'suspended' ELSE 'already deleted' END
        USING ERRCODE = '55000', HINT = 'no_change';
    END IF;
    -- Its ownership transfer in progress ends with it, as an owner's deletion ends it.
    SELECT t.id, t.status, t.from_user_id, t.to_user_id, fu.email AS from_email, tu.email AS to_email INTO v_transfer
      FROM public.ownership_transfers t
      JOIN public.users fu ON fu.id = t.from_user_id
      JOIN public.users tu ON tu.id = t.to_user_id
     WHERE t.tenant_id = p_tenant_id
       AND t.status IN ('pending_confirmation', 'confirmed', 'awaiting_final', 'cooling', 'awaiting_acceptance')
     FOR UPDATE OF t;
    IF FOUND THEN
      UPDATE public.ownership_transfers
         SET status = 'cancelled', due_at = NULL, confirm_token_hash = NULL, ended_at = now(), ended_by = NULL, end_reason = 'workspace_deleted'
       WHERE id = v_transfer.id;
      INSERT INTO public.audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata)
      VALUES (p_tenant_id, p_actor, p_actor_email, 'ownership.transfer.cancel', 'ownership_transfer', v_transfer.id::text,
              jsonb_build_object('from_email', v_transfer.from_email, 'to_email', v_transfer.to_email,
                                 'from_user_id', v_transfer.from_user_id, 'to_user_id', v_transfer.to_user_id,
                                 'step', v_transfer.status, 'reason', 'workspace_deleted', 'by', p_by));
      -- The worker tells the parties now rather than at its next sweep.
      PERFORM pg_notify('tenantry_jobs', 'transfer');
    END IF;
    FOR v_table IN SELECT * FROM app_private.lifecycle_tables() LOOP
      EXECUTE format('UPDATE public.%I SET deleted_at = now(), deletion_batch_id = $1 WHERE tenant_id = $2 AND deleted_at IS NULL', v_table)
        USING v_batch, p_tenant_id;
      GET DIAGNOSTICS v_count = ROW_COUNT;
      v_rows := v_rows || jsonb_build_object(v_table, v_count);
    END LOOP;
    INSERT INTO public.audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata)
    VALUES (p_tenant_id, p_actor, p_actor_email, 'tenant.delete', 'tenant', p_tenant_id::text,
            jsonb_build_object('name', v_tenant.name, 'batch_id', v_batch, 'purge_after_days', p_purge_after_days, 'rows', v_rows, 'by', p_by));
    UPDATE public.tenants SET status = 'deleted', deleted_at = now(), deletion_batch_id = v_batch, deleted_by = p_actor
     WHERE id = p_tenant_id;
    RETURN v_batch;
  END
  $$;

-- The transfers such a deletion left live in the trash end now, as of their
-- workspace's deletion; the worker tells their parties as above.
UPDATE "ownership_transfers" t
   SET "status" = 'cancelled', "due_at" = NULL, "confirm_token_hash" = NULL, "ended_at" = coalesce(n."deleted_at", now()),
       "ended_by" = NULL, "end_reason" = 'workspace_deleted'
  FROM "tenants" n
 WHERE n."id" = t."tenant_id" AND n."status" = 'deleted'
   AND t."status" IN ('pending_confirmation', 'confirmed', 'awaiting_final', 'cooling', 'awaiting_acceptance');
