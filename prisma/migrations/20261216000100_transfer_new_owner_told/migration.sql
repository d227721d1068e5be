-- Whether the new owner of a transfer has been emailed about it: the cooling
-- period's notice (sent to them when their role lets them see a transfer,
-- an admin's) or the invitation to accept. Set by the worker in the
-- transaction that queues that email (lib/jobs/transfer.ts). How a transfer
-- ended is emailed to the new owner only when it is true: one who was never
-- told a transfer had started is not told that it expired or was cancelled.
-- The worker runs on the owner's connection: the app role never writes it.
ALTER TABLE "ownership_transfers" ADD COLUMN "to_told" BOOLEAN NOT NULL DEFAULT false;

-- The transfers already made: told when acceptance was opened (its email
-- queued), or when the cooling notice was queued while the new owner's role
-- let them see the transfer.
UPDATE "ownership_transfers" t SET "to_told" = true
 WHERE t."notified_status" = 'awaiting_acceptance'
    OR t."status" = 'completed'
    OR (t."notified_status" = 'cooling'
        AND EXISTS (SELECT 1 FROM "tenant_members" m
                     WHERE m."tenant_id" = t."tenant_id" AND m."user_id" = t."to_user_id"
                       AND m."role" IN (SELECT rp."role" FROM "role_permissions" rp WHERE rp."permission" = 'ownership.transfer.read')));
