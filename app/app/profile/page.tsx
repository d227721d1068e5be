import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { NameForm, SessionsList, TwoFactorSection } from "@/components/profile/profile-forms";
import { Card, PageHeader } from "@/components/ui";
import { WorkspaceShell } from "@/components/workspace-shell";
import { profileRead } from "@/lib/profile";
import { requireUserWith } from "@/lib/tenancy";

export const metadata: Metadata = { title: "Your profile" };

/** The signed-in person's own account (seed 002's "my account"): name, email, sessions, two-factor. */
export default async function ProfilePage() {
  const { context, data } = await requireUserWith(profileRead);
  const profile = await data;
  const content = (
    <>
      <PageHeader title="Your profile" description="How you appear in every workspace you belong to, and how you sign in." />
      <div className="max-w-2xl space-y-6">
        <Section title="Account">
          <dl className="grid gap-3 text-sm sm:grid-cols-[10rem_1fr]">
            <dt className="text-zinc-500">Email</dt>
            <dd className="break-all" data-testid="profile-email">
              {profile.email}
              <span className="block text-xs text-zinc-500">You sign in with this address; it cannot be changed here.</span>
            </dd>
            {profile.platformAdmin ? (
              <>
                <dt className="text-zinc-500">Role</dt>
                <dd data-testid="platform-admin">Platform administrator</dd>
              </>
            ) : null}
          </dl>
          <NameForm name={profile.name ?? ""} />
        </Section>
        <Section title="Two-factor authentication" testId="two-factor">
          <TwoFactorSection state={profile.twoFactor} />
        </Section>
        <Section title="Sessions" testId="sessions">
          <SessionsList
            sessions={profile.sessions.map((s) => ({
              id: s.id,
              device: s.device,
              createdAt: s.createdAt.toISOString(),
              lastSeenAt: s.lastSeenAt.toISOString(),
              current: s.current,
              awaitingSecondFactor: s.awaitingSecondFactor,
            }))}
          />
        </Section>
      </div>
    </>
  );
  if (context) return <WorkspaceShell ctx={context}>{content}</WorkspaceShell>;
  return (
    <main className="mx-auto max-w-2xl space-y-6 px-4 py-12">
      {content}
      <Link href="/app/onboarding" className="inline-block text-sm text-zinc-600 underline">
        Back
      </Link>
    </main>
  );
}

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <Card className="space-y-4 p-5 sm:p-6">
      <h2 className="text-base font-semibold" data-testid={testId ? `${testId}-title` : undefined}>
        {title}
      </h2>
      {children}
    </Card>
  );
}
