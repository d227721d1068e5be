-- Two-factor state only moves forward, whatever SQL the app's roles send.
--
-- The app role writes its users' own two-factor rows (the policies keep it
-- to the signed-in user's), and the database cannot check a six-digit code
-- (the secret is sealed by the app). What it can hold is that the state
-- never moves back:
-- * a recovery code, once used, stays used (used_at is never cleared or
--   changed), so a used code cannot be made to work again;
-- * the replay guard (last_used_step, the last accepted TOTP step) never goes
--   back or away, so an accepted code cannot be accepted again.
-- Enrolling again, disabling and new recovery codes replace the rows
-- (DELETE, INSERT), as the app does after checking a code. The owner's
-- connection (operators) is not bound.

CREATE FUNCTION app_recovery_code_stays_used() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF current_user IN ('tenantry_app', 'tenantry_definer')
       AND OLD.used_at IS NOT NULL AND NEW.used_at IS DISTINCT FROM OLD.used_at THEN
      RAISE EXCEPTION 'a used recovery code stays used' USING ERRCODE = '42501', HINT = 'recovery_code_used';
    END IF;
    RETURN NEW;
  END
  $$;
CREATE TRIGGER user_recovery_codes_stay_used
  BEFORE UPDATE ON "user_recovery_codes"
  FOR EACH ROW EXECUTE FUNCTION app_recovery_code_stays_used();

CREATE FUNCTION app_two_factor_step_forward() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF current_user IN ('tenantry_app', 'tenantry_definer')
       AND OLD.last_used_step IS NOT NULL
       AND (NEW.last_used_step IS NULL OR NEW.last_used_step < OLD.last_used_step) THEN
      RAISE EXCEPTION 'the last accepted two-factor step only moves forward' USING ERRCODE = '42501', HINT = 'two_factor_step';
    END IF;
    RETURN NEW;
  END
  $$;
CREATE TRIGGER user_two_factor_step_forward
  BEFORE UPDATE OF "last_used_step" ON "user_two_factor"
  FOR EACH ROW EXECUTE FUNCTION app_two_factor_step_forward();
