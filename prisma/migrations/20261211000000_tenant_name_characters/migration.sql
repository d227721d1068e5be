-- A workspace's name holds no control character and no invisible formatting
-- character, whatever SQL sends it.
--
-- The name is shown to every member (sidebar, switcher, invitation emails,
-- the audit log and its exports). tenants_name_length kept it to 1–80
-- characters without surrounding spaces, but a name could still carry a line
-- break, a tab, a C1 control, a right-to-left override or isolate (which
-- makes "Acme<U+202E>gnp.exe" read "Acmeexe.png"), a soft hyphen, or consist
-- of zero-width spaces alone (a name that looks like none). lib/validation.ts
-- (tenantNameSchema) refuses the same characters in the forms and the API,
-- with a message; this is the database's half. The joiners (U+200C, U+200D)
-- stay allowed: joined emoji and some scripts need them.
--
-- A name stored before this that holds such characters is tidied first (the
-- constraint then holds for every row, so no other change to the row — a
-- new colour, a deletion — is refused for its old name): line breaks, tabs
-- and separators become a space, the rest are dropped, runs of spaces made
-- one; a name left empty becomes the workspace's slug.

UPDATE "tenants" t
   SET "name" = coalesce(nullif(btrim(regexp_replace(regexp_replace(regexp_replace(t."name",
                  '[\u0009-\u000d\u0085\u2028\u2029]', ' ', 'g'),
                  '[\u0001-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]', '', 'g'),
                  ' {2,}', ' ', 'g')), ''), t."slug")
 WHERE t."name" ~ '[\u0001-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]';

ALTER TABLE "tenants" ADD CONSTRAINT "tenants_name_characters" CHECK (
  "name" !~ '[\u0001-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]'
);
