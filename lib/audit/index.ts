export { AUDIT_ACTIONS, recordAudit, type AuditAction, type AuditEntry } from "./record";
export { parseAuditFilters, filtersToSearchParams, describeFilters, EMPTY_FILTERS, SEARCH_MAX, type AuditFilters, type AuditTarget, type FilterProblem, type TimeZoneNames } from "./filters";
export { readAuditFilters, postgresTimeZones } from "./time-zones";
export { encodeCursor, decodeCursor, BAD_CURSOR, type AuditCursor } from "./cursor";
export { listAuditEvents, auditPageRead, AUDIT_PAGE_SIZE, AUDIT_PAGE_SETTINGS, type AuditEventRow, type AuditPage } from "./query";
export { describeAuditEvent, auditActionLabel, auditEventView, type AuditEventView } from "./describe";
export {
  exportAuditEvents,
  exportFileName,
  ExportBusyError,
  EXPORT_FORMATS,
  EXPORT_COLUMNS,
  EXPORT_LIMITS,
  EXPORT_IDLE_TIMEOUT_MS,
  type ExportFormat,
  type ExportOptions,
} from "./export";
