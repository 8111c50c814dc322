import type { FaqArticleInput } from '../views/faq.js';
import type { ShopOrder } from '../views/order.js';

/**
 * Kettle & Co., the shop of the widget's demo page (widget/public/demo.html): its knowledge base
 * answers the page's suggested questions in English and Chinese, and its customers have orders
 * (10023 is the one to ask about).
 */
export const DEMO_FAQ: FaqArticleInput[] = [
  {
    language: 'en',
    title: 'Shipping destinations',
    variants: [
      'Do you ship to Canada?',
      'Do you ship internationally?',
      'Which countries do you ship to?',
      'Can you deliver to the US?',
      'Do you deliver abroad?',
      'Can I order from outside the EU?',
      'shipping to Canada',
    ],
    answer:
      'Yes! We ship to the EU, the UK, Canada, the United States, Australia and Japan. Standard delivery to Canada takes 5–8 business days and costs €12; it is free for orders over €150.',
    tags: ['shipping'],
  },
  {
    language: 'en',
    title: 'Delivery times and costs',
    variants: [
      'How long does delivery take?',
      'How much is shipping?',
      'When will my parcel arrive?',
      'What are the delivery costs?',
      'Is shipping free?',
    ],
    answer:
      'Orders leave our warehouse within one business day. Delivery takes 1–3 business days in the EU and 5–8 elsewhere. Shipping is free in the EU over €50, otherwise €4.90.',
    tags: ['shipping'],
  },
  {
    language: 'en',
    title: 'Returns and refunds',
    variants: [
      'How do I return an item?',
      'Can I get a refund?',
      'What is your return policy?',
      'How long do I have to return something?',
      'I want to send it back',
    ],
    answer:
      'You can return anything within 30 days of delivery for a full refund. Start a return from your account page; we email a prepaid label, and refunds reach your card within 5 business days of us receiving the item.',
    tags: ['returns'],
  },
  {
    language: 'en',
    title: 'Warranty',
    variants: [
      'What warranty do your products have?',
      'Is my kettle under warranty?',
      'How long is the guarantee?',
    ],
    answer:
      'Every kettle, blender and toaster has a 2-year warranty. If something stops working, write to us here with your order number and a photo and we will repair or replace it.',
    tags: ['warranty'],
  },
  {
    language: 'en',
    title: 'Payment methods',
    variants: ['Which payment methods do you accept?', 'Can I pay with PayPal?', 'Do you take credit cards?'],
    answer: 'We accept Visa, Mastercard, American Express, PayPal, Apple Pay and Google Pay.',
    tags: ['payment'],
  },
  {
    language: 'en',
    title: 'Changing the delivery address',
    variants: [
      'Can I change the delivery address?',
      'I entered the wrong address',
      'How do I update my shipping address?',
    ],
    answer:
      'If your order has not shipped yet, change the address under Orders in your account, or tell us here with your order number and the new address.',
    tags: ['shipping', 'orders'],
  },
  {
    language: 'en',
    title: 'Resetting your password',
    variants: ['How do I reset my password?', 'I forgot my password', 'I cannot log in to my account'],
    answer:
      'Click "Forgot password" on the sign-in page and follow the link we email you (it works for one hour).',
    tags: ['account'],
  },
  {
    language: 'zh',
    title: '配送范围',
    variants: [
      '你们发货到加拿大吗？',
      '可以寄到国外吗？',
      '你们配送哪些国家？',
      '能寄到美国吗？',
      '支持国际配送吗？',
    ],
    answer:
      '可以！我们配送到欧盟、英国、加拿大、美国、澳大利亚和日本。寄往加拿大的标准配送需要 5–8 个工作日，运费 12 欧元；订单满 150 欧元免运费。',
    tags: ['shipping'],
  },
  {
    language: 'zh',
    title: '配送时间和运费',
    variants: ['配送需要多长时间？', '运费是多少？', '我的包裹什么时候到？', '包邮吗？'],
    answer:
      '订单会在一个工作日内发出。欧盟境内 1–3 个工作日送达，其他地区 5–8 个工作日。欧盟境内订单满 50 欧元包邮，否则运费 4.90 欧元。',
    tags: ['shipping'],
  },
  {
    language: 'zh',
    title: '退货和退款',
    variants: ['怎么退货？', '可以退款吗？', '你们的退货政策是什么？', '多少天内可以退货？'],
    answer:
      '收货后 30 天内可全额退款退货。请在账户页面发起退货，我们会发送预付运单；收到商品后 5 个工作日内退款到账。',
    tags: ['returns'],
  },
  {
    language: 'zh',
    title: '保修',
    variants: ['你们的产品保修多久？', '水壶在保修期内吗？', '有质保吗？'],
    answer:
      '所有水壶、搅拌机和烤面包机均享受两年保修。如有故障，请在这里留言并附上订单号和照片，我们会为您维修或更换。',
    tags: ['warranty'],
  },
  {
    language: 'zh',
    title: '支付方式',
    variants: ['支持哪些支付方式？', '可以用支付宝吗？', '能用信用卡付款吗？'],
    answer: '我们支持 Visa、万事达、美国运通、PayPal、Apple Pay、Google Pay 和支付宝。',
    tags: ['payment'],
  },
];

