import { noSuchEndpoint } from "@/lib/api/route";

// Any path under /api/v1 that no route file serves: a problem+json 404, as
// the API answers everything, rather than the app's HTML page.
export { noSuchEndpoint as GET, noSuchEndpoint as HEAD, noSuchEndpoint as OPTIONS, noSuchEndpoint as POST, noSuchEndpoint as PUT, noSuchEndpoint as PATCH, noSuchEndpoint as DELETE };
