-- The seat limit's sentence says what takes a seat and what frees one:
-- "Your plan allows 5 seats; remove a member or upgrade." never said that a
-- pending invitation holds a seat too, nor that revoking one frees it. The
-- other sentences are as before.
CREATE OR REPLACE FUNCTION app_plan_limit_message(p_limit text, p_allowed integer) RETURNS text
  LANGUAGE sql STABLE
  AS $$
    SELECT CASE
      WHEN p_allowed = 0 AND p_limit = 'seats' THEN 'Your plan includes no seats; upgrade to add members.'
      WHEN p_allowed = 0 AND p_limit = 'api_keys' THEN 'Your plan does not include API keys; upgrade to create one.'
      WHEN p_allowed = 0 AND p_limit = 'child_workspaces' THEN 'Your plan does not include child workspaces; upgrade to create one.'
      WHEN p_limit = 'seats' THEN format('Your plan allows %s seat%s, and members and pending invitations both count; revoke a pending invitation or remove a member to free a seat, or upgrade.', p_allowed, CASE WHEN p_allowed = 1 THEN '' ELSE 's' END)
      WHEN p_limit = 'api_keys' THEN format('Your plan allows %s API key%s; revoke one or upgrade.', p_allowed, CASE WHEN p_allowed = 1 THEN '' ELSE 's' END)
      WHEN p_limit = 'child_workspaces' THEN format('Your plan allows %s child workspace%s; delete one or upgrade.', p_allowed, CASE WHEN p_allowed = 1 THEN '' ELSE 's' END)
      ELSE format('Your plan allows %s of these; upgrade for more.', p_allowed)
    END
  $$;
