-- An API key is its user's in a workspace they belong to: the API enters
-- with it there (app_enter_api_key checks the membership). One in a child
-- workspace as a delegate of a parent (the context's mode 'delegate:<id>')
-- could still insert a key there, which then never worked and took one of
-- the child's plan slots. A delegate uses a key of the parent workspace with
-- X-Act-As-Tenant instead; the insert policy now asks for a membership.
DROP POLICY api_keys_insert ON "api_keys";
CREATE POLICY api_keys_insert ON "api_keys" FOR INSERT TO tenantry_app WITH CHECK (
  "tenant_id" = (SELECT app_current_tenant_id())
  AND "user_id" = (SELECT app_current_user_id())
  AND (SELECT app_can('apikeys.create'))
  AND (SELECT app_acting_via()) IS NULL
);
