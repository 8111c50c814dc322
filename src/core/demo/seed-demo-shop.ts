import type { FaqArticleInput } from '../views/faq.js';
import type { ShopOrder } from '../views/order.js';
import type { Role } from '../views/staff.js';
import { DEMO_CUSTOMERS, DEMO_FAQ, DEMO_STAFF, demoOrders } from './demo-shop-data.js';

export interface DemoSeedDeps {
  /** A marker set once (unique): 'running' while seeding, 'done' after. */
  marker: {
    get(): Promise<string | null>;
    claim(): Promise<boolean>;
    set(value: 'done'): Promise<void>;
  };
  /** True when nobody has used this database yet (no customers, no knowledge base). */
  isEmpty(): Promise<boolean>;
  faqTitles(): Promise<Set<string>>;
  createFaq(input: FaqArticleInput): Promise<void>;
  recordOrder(order: ShopOrder): Promise<{ customerId: string }>;
  prepareCustomer(customerId: string, c: (typeof DEMO_CUSTOMERS)[number]): Promise<void>;
  /** Creates a staff account; false when the email is taken already. */
  createStaff(input: { email: string; name: string; role: Role; password: string }): Promise<boolean>;
  randomPassword(): string;
  now?: () => Date;
  /** A production deployment: the demo shop (known staff accounts, fake orders) is refused. */
  production: boolean;
}

export type DemoSeedResult =
  | { seeded: false; reason: string }
  | {
      seeded: true;
      staff: { email: string; role: Role; password: string }[];
      orders: number;
      articles: number;
    };

/**
 * Fills a database with the demo shop: the knowledge base, customers with orders (10023 among
 * them) and an agent and a supervisor. On first start only when the database is empty
 * (`onlyIfEmpty`); by hand (npm run seed:demo) whenever it was not seeded yet. Each step is
 * idempotent (orders on the shop's id, articles by title, staff by email), so a seeding cut
 * short is finished by running it again by hand.
 */
export async function seedDemoShop(
  deps: DemoSeedDeps,
  opts: { onlyIfEmpty: boolean },
): Promise<DemoSeedResult> {
  // Checked here too, not only by its callers: demo staff and orders never reach a real shop.
  if (deps.production) return { seeded: false, reason: 'never in production (NODE_ENV=production)' };
  const state = await deps.marker.get();
  if (state === 'done') return { seeded: false, reason: 'the demo shop is there already' };
  if (opts.onlyIfEmpty) {
    if (state === 'running') return { seeded: false, reason: 'another process is seeding it' };
    if (!(await deps.isEmpty())) return { seeded: false, reason: 'the database is not empty' };
    if (!(await deps.marker.claim())) return { seeded: false, reason: 'another process is seeding it' };
  } else {
    await deps.marker.claim();
  }

  const titles = await deps.faqTitles();
  let articles = 0;
  for (const article of DEMO_FAQ) {
    if (titles.has(`${article.language}:${article.title}`)) continue;
    await deps.createFaq(article);
    articles++;
  }
  const now = deps.now?.() ?? new Date();
  const prepared = new Set<string>();
  let orders = 0;
  for (const steps of demoOrders(now)) {
    for (const step of steps) {
      const { customerId } = await deps.recordOrder(step);
      const demo = DEMO_CUSTOMERS.find((c) => c.siteUserId === step.customer.id);
      if (demo && !prepared.has(demo.siteUserId)) {
        prepared.add(demo.siteUserId);
        await deps.prepareCustomer(customerId, demo);
      }
    }
    orders++;
  }
  const staff: { email: string; role: Role; password: string }[] = [];
  for (const s of DEMO_STAFF) {
    const password = deps.randomPassword();
    if (await deps.createStaff({ ...s, password })) staff.push({ email: s.email, role: s.role, password });
  }
  await deps.marker.set('done');
  return { seeded: true, staff, orders, articles };
}
