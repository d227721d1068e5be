-- Joining takes a workspace only while it is active, through an invitation
-- that is still live.
--
-- The join branch of tenant_members_insert (20261202000000_proven_identity)
-- checked the invitation's status, expiry, email and role, but neither the
-- workspace's status nor the invitation's deleted_at: a user holding a
-- pending invitation could, on the app role's raw connection, insert their
-- membership into a workspace in the trash or suspended by the platform.
-- Only classify() in lib/invitations.ts refused it. Now the database does:
-- the row it admits must name an active workspace and a pending, unexpired
-- invitation not deleted with a workspace's batch.
--
-- The workspace's status is asked of a definer function: a sub-select on
-- tenants in this policy would recurse (tenants_select reads tenant_members)
-- and fail with 42P17. app_entered_tenant_active() answers only for the
-- tenant the transaction entered, whose row its caller may read anyway; the
-- policy's first condition makes that the tenant of the row.
--
-- app_enter_to_join() is left as it is, on purpose. The app enters first and
-- then reads the invitation again under the tenant lock, and tells a revoked,
-- expired, used, re-accepted or blocked invitation apart as an outcome
-- (acceptInvitation in lib/invitations.ts; /api/v1/invitations/accept
-- documents "accepting again is harmless" and its 404/409s). An entry that
-- refused those would turn each outcome into a raw 42501. The entry lets a
-- joiner see only their own invitation and membership; what a join can
-- write is decided here.
--
-- The other branch and the policy's outer conditions are as before.

CREATE FUNCTION app_entered_tenant_active() RETURNS boolean
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_ctx public.app_context := public.app_context();
  BEGIN
    RETURN EXISTS (SELECT 1 FROM public.tenants t WHERE t.id = v_ctx.tenant_id AND t.status = 'active');
  END
  $$;
ALTER FUNCTION app_entered_tenant_active() OWNER TO tenantry_definer;
REVOKE EXECUTE ON FUNCTION app_entered_tenant_active() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_entered_tenant_active() TO tenantry_app;

DROP POLICY tenant_members_insert ON "tenant_members";
CREATE POLICY tenant_members_insert ON "tenant_members" FOR INSERT WITH CHECK (
  "tenant_id" = (SELECT app_current_tenant_id())
  AND "user_id" = (SELECT app_current_user_id())
  AND (
    ((SELECT app_current_mode()) = 'create' AND "role" = 'owner' AND NOT app_tenant_has_members("tenant_id"))
    OR ((SELECT app_current_mode()) = 'join'
      AND EXISTS (
        SELECT 1 FROM tenant_invitations i
         WHERE i.tenant_id = tenant_members.tenant_id
           AND i.status = 'pending' AND i.expires_at > now() AND i.deleted_at IS NULL
           AND i.email = (SELECT app_current_user_email())
           AND i.role = tenant_members.role)
      AND (SELECT app_entered_tenant_active()))
  )
);
