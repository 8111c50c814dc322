import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../src/nlp/index.js';

describe('detectLanguage', () => {
  it.each([
    ['where is my order?', 'en'],
    ['hi', 'en'],
    ['refund plz!!!', 'en'],
    ['我的订单到哪了', 'zh'],
    ['我的iPhone 13屏幕坏了', 'zh'],
    ['退款', 'zh'],
    ['¿Dónde está mi pedido? Gracias', 'other'],
    ['Bonjour, où est ma commande ?', 'other'],
    ['Wo ist meine Bestellung? Danke', 'other'],
    ['注文はどこですか', 'other'],
    ['주문이 어디에 있나요', 'other'],
    ['Где мой заказ?', 'other'],
    ['12345 !!!', 'other'],
  ])('%s -> %s', (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });
});
