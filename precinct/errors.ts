// The precinct computer's typed failure. `code` is stable (tests and the UI switch on it);
// the message says what happened and what the operator does next.
import { ProtocolError } from '../protocol/bytes';

export class PrecinctError extends ProtocolError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'PrecinctError';
  }
}
