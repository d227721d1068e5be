import { cloneElement, isValidElement, type ButtonHTMLAttributes, type ComponentProps, type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes } from "react";

export function cx(...classes: Array<string | false | null | undefined>): string {
  return classes.filter(Boolean).join(" ");
}

type Variant = "primary" | "secondary" | "danger" | "ghost";

/** A button's classes (app/globals.css defines them: short, because tables repeat them on every row). */
export function buttonClass(variant: Variant = "primary", size: "sm" | "md" = "md") {
  return `btn btn-${size} btn-${variant}`;
}

export function Button({
  variant = "primary",
  size = "md",
  className,
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; size?: "sm" | "md"; ref?: Ref<HTMLButtonElement> }) {
  return <button className={cx(buttonClass(variant, size), className)} {...props} />;
}

export function Input({ className, invalid, ...props }: InputHTMLAttributes<HTMLInputElement> & { invalid?: boolean }) {
  return (
    <input
      aria-invalid={invalid || undefined}
      className={cx(
        "h-10 w-full rounded-md border bg-white px-3 text-sm shadow-xs placeholder:text-zinc-400 focus:border-zinc-900 focus:outline-none",
        invalid ? "border-red-500" : "border-zinc-300",
        className,
      )}
      {...props}
    />
  );
}

export function Select({ className, ...props }: SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <select
      className={cx(
        "h-10 rounded-md border border-zinc-300 bg-white px-3 text-sm shadow-xs focus:border-zinc-900 focus:outline-none",
        className,
      )}
      {...props}
    />
  );
}

/** The id of the error a Field shows under its control (`htmlFor`). */
export const fieldErrorId = (htmlFor: string) => `${htmlFor}-error`;

type Described = { id?: string; "aria-describedby"?: string; "aria-invalid"?: unknown };

/**
 * A labelled control with its error, or else its hint, under it. The control
 * it labels — its child whose id is `htmlFor` — is described by the error
 * while there is one (`aria-describedby`, and `aria-invalid`), so that a
 * screen reader on the field reads why it was refused; a control that names
 * its own description keeps it.
 */
export function Field({
  label,
  htmlFor,
  error,
  hint,
  children,
}: {
  label: string;
  htmlFor: string;
  error?: string;
  hint?: ReactNode;
  children: ReactNode;
}) {
  const control =
    error && isValidElement<Described>(children) && children.props.id === htmlFor && !children.props["aria-describedby"]
      ? cloneElement(children, { "aria-describedby": fieldErrorId(htmlFor), "aria-invalid": children.props["aria-invalid"] ?? true })
      : children;
  return (
    <div className="space-y-1.5">
      <label htmlFor={htmlFor} className="block text-sm font-medium text-zinc-800">
        {label}
      </label>
      {control}
      {error ? (
        <p id={fieldErrorId(htmlFor)} className="text-sm text-red-600">
          {error}
        </p>
      ) : hint ? (
        <p className="text-xs text-zinc-500">{hint}</p>
      ) : null}
    </div>
  );
}

export function Card({ className, children }: { className?: string; children: ReactNode }) {
  return <div className={cx("rounded-lg border border-zinc-200 bg-white shadow-xs", className)}>{children}</div>;
}

const ALERTS = {
  error: "border-red-200 bg-red-50 text-red-800",
  success: "border-emerald-200 bg-emerald-50 text-emerald-800",
  info: "border-sky-200 bg-sky-50 text-sky-900",
  warning: "border-amber-200 bg-amber-50 text-amber-900",
};

/** A notice; `props` go to its element (a `ref` and `tabIndex={-1}` for one the focus moves to). */
export function Alert({
  variant = "info",
  children,
  className,
  ...props
}: {
  variant?: keyof typeof ALERTS;
  children: ReactNode;
  className?: string;
} & Omit<ComponentProps<"div">, "role" | "className" | "children">) {
  return (
    <div role={variant === "error" ? "alert" : "status"} {...props} className={cx("rounded-md border px-3 py-2 text-sm", ALERTS[variant], className)}>
      {children}
    </div>
  );
}

const ROLE_BADGES: Record<string, string> = {
  owner: "badge badge-owner",
  admin: "badge badge-admin",
  auditor: "badge badge-auditor",
  member: "badge badge-member",
};

export function RoleBadge({ role }: { role: string }) {
  return <span className={ROLE_BADGES[role] ?? ROLE_BADGES.member}>{role}</span>;
}

export function PageHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        {description ? <p className="mt-1 text-sm text-zinc-600">{description}</p> : null}
      </div>
      {actions}
    </div>
  );
}
