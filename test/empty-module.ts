// Stands in for `server-only` under Vitest, which runs outside Next's bundler.
export {};
