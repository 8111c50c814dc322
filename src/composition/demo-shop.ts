import { randomBytes } from 'node:crypto';
import { scryptPasswords } from '../auth/password.js';
import { SHOP_WEBHOOK } from '../core/crm/orders.js';
import { type DemoSeedDeps, seedDemoShop } from '../core/demo/seed-demo-shop.js';
import type { Core } from './core.js';

const MARKER = 'demo-shop';
/** The knowledge base's editor in the audit log. */
const SEEDER = { id: 'demo-shop', role: 'admin' as const };

/** The demo shop's seeding, wired to the core (src/main.ts on a first start; scripts/seed-demo.ts by hand). */
export function bindDemoShop(core: Core) {
  const deps: DemoSeedDeps = {
    marker: {
      get: () => core.crm.settings.get(MARKER),
      claim: () => core.crm.settings.insertOnce(MARKER, 'running'),
      set: (value) => core.crm.settings.set(MARKER, value),
    },
    async isEmpty() {
      const [customers, articles] = await Promise.all([
        core.crm.analytics.customersTotal(),
        core.stores.faq.list({ limit: 1 }),
      ]);
      return customers === 0 && articles.length === 0;
    },
    async faqTitles() {
      const articles = await core.stores.faq.list({ limit: 10_000 });
      return new Set(articles.map((a) => `${a.language}:${a.title}`));
    },
    async createFaq(input) {
      await core.useCases.faq.create(SEEDER, input);
    },
    async recordOrder(order) {
      const { order: stored } = await core.useCases.crm.orders.record(SHOP_WEBHOOK, order);
      return { customerId: stored.customerId };
    },
    async prepareCustomer(customerId, c) {
      await core.crm.customers.update(customerId, {
        set: c.phone ? { phone: c.phone } : {},
        unset: [],
        addTags: c.tags,
        removeTags: [],
        setAttributes: { source: 'demo shop' },
        unsetAttributes: [],
      });
      if (c.consent) {
        const at = new Date();
        await core.crm.customers.setConsent(
          customerId,
          { ...c.consent, at: at.toISOString() },
          c.consent.granted ? undefined : at,
        );
      }
    },
    async createStaff(input) {
      const created = await core.stores.staff.create({
        email: input.email,
        name: input.name,
        role: input.role,
        passwordHash: await scryptPasswords.hash(input.password),
      });
      return created !== null;
    },
    randomPassword: () => randomBytes(12).toString('base64url'),
    production: core.config.env === 'production',
  };
  return { seed: (opts: { onlyIfEmpty: boolean }) => seedDemoShop(deps, opts) };
}
