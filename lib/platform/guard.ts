import "server-only";
import { notFound } from "next/navigation";
import { DomainError } from "@/lib/errors";
import { currentRequest, type Credential, type RequestInfo } from "@/lib/tenancy";

/**
 * For /admin pages: runs `load` with the request's credential (every lib
 * function it calls enters through a function that checks the platform
 * administrator flag in the database) and answers 404 when that refuses —
 * the same page as any address that does not exist.
 */
export async function platformPage<T>(load: (credential: Credential | null, request: RequestInfo) => Promise<T>): Promise<T> {
  const { credential, request } = await currentRequest();
  try {
    return await load(credential, request);
  } catch (error) {
    if (error instanceof DomainError && error.code === "not_found") notFound();
    throw error;
  }
}
