/**
 * The least of a logger that accounting/ and jobs/ need; a pino Logger fits
 * (its methods take an object then a message).
 */
export type LogMethod = (obj: Record<string, unknown>, msg?: string) => void;

export interface MinimalLogger {
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
}
