-- General settings (issue 11): a workspace's owners rename it, change its
-- slug, give it a logo and an accent colour (seed 002's branding) and keep
-- notes about it. Everything here is for owners to write, as the roles
-- matrix says (tenant.rename, tenant.settings); the policies and grants say
-- the same to whatever connects as the app role.
--
-- * The accent colour lives on the tenant's row: the switcher shows it for
--   every membership, and app_enter already reads that row. White text sits
--   on it, so the database refuses a colour it would be unreadable on.
-- * The logo lives in a table of its own (tenant_logos), read by the
--   tenant's members through a route that enters the tenant like any page.
--   It holds only the image the app re-encoded (lib/logo-image.ts), never
--   the uploaded bytes; the database insists the bytes are what the type says.
-- * Notes live in a table of their own too (tenant_notes), because they are
--   for the workspace's managers: owners and admins read them, auditors and
--   members do not, and a column of tenants would be readable by every member.

-- ---------------------------------------------------------------------------
-- The accent colour.
-- ---------------------------------------------------------------------------

-- WCAG 2's contrast ratio of white text on an sRGB colour written #rrggbb
-- (lowercase): 1.05 / (relative luminance + 0.05). lib/branding.ts computes
-- the same to explain a refusal; no 24-bit colour lies within 1e-6 of 4.5, so
-- the two never disagree at the threshold.
CREATE FUNCTION app_contrast_with_white(p_hex text) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$
    SELECT 1.05 / (sum(w * CASE WHEN v <= 0.04045 THEN v / 12.92 ELSE ((v + 0.055) / 1.055) ^ 2.4 END) + 0.05)
      FROM (SELECT ('x' || substr(p_hex, 2 * i, 2))::bit(8)::int::float8 / 255 AS v,
                   (ARRAY[0.2126, 0.7152, 0.0722]::float8[])[i] AS w
              FROM generate_series(1, 3) AS i) AS channels
  $$;
GRANT EXECUTE ON FUNCTION app_contrast_with_white(text) TO tenantry_app;

ALTER TABLE "tenants"
  ADD COLUMN "accent_color" TEXT,
  ADD CONSTRAINT "tenants_accent_color" CHECK (
    "accent_color" IS NULL OR ("accent_color" ~ '^#[0-9a-f]{6}$' AND app_contrast_with_white("accent_color") >= 4.5)
  );

-- The owners' update (the tenants_update policy admits only them) may now set
-- the colour too; name and slug were granted by 20261202000000_proven_identity.
GRANT UPDATE ("accent_color") ON "tenants" TO tenantry_app;

-- ---------------------------------------------------------------------------
-- The logo: one per workspace, as re-encoded by the app.
-- ---------------------------------------------------------------------------
CREATE TABLE "tenant_logos" (
    "tenant_id" UUID NOT NULL,
    "content" BYTEA NOT NULL,
    "mime" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    -- Written by the database from the content, so the ETag and the size the
    -- app shows are always the stored image's.
    "bytes" INTEGER NOT NULL GENERATED ALWAYS AS (octet_length("content")) STORED,
    "sha256" TEXT NOT NULL GENERATED ALWAYS AS (encode(sha256("content"), 'hex')) STORED,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- Who set it, without a foreign key (like the audit log's actor).
    "updated_by" UUID,

    CONSTRAINT "tenant_logos_pkey" PRIMARY KEY ("tenant_id"),
    -- The type the route will announce is the type the bytes begin with.
    CONSTRAINT "tenant_logos_mime" CHECK (
      ("mime" = 'image/png' AND substring("content" FROM 1 FOR 8) = '\x89504e470d0a1a0a'::bytea)
      OR ("mime" = 'image/webp' AND substring("content" FROM 1 FOR 4) = '\x52494646'::bytea
          AND substring("content" FROM 9 FOR 4) = '\x57454250'::bytea)
    ),
    CONSTRAINT "tenant_logos_size" CHECK (octet_length("content") BETWEEN 1 AND 1048576),
    CONSTRAINT "tenant_logos_dimensions" CHECK ("width" BETWEEN 1 AND 256 AND "height" BETWEEN 1 AND 256)
);
ALTER TABLE "tenant_logos" ADD CONSTRAINT "tenant_logos_tenant_id_fkey"
  FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "tenant_logos" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "tenant_logos" FORCE ROW LEVEL SECURITY;

-- Every member of the tenant entered sees its logo (the sidebar shows it to all).
CREATE POLICY tenant_logos_select ON "tenant_logos" FOR SELECT USING (
  "tenant_id" = (SELECT app_current_tenant_id()) AND (SELECT app_current_role()) IS NOT NULL
);
-- Owners set, replace and remove it, in their own name.
CREATE POLICY tenant_logos_insert ON "tenant_logos" FOR INSERT WITH CHECK (
  "tenant_id" = (SELECT app_current_tenant_id())
  AND (SELECT app_role_in(app_current_tenant_id())) = 'owner'
  AND "updated_by" = (SELECT app_current_user_id())
);
CREATE POLICY tenant_logos_update ON "tenant_logos" FOR UPDATE
  USING ("tenant_id" = (SELECT app_current_tenant_id()) AND (SELECT app_role_in(app_current_tenant_id())) = 'owner')
  WITH CHECK (
    "tenant_id" = (SELECT app_current_tenant_id())
    AND (SELECT app_role_in(app_current_tenant_id())) = 'owner'
    AND "updated_by" = (SELECT app_current_user_id())
  );
CREATE POLICY tenant_logos_delete ON "tenant_logos" FOR DELETE USING (
  "tenant_id" = (SELECT app_current_tenant_id()) AND (SELECT app_role_in(app_current_tenant_id())) = 'owner'
);
-- app_enter lists each membership's logo version (its digest), never the image.
CREATE POLICY tenant_logos_definer_select ON "tenant_logos" FOR SELECT TO tenantry_definer USING (true);

GRANT SELECT, INSERT, DELETE ON "tenant_logos" TO tenantry_app;
GRANT UPDATE ("content", "mime", "width", "height", "updated_at", "updated_by") ON "tenant_logos" TO tenantry_app;
GRANT SELECT ("tenant_id", "sha256") ON "tenant_logos" TO tenantry_definer;

-- ---------------------------------------------------------------------------
-- Notes: for the workspace's managers.
-- ---------------------------------------------------------------------------
CREATE TABLE "tenant_notes" (
    "tenant_id" UUID NOT NULL,
    "body" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" UUID,

    CONSTRAINT "tenant_notes_pkey" PRIMARY KEY ("tenant_id"),
    CONSTRAINT "tenant_notes_length" CHECK (char_length("body") <= 2000)
);
ALTER TABLE "tenant_notes" ADD CONSTRAINT "tenant_notes_tenant_id_fkey"
  FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "tenant_notes" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "tenant_notes" FORCE ROW LEVEL SECURITY;

-- Owners and admins read them (their live role, as for the audit log).
CREATE POLICY tenant_notes_select ON "tenant_notes" FOR SELECT USING (
  "tenant_id" = (SELECT app_current_tenant_id())
  AND (SELECT app_role_in(app_current_tenant_id())) IN ('owner', 'admin')
);
-- Owners write them. Clearing them stores empty notes: there is no DELETE.
CREATE POLICY tenant_notes_insert ON "tenant_notes" FOR INSERT WITH CHECK (
  "tenant_id" = (SELECT app_current_tenant_id())
  AND (SELECT app_role_in(app_current_tenant_id())) = 'owner'
  AND "updated_by" = (SELECT app_current_user_id())
);
CREATE POLICY tenant_notes_update ON "tenant_notes" FOR UPDATE
  USING ("tenant_id" = (SELECT app_current_tenant_id()) AND (SELECT app_role_in(app_current_tenant_id())) = 'owner')
  WITH CHECK (
    "tenant_id" = (SELECT app_current_tenant_id())
    AND (SELECT app_role_in(app_current_tenant_id())) = 'owner'
    AND "updated_by" = (SELECT app_current_user_id())
  );

GRANT SELECT, INSERT ON "tenant_notes" TO tenantry_app;
GRANT UPDATE ("body", "updated_at", "updated_by") ON "tenant_notes" TO tenantry_app;

-- ---------------------------------------------------------------------------
-- Entry: each membership now carries its workspace's accent colour and logo
-- version (the first 16 hex digits of its SHA-256), so the shell draws the
-- switcher and sidebar from the one statement that resolves the request,
-- with no query of its own. Otherwise as in 20261202300000_workspace_lifecycle.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_enter(p_session_token text, p_tenant_id uuid, p_strict boolean DEFAULT false,
  OUT kind text, OUT user_id uuid, OUT email text, OUT name text,
  OUT tenant_id uuid, OUT role member_role, OUT source text, OUT memberships jsonb)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_user record;
    v_status public.tenant_status;
  BEGIN
    SELECT * INTO v_user FROM app_private.session_user(p_session_token);
    IF v_user.user_id IS NULL OR NOT v_user.active THEN
      IF p_strict THEN
        RAISE EXCEPTION 'no live session' USING ERRCODE = '42501', HINT = 'signed_out';
      END IF;
      kind := CASE WHEN v_user.user_id IS NULL THEN 'signed-out' ELSE 'inactive' END;
      RETURN;
    END IF;
    user_id := v_user.user_id;
    email := v_user.email;
    name := v_user.name;

    IF p_strict THEN
      SELECT m.role, t.status INTO role, v_status
        FROM public.tenant_members m JOIN public.tenants t ON t.id = m.tenant_id
       WHERE m.user_id = v_user.user_id AND m.tenant_id = p_tenant_id;
      IF v_status = 'blocked' THEN
        RAISE EXCEPTION 'tenant % is suspended', p_tenant_id USING ERRCODE = '42501', HINT = 'tenant_suspended';
      ELSIF v_status IS DISTINCT FROM 'active' THEN
        RAISE EXCEPTION 'user % is not an active member of tenant %', v_user.user_id, p_tenant_id
          USING ERRCODE = '42501', HINT = 'not_member';
      END IF;
      kind := 'tenant';
      tenant_id := p_tenant_id;
      source := 'cookie';
    ELSE
      SELECT coalesce(jsonb_agg(jsonb_build_object('tenantId', t.id, 'tenantName', t.name, 'tenantSlug', t.slug,
                                                   'role', m.role, 'status', t.status,
                                                   'accent', t.accent_color, 'logoVersion', left(l.sha256, 16))
                                ORDER BY lower(t.name), t.id), '[]'::jsonb)
        INTO memberships
        FROM public.tenant_members m JOIN public.tenants t ON t.id = m.tenant_id AND t.status <> 'deleted'
        LEFT JOIN public.tenant_logos l ON l.tenant_id = t.id
       WHERE m.user_id = v_user.user_id;
      -- The asked-for tenant when it is a membership (active or suspended);
      -- otherwise the remembered, then the first, among the active ones.
      SELECT c.id, c.role, s.source, c.status INTO tenant_id, role, source, v_status
        FROM (SELECT (e ->> 'tenantId')::uuid AS id, (e ->> 'role')::public.member_role AS role,
                     (e ->> 'status')::public.tenant_status AS status, o AS ord,
                     CASE WHEN (e ->> 'tenantId')::uuid = p_tenant_id THEN 1
                          WHEN (e ->> 'tenantId')::uuid = v_user.last_tenant_id THEN 2
                          ELSE 3 END AS rank
                FROM jsonb_array_elements(memberships) WITH ORDINALITY AS x(e, o)) c
             CROSS JOIN LATERAL (SELECT (ARRAY['cookie', 'remembered', 'first'])[c.rank] AS source) s
       WHERE c.status = 'active' OR c.rank = 1
       ORDER BY c.rank, c.ord
       LIMIT 1;
      IF v_status = 'blocked' THEN
        kind := 'suspended';
        role := NULL;
      ELSE
        kind := CASE WHEN tenant_id IS NULL THEN 'no-tenant' ELSE 'tenant' END;
      END IF;
    END IF;
    PERFORM app_private.set_context(CASE WHEN kind = 'tenant' THEN tenant_id END, v_user.user_id, v_user.email,
                                    CASE WHEN kind = 'tenant' THEN role END,
                                    CASE WHEN kind = 'tenant' THEN 'member' ELSE 'user' END, NULL);
  END
  $$;
