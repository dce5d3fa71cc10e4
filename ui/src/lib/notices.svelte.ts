// The app-wide error banner. Showing an error never touches the order.

import { BackendError, toBackendError } from './backend';

export interface Notice {
  id: number;
  code: string;
  message: string;
  /** Extra lines (e.g. seats dropped from the order). */
  details: string[];
}

class Notices {
  current = $state<Notice | null>(null);
  private next = 1;

  error(e: unknown, details: string[] = []): void {
    const err = e instanceof BackendError ? e : toBackendError(e);
    // An engine sentence may come as lines: the first is the message.
    const [first = '', ...rest] = err.message.split('\n');
    this.current = { id: this.next++, code: err.code, message: first, details: [...rest, ...details] };
  }

  message(code: string, message: string, details: string[] = []): void {
    this.current = { id: this.next++, code, message, details };
  }

  /** Add a line to the notice on screen, or show it on its own. */
  detail(code: string, line: string): void {
    if (this.current) this.current = { ...this.current, details: [...this.current.details, line] };
    else this.message(code, line);
  }

  dismiss(): void {
    this.current = null;
  }
}

export const notices = new Notices();
