-- An invitation retired because a newer one for the same address took its
-- place (a re-invite or a resend) names that newer invitation, so that its
-- link can say "replaced by a newer one — use the latest email" rather than
-- "revoked". Its status stays what it was (revoked, or expired when it had
-- already lapsed): only the reason is new. No foreign key: the newer row is
-- inserted after the old one is retired, in the same transaction, and both
-- go with their workspace.
ALTER TABLE "tenant_invitations" ADD COLUMN "replaced_by" UUID;
ALTER TABLE "tenant_invitations" ADD CONSTRAINT "tenant_invitations_replaced_by_retired"
  CHECK ("replaced_by" IS NULL OR "status" IN ('revoked', 'expired'));

-- Written by the same statement that retires it (lib/invitations.ts,
-- retirePending), under the owners' and admins' update policy.
GRANT UPDATE ("replaced_by") ON "tenant_invitations" TO tenantry_app;
