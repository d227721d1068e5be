-- A display name the app sets keeps the profile form's rules, whatever SQL
-- the app role sends.
--
-- The app role may update its signed-in user's own name (users_update_self),
-- and that name is shown to the members of every workspace the user is in:
-- the members list, the audit log, invitation and transfer emails. The form
-- (lib/validation.ts, displayNameSchema) trims it, caps it at 80 characters
-- and refuses control and invisible formatting characters; the database did
-- not, so SQL as the user could store a name of any length, with line breaks
-- or a right-to-left override. Now an update of the name by the app role is
-- held to the same rules: null (no name), or 1–80 characters with no space at
-- either end and none of the characters tenants_name_characters refuses.
--
-- A trigger, not a CHECK: the name a person brings from GitHub at sign-up is
-- written by Auth.js's role (tenantry_auth) and is not bound by the form.

CREATE FUNCTION app_user_name_rules() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF current_user = 'tenantry_app' AND NEW.name IS DISTINCT FROM OLD.name AND NEW.name IS NOT NULL
       AND (char_length(NEW.name) NOT BETWEEN 1 AND 80
            OR NEW.name <> btrim(NEW.name)
            OR NEW.name ~ '[\u0001-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]') THEN
      RAISE EXCEPTION 'a display name has 1 to 80 characters, no space at either end and no control or invisible formatting character'
        USING ERRCODE = '23514', HINT = 'users_name_rules';
    END IF;
    RETURN NEW;
  END
  $$;
CREATE TRIGGER users_name_rules
  BEFORE UPDATE OF "name" ON "users"
  FOR EACH ROW EXECUTE FUNCTION app_user_name_rules();
