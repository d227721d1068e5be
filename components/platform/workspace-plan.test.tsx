// The plan panel of the General page: a full seat count tells the viewer
// how to free a seat and whom to ask for more, by their role — plans are set
// by the platform's operators, so "upgrade" alone pointed nowhere.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { WorkspacePlan } from "@/lib/billing/limits";
import { WorkspacePlanSummary } from "./workspace-plan";

const plan = (seatsUsed: number): WorkspacePlan => ({
  id: "team",
  name: "Team",
  seats: 5,
  apiKeys: 3,
  childWorkspaces: 0,
  auditRetentionDays: 90,
  exportAllowed: true,
  seatsUsed,
  apiKeysUsed: 1,
  childWorkspacesUsed: null,
});

const seats = (html: string) => /data-testid="plan-seats"[^>]*>(.*?)<\/dd>/.exec(html)![1]!.replace(/<[^>]+>/g, "").replaceAll("&#x27;", "'");

describe("WorkspacePlanSummary", () => {
  it("tells an owner of a full workspace to ask the platform's operators", () => {
    expect(seats(renderToStaticMarkup(<WorkspacePlanSummary plan={plan(5)} role="owner" />))).toBe(
      "5 of 5 used (members and pending invitations) — full: to invite more, revoke a pending invitation or remove a member, or ask the platform's operators to upgrade the plan",
    );
  });

  it("tells an admin of a full workspace to ask an owner", () => {
    expect(seats(renderToStaticMarkup(<WorkspacePlanSummary plan={plan(6)} role="admin" />))).toMatch(
      /, or ask one of the workspace's owners, who can ask the platform's operators to upgrade the plan$/,
    );
  });

  it("says how many child workspaces are in use when the plan includes none (after a downgrade), as seats over the limit are counted", () => {
    const children = (childWorkspacesUsed: number | null) =>
      /data-testid="plan-child-workspaces"[^>]*>(.*?)<\/dd>/.exec(renderToStaticMarkup(<WorkspacePlanSummary plan={{ ...plan(4), childWorkspacesUsed }} role="owner" />))![1];
    expect(children(1)).toBe("1 in use; your plan includes none");
    expect(children(0)).toBe("Not included");
    expect(children(null)).toBe("Not included");
  });

  it("says nothing of upgrading while seats are free", () => {
    expect(seats(renderToStaticMarkup(<WorkspacePlanSummary plan={plan(4)} role="owner" />))).toBe("4 of 5 used (members and pending invitations)");
  });
});
