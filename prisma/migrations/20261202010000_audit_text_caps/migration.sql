-- Every text an audit row stores is bounded, whoever writes it: an actor
-- cannot fill the log (and its search words) with a 15 KB "user agent" or a
-- megabyte of metadata. The app writes within these limits (lib/audit/record.ts
-- caps the user agent; the address is validated as an IP); the database holds
-- the line for any other path.
ALTER TABLE "audit_log"
  ADD CONSTRAINT "audit_log_text_caps" CHECK (
    char_length("action") <= 100
    AND char_length(coalesce("actor_email", '')) <= 320
    AND char_length(coalesce("target_type", '')) <= 50
    AND char_length(coalesce("target_id", '')) <= 200
    AND char_length(coalesce("ip", '')) <= 45
    AND char_length(coalesce("user_agent", '')) <= 512
    AND octet_length("metadata"::text) <= 8192
  );
