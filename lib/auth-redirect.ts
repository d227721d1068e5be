// Auth.js's callbackUrl — where to go after signing in or out — arrives in a
// query parameter, a form field or a cookie, from anyone. Auth.js answers
// one that is not an http(s) URL or a path (`?callbackUrl=x`) with a 500
// ("a problem with the server configuration") and its default redirect
// callback throws on one; here such a request is a 400, and the callback
// never throws. Pure, so it is tested without a server.

const CALLBACK_URL_COOKIES = ["authjs.callback-url", "__Secure-authjs.callback-url"];

/** The same rule as Auth.js's own check (lib/utils/assert.js): a path, or an absolute http(s) URL. */
function isHttpUrl(url: string, baseUrl: string): boolean {
  try {
    return /^https?:$/.test(new URL(url, url.startsWith("/") ? baseUrl : undefined).protocol);
  } catch {
    return false;
  }
}

/** Why Auth.js would refuse the request's callbackUrl (query parameter or cookie) as a server error, else null. */
export function badCallbackUrl(url: URL, cookies: { get(name: string): { value: string } | undefined }): string | null {
  const param = url.searchParams.get("callbackUrl");
  if (param && !isHttpUrl(param, url.origin)) return "The callbackUrl parameter is not a URL or a path.";
  for (const name of CALLBACK_URL_COOKIES) {
    const value = cookies.get(name)?.value;
    if (value && !isHttpUrl(value, url.origin)) return "The callback-url cookie is not a URL or a path.";
  }
  return null;
}

/**
 * Auth.js's `redirect` callback: a path or a URL on this site is kept, and
 * anything else — another site, or not a URL at all — is the site's root.
 * Auth.js's default does the same but throws on what is not a URL.
 */
export function authRedirect({ url, baseUrl }: { url: string; baseUrl: string }): string {
  if (url.startsWith("/")) return `${baseUrl}${url}`;
  try {
    if (new URL(url).origin === baseUrl) return url;
  } catch {
    // Not a URL: the root, as for another site.
  }
  return baseUrl;
}
