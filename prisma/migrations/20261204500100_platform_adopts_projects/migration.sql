-- Projects (20261204500000) join platform administration: a cross-view read
-- policy and the lifecycle's definer grants (see
-- 20261204300000_platform_admin and 20261204302000_platform_adopt_tables).
-- Adds only what is missing.
SELECT app_private.platform_adopt_tables();
