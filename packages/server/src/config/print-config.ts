// Every command prints its full configuration first (STYLE §5.7), with secrets redacted.
import { type Endpoint, formatEndpoint } from '@kvraft/transport';

/** Renders a config object as one `key=value` line, redacting any field named like a secret. */
export function describeConfig(command: string, config: object): string {
  const parts = Object.entries(config).map(([key, value]) => `${key}=${render(key, value)}`);
  return `kvraft ${command}: ${parts.join(' ')}`;
}

/** The same config as a JSON-ready object (for log lines), secrets redacted. */
export function redactConfig(config: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => {
      const plain = typeof value === 'number' || typeof value === 'boolean';
      return [key, plain && !isSecret(key) ? value : render(key, value)];
    }),
  );
}

function render(key: string, value: unknown): string {
  if (isSecret(key) && value !== undefined) return '<redacted>';
  if (value instanceof Map) {
    return [...value].map(([id, e]) => `${id}=${render('', e)}`).join(',');
  }
  if (typeof value === 'object' && value !== null && 'port' in value && 'host' in value) {
    return formatEndpoint(value as Endpoint);
  }
  return String(value);
}

function isSecret(key: string): boolean {
  return /secret|^tls/i.test(key);
}
