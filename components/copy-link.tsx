"use client";

import { useState } from "react";
import { Button, Input } from "./ui";

/** A read-only link with a Copy button, for an email that did not go out (an invitation, a new workspace's sign-in link). */
export function CopyLink({ link, label = "Invitation link" }: { link: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="flex gap-2">
      <Input readOnly value={link} aria-label={label} onFocus={(e) => e.currentTarget.select()} data-testid="invite-link" />
      <Button
        type="button"
        variant="secondary"
        onClick={async () => {
          await navigator.clipboard.writeText(link).catch(() => {});
          setCopied(true);
        }}
      >
        {copied ? "Copied" : "Copy"}
      </Button>
    </div>
  );
}
