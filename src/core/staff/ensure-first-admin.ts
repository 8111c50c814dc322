import type { PasswordHasher, StaffStore } from '../ports/staff.js';

/**
 * Makes sure one admin exists. With a configured password the admin gets it; otherwise a random
 * one is generated and returned once, for the process entry to print. Safe when several
 * processes start at once (the email is unique).
 */
export async function ensureFirstAdmin(
  deps: { staff: StaffStore; passwords: PasswordHasher; randomPassword: () => string },
  input: { email: string; password?: string },
): Promise<{ created: false } | { created: true; generatedPassword?: string }> {
  if (await deps.staff.anyAdmin()) return { created: false };
  const chosen = input.password ?? deps.randomPassword();
  const created = await deps.staff.create({
    email: input.email,
    name: 'Admin',
    role: 'admin',
    // Admins watch and manage: they get tickets automatically only if given capacity.
    capacity: 0,
    passwordHash: await deps.passwords.hash(chosen),
  });
  if (!created) return { created: false }; // another process created it at the same moment
  return input.password ? { created: true } : { created: true, generatedPassword: chosen };
}