export interface DemoCustomer {
  /** The shop's customer id = the site's user id (a verified widget visitor's token names it). */
  siteUserId: string;
  name: string;
  email: string;
  phone?: string;
  tags: string[];
  consent?: { granted: boolean; source: string };
}

export const DEMO_CUSTOMERS: DemoCustomer[] = [
  {
    siteUserId: 'demo-alice',
    name: 'Alice Martin',
    email: 'alice@example.com',
    phone: '+33 6 12 34 56 78',
    tags: ['vip'],
    consent: { granted: true, source: 'checkout form' },
  },
  {
    siteUserId: 'demo-wei',
    name: '张伟',
    email: 'wei.zhang@example.com',
    phone: '+86 138 0013 8000',
    tags: [],
    consent: { granted: false, source: 'checkout form' },
  },
  { siteUserId: 'demo-bob', name: 'Bob Ng', email: 'bob@example.com', tags: ['wholesale'] },
];

const daysAgo = (n: number, now: Date) => new Date(now.getTime() - n * 86_400_000).toISOString();

/** Each order's steps, oldest first, as the shop would have reported them. */
export function demoOrders(now: Date): ShopOrder[][] {
  const kettle = { sku: 'KET-AURORA', name: 'Aurora glass kettle', quantity: 1, unitPrice: 49 };
  const blender = { sku: 'BLE-V900', name: 'Vortex 900 blender', quantity: 1, unitPrice: 89 };
  const toaster = { sku: 'TOA-CRISP2', name: 'Crisp 2-slice toaster', quantity: 1, unitPrice: 35 };
  const order = (
    id: string,
    customer: DemoCustomer,
    items: (typeof kettle)[],
    steps: [ShopOrder['status'], number][],
    extra: Partial<ShopOrder> = {},
  ): ShopOrder[] => {
    const total = items.reduce((s, i) => s + i.unitPrice * i.quantity, 0);
    const placedAt = daysAgo(steps[0]?.[1] ?? 0, now);
    return steps.map(([status, ago]) => ({
      id,
      customer: { id: customer.siteUserId, email: customer.email, name: customer.name },
      status,
      currency: 'EUR',
      total,
      items,
      placedAt,
      statusAt: daysAgo(ago, now),
      ...(status === 'shipped' || status === 'delivered' ? extra : {}),
    }));
  };
  const [alice, wei, bob] = DEMO_CUSTOMERS as [DemoCustomer, DemoCustomer, DemoCustomer];
  return [
    order(
      '10019',
      alice,
      [toaster],
      [
        ['created', 60],
        ['paid', 60],
        ['shipped', 59],
        ['delivered', 57],
      ],
      {
        carrier: 'DHL',
        trackingNumber: 'JD014600003828541231',
      },
    ),
    order(
      '10023',
      alice,
      [kettle, blender],
      [
        ['created', 4],
        ['paid', 4],
        ['shipped', 2],
      ],
      {
        carrier: 'DHL',
        trackingNumber: 'JD014600006281740912',
      },
    ),
    order(
      '10027',
      bob,
      [blender],
      [
        ['created', 9],
        ['cancelled', 8],
      ],
    ),
    order(
      '10031',
      wei,
      [kettle],
      [
        ['created', 1],
        ['paid', 1],
      ],
    ),
  ];
}

export const DEMO_STAFF = [
  { email: 'agent@parley.local', name: 'Avery Agent', role: 'agent' as const },
  { email: 'supervisor@parley.local', name: 'Sam Supervisor', role: 'supervisor' as const },
];
