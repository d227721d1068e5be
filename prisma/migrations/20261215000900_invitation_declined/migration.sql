-- An invitation its addressee declined.
--
-- Until now an unwanted invitation stayed listed to its addressee (onboarding,
-- the dashboard's "Invitations for you") until it expired, and counted as a
-- seat all that time, and whoever sent it never learnt. Declining marks it
-- 'declined' (when, in declined_at): it leaves the lists and the seats, which
-- count pending invitations only, its link says it was declined, and the
-- workspace's log records it (member.invite.decline, the invitee its actor).
-- Inviting the address again works as after a revocation: only a pending
-- invitation holds the (tenant, email) slot.
ALTER TYPE "invitation_status" ADD VALUE 'declined';
ALTER TABLE "tenant_invitations" ADD COLUMN "declined_at" TIMESTAMPTZ(3);

-- The addressee is no member of the workspace, so the app's policies let them
-- neither change the invitation nor write to the workspace's log: this
-- definer function does both, for the transaction's verified user
-- (app_context(), as app_addressed_invitation), for an invitation addressed
-- to their email that is still pending and unexpired in an active
-- workspace. Under the workspace's membership lock (lib/tenancy, lockTenant),
-- so that an acceptance, revocation or re-invite of the same invitation runs
-- wholly before or after it. Returns declined false, and changes nothing,
-- for any other invitation (someone else's, one used or retired, a workspace
-- deleted): the caller reads app_addressed_invitation to say why.
--
-- (The new enum value cannot be used in the transaction that adds it: the
-- policies below compare it as text, and PL/pgSQL reads its body at the first
-- call.)
CREATE FUNCTION app_decline_invitation(p_invitation_id uuid, p_ip text DEFAULT NULL, p_user_agent text DEFAULT NULL,
  OUT declined boolean, OUT tenant_id uuid, OUT tenant_name text, OUT email text, OUT role member_role)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_ctx public.app_context := public.app_context();
    v_tenant_id uuid;
    v_invitation record;
  BEGIN
    declined := false;
    IF v_ctx.user_id IS NULL OR v_ctx.email IS NULL THEN
      RAISE EXCEPTION 'no signed-in user' USING ERRCODE = '42501', HINT = 'signed_out';
    END IF;
    SELECT i.tenant_id INTO v_tenant_id FROM public.tenant_invitations i
     WHERE i.id = p_invitation_id AND i.email = v_ctx.email;
    IF NOT FOUND THEN
      RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('tenant:' || v_tenant_id::text, 0));
    -- Read again under the lock.
    SELECT i.id, i.email, i.role, t.name INTO v_invitation
      FROM public.tenant_invitations i JOIN public.tenants t ON t.id = i.tenant_id
     WHERE i.id = p_invitation_id AND i.email = v_ctx.email AND i.status = 'pending' AND i.expires_at > now()
       AND i.deleted_at IS NULL AND t.status = 'active';
    IF NOT FOUND THEN
      RETURN;
    END IF;
    UPDATE public.tenant_invitations i SET status = 'declined', declined_at = now()
     WHERE i.id = p_invitation_id AND i.status = 'pending';
    INSERT INTO public.audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata, ip, user_agent)
    VALUES (v_tenant_id, v_ctx.user_id, v_ctx.email, 'member.invite.decline', 'invitation', p_invitation_id::text,
            jsonb_build_object('email', v_invitation.email, 'role', v_invitation.role),
            left(p_ip, 45), left(p_user_agent, 512));
    declined := true;
    tenant_id := v_tenant_id;
    tenant_name := v_invitation.name;
    email := v_invitation.email;
    role := v_invitation.role;
  END
  $$;
ALTER FUNCTION app_decline_invitation(uuid, text, text) OWNER TO tenantry_definer;
REVOKE EXECUTE ON FUNCTION app_decline_invitation(uuid, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_decline_invitation(uuid, text, text) TO tenantry_app;

-- What it writes, and only that: a pending invitation of the context's user
-- becoming declined, and the audit row naming them as its actor.
GRANT UPDATE ("status", "declined_at") ON "tenant_invitations" TO tenantry_definer;
CREATE POLICY tenant_invitations_definer_decline ON "tenant_invitations" FOR UPDATE TO tenantry_definer
  USING ("status"::text = 'pending' AND "email" = (SELECT app_current_user_email()))
  WITH CHECK ("status"::text = 'declined' AND "email" = (SELECT app_current_user_email()));
CREATE POLICY audit_log_definer_decline ON "audit_log" FOR INSERT TO tenantry_definer
  WITH CHECK ("action" = 'member.invite.decline' AND "actor_user_id" = (SELECT app_current_user_id()));
