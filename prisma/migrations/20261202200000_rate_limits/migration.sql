-- Rate limits (lib/rate-limit.ts): the counters of rate-limiter-flexible's
-- Postgres store, shared by every process of the app. The library would
-- create this table itself on first use; the app role may not create tables,
-- so it is created here, in exactly the shape the library's queries expect
-- (RateLimiterPostgres: key, points, expire in epoch milliseconds), and the
-- app runs the library with tableCreated: true.
--
-- No tenant_id and no row-level security: a row belongs to no tenant, its key
-- names what it limits ("<limit>:<what>"). Addresses and IP addresses appear
-- in keys only as keyed digests, so the table lists no one.
CREATE TABLE "rate_limits" (
    "key" VARCHAR(255) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("key")
);

-- The library deletes rows that expired over an hour ago, every five
-- minutes per limiter: by range of expire, not a scan of every key an attack
-- left behind.
CREATE INDEX "rate_limits_expire_idx" ON "rate_limits" ("expire");

-- Exactly what the library's statements need: the upsert that consumes and
-- refunds (INSERT … ON CONFLICT (key) DO UPDATE SET points, expire …
-- RETURNING points, expire), the read of a key, and the deletion of expired
-- rows. It calls no function and needs no temporary table.
GRANT SELECT, INSERT, DELETE ON "rate_limits" TO tenantry_app;
GRANT UPDATE ("points", "expire") ON "rate_limits" TO tenantry_app;
