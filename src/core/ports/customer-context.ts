import type { CustomerContextView } from '../views/customer-context.js';

/** Reads what the console's customer sidebar shows (src/db/repositories/customer-context-repository.ts). */
export interface CustomerContextReader {
  /** null when the customer does not exist; `excludeTicketId` is left out of the past tickets. */
  forCustomer(customerId: string, excludeTicketId?: string): Promise<CustomerContextView | null>;
  /** Name and email only (filling in a canned response). */
  basics(customerId: string): Promise<{ name?: string; email?: string } | null>;
}
