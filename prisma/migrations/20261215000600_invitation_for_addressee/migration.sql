-- An invitation as its addressee may know it, whatever became of it.
--
-- The invitations policy shows someone who is not a member of the workspace
-- only the pending invitations addressed to them, and the one whose token
-- they hold. Accepting from the onboarding list (by id) therefore lost sight
-- of an invitation the moment it was revoked, replaced or expired, and said
-- "not found"; and nothing told a link's user apart from an invitee who had
-- joined with it and been removed since, nor a deleted workspace from a
-- missing invitation.
--
-- app_addressed_invitation(id) answers, for the transaction's verified user,
-- what lib/invitations.ts needs to say why an invitation can or cannot be
-- used: its status and whether it lapsed or was replaced, who accepted it,
-- its workspace's status and name, and whether the user is a member of that
-- workspace now. Only for the invitation the transaction holds the token of
-- (id NULL: that one), or one addressed to the user's email; any other id
-- returns no row. It shows the addressee their own invitations in any state,
-- as the policy already shows a token's holder its one, and changes nothing.

-- PL/pgSQL, whose plans are kept for the connection (see prisma/rls.test.ts).
CREATE FUNCTION app_addressed_invitation(p_invitation_id uuid)
  RETURNS TABLE (id uuid, tenant_id uuid, email text, role member_role, status invitation_status, expired boolean,
                 replaced boolean, accepted_by uuid, tenant_status tenant_status, tenant_name text, member boolean)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  #variable_conflict use_column
  DECLARE
    v_ctx public.app_context := public.app_context();
  BEGIN
    RETURN QUERY
      SELECT i.id, i.tenant_id, i.email, i.role, i.status, i.expires_at <= now(), i.replaced_by IS NOT NULL, i.accepted_by,
             t.status, t.name,
             EXISTS (SELECT 1 FROM public.tenant_members m WHERE m.tenant_id = i.tenant_id AND m.user_id = v_ctx.user_id)
        FROM public.tenant_invitations i
        JOIN public.tenants t ON t.id = i.tenant_id
       WHERE CASE WHEN p_invitation_id IS NULL THEN i.token_hash = v_ctx.invite_hash
                  ELSE i.id = p_invitation_id AND (i.email = v_ctx.email OR i.token_hash = v_ctx.invite_hash) END;
  END
  $$;
ALTER FUNCTION app_addressed_invitation(uuid) OWNER TO tenantry_definer;
REVOKE EXECUTE ON FUNCTION app_addressed_invitation(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_addressed_invitation(uuid) TO tenantry_app;
