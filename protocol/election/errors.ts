// Typed failures of election definitions. Every one is a ProtocolError with a stable code:
//   election-not-json       the input text is not JSON (builder only)
//   election-too-large      more bytes than LIMITS.maxEncodedBytes (or the builder's text limit)
//   election-malformed      not a well-formed encoding / envelope (bad CBOR, wrong structure)
//   election-version        a format version this code does not know
//   election-invalid        well-formed but breaks the rules; `issues` lists every one
//   election-unknown-key    signed by a key the device was not provisioned with
//   election-bad-signature  the signature does not verify (tampered bytes, wrong key)
import { ProtocolError } from '../bytes';

/** One broken rule: where (a field path such as `contests[1].options[3].surname.kk`) and which rule. */
export interface ValidationIssue {
  path: string;
  /** Stable, machine-readable rule name: empty, too-long, duplicate-id, ... (docs/election-definition.md). */
  rule: string;
  /** Human detail: what was expected, or what it clashes with. */
  detail?: string;
}

export function formatIssue(issue: ValidationIssue): string {
  return `${issue.path === '' ? '(root)' : issue.path}: ${issue.rule}${issue.detail ? ` (${issue.detail})` : ''}`;
}

export type ElectionErrorCode =
  | 'election-not-json'
  | 'election-too-large'
  | 'election-malformed'
  | 'election-version'
  | 'election-invalid'
  | 'election-unknown-key'
  | 'election-bad-signature';

export class ElectionError extends ProtocolError {
  declare readonly code: ElectionErrorCode;
  constructor(code: ElectionErrorCode, message: string) {
    super(code, message);
    this.name = 'ElectionError';
  }
}

/** A definition that breaks rules; carries all the issues found, not only the first. */
export class ElectionInvalidError extends ElectionError {
  readonly issues: readonly ValidationIssue[];
  constructor(issues: readonly ValidationIssue[]) {
    const shown = issues.slice(0, 5).map(formatIssue).join('; ');
    super('election-invalid', `${issues.length} problem${issues.length === 1 ? '' : 's'}: ${shown}${issues.length > 5 ? '; …' : ''}`);
    this.name = 'ElectionInvalidError';
    this.issues = issues;
  }
}
