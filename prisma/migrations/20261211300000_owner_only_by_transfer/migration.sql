-- An owner is made only by an ownership transfer (DESIGN.md's roles; seed
-- 004: "Promoting someone to owner goes through a separate
-- ownership-transfer flow"). The transfer asks for a fresh sign-in and the
-- second factor, waits 72 hours while every admin and owner is told, and
-- needs the new owner's consent; a role change that could name an owner
-- would be the same hand-over in one click, with none of that. So the app
-- role may change a membership only to a role other than owner (demoting an
-- owner stays an owner's call, as before); the transfer's activation
-- (app_complete_ownership_transfer, as tenantry_definer under its own
-- policy) makes one, as the platform's console does when it creates a
-- workspace for someone.
ALTER POLICY tenant_members_update ON "tenant_members"
  WITH CHECK (
    "tenant_id" = (SELECT app_current_tenant_id())
    AND (SELECT app_can('members.manage'))
    AND "role" <> 'owner'
  );
