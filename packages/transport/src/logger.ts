// The logging port of the transport: the subset of pino's API it calls, so the CLI passes a pino
// logger and tests pass a recorder. The transport never writes to the console itself.

/** A structured logger: pino-compatible `(fields, message)` calls. */
export interface TransportLogger {
  /** Logs a routine event (a link came up, a peer reconnected). */
  info(fields: Record<string, unknown>, message: string): void;
  /** Logs a refused or misbehaving remote end. */
  warn(fields: Record<string, unknown>, message: string): void;
  /** Logs a local failure. */
  error(fields: Record<string, unknown>, message: string): void;
}

/** A logger that drops everything. */
export const silentLogger: TransportLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
