import "server-only";

export * from "./email-transport";
