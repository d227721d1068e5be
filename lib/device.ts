import Bowser from "bowser";

/** A user agent as a short device description: "Firefox on Linux", "Safari on iPhone". At most 100 characters. */
export function describeDevice(userAgent: string | null | undefined): string | null {
  if (!userAgent) return null;
  const parsed = Bowser.parse(userAgent.slice(0, 512));
  const browser = parsed.browser.name;
  const model = parsed.platform.type === "mobile" || parsed.platform.type === "tablet" ? parsed.platform.model : undefined;
  const where = model && /^(iPhone|iPad)$/.test(model) ? model : parsed.os.name;
  const text = browser && where ? `${browser} on ${where}` : (browser ?? where ?? null);
  return text ? text.slice(0, 100) : null;
}
