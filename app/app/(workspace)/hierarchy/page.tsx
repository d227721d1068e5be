import type { Metadata } from "next";
import type { ReactNode } from "react";
import { ChildList } from "@/components/hierarchy/child-list";
import {
  CreateChildForm,
  DelegationForm,
} from "@/components/hierarchy/hierarchy-forms";
import { Card, PageHeader } from "@/components/ui";
import { WorkspaceShell } from "@/components/workspace-shell";
import { childrenOf, hierarchyPage } from "@/lib/hierarchy/workspaces";
import { can, requireTenantWith } from "@/lib/tenancy";
import { upgradeAdvice } from "@/lib/billing/limits";

export const metadata: Metadata = { title: "Workspaces under this one" };

function Section({
  title,
  description,
  children,
  testId,
}: {
  title: string;
  description?: ReactNode;
  children: ReactNode;
  testId: string;
}) {
  return (
    <Card className="p-5">
      <section aria-labelledby={`${testId}-title`} data-testid={testId}>
        <h2 id={`${testId}-title`} className="text-sm font-semibold">
          {title}
        </h2>
        {description ? (
          <p className="mt-1 text-sm text-zinc-600">{description}</p>
        ) : null}
        <div className="mt-4">{children}</div>
      </section>
    </Card>
  );
}

const DELEGATION_TEXT: Record<string, string> = {
  admin: "enter it as admins",
  auditor: "enter it as auditors",
  member: "enter it as members",
  none: "cannot enter it",
};

export default async function HierarchyPage() {
  const { ctx, data } = await requireTenantWith(hierarchyPage);
  const manages = can(ctx.role, "tenant.children.manage");
  const children = childrenOf(ctx.memberships, ctx.tenantId);
  // Children not listed: those the session cannot enter (no delegated access) or past the entry's first 100; not those in the trash.
  const hidden = manages
    ? Math.max(0, data.childCount - children.length)
    : 0;
  // As the plan's limit counts them (childrenInUse: the limit's own function).
  const full =
    data.childLimit !== null &&
    data.childrenInUse !== null &&
    data.childrenInUse >= data.childLimit;
  const upgrade = upgradeAdvice(ctx.role);
  return (
    <WorkspaceShell ctx={ctx}>
      <div className="space-y-8">
        <PageHeader
          title="Workspaces"
          description={`Workspaces under ${ctx.tenant.name} (its customers, for a reseller), and what the workspaces above it may do here.`}
        />
        <Section
          title="Child workspaces"
          testId="child-workspaces"
          description={
            manages
              ? `${ctx.tenant.name}'s owners and admins enter any workspace under it as delegates, with the role each one's owners allow.`
              : `Only ${ctx.tenant.name}'s owners and admins see and enter the workspaces under it.`
          }
        >
          {children.length ? (
            <ChildList
              items={children.map((c) => ({
                id: c.tenantId,
                name: c.tenantName,
                role: c.role,
                delegate: Boolean(c.delegatedVia),
                suspended: c.status === "blocked",
              }))}
            />
          ) : hidden === 0 ? (
            <p className="text-sm text-zinc-500">
              {manages ? "None yet." : "—"}
            </p>
          ) : null}
          {hidden > 0 ? (
            <p
              className={children.length ? "mt-2 text-xs text-zinc-500" : "text-sm text-zinc-600"}
              data-testid="children-not-listed"
            >
              {children.length
                ? `${hidden.toLocaleString("en")} more not listed here (their owners allow no delegated access, or beyond the first 100).`
                : `${hidden.toLocaleString("en")} child workspace${hidden === 1 ? "" : "s"}, not listed here: ${hidden === 1 ? "its owners allow" : "their owners allow"} no delegated access.`}
            </p>
          ) : null}
          {manages && data.descendantCount > data.childCount ? (
            <p className="mt-2 text-xs text-zinc-500">
              {data.descendantCount.toLocaleString("en")} workspaces in all
              below this one, at every depth.
            </p>
          ) : null}
        </Section>
        {manages && !ctx.delegation ? (
          <Section
            title="Create a child workspace"
            testId="create-child"
            description={
              data.childLimit === 0 || full
                ? undefined
                : `You become its owner; invite its people from its Members page.${data.childLimit === null ? "" : ` Your plan allows ${data.childLimit.toLocaleString("en")} child workspace${data.childLimit === 1 ? "" : "s"}.`} It starts on the ${data.childPlan} plan, as every new workspace does; only the platform's operators change a workspace's plan.`
            }
          >
            {data.childLimit === 0 ? (
              <p
                className="text-sm text-zinc-600"
                data-testid="children-not-in-plan"
              >
                Your plan does not include child workspaces. To create
                workspaces under {ctx.tenant.name}, {upgrade}.
              </p>
            ) : full && data.childLimit !== null ? (
              <p className="text-sm text-zinc-600" data-testid="children-full">
                {data.childLimit === 1
                  ? "The 1 child workspace your plan allows is in use"
                  : `All ${data.childLimit.toLocaleString("en")} child workspaces your plan allows are in use`}{" "}
                (those in the trash do not count). To create another, delete one
                you no longer need from its General page, or {upgrade}.
              </p>
            ) : (
              <CreateChildForm parentName={ctx.tenant.name} />
            )}
          </Section>
        ) : null}
        {data.hasParent ? (
          <Section
            title="Delegated access"
            testId="delegation"
            description="What the owners and admins of the workspaces above this one get when they enter it."
          >
            {can(ctx.role, "tenant.delegation.manage") ? (
              <DelegationForm current={data.delegateRole ?? "admin"} />
            ) : (
              <p
                className="text-sm text-zinc-600"
                data-testid="delegation-current"
              >
                They {DELEGATION_TEXT[data.delegateRole ?? "admin"]}. Only an
                owner of {ctx.tenant.name} changes this.
              </p>
            )}
          </Section>
        ) : null}
      </div>
    </WorkspaceShell>
  );
}
