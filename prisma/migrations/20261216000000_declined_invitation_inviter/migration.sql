-- Whom to tell that an invitation was declined.
--
-- app_decline_invitation (migration 20261215000900) now also returns the
-- address and name of the person who sent the invitation, when they still
-- belong to its workspace (a membership row): the app emails them once the
-- decline has committed. Someone who has left, was removed or whose account
-- is gone or deactivated gets nothing (inviter_email null). The addressee
-- learns no more than that address, and only for their own invitation, which
-- they have just declined.
--
-- Its outputs change, so it is dropped and made again; what it checks and
-- writes is as before.
DROP FUNCTION app_decline_invitation(uuid, text, text);
CREATE FUNCTION app_decline_invitation(p_invitation_id uuid, p_ip text DEFAULT NULL, p_user_agent text DEFAULT NULL,
  OUT declined boolean, OUT tenant_id uuid, OUT tenant_name text, OUT email text, OUT role member_role,
  OUT inviter_email text, OUT inviter_name text)
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
    SELECT i.id, i.email, i.role, i.invited_by, t.name INTO v_invitation
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
    SELECT u.email, u.name INTO inviter_email, inviter_name
      FROM public.tenant_members m JOIN public.users u ON u.id = m.user_id
     WHERE m.tenant_id = v_tenant_id AND m.user_id = v_invitation.invited_by AND u.active;
  END
  $$;
ALTER FUNCTION app_decline_invitation(uuid, text, text) OWNER TO tenantry_definer;
REVOKE EXECUTE ON FUNCTION app_decline_invitation(uuid, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_decline_invitation(uuid, text, text) TO tenantry_app;
