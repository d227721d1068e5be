"use client";

import { useState } from "react";
import { Button, Input } from "./ui";

/** A read-only link with a Copy button, for an invitation whose email did not go out. */
export function CopyLink({ link }: { link: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="flex gap-2">
      <Input readOnly value={link} aria-label="Invitation link" onFocus={(e) => e.currentTarget.select()} data-testid="invite-link" />
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
