-- Whether an invitation's email went out, on the invitation itself, so that
-- the members page's Pending invitations can say "Not delivered" (and offer
-- Resend) after a reload: until now only the audit row of the invite or
-- resend recorded it (metadata.email_dispatched). Written by the code that
-- records that audit row (lib/invitations.ts, issueInvitation): an invitation
-- is stored before its email is sent, so one whose email could not be sent
-- is marked false in the same transaction. True by default: an invitation
-- made without an email of its own (none today) counts as sent.
ALTER TABLE "tenant_invitations" ADD COLUMN "email_dispatched" BOOLEAN NOT NULL DEFAULT true;

-- The invitations already made: as their audit row says (the invite's, or
-- the resend's that made them; the row names the invitation as its target).
UPDATE "tenant_invitations" i SET "email_dispatched" = false
  FROM "audit_log" a
 WHERE a."tenant_id" = i."tenant_id"
   AND a."target_type" = 'invitation' AND a."target_id" = i."id"::text
   AND a."action" IN ('member.invite', 'member.invite.resend')
   AND a."metadata" ->> 'email_dispatched' = 'false';

-- Under the owners' and admins' update policy, as replaced_by.
GRANT UPDATE ("email_dispatched") ON "tenant_invitations" TO tenantry_app;
