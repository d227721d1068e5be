#!/bin/sh
echo "The Prisma schema engine is not available here: migrations are applied by 'npm run db:migrate'." >&2
exit 1
