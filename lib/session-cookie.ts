// Auth.js's database-session cookie (the __Secure- name over https): the
// token app_enter() verifies. Pure, so middleware.ts can check its presence
// without importing anything that reaches the database.
export const SESSION_COOKIES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;
